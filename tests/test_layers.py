"""The package's layers: no module imports from a layer above its own.

From the bottom: argument checks and paths; the maths, data, tracing, training and quiz
storage; the pure figures; the widgets (views and the quiz widgets); the package's front door
(`widgets/__init__.py`) and the commands beside it (the class report, the learner's copy, the
site), which import from any layer. A module may import from its own layer or any layer below.
"""

import ast
from pathlib import Path

import pytest

import widgets

PACKAGE = Path(widgets.__file__).parent
LAYERS = (  # (layer, module name prefixes), bottom first; the first matching prefix wins
    ("base", ("widgets.arguments", "widgets.paths")),
    ("compute", ("widgets.reference", "widgets.bptt", "widgets.compare", "widgets.training",
                 "widgets.models", "widgets.initialization", "widgets.jacobians",
                 "widgets.experiments", "widgets.char_lm", "widgets.char_training",
                 "widgets.char_features", "widgets.tracing", "widgets.data",
                 "widgets.quizzes.bank", "widgets.quizzes.grading", "widgets.quizzes.store",
                 "widgets.quizzes.class_data")),
    ("figures", ("widgets.figures",)),
    ("views", ("widgets.views", "widgets.quizzes.widget", "widgets.quizzes.progress",
               "widgets.quizzes")),
    ("apps", ("widgets.class_report", "widgets.workspace", "widgets.site")),
    ("package", ("widgets",)),
)
RANK = {name: rank for rank, (name, _) in enumerate(LAYERS)}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> str:
    for layer, prefixes in LAYERS:
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return layer
    raise AssertionError(f"{name} belongs to no layer: add it to LAYERS in {__file__}")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import of the package inside ``path``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import of the package in ``source``, a module
    of ``package``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            if base == "widgets" or base.startswith("widgets."):
                targets = [f"{base}.{a.name}" for a in node.names]
                found += [(node.lineno, t if _is_module(t) else base) for t in targets]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("widgets")]
    return found


def _is_module(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").is_file() or (PACKAGE / relative).is_dir()


MODULES = sorted(PACKAGE.rglob("*.py"))


def upward_imports(importer: str, imports: list[tuple[int, str]]) -> list[str]:
    own = RANK[layer_of(importer)]
    return [f"line {line}: {target} ({layer_of(target)})"
            for line, target in imports if RANK[layer_of(target)] > own]


@pytest.mark.parametrize("path", MODULES, ids=[module_name(p) for p in MODULES])
def test_no_module_imports_from_a_layer_above(path):
    importer = module_name(path)
    upward = upward_imports(importer, imported_modules(path))
    assert not upward, f"{importer} ({layer_of(importer)}) imports from above: {upward}"


@pytest.mark.parametrize(("source", "expected"), [
    ("from ..views.controls import StepControls", ["line 1: widgets.views.controls (views)"]),
    ("from ..views import static", ["line 1: widgets.views.static (views)"]),
    ("import widgets.quizzes.widget", ["line 1: widgets.quizzes.widget (views)"]),
    ("from .colours import DIVERGING\nfrom ..tracing.trace_data import Trace", []),
])
def test_an_upward_import_is_seen(source, expected):
    """A figure module (widgets.figures.x) importing a view is reported; same or lower is not."""
    assert upward_imports("widgets.figures.x", imports_in(source, "widgets.figures")) == expected


def test_every_subpackage_has_a_layer_and_a_docstring():
    for init in PACKAGE.rglob("__init__.py"):
        layer_of(module_name(init))
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), init
