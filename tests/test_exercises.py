"""Every lesson's exercises: untouched stubs say "not attempted yet" without failing the run,
the reference solutions pass every check, and a wrong solution fails with a useful message."""

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
def test_wrong_solutions_fail_with_a_useful_message(notebook, solutions, wrong):
    texts = check_texts(run(exercise_notebook(notebook, function_sources(wrong)),
                            notebook.parent))
    failing = [text for text in texts if text.startswith("✗")]
    assert failing, texts
    assert all("mismatch" in text or "error" in text for text in failing), failing
    assert all(len(text) > 40 for text in failing), failing


def test_every_exercise_has_solutions_and_a_wrong_version():
    for notebook, solutions, wrong in CASES:
        cells = nbformat.read(notebook, as_version=4).cells
        names = {name for cell in cells if "exercise" in tags(cell)
                 for name in defined_functions(cell.source)}
        assert names, f"{notebook.name} has no exercise function"
        assert names <= set(function_sources(solutions)), (notebook.name, "solutions")
        assert names <= set(function_sources(wrong)), (notebook.name, "wrong solutions")
