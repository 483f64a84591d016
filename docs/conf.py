"""Sphinx configuration for the sklearn-lstmae documentation.

Build (from this folder, warnings are errors)::

    python -m sphinx -W --keep-going -b html . _build/html
"""

import sys
from pathlib import Path

import sklearn_lstmae

sys.path.insert(0, str(Path(__file__).parent / "_ext"))  # keras_network, gallery_order

project = "sklearn-lstmae"
author = "sklearn-lstmae developers"
copyright = "sklearn-lstmae developers"
version = sklearn_lstmae.__version__
release = version

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "sphinx_design",
    "keras_network",  # docs/_ext: the composite network's picture and summary
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
# generated/ is written by autosummary and read as part of the build: it is not excluded.
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# -- API pages ---------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"  # the numpydoc "Parameters" sections say the types
numpydoc_show_class_members = False  # the class template lists the methods itself
numpydoc_class_members_toctree = False
toc_object_entries_show_parents = "hide"  # "On this page": fit, not Class.fit

# -- Examples gallery --------------------------------------------------------
# sphinx-gallery runs examples/plot_*.py at build time (each with its figures and printed
# output); the other scripts in examples/ take minutes or write files, so they are shown as
# code only, and each says so in its header.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "gallery_order.ExamplesFirst",  # docs/_ext
    "min_reported_time": 5,
    "show_memory": False,
    "reference_url": {"sklearn_lstmae": None},  # link names in the code to the API pages
    "capture_repr": ("_repr_html_",),
}

# -- Markdown pages (docs/architecture.md, docs/engine.md) -------------------
myst_heading_anchors = 3
# engine.md links to ../benchmarks/README.md, a file outside this source folder, so myst
# cannot resolve it to a page and warns "Unknown source document" (myst.xref_missing); it
# renders as plain text. The pages read well on GitHub as they are, so rather than edit
# them, silence that one warning type (it is the only cross-document link they make).
suppress_warnings = ["myst.xref_missing"]

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-lstmae {version}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
# Pages without sub-pages: no empty "Section Navigation" column.
html_sidebars = {
    page: []
    for page in (
        "index",
        "getting_started",
        "benchmarks",
        "design",
        "changelog",
        "architecture",
        "engine",
    )
}
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}


# -- Which members the class pages show ---------------------------------------
# Members inherited from scikit-learn's metadata-routing and set_output machinery
# (get_metadata_routing, set_<method>_request, set_output) and from
# distributed.WorkerPlugin carry docstrings that cross-reference those projects' own
# documentation (glossary terms, user-guide labels), which cannot resolve here
# (no intersphinx: the build runs offline). Leave them out; keep the sklearn.base
# methods (get_params, set_params, fit_transform, fit_predict, get_feature_names_out),
# whose docstrings build cleanly, and everything defined in sklearn_lstmae.
_DOCUMENTED_FOREIGN_MODULES = ("sklearn.base",)


def _skip_foreign_member(app, what, name, obj, skip, options):
    # `what` is "class" when autodoc documents a class's members, and the member's own
    # type ("method", "property", ...) when autosummary fills the template's lists.
    target = getattr(obj, "fget", obj)  # a property: look at its getter
    module = getattr(target, "__module__", None)
    if not isinstance(module, str):  # plain class attributes (strings, flags): keep
        return None
    if module.startswith("sklearn_lstmae") or module in _DOCUMENTED_FOREIGN_MODULES:
        return None
    return True


def setup(app):
    """Connect the member filter (Sphinx calls this for conf.py)."""
    # autosummary emits this event too, so the methods tables follow the same rule.
    app.connect("autodoc-skip-member", _skip_foreign_member)
