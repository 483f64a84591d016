"""The library's own file format: a registry of savable classes and the archive that uses it."""
