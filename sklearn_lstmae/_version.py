"""The package's version (a leaf: importing it imports nothing)."""

__version__ = "0.1.0"
