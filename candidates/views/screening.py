"""screening views of the intake workspace."""
