"""The learner's own copy of the lessons, updated without losing their answers.

    python -m widgets.workspace [FOLDER]          # default: ~/rnn-course

The course folder (a git checkout, perhaps read-only on a class server) is never written: the
lessons are opened from FOLDER, which is the learner's. The first run copies ``lessons/*.ipynb``
and ``lessons/solutions/`` there; every later run brings the course's changes in. Lessons find
their data and quizzes through the installed ``widgets`` package, so the copy needs nothing else.

How an update merges: FOLDER/.course-base/ keeps the course's version of each file as of the
last run. A file the learner did not change is replaced by the new version. A notebook the
learner changed is merged cell by cell (cells are matched by their ``id``): a cell whose source
the learner changed keeps the learner's version (an answer is never lost); every other cell takes
the course's new version; cells the learner added stay after the cell they followed; cells the
course removed go unless the learner edited them. Any other file the learner changed is kept
and the course's version is written beside it as ``NAME.course-new``. A cell both sides changed
is reported. Outputs of cells the learner ran stay while their source is unchanged. A file the
course removed stays in the copy (it is the learner's now).

Lessons: none.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

COURSE_ROOT = Path(__file__).resolve().parent.parent
"""The course checkout. Found from this file, not from `widgets.paths`: the hub's spawn command
runs this file as a plain script, before the learner's server, where no package import works."""
BASE_DIR = ".course-base"


def course_files(course: Path) -> list[str]:
    """The files a learner copies, relative to ``course``: lessons/*.ipynb and
    lessons/solutions/* (sorted)."""
    lessons = course / "lessons"
    found = [*lessons.glob("*.ipynb"), *(lessons / "solutions").glob("*")]
    return sorted(str(p.relative_to(course)) for p in found if p.is_file())


def sync(folder: str | os.PathLike, course: str | os.PathLike = COURSE_ROOT) -> dict[str, list]:
    """Make or update the learner's copy in ``folder`` from ``course``. Returns what happened:
    {"copied", "updated", "merged", "kept", "conflicts"} (lists of relative paths; conflicts
    as "path: cell id")."""
    folder, course = Path(folder).expanduser().resolve(), Path(course).resolve()
    if folder == course or folder.is_relative_to(course):
        raise ValueError(f"`folder` must be outside the course {course}, got {folder}")
    report: dict[str, list] = {k: [] for k in ("copied", "updated", "merged", "kept",
                                               "conflicts")}
    for name in course_files(course):
        new = (course / name).read_bytes()
        _sync_file(folder, name, new, report)
        _write(folder / BASE_DIR / name, new)
    return report


def _sync_file(folder: Path, name: str, new: bytes, report: dict[str, list]) -> None:
    """Bring one course file ``name`` (content ``new``) into ``folder``."""
    mine_path, base_path = folder / name, folder / BASE_DIR / name
    if not mine_path.exists():
        _write(mine_path, new)
        report["copied"].append(name)
        return
    mine = mine_path.read_bytes()
    base = base_path.read_bytes() if base_path.exists() else None
    if mine == new or base == new:
        return
    if mine == base:
        _write(mine_path, new)
        report["updated"].append(name)
    elif name.endswith(".ipynb") and base is not None:
        merged, conflicts = merge_notebooks(_json(base), _json(mine), _json(new))
        _write(mine_path, (json.dumps(merged, indent=1, ensure_ascii=False) + "\n").encode())
        report["merged"].append(name)
        report["conflicts"].extend(f"{name}: {cell}" for cell in conflicts)
    else:
        _write(mine_path.with_name(mine_path.name + ".course-new"), new)
        report["kept"].append(name)


def merge_notebooks(base: dict, mine: dict, new: dict) -> tuple[dict, list[str]]:
    """Three-way merge of notebooks by cell id: ``base`` the course's old version, ``mine`` the
    learner's, ``new`` the course's new one. Returns (merged notebook, ids of cells both sides
    changed, where the learner's version was kept)."""
    base_cells = {c.get("id"): c for c in base["cells"]}
    mine_cells = {c.get("id"): c for c in mine["cells"]}
    merged, conflicts = [], []
    for cell in new["cells"]:
        key = cell.get("id")
        old, own = base_cells.get(key), mine_cells.get(key)
        if own is None:
            if old is None:  # new in the course
                merged.append(cell)
            continue  # the learner deleted it: it stays deleted
        own_edit = old is None or _text(own) != _text(old)
        if own_edit and old is not None and _text(cell) != _text(old):
            conflicts.append(str(key))
        merged.append(own if own_edit or _text(cell) == _text(own) else cell)
    edited_gone = [c for k, c in mine_cells.items() if k in base_cells
                   and _text(c) != _text(base_cells[k]) and k not in _ids(new)]
    added = [c for k, c in mine_cells.items() if k not in base_cells and k not in _ids(new)]
    merged = _insert_after(merged, added + edited_gone, mine["cells"])
    return {**new, "cells": merged}, conflicts


def _insert_after(cells: list[dict], extra: list[dict], order: list[dict]) -> list[dict]:
    """Put each ``extra`` cell after the cell it followed in ``order`` (or first)."""
    result = list(cells)
    for cell in extra:
        at = 0
        for before in reversed(order[:order.index(cell)]):
            ids = [c.get("id") for c in result]
            if before.get("id") in ids:
                at = ids.index(before.get("id")) + 1
                break
        result.insert(at, cell)
    return result


def _ids(notebook: dict) -> set:
    return {c.get("id") for c in notebook["cells"]}


def _text(cell: dict) -> tuple[str, str]:
    source = cell.get("source", "")
    return cell.get("cell_type", ""), "".join(source) if isinstance(source, list) else source


def _json(raw: bytes) -> dict[str, Any]:
    return json.loads(raw.decode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file beside it, then os.replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    """The command line: sync, print a short report; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m widgets.workspace", description=(
        "Copy the course's lessons to your own folder, or bring the course's updates into it "
        "without losing your answers."))
    parser.add_argument("folder", nargs="?", default="~/rnn-course",
                        help="your copy of the lessons (default: ~/rnn-course)")
    parser.add_argument("--course", default=str(COURSE_ROOT),
                        help=f"the course checkout (default: {COURSE_ROOT})")
    parser.add_argument("--quiet", action="store_true", help="print only conflicts")
    args = parser.parse_args(argv)
    report = sync(args.folder, args.course)
    for kind, names in report.items():
        if names and (not args.quiet or kind == "conflicts"):
            print(f"{kind}: {', '.join(names)}")
    if not args.quiet:
        print(f"Open the lessons from {Path(args.folder).expanduser()}/lessons")
    return 0


if __name__ == "__main__":
    sys.exit(main())
