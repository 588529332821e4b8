"""Writing a run's results in formats other tools read."""
