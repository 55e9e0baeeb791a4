"""A class's quiz progress files read together: every learner's first tries, per lesson and
question, for the teacher's report (`python -m widgets.class_report`, docs/teaching.md).

Files are read with `widgets.quizzes.store.parse_progress`, which never writes. A learner is
named by their file's path below the argument it came from (or a hash of it). Corrupt, partial
and foreign files are listed, never a crash; what cannot be read is skipped.

Lessons: 00.
"""


from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bank import LESSONS, QUIZZES, BankError, load_bank
from .store import parse_progress, quiz_score


@dataclass
class ClassData:
    """What the report shows: learners' records by label, and the files it could not use."""

    learners: dict[str, dict[str, Any]] = field(default_factory=dict)  # label -> lessons
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (label, why), whole file
    partial: list[tuple[str, str]] = field(default_factory=list)  # (label, dropped records)


def find_files(arguments: list[str | Path]) -> list[tuple[str, Path]]:
    """(label, path) of every file named or found (``*.json`` below a folder), sorted by
    label; a label is the path below its folder argument, or the file's name."""
    found = {}
    for argument in map(Path, arguments):
        if argument.is_dir():
            for path in sorted(argument.rglob("*.json")):
                found[path.relative_to(argument).as_posix()] = path
        else:
            found[argument.name if argument.name not in found else str(argument)] = argument
    return sorted(found.items())


def read_class(arguments: list[str | Path], hash_names: bool = False) -> ClassData:
    """Read the progress files in ``arguments`` (files or folders) into a `ClassData`; never
    raises for a bad file (it is listed in ``skipped`` or ``partial``)."""
    data = ClassData()
    for label, path in find_files(arguments):
        name = hashlib.sha256(label.encode()).hexdigest()[:10] if hash_names else label
        try:
            lessons, dropped = _read_one(path)
        except (OSError, ValueError) as exc:
            data.skipped.append((name, str(exc)))
            continue
        if dropped:
            data.partial.append((name, ", ".join(dropped)))
        data.learners[name] = lessons
    return data


def _read_one(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The lessons of one file and its dropped records; ValueError/OSError with a short reason."""
    if not path.is_file():
        raise OSError("not a readable file")
    try:
        clean, dropped = parse_progress(path.read_bytes())
    except UnicodeDecodeError:
        raise ValueError("corrupt: not UTF-8 text") from None
    except ValueError as exc:
        kind = "not a quiz progress file" if "lessons" in str(exc) else "corrupt: not JSON"
        raise ValueError(f"{kind} ({str(exc)[:120]})") from None
    return clean["lessons"], dropped


def lesson_names(data: ClassData) -> list[str]:
    """The course's lessons in order, then any other recorded lesson (sorted)."""
    recorded = {lesson for lessons in data.learners.values() for lesson in lessons}
    return list(LESSONS) + sorted(recorded - set(LESSONS))


def score_rows(data: ClassData) -> list[dict[str, Any]]:
    """Per lesson: {"lesson", "pre", "post"}, each {"n": learners with a record, "mean": mean
    first-try fraction (None if n == 0), "scores": sorted fractions}."""
    rows = []
    for lesson in lesson_names(data):
        row: dict[str, Any] = {"lesson": lesson}
        for quiz in QUIZZES:
            scores = sorted(_fraction(quiz_score(lessons[lesson][quiz]))
                            for lessons in data.learners.values()
                            if quiz in lessons.get(lesson, {}))
            row[quiz] = {"n": len(scores), "scores": scores,
                         "mean": sum(scores) / len(scores) if scores else None}
        rows.append(row)
    return rows


def _fraction(score: dict[str, int]) -> float:
    return score["first_try"] / score["total"]


def question_rows(data: ClassData) -> list[dict[str, Any]]:
    """Per question (bank order, then unknown ids): {"lesson", "quiz", "id", "question",
    "answered", "first_right", "rate", "wrong", "wrong_count", "unknown_wrong"}; "wrong" is the
    most chosen wrong first answer (ties: alphabetical) or None; "unknown_wrong" counts wrong
    first tries recorded before first answers were kept."""
    rows = []
    for lesson in lesson_names(data):
        for quiz in QUIZZES:
            answers = _first_tries(data, lesson, quiz)
            for qid, text in _question_ids(lesson, quiz, answers):
                rows.append(_question_row(lesson, quiz, qid, text, answers.get(qid, [])))
    return rows


def _first_tries(data: ClassData, lesson: str, quiz: str) -> dict[str, list[dict[str, Any]]]:
    """Question id -> the learners' records of it (sorted by learner label)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for _, lessons in sorted(data.learners.items()):
        for qid, record in lessons.get(lesson, {}).get(quiz, {}).get("questions", {}).items():
            found.setdefault(qid, []).append(record)
    return found


def _question_ids(lesson: str, quiz: str, answers: dict) -> list[tuple[str, str]]:
    """(id, question text) of the bank's questions of this quiz, then recorded unknown ids."""
    try:
        bank = [(q["id"], q["question"]) for q in load_bank(lesson) if q.get("quiz") == quiz]
    except (BankError, OSError, ValueError):
        bank = []
    known = {qid for qid, _ in bank}
    return bank + [(qid, "(not in the course's quiz bank)") for qid in sorted(answers)
                   if qid not in known]


def _question_row(lesson: str, quiz: str, qid: str, text: str, records: list) -> dict:
    wrong = Counter(_answer_label(r["first_answer"]) for r in records
                    if not r["first_correct"] and "first_answer" in r)
    top = sorted(wrong.items(), key=lambda item: (-item[1], item[0]))[:1]
    right = sum(r["first_correct"] for r in records)
    return {"lesson": lesson, "quiz": quiz, "id": qid, "question": text,
            "answered": len(records), "first_right": right,
            "rate": right / len(records) if records else None,
            "wrong": top[0][0] if top else None, "wrong_count": top[0][1] if top else 0,
            "unknown_wrong": sum(not r["first_correct"] and "first_answer" not in r
                                 for r in records)}


def _answer_label(answer: str | list[str]) -> str:
    return " + ".join(map(str, answer)) if isinstance(answer, list) else str(answer)


def not_started(data: ClassData) -> list[dict[str, Any]]:
    """Per lesson: {"lesson", "started", "missing": sorted labels of learners with no quiz
    record of that lesson}."""
    rows = []
    for lesson in lesson_names(data):
        missing = sorted(label for label, lessons in data.learners.items()
                         if not lessons.get(lesson))
        rows.append({"lesson": lesson, "started": len(data.learners) - len(missing),
                     "missing": missing})
    return rows
