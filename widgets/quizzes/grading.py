"""Grading one quiz question, the same way jupyterquiz grades it (lesson 00_start_here).

Single choice (``multiple_choice``): right when the chosen option is correct. Select-all
(``many_choice``): right when the chosen set equals the set of correct options. Numeric: the typed
text is read as a number (``0.25``, ``1/4``, ``2.5e-3``; spaces ignored); the bank's answers are
tried in order and the first that matches decides, a ``value`` by equality and a ``range`` as
[low, high) like jupyterquiz; with ``precision`` p, the typed number and each ``value`` are first
rounded to p significant digits (jupyterquiz >= 2.7). A tolerance is written as a range.

Lessons: 00.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..arguments import expect_int, type_name


@dataclass(frozen=True)
class OptionFeedback:
    """Feedback on one chosen option (or on the typed number): its text, the bank's feedback,
    and whether that option (or number) is correct."""

    text: str
    feedback: str
    correct: bool


@dataclass(frozen=True)
class Grade:
    """The result of checking one answer.

    answered: False for an empty or unreadable answer (not an attempt, not recorded).
    correct: the whole answer is right. message: one line for the learner.
    details: per-option feedback on what was chosen, in bank order."""

    answered: bool
    correct: bool
    message: str
    details: tuple[OptionFeedback, ...] = ()


def parse_number(text: Any) -> float | None:
    """Read a learner's number: int/float, or text like " 42 ", "1/4", "-2.5e-3", "1 024".

    Whitespace anywhere is ignored and the Unicode minus is accepted; returns None for empty,
    unreadable or non-finite input (including a zero denominator)."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    cleaned = re.sub(r"\s+", "", text).replace("\u2212", "-")
    parts = cleaned.split("/")
    if not cleaned or len(parts) > 2 or not all(re.fullmatch(r"[-+]?[\d.]+(e[-+]?\d+)?", p,
                                                             re.IGNORECASE) for p in parts):
        return None
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    if len(values) == 2:
        if values[1] == 0:
            return None
        values = [values[0] / values[1]]
    return values[0] if math.isfinite(values[0]) else None


def grade(question: dict[str, Any], response: Any) -> Grade:
    """Grade ``response`` for one bank question.

    response: multiple_choice -> index into ``answers`` or None; many_choice -> iterable of
    indices; numeric -> the typed text (or a number)."""
    if question["type"] == "numeric":
        return grade_numeric(question, response)
    return grade_choice(question, response)


def grade_choice(question: dict[str, Any], response: Any) -> Grade:
    """Grade a single-choice index or a select-all collection of indices (see `grade`)."""
    answers = question["answers"]
    chosen = _indices(response, len(answers), question["type"] == "many_choice")
    if not chosen:
        return Grade(False, False, "Choose an answer first.")
    details = tuple(OptionFeedback(answers[i].get("answer", ""), answers[i].get("feedback", ""),
                                   bool(answers[i]["correct"])) for i in sorted(chosen))
    wanted = {i for i, a in enumerate(answers) if a["correct"]}
    correct = set(chosen) == wanted
    if correct:
        message = "Correct."
    elif question["type"] == "many_choice":
        found = len(wanted & set(chosen))
        message = (f"Not quite: you chose {found} of the {len(wanted)} correct options and "
                   f"{len(set(chosen) - wanted)} wrong one(s).")
    else:
        message = "Not quite."
    return Grade(True, correct, message, details)


def grade_numeric(question: dict[str, Any], response: Any) -> Grade:
    """Grade a typed number against the bank's ``value``/``range``/``default`` answers."""
    number = parse_number(response)
    if number is None:
        empty = response is None or (isinstance(response, str) and not response.strip())
        message = ("Type a number first." if empty else
                   f"Could not read {str(response)!r} as a number: type e.g. 0.25 or 1/4.")
        return Grade(False, False, message)
    precision = question.get("precision")
    rounded = _round(number, precision)
    default = "That is not it; read the question again."
    for answer in question["answers"]:
        if answer.get("type") == "default":
            default = answer.get("feedback", default)
        elif _matches(answer, rounded, precision):
            correct = bool(answer["correct"])
            feedback = answer.get("feedback", "Correct." if correct else "Not quite.")
            return Grade(True, correct, "Correct." if correct else "Not quite.",
                         (OptionFeedback(str(response).strip(), feedback, correct),))
    return Grade(True, False, "Not quite.",
                 (OptionFeedback(str(response).strip(), default, False),))


def _matches(answer: dict[str, Any], number: float, precision: int | None) -> bool:
    if "value" in answer:
        return number == _round(float(answer["value"]), precision)
    low, high = answer["range"]
    return low <= number < high


def _round(number: float, precision: int | None) -> float:
    """Round to ``precision`` significant digits, like JavaScript's toPrecision."""
    return number if precision is None else float(f"{number:.{int(precision)}g}")


def _indices(response: Any, n_options: int, many: bool) -> list[int]:
    if response is None:
        return []
    if many:
        if isinstance(response, str | bytes) or not isinstance(response, Iterable):
            raise TypeError(f"`response` must be a collection of option indices for a "
                            f"many_choice question, got {type_name(response)}")
        items = list(response)
    else:
        items = [response]
    return [expect_int("response", i, 0, n_options - 1) for i in items]
