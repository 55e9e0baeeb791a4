"""Run a lesson's exercises with the reference solutions, or with deliberately wrong ones.

Cells are found by their tags (see CONTRIBUTING.md):
- "setup": imports and data the checks need (run in every mode);
- "exercise": the learner's function stubs (replaced by a solution when one is given);
- "check": the cells that compare the learner's functions with the reference.
Solutions live in lessons/solutions/NN_topic.py; wrong solutions (test fixtures) in
tests/wrong_solutions/NN_topic.py. Each defines the exercise functions under the same names.
"""

import ast
from pathlib import Path

import nbformat

from widgets.site.build import run_notebook

TAGS = ("setup", "exercise", "check")


def function_sources(path: Path) -> dict[str, str]:
    """Top-level function (and import) sources of a Python file, by function name."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    imports = "\n".join(ast.get_source_segment(text, node) for node in tree.body
                        if isinstance(node, ast.Import | ast.ImportFrom))
    return {node.name: (imports + "\n\n\n" + ast.get_source_segment(text, node)).strip()
            for node in tree.body if isinstance(node, ast.FunctionDef)}


def defined_functions(source: str) -> list[str]:
    return [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def exercise_notebook(path: Path, solutions: dict[str, str] | None):
    """The lesson reduced to its setup, exercise and check cells; exercise cells replaced by
    ``solutions`` (function name -> source) when given."""
    notebook = nbformat.read(path, as_version=4)
    cells = [cell for cell in notebook.cells if cell.cell_type == "code" and tags(cell) & set(TAGS)]
    for cell in cells:
        if "exercise" in tags(cell) and solutions is not None:
            names = defined_functions(cell.source)
            missing = [name for name in names if name not in solutions]
            assert not missing, f"{path.name}: no solution for {missing}"
            cell.source = "\n\n\n".join(solutions[name] for name in names)
    notebook.cells = cells
    return notebook


def run(notebook, cwd: Path, timeout: int = 300):
    """Execute on a fresh kernel (no widget state stored); return the executed notebook."""
    return run_notebook(notebook, cwd, timeout)


def check_texts(notebook) -> list[str]:
    """The text output of every check cell, in order."""
    texts = []
    for cell in notebook.cells:
        if "check" in tags(cell):
            parts = []
            for output in cell.get("outputs", []):
                parts.append(output.get("text", ""))
                parts.append(output.get("data", {}).get("text/plain", ""))
            texts.append("".join(parts))
    return texts
