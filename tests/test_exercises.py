"""Every lesson's exercises: untouched stubs say "not attempted yet" without failing the run,
the reference solutions pass every check, and a wrong solution fails with a useful message."""

import ast
from pathlib import Path

import nbformat
import pytest

from lesson_runner import (
    check_texts,
    defined_functions,
    exercise_notebook,
    function_sources,
    run,
    tags,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def cases():
    """(notebook, solutions file, wrong-solutions file) for every notebook with exercises."""
    found = [(FIXTURES / "exercise_demo.ipynb", FIXTURES / "solutions" / "exercise_demo.py",
              FIXTURES / "wrong" / "exercise_demo.py")]
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        if '"exercise"' in path.read_text(encoding="utf-8"):
            found.append((path, ROOT / "lessons" / "solutions" / f"{path.stem}.py",
                          ROOT / "tests" / "wrong_solutions" / f"{path.stem}.py"))
    return found


CASES = cases()
IDS = [case[0].stem for case in CASES]


@pytest.mark.parametrize("notebook, solutions, wrong", CASES, ids=IDS)
def test_stubs_report_not_attempted(notebook, solutions, wrong):
    texts = check_texts(run(exercise_notebook(notebook, None), notebook.parent))
    assert texts and all("not attempted yet" in text for text in texts), texts


@pytest.mark.parametrize("notebook, solutions, wrong", CASES, ids=IDS)
def test_reference_solutions_pass_every_check(notebook, solutions, wrong):
    texts = check_texts(run(exercise_notebook(notebook, function_sources(solutions)),
                            notebook.parent))
    assert texts and all(text.startswith("✓") and "✗" not in text for text in texts), texts


@pytest.mark.parametrize("notebook, solutions, wrong", CASES, ids=IDS)
def test_wrong_solutions_fail_every_check_with_a_useful_message(notebook, solutions, wrong):
    """EVERY check cell reports a mismatch for the wrong solutions: a check made lax (or
    comparing the wrong thing) lets its wrong solution through and fails this test."""
    texts = check_texts(run(exercise_notebook(notebook, function_sources(wrong)),
                            notebook.parent))
    assert texts, notebook.name
    for number, text in enumerate(texts, start=1):
        where = f"{notebook.name}, check cell {number} of {len(texts)}, with {wrong.name}"
        assert text.startswith("✗ mismatch"), f"{where}: {text!r}"
        assert len(text) > 40, f"{where}: {text!r}"


MAX_TOLERANCE = 1e-6
TOLERANCE_POSITIONS = {"check_exercise": (4, 5), "compare": (4, 5)}  # atol, rtol


def check_tolerances(source: str) -> list[tuple[str, str, float | None]]:
    """(argument, source text, value or None when not a literal number) of every atol/rtol
    given in a check cell: as a keyword of any call, or by position to check_exercise or
    compare; a ``**kwargs`` could hide one, so it counts as an unknown tolerance."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        given = [(kw.arg or "**", kw.value) for kw in node.keywords
                 if kw.arg in ("atol", "rtol", None)]
        name = getattr(node.func, "attr", getattr(node.func, "id", ""))
        given += [(arg, node.args[index]) for arg, index
                  in zip(("atol", "rtol"), TOLERANCE_POSITIONS.get(name, ()), strict=False)
                  if len(node.args) > index]
        for arg, value in given:
            try:
                number = ast.literal_eval(value)
            except ValueError:
                number = None
            number = float(number) if isinstance(number, int | float) else None
            found.append((arg, ast.unparse(value), number))
    return found


def lax_tolerances(source: str) -> list[str]:
    return [f"{arg}={text}" for arg, text, value in check_tolerances(source)
            if value is None or not 0 <= value <= MAX_TOLERANCE]


def test_the_tolerance_scan_finds_lax_and_hidden_tolerances():
    assert lax_tolerances("check_exercise(f, g, cases, name='h', atol=1e-8)") == []
    assert lax_tolerances("w.check_exercise(f, g, c, atol=1e-14, rtol=1e-8)") == []
    assert lax_tolerances("w.check_exercise(f, g, c, name='hs', atol=10)") == ["atol=10"]
    assert lax_tolerances("compare(a, b, 'h', None, 1e-3)") == ["atol=0.001"]
    assert lax_tolerances("w.check_exercise(f, g, c, 'h', 0.0, 0.01)") == ["rtol=0.01"]
    assert lax_tolerances("np.allclose(a, b, rtol=1e-2)") == ["rtol=0.01"]
    assert lax_tolerances("check_exercise(f, g, c, atol=tol)") == ["atol=tol"]
    assert lax_tolerances("check_exercise(f, g, c, **loose)") == ["**=loose"]


@pytest.mark.parametrize("notebook, solutions, wrong", CASES, ids=IDS)
def test_check_cells_use_tight_tolerances(notebook, solutions, wrong):
    """Every check cell keeps the package's defaults (atol=1e-8, rtol=0) or a tolerance of
    at most 1e-6, written as a number: a lax check would accept a wrong answer."""
    checks = [cell.source for cell in nbformat.read(notebook, as_version=4).cells
              if cell.cell_type == "code" and "check" in tags(cell)]
    assert checks, notebook.name
    for number, source in enumerate(checks, start=1):
        assert not lax_tolerances(source), (notebook.name, number, lax_tolerances(source))


def test_every_exercise_has_solutions_and_a_wrong_version():
    for notebook, solutions, wrong in CASES:
        cells = nbformat.read(notebook, as_version=4).cells
        names = {name for cell in cells if "exercise" in tags(cell)
                 for name in defined_functions(cell.source)}
        assert names, f"{notebook.name} has no exercise function"
        assert names <= set(function_sources(solutions)), (notebook.name, "solutions")
        assert names <= set(function_sources(wrong)), (notebook.name, "wrong solutions")
