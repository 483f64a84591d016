"""The package's import graph follows docs/architecture.md: layers, no cycle, no upward edge."""

import ast
import pathlib

import pytest

import sklearn_lstmae

PACKAGE = pathlib.Path(sklearn_lstmae.__file__).parent
# Layer of each module (by the start of its dotted name, longest match first); see the map.
LAYERS = {
    "sklearn_lstmae._engine": 0,
    "sklearn_lstmae._utils": 1,
    "sklearn_lstmae._version": 1,
    "sklearn_lstmae._persistence": 2,
    "sklearn_lstmae._autoencoder": 3,
    "sklearn_lstmae._transformer": 4,
    "sklearn_lstmae._calibration_sample": 4,
    "sklearn_lstmae._outlier": 4,
    "sklearn_lstmae._window_codes": 4,
    "sklearn_lstmae._series_stream": 4,
    "sklearn_lstmae._series": 4,
    "sklearn_lstmae.plotting": 5,
    "sklearn_lstmae.dask": 5,
    "sklearn_lstmae.onnx": 5,
    "sklearn_lstmae._onnx": 5,
    "sklearn_lstmae": 5,
}
ESTIMATOR_MODULES = {
    "sklearn_lstmae._transformer",
    "sklearn_lstmae._outlier",
    "sklearn_lstmae._window_codes",
    "sklearn_lstmae._series",
}


def _modules():
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ("sklearn_lstmae", *path.relative_to(PACKAGE).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _import_graph():
    """Each module's imports of the package's modules, imports inside functions included."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        imported = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    imported.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
        graph[name] = {m for m in imported if m in modules and m != name}
    return graph


def _layer(module):
    prefix = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[prefix]


def _reachable(graph, start):
    seen, stack = set(), [start]
    while stack:
        for module in graph[stack.pop()] - seen:
            seen.add(module)
            stack.append(module)
    return seen


GRAPH = _import_graph()


def test_the_import_graph_has_no_cycle():
    cycles = sorted(m for m in GRAPH if m in _reachable(GRAPH, m))
    assert cycles == []


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_from_a_layer_above_its_own(module):
    upward = sorted(m for m in GRAPH[module] if _layer(m) > _layer(module))
    assert upward == [], f"{module} (layer {_layer(module)}) imports {upward}"


def test_the_engine_reaches_nothing_outside_it():
    for module in GRAPH:
        if module.startswith("sklearn_lstmae._engine"):
            outside = {
                m for m in _reachable(GRAPH, module) if not m.startswith("sklearn_lstmae._engine")
            }
            assert outside == set(), module


def test_the_file_format_imports_no_estimator():
    for module in GRAPH:
        if module.startswith("sklearn_lstmae._persistence"):
            assert _reachable(GRAPH, module) & ESTIMATOR_MODULES == set(), module


def test_the_checker_sees_an_upward_edge():
    graph = {
        "sklearn_lstmae._utils.a": {"sklearn_lstmae._outlier"},
        "sklearn_lstmae._outlier": set(),
    }
    upward = [
        m for m in graph["sklearn_lstmae._utils.a"] if _layer(m) > _layer("sklearn_lstmae._utils.a")
    ]
    assert upward == ["sklearn_lstmae._outlier"]
    assert "sklearn_lstmae._utils.a" not in _reachable(graph, "sklearn_lstmae._utils.a")
