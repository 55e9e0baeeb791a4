"""The learner's quiz progress store: one local JSON file, outside the repository (lesson
00_start_here explains it; `widgets.quizzes.progress` shows its summary in lesson 08).

Location: the ``path`` argument, else ``$RNN_COURSE_DATA_DIR/quiz_progress.json``, else
``platformdirs.user_data_dir("rnn-course")/quiz_progress.json``. Every write re-reads the file,
changes one question's record and replaces the file atomically (temp file in the same folder,
flush + fsync, ``os.replace``), then refreshes a ``.bak`` copy. A corrupt file is moved aside to
``<name>.corrupt-<timestamp>`` with a `ProgressWarning`; readable lessons (or the backup) are kept.

Layout: {"version": 1, "lessons": {lesson: {"pre"|"post": {"total": n, "updated": iso time,
"questions": {id: {"answer", "correct", "first_correct", "first_answer", "attempts"}}}}}}.
``first_answer`` (the answer given at the first check) was added later: files without it load
as before, and a question first checked before it existed never gets one.

Lessons: 00, 08.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import platformdirs

from ..arguments import expect_choice, expect_int, expect_type
from ..paths import REPO_ROOT
from .bank import LESSONS, QUIZZES

ENV_VAR = "RNN_COURSE_DATA_DIR"
FILE_NAME = "quiz_progress.json"


class ProgressWarning(UserWarning):
    """The progress file was corrupt, unreadable or could not be written."""


def progress_path(path: str | os.PathLike | None = None) -> Path:
    """The progress file: ``path``, else $RNN_COURSE_DATA_DIR/quiz_progress.json, else the
    user's data directory. Refuses a place inside the course repository."""
    if path is not None:
        expect_type("path", path, (str, os.PathLike), "a file path")
        if not str(path).strip():
            raise ValueError("`path` must be a file path, got an empty string")
        name, resolved = "path", Path(path)
    elif os.environ.get(ENV_VAR):
        name, resolved = f"${ENV_VAR}", Path(os.environ[ENV_VAR]) / FILE_NAME
    else:
        name, resolved = "path", Path(platformdirs.user_data_dir("rnn-course")) / FILE_NAME
    resolved = resolved.expanduser().resolve()
    if resolved.is_relative_to(REPO_ROOT):
        raise ValueError(f"`{name}` must be outside the course repository {REPO_ROOT} (the "
                         f"course writes nothing there), got {resolved}")
    return resolved


def load_progress(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """All records (layout in the module docstring); never raises for a corrupt or unreadable
    file: it warns and returns what could be kept."""
    target = progress_path(path)
    try:
        return _load(target)
    except OSError as exc:
        warnings.warn(f"could not read quiz progress {target}: {exc}", ProgressWarning,
                      stacklevel=2)
        return _empty()


def record_answer(lesson: str, quiz: str, question_id: str, answer: str | list[str],
                  correct: bool, total: int, path: str | os.PathLike | None = None
                  ) -> dict[str, Any]:
    """Save one checked answer and return the updated record of that quiz.

    The first check of a question fixes ``first_correct`` and ``first_answer``; later checks
    update ``answer``, ``correct`` and ``attempts``. Other lessons' records are re-read and kept."""
    for name, value in (("lesson", lesson), ("question_id", question_id)):
        expect_type(name, value, str, "a string")
    expect_choice("quiz", quiz, QUIZZES)
    expect_type("correct", correct, bool, "True or False")
    total = expect_int("total", total, 1)
    target = progress_path(path)
    data = _load(target)
    record = data["lessons"].setdefault(lesson, {}).setdefault(quiz, {"questions": {}})
    old = record["questions"].get(question_id)
    record["questions"][question_id] = {
        "answer": answer, "correct": correct, "attempts": 1 if old is None else old["attempts"] + 1,
        "first_correct": correct if old is None else old["first_correct"]}
    first = answer if old is None else old.get("first_answer")
    if first is not None:
        record["questions"][question_id]["first_answer"] = first
    record.update(total=total, updated=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    _save(target, data)
    return record


def quiz_score(record: dict[str, Any] | None) -> dict[str, int] | None:
    """{"first_try", "correct", "answered", "total"} of one quiz record (None stays None)."""
    if record is None:
        return None
    answers = record["questions"].values()
    return {"first_try": sum(a["first_correct"] for a in answers),
            "correct": sum(a["correct"] for a in answers), "answered": len(answers),
            "total": record["total"]}


def progress_summary(path: str | os.PathLike | None = None) -> list[dict[str, Any]]:
    """One row per lesson (the course's lessons, then any other recorded): {"lesson", "pre",
    "post"}, each a `quiz_score` dict or None when that quiz was never checked."""
    lessons = load_progress(path)["lessons"]
    names = list(LESSONS) + sorted(set(lessons) - set(LESSONS))
    return [{"lesson": name, **{q: quiz_score(lessons.get(name, {}).get(q)) for q in QUIZZES}}
            for name in names]


def answer_text(question: dict[str, Any], response: Any) -> str | list[str]:
    """What to store for a response: option texts (not indices) or the typed text."""
    if question["type"] == "numeric":
        return str(response).strip()
    indices = response if isinstance(response, list | tuple) else [response]
    return [question["answers"][i].get("answer", "") for i in indices]


def _empty() -> dict[str, Any]:
    return {"version": 1, "lessons": {}}


def _load(target: Path) -> dict[str, Any]:
    """Read the file; on corruption move it aside, keep its valid records (missing ones from
    the backup), save the result and warn. OSError propagates."""
    if not target.exists():
        return _empty()
    raw = target.read_bytes()
    try:
        main, dropped = parse_progress(raw)
        if not dropped:
            return main
        problem = f"unreadable records {', '.join(dropped)}"
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        main, problem = _empty(), f"not valid progress data ({exc})"
    data = _from_backup(target)
    for lesson, quizzes in main["lessons"].items():
        data["lessons"].setdefault(lesson, {}).update(quizzes)
    aside = target.with_name(f"{target.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}"
                             f"-{time.time_ns() % 10**9:09d}")
    os.replace(target, aside)
    kept = ", ".join(sorted(data["lessons"])) or "nothing"
    warnings.warn(f"quiz progress {target} was corrupt: {problem}; moved it to {aside.name}; "
                  f"kept: {kept}", ProgressWarning, stacklevel=3)
    with contextlib.suppress(OSError):
        _save(target, data)
    return data


def parse_progress(raw: bytes) -> tuple[dict[str, Any], list[str]]:
    """Read a progress file's bytes without touching any file (the class report uses it).
    Returns (the valid records in the layout above, names "lesson/quiz" of dropped records);
    raises ValueError (UnicodeDecodeError and JSONDecodeError are ValueErrors) when the bytes
    are not progress data at all."""
    return _clean(json.loads(raw.decode("utf-8")))


def _clean(data: Any) -> tuple[dict[str, Any], list[str]]:
    """Valid records of ``data`` and the names of dropped ones; ValueError if no layout."""
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
        raise ValueError("expected an object with a `lessons` object")
    clean, dropped = _empty(), []
    for lesson, quizzes in data["lessons"].items():
        for quiz, record in (quizzes.items() if isinstance(quizzes, dict) else [("?", None)]):
            if quiz in QUIZZES and _valid_record(record):
                clean["lessons"].setdefault(lesson, {})[quiz] = record
            else:
                dropped.append(f"{lesson}/{quiz}")
    return clean, dropped


def _valid_record(record: Any) -> bool:
    if not isinstance(record, dict) or not isinstance(record.get("questions"), dict):
        return False
    total = record.get("total")
    if isinstance(total, bool) or not isinstance(total, int) or total < 1:
        return False
    return all(isinstance(q, dict) and isinstance(q.get("correct"), bool)
               and isinstance(q.get("first_correct"), bool)
               and type(q.get("attempts")) is int and q["attempts"] >= 1
               and isinstance(q.get("answer"), str | list)
               and isinstance(q.get("first_answer", ""), str | list)
               for q in record["questions"].values())


def _from_backup(target: Path) -> dict[str, Any]:
    try:
        data, _ = _clean(json.loads(_backup(target).read_text(encoding="utf-8")))
        return data
    except (OSError, UnicodeDecodeError, ValueError):
        return _empty()


def _backup(target: Path) -> Path:
    return target.with_name(target.name + ".bak")


def _save(target: Path, data: dict[str, Any]) -> None:
    """Write ``target`` atomically, then its backup (a failed backup only warns)."""
    write_json_atomic(target, data)
    try:
        write_json_atomic(_backup(target), data)
    except OSError as exc:
        warnings.warn(f"could not refresh the backup of {target}: {exc}", ProgressWarning,
                      stacklevel=3)


def write_json_atomic(target: Path, data: Any) -> None:
    """Write JSON to a temp file beside ``target``, flush + fsync, then ``os.replace``: a
    crash leaves either the old file or the new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename durable (POSIX)
        folder = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
