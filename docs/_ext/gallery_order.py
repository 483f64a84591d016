"""The gallery's order: examples run at build time first, then scripts shown as code.

``plot_*.py`` come first, then the other scripts; by file name within each group.
"""

from sphinx_gallery.sorting import FileNameSortKey


class ExamplesFirst(FileNameSortKey):
    """Sort key: ``plot_*.py`` before the other scripts, then by file name."""

    def __call__(self, filename):
        """Return ``(0 for plot_*.py else 1, filename)``."""
        return (0 if str(filename).startswith("plot_") else 1, str(filename))
