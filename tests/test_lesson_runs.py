"""Every lesson, run twice on fresh kernels from a read-only copy of the repository: the two runs
print the same numbers (after removing timings), nothing is written inside the copy (a
classroom may serve the course read-only from JupyterHub), and every figure the lesson shows
keeps the colour policy (figure_policy.py). The first run, exported to HTML with nbconvert,
shows every widget's static form (static_pages.check_exported), and is saved for the course
site's build (conftest.executed_lessons), so the suite executes each lesson for the site no
second time."""

from __future__ import annotations

import copy
import os
import re
import shutil
import stat
from pathlib import Path

import nbformat
import pytest

from widgets.site.build import run_notebook

from static_pages import WIDGET_VIEW, check_exported

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
COPIED = ("lessons", "widgets", "data", "pyproject.toml")
TIMING = re.compile(r"\d+(?:\.\d+)?\s?(?:s|ms|seconds)\b")
FIGURE_CHECK = """\
from ipywidgets.widgets.widget import _instances
from plotly.basewidget import BaseFigureWidget

from figure_policy import figure_problems

figures = [w for w in list(_instances.values()) if isinstance(w, BaseFigureWidget)]
problems = [p for figure in figures for p in figure_problems(figure.to_plotly_json())]
print(f"figures checked: {len(figures)}; colour-policy problems: {problems}")"""
APPENDED_CELLS = 2          # `run` appends FIGURE_CHECK and the import check


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file below ``folder``: relative path -> (size, modification time in ns).

    Python's own bytecode caches (__pycache__) are left out: Python skips them silently in a
    folder it cannot write, but a root user (as in CI) can write anywhere."""
    return {str(path.relative_to(folder)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts}


@pytest.fixture(scope="module")
def read_only_copy(tmp_path_factory):
    """The lessons, the package and the data copied, then made read-only; the kernels import
    `widgets` from the copy (PYTHONPATH), so its data and quiz banks are read from there."""
    copy = tmp_path_factory.mktemp("read-only-course")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, copy / name)
    for path in [copy, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield copy
    for path in [copy, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


def printed(notebook) -> list[str]:
    """What the learner reads in each cell's outputs: streams, text and Markdown/HTML results
    joined (a stream may arrive in pieces), timings replaced by a placeholder; widget views
    (their ids change between runs) are left out."""
    texts = []
    for cell in notebook.cells:
        parts = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                continue
            parts.append(output.get("text") or data.get("text/markdown")
                         or data.get("text/html") or data.get("text/plain", ""))
        if parts:
            texts.append(TIMING.sub("<time>", "".join(parts)))
    return texts


def run(path: Path, python_path: Path):
    """Execute the lesson on a fresh kernel whose `widgets` comes from ``python_path``."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(FIGURE_CHECK))
    notebook.cells.append(nbformat.v4.new_code_cell(
        "import widgets\nprint('widgets imported from', widgets.__file__)"))
    guard_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(python_path), str(ROOT / "tests"), guard_path]))
    try:
        run_notebook(notebook, path.parent)
    finally:
        os.environ["PYTHONPATH"] = guard_path or ""
    return notebook


def save_executed(notebook, folder: Path, name: str) -> None:
    """The executed lesson without the cells `run` appended, for the course site's build."""
    saved = copy.deepcopy(notebook)
    saved.cells = saved.cells[:-APPENDED_CELLS]
    nbformat.write(saved, folder / name)


@pytest.mark.slow
@pytest.mark.parametrize("lesson", [path.name for path in LESSONS])
def test_lesson_is_deterministic_writes_nothing_and_reads_statically(read_only_copy, lesson,
                                                                     executed_lessons):
    before = snapshot(read_only_copy)
    path = read_only_copy / "lessons" / lesson
    first_notebook = run(path, read_only_copy)
    save_executed(first_notebook, executed_lessons, lesson)
    first, second = printed(first_notebook), printed(run(path, read_only_copy))
    assert first[-1].startswith(f"widgets imported from {read_only_copy}"), first[-1]
    check_exported(first_notebook)
    figures = re.fullmatch(r"figures checked: (\d+); colour-policy problems: \[\]\n", first[-2])
    assert figures and int(figures[1]) > 0, first[-2]
    assert first == second
    assert snapshot(read_only_copy) == before
