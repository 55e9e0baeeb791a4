"""The learner's own copy of the lessons: made from a course git repository,
edited and saved by the learner, updated after a new course commit without losing the answer,
the course's files left clean."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from widgets import workspace

REPO = Path(__file__).resolve().parent.parent
LESSON = "lessons/00_start_here.ipynb"
ANSWER = "def one_hot(ids, vocab_size):\n    return np.eye(vocab_size)[ids]  # my answer"


def git(folder: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@localhost",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@localhost"}
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True,
                          text=True, env=env).stdout


@pytest.fixture
def course(tmp_path):
    """A course git repository holding lesson 00 and its solution."""
    root = tmp_path / "course"
    (root / "lessons" / "solutions").mkdir(parents=True)
    shutil.copy(REPO / LESSON, root / LESSON)
    shutil.copy(REPO / "lessons/solutions/00_start_here.py", root / "lessons/solutions")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "course v1")
    return root


def exercise_index(notebook) -> int:
    return next(i for i, c in enumerate(notebook.cells)
                if c.cell_type == "code" and "raise NotImplementedError" in c.source)


def learner_edits_and_saves(path: Path) -> None:
    """What a learner does in JupyterLab: answer the exercise, run it, save."""
    notebook = nbformat.read(path, as_version=4)
    cell = notebook.cells[exercise_index(notebook)]
    cell.source = ANSWER
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    cell.execution_count = 3
    nbformat.write(notebook, path)


def course_update(root: Path) -> str:
    """A new course commit: new text in the first cell, a new cell, a new lesson."""
    notebook = nbformat.read(root / LESSON, as_version=4)
    notebook.cells[0].source += "\n\nNew in this version of the course."
    notebook.cells.insert(2, nbformat.v4.new_markdown_cell("A brand-new hint.", id="new-hint"))
    nbformat.write(notebook, root / LESSON)
    (root / "lessons" / "09_new.ipynb").write_text(
        json.dumps(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 09",
                                                                                   id="n9")])))
    git(root, "add", ".")
    git(root, "commit", "-qm", "course v2")
    return notebook.cells[0].source


def test_the_answer_survives_a_course_update_and_the_new_text_arrives(course, tmp_path):
    mine = tmp_path / "mine"
    first = workspace.sync(mine, course)
    assert first["copied"] == [LESSON, "lessons/solutions/00_start_here.py"]
    learner_edits_and_saves(mine / LESSON)
    new_text = course_update(course)
    report = workspace.sync(mine, course)
    assert report["merged"] == [LESSON] and report["copied"] == ["lessons/09_new.ipynb"]
    assert report["conflicts"] == []
    merged = nbformat.read(mine / LESSON, as_version=4)
    nbformat.validate(merged)
    answer = merged.cells[exercise_index(nbformat.read(course / LESSON, as_version=4))]
    assert answer.source == ANSWER and answer.outputs[0]["text"] == "ran\n"
    assert merged.cells[0].source == new_text and merged.cells[2].source == "A brand-new hint."
    assert git(course, "status", "--porcelain") == ""  # the course's own files stay clean
    assert workspace.sync(mine, course) == {k: [] for k in report}  # nothing more to do


def test_a_read_only_course_copies_and_the_learners_copy_can_be_saved(course, tmp_path):
    for path in [course, *course.rglob("*")]:
        if ".git" not in path.parts:
            path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        workspace.sync(tmp_path / "mine", course)
        learner_edits_and_saves(tmp_path / "mine" / LESSON)
        saved = nbformat.read(tmp_path / "mine" / LESSON, as_version=4)
        assert saved.cells[exercise_index(nbformat.read(course / LESSON, as_version=4))
                           ].source == ANSWER
    finally:
        for path in [course, *course.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_cell_both_sides_changed_keeps_the_learners_version_and_is_reported(course, tmp_path):
    mine = tmp_path / "mine"
    workspace.sync(mine, course)
    learner_edits_and_saves(mine / LESSON)
    notebook = nbformat.read(course / LESSON, as_version=4)
    index = exercise_index(notebook)
    notebook.cells[index].source += "\n# a changed starting point"
    nbformat.write(notebook, course / LESSON)
    report = workspace.sync(mine, course)
    assert report["conflicts"] == [f"{LESSON}: {notebook.cells[index].id}"]
    assert nbformat.read(mine / LESSON, as_version=4).cells[index].source == ANSWER


def test_cells_the_learner_added_stay_and_cells_they_deleted_stay_deleted(course, tmp_path):
    mine = tmp_path / "mine"
    workspace.sync(mine, course)
    notebook = nbformat.read(mine / LESSON, as_version=4)
    after, gone = notebook.cells[3].id, notebook.cells[5].id
    notebook.cells.insert(4, nbformat.v4.new_code_cell("my_notes = 1", id="my-notes"))
    del notebook.cells[6]
    nbformat.write(notebook, mine / LESSON)
    course_update(course)
    workspace.sync(mine, course)
    ids = [c.id for c in nbformat.read(mine / LESSON, as_version=4).cells]
    assert ids[ids.index(after) + 1] == "my-notes" and gone not in ids


def test_an_edited_solution_file_is_kept_and_the_new_one_put_beside_it(course, tmp_path):
    mine = tmp_path / "mine"
    workspace.sync(mine, course)
    solution = mine / "lessons/solutions/00_start_here.py"
    solution.write_text("# my own notes\n")
    (course / "lessons/solutions/00_start_here.py").write_text("# course v2\n")
    report = workspace.sync(mine, course)
    assert report["kept"] == ["lessons/solutions/00_start_here.py"]
    assert solution.read_text() == "# my own notes\n"
    assert (mine / "lessons/solutions/00_start_here.py.course-new").read_text() == "# course v2\n"


def test_the_copy_must_be_outside_the_course(course):
    with pytest.raises(ValueError, match="`folder` must be outside the course"):
        workspace.sync(course / "lessons" / "copy", course)


def test_the_command_line_copies_the_installed_course(tmp_path, capsys):
    assert workspace.main([str(tmp_path / "mine")]) == 0
    names = sorted(p.name for p in (tmp_path / "mine" / "lessons").glob("*.ipynb"))
    assert names == sorted(p.name for p in (REPO / "lessons").glob("*.ipynb")) and names
    assert "Open the lessons from" in capsys.readouterr().out


def test_nbgitpuller_also_keeps_the_answer_and_brings_the_new_text(course, tmp_path):
    """The hub's alternative (docs/teaching.md): nbgitpuller's own puller, as its git-pull
    link runs it, on the same edit and course update (a line merge preferring the learner)."""
    from nbgitpuller.pull import GitPuller

    branch = git(course, "rev-parse", "--abbrev-ref", "HEAD").strip()
    mine = tmp_path / "pulled"

    def pull() -> None:
        for _line in GitPuller(str(course), str(mine), branch=branch).pull():
            pass

    pull()
    learner_edits_and_saves(mine / LESSON)
    new_text = course_update(course)
    pull()
    merged = nbformat.read(mine / LESSON, as_version=4)
    nbformat.validate(merged)
    sources = [c.source for c in merged.cells]
    assert ANSWER in sources and new_text in sources and "A brand-new hint." in sources
    assert (mine / "lessons" / "09_new.ipynb").exists()
    assert git(course, "status", "--porcelain") == ""
