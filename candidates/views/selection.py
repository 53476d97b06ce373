"""selection views of the intake workspace."""
