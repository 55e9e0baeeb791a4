"""No exercise's answer is on screen before its check.

For every exercise cell (tag `exercise`) of every lesson, the code lines of the reference
solution (lessons/solutions/NN_topic.py: the bodies of the functions the exercise asks for,
without docstrings, comments, blank lines, bare `return` lines and lines shorter than
MIN_LENGTH characters) must not appear in any code cell above the exercise. Lines are compared
with all whitespace and trailing comments removed, so re-indenting a copied line does not hide
it. Printing the package's version of the function above the exercise
(`inspect.getsource(widgets.rnn_step)`) shows every line of it, so that counts too. The
package's version may be shown after the check.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import nbformat
import pytest

from lesson_runner import defined_functions, tags

ROOT = Path(__file__).resolve().parent.parent
MIN_LENGTH = 15
TRIVIAL = re.compile(r"return[\s\w,()]*")  # `return h`, `return h_t, c_t`: names only
GETSOURCE = re.compile(r"getsource\(\s*[\w.]*?(\w+)\s*\)")  # getsource(widgets.rnn_step)


def normal(line: str) -> str:
    """``line`` without its trailing comment and without any whitespace."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line).readline))
        comment = next((t for t in tokens if t.type == tokenize.COMMENT), None)
        if comment is not None:
            line = line[:comment.start[1]]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        line = re.sub(r"\s#.*$", "", line)  # an unfinished bracket: cut at " #"
    return re.sub(r"\s+", "", line)


def solution_lines(source: str, names: set[str]) -> dict[str, list[str]]:
    """Function name -> the telling code lines of its body (see the module docstring)."""
    tree = ast.parse(source)
    lines = source.splitlines()
    found = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name not in names:
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]  # the docstring
        if not body:
            continue
        kept = []
        for raw in lines[body[0].lineno - 1:node.end_lineno]:
            text = normal(raw)
            if len(text) < MIN_LENGTH or TRIVIAL.fullmatch(text):
                continue
            kept.append(text)
        found[node.name] = kept
    return found


def shown_above(cells, index: int) -> dict[str, int]:
    """Every normalised code line of the code cells above cell ``index`` -> its cell index."""
    seen = {}
    for k, cell in enumerate(cells[:index]):
        if cell.cell_type == "code":
            for raw in cell.source.splitlines():
                seen.setdefault(normal(raw), k)
    return seen


def exercise_leaks(notebook_path: Path, solutions_path: Path) -> list[str]:
    """One line per solution line shown above its exercise: lesson, cell, function, the line."""
    cells = nbformat.read(notebook_path, as_version=4).cells
    source = solutions_path.read_text(encoding="utf-8")
    leaks = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or "exercise" not in tags(cell):
            continue
        names = set(defined_functions(cell.source))
        above = shown_above(cells, index)
        for k, above_cell in enumerate(cells[:index]):
            printed = set(GETSOURCE.findall(above_cell.source)) & names
            leaks += [f"{notebook_path.name}: cell {k} (above the exercise in cell {index}) "
                      f"prints the source of the package's `{name}`" for name in sorted(printed)
                      if above_cell.cell_type == "code"]
        for name, lines in solution_lines(source, names).items():
            leaks += [f"{notebook_path.name}: cell {above[line]} (above the exercise in cell "
                      f"{index}) shows the solution's line of `{name}`: {line}"
                      for line in lines if line in above]
    return leaks


LESSONS = sorted(path for path in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")
                 if '"exercise"' in path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("notebook", LESSONS, ids=[path.stem for path in LESSONS])
def test_no_solution_line_is_shown_above_its_exercise(notebook):
    solutions = ROOT / "lessons" / "solutions" / f"{notebook.stem}.py"
    assert solutions.is_file(), f"no reference solutions for {notebook.name}"
    leaks = exercise_leaks(notebook, solutions)
    assert leaks == [], "the answer is on screen before the exercise:\n" + "\n".join(leaks)


def test_the_rule_finds_a_copied_line_and_ignores_trivial_ones(tmp_path):
    solution = tmp_path / "solution.py"
    solution.write_text('def step(x, w):\n    """Doc string that is long enough."""\n'
                        "    # a comment that is long enough\n"
                        "    h = np.tanh(w @ x + 1.0)  # the answer\n    return h\n",
                        encoding="utf-8")
    copied = nbformat.v4.new_code_cell("h  =  np.tanh(w@x + 1.0)   # shown too early")
    trivial = nbformat.v4.new_code_cell("return h\n# a comment that is long enough")
    exercise = nbformat.v4.new_code_cell("def step(x, w):\n    raise NotImplementedError",
                                         metadata={"tags": ["exercise"]})
    after = nbformat.v4.new_code_cell("h = np.tanh(w @ x + 1.0)")
    printed = nbformat.v4.new_code_cell("print(inspect.getsource(widgets.step))")
    for cells, expected in [([copied, exercise, after], 1), ([trivial, exercise, after], 0),
                            ([printed, exercise], 1), ([exercise, printed], 0)]:
        notebook = nbformat.v4.new_notebook(cells=cells)
        path = tmp_path / "99_demo.ipynb"
        nbformat.write(notebook, path)
        assert len(exercise_leaks(path, solution)) == expected
