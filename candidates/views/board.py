"""board views of the intake workspace."""
