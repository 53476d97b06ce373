"""imports views of the intake workspace."""
