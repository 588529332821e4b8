"""The package version, in a module of its own so any part can name it without importing the API."""

__version__ = "0.2.0"
