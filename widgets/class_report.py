"""The teacher's class report: what a class learnt, from the learners' quiz progress files.

    python -m widgets.class_report FILES_OR_DIRS --out DIR [--hash-names]

Reads every progress file given (a folder is searched for ``*.json`` files, recursively) with
`widgets.quizzes.store.parse_progress`, which never writes, and writes DIR/class_report.html: per
lesson the first-try scores of the pre- and post-quiz (with the number of learners), each
question's first-try rate and its most chosen wrong first answer, and the learners who have
not started a lesson. A learner is named by their file's path below the argument it came from
(or a hash of it with ``--hash-names``). Corrupt, partial and foreign files are listed in the
report; what cannot be read is skipped. The same files give a byte-identical report.
How a teacher collects the files: docs/teaching.md.

Lessons: 00.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .figures.class_report import report_html
from .quizzes.class_data import read_class

REPORT_NAME = "class_report.html"


def write_report(arguments: list[str | Path], out: str | Path, hash_names: bool = False) -> Path:
    """Read the files, write DIR/class_report.html and return its path."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / REPORT_NAME
    target.write_text(report_html(read_class(arguments, hash_names)), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """The command line; returns the exit code (2 when no file was found at all)."""
    parser = argparse.ArgumentParser(prog="python -m widgets.class_report",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="progress files or folders holding them")
    parser.add_argument("--out", required=True, help="folder to write class_report.html into")
    parser.add_argument("--hash-names", action="store_true",
                        help="name learners by a hash of their file's path")
    args = parser.parse_args(argv)
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        parser.error(f"not found: {', '.join(missing)}")
    target = write_report(args.paths, args.out, args.hash_names)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
