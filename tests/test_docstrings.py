"""Docstrings that cannot drift: every module of the package ends its docstring with the lessons
that explain it, in one format, and no definition names a lesson (so a lesson renumbered or
moved is fixed in one line per module). No file points at a document or issue the repository
does not hold."""

import ast
import re
import subprocess
from pathlib import Path

import pytest

import widgets

PACKAGE = Path(widgets.__file__).parent
ROOT = PACKAGE.parent
LESSON_LINE = re.compile(r"^Lessons: (none|\d\d(?:, \d\d)*)\.$")
LESSON_MENTION = re.compile(r"\b[Ll]essons? \d\d")
MODULES = sorted(PACKAGE.rglob("*.py"))


def lesson_numbers() -> set[str]:
    return {p.name[:2] for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")}


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_module_docstring_ends_with_its_lessons(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc, f"{path} has no module docstring"
    last = doc.strip().splitlines()[-1]
    match = LESSON_LINE.match(last)
    assert match, f"{path}: the docstring must end with 'Lessons: NN, NN.' or 'Lessons: none.'"
    if match.group(1) != "none":
        numbers = match.group(1).split(", ")
        assert numbers == sorted(set(numbers)), f"{path}: lessons sorted, each once"
        missing = set(numbers) - lesson_numbers()
        assert not missing, f"{path} names lessons that do not exist: {sorted(missing)}"


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(ROOT)) for p in MODULES])
def test_no_definition_names_a_lesson(path):
    named = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            doc = ast.get_docstring(node) or ""
            named += [f"{node.name}: {m.group(0)!r}" for m in LESSON_MENTION.finditer(doc)]
    assert not named, f"{path}: the module docstring's last line names the lessons: {named}"


def test_the_format_is_checked():
    assert LESSON_LINE.match("Lessons: 02, 05.") and LESSON_LINE.match("Lessons: none.")
    for bad in ("Lessons: 2, 5.", "Lessons: 02 and 05.", "Lesson: 02.", "Lessons: 02-05."):
        assert not LESSON_LINE.match(bad), bad
    assert LESSON_MENTION.search("One step (lesson 02).")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    suffixes = {".py", ".md", ".ipynb", ".toml", ".json", ".yml", ".cfg", ".txt", ""}
    return [ROOT / n for n in names if Path(n).suffix in suffixes and (ROOT / n).is_file()
            and not n.startswith("data/stdlib/")]  # a copy of Python's source, not the course's


ISSUE = re.compile(r"\b[Ii]ssue\s*#?\d+|\bGH-\d+")
DOCUMENT = re.compile(r"\b([A-Z][A-Z_]+\.md)\b")


def test_no_file_points_at_what_the_repository_does_not_hold():
    held = {p.name for p in tracked_text_files()}
    problems = []
    for path in tracked_text_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        problems += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in ISSUE.finditer(text)]
        problems += [f"{path.relative_to(ROOT)}: {m.group(1)}" for m in DOCUMENT.finditer(text)
                     if m.group(1) not in held]
    assert not problems, problems
