"""Quiz banks: load `lessons/quizzes/NN_topic.json` and check it against the schema and our rules.

A bank is a JSON list of questions in jupyterquiz's format (``question``, ``type``, ``answers``
with ``answer``, ``correct``, ``feedback``; numeric answers with ``value`` or ``range`` and an
optional ``precision``), so the same file renders with jupyterquiz on a static site. Four keys
are this course's additions, which jupyterquiz ignores: ``id`` (stable, for the progress file),
``quiz`` ("pre" or "post": both quizzes of a lesson live in one file), ``section`` (instead of
``quiz``: an in-lesson item such as "predict-plural-gate", shown where the lesson calls
``widgets.quiz(lesson, "predict-plural-gate")``; never part of the pre- or post-quiz) and
``explanation`` (shown after answering). Lesson 00_start_here explains how quizzes work.

Rules beyond the schema (lessons/quizzes/schema.json): unique ids; a multiple_choice question has
exactly one correct option, a many_choice question two or more and at least one wrong; no
duplicate options or numeric answers; every option has text; every wrong option (and a numeric
`default`) has its own feedback of 4+ words that is not a generic "Incorrect"; a numeric question
has a correct value or a non-empty range, and every answer is reachable by the grader; no text
that jupyterquiz would read as markup ("<", "&", "$", "](").

Lessons: 00.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..arguments import expect_choice
from ..paths import QUIZ_DIR
from .grading import grade_numeric

SCHEMA_PATH = QUIZ_DIR / "schema.json"
LESSONS = (
    "00_start_here",
    "01_why_order_matters",
    "02_rnn_cell_anatomy",
    "03_training_and_bptt",
    "04_vanishing_gradients",
    "05_lstm_gates",
    "06_gru",
    "07_bidirectional_and_multilayer",
    "08_capstone_text_classification",
    "09_generating_text",
)
QUIZZES = ("pre", "post")
SECTION_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
MIN_FEEDBACK_WORDS = 4
GENERIC_FEEDBACK = {"incorrect", "wrong", "no", "nope", "false", "not quite", "try again",
                    "incorrect try again", "wrong try again", "not correct"}
UNSAFE_CHARS = ("<", "&", "$", "](")  # jupyterquiz: HTML, $LaTeX$, [link](url); we show text


class BankError(ValueError):
    """A quiz bank breaks the schema or one of the course's rules; the message lists every
    problem with the file name and the question's number and id."""


def load_bank(lesson: str, quiz_dir: str | Path | None = None) -> list[dict[str, Any]]:
    """Read and validate the bank of ``lesson``.

    Returns the list of question dicts (both quizzes; see `questions_for`). Raises BankError
    listing every problem, FileNotFoundError naming the expected path."""
    folder = QUIZ_DIR if quiz_dir is None else Path(quiz_dir)
    if quiz_dir is None:
        expect_choice("lesson", lesson, LESSONS)
    path = folder / f"{lesson}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no quiz bank for `lesson` {lesson!r}: expected {path}")
    try:
        questions = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BankError(f"{path.name}: not valid JSON: {exc}") from exc
    validate_bank(questions, source=path.name)
    return questions


def questions_for(questions: list[dict[str, Any]], quiz: str) -> list[dict[str, Any]]:
    """The questions of one quiz ("pre" or "post"; never those with a ``section``), or of one
    in-lesson section (e.g. "predict-plural-gate"), in bank order."""
    if quiz in QUIZZES:
        return [q for q in questions if q.get("quiz") == quiz and "section" not in q]
    if not isinstance(quiz, str) or not SECTION_PATTERN.fullmatch(quiz):
        expect_choice("quiz", quiz, QUIZZES)
    return [q for q in questions if q.get("section") == quiz]


def sections(questions: list[dict[str, Any]]) -> list[str]:
    """The in-lesson sections of a bank (the ``section`` values), in bank order."""
    return list(dict.fromkeys(q["section"] for q in questions if "section" in q))


def validate_bank(questions: Any, source: str = "bank") -> None:
    """Raise BankError listing every schema error and rule break in ``questions``."""
    problems = bank_problems(questions, source)
    if problems:
        raise BankError(f"{source}: {len(problems)} problem(s) (a bank must follow "
                        "lessons/quizzes/schema.json and the rules of widgets.quizzes.bank):\n- "
                        + "\n- ".join(problems))


def bank_problems(questions: Any, source: str = "bank") -> list[str]:
    """Every problem in a bank as a readable line: schema errors first (then rules are not
    checked, since they assume the structure), else the course's own rules."""
    import jsonschema  # imported here: it takes ~1 s, and only validation needs it

    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(questions), key=lambda e: list(e.absolute_path))
    if errors:
        return [f"{_where(questions, e.absolute_path)}: {e.message}" for e in errors]
    problems = []
    for dup, count in Counter(q["id"] for q in questions).items():
        if count > 1:
            problems.append(f"id {dup!r} is used by {count} questions; ids must be unique")
    for number, question in enumerate(questions, start=1):
        label = f"question {number} ({question['id']})"
        problems += [f"{label}: {p}" for p in question_problems(question)]
    return problems


def question_problems(question: dict[str, Any]) -> list[str]:
    """The course's rules for one schema-valid question (see the module docstring)."""
    problems = _text_problems(question)
    if question["type"] == "numeric":
        return problems + _numeric_problems(question)
    answers = question["answers"]
    texts = [_normal(a.get("answer", "")) for a in answers]
    problems += [f"option {t!r} appears {n} times" for t, n in Counter(texts).items() if n > 1]
    problems += [f"option {i + 1} has no `answer` text" for i, a in enumerate(answers)
                 if not a.get("answer", "").strip()]
    n_correct = sum(a["correct"] for a in answers)
    if question["type"] == "multiple_choice" and n_correct != 1:
        problems.append(f"a multiple_choice question needs exactly one correct answer, "
                        f"has {n_correct}")
    if question["type"] == "many_choice" and not 2 <= n_correct < len(answers):
        problems.append(f"a many_choice question needs at least two correct answers and one "
                        f"wrong one (jupyterquiz shows one correct answer as single choice), "
                        f"has {n_correct} correct of {len(answers)}")
    wrong = [(a.get("answer", ""), a.get("feedback", "")) for a in answers if not a["correct"]]
    return problems + _feedback_problems(wrong)


def load_schema() -> dict[str, Any]:
    """The JSON Schema of a bank (lessons/quizzes/schema.json)."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _numeric_problems(question: dict[str, Any]) -> list[str]:
    answers = question["answers"]
    problems = []
    keys = [json.dumps(a.get("value", a.get("range"))) for a in answers
            if a.get("type") != "default"]
    problems += [f"numeric answer {k} appears {n} times" for k, n in Counter(keys).items() if n > 1]
    for answer in answers:
        low_high = answer.get("range")
        if low_high is not None and not low_high[0] < low_high[1]:
            problems.append(f"range {low_high} is empty: it means [low, high) with low below high")
    if not any(a.get("correct") for a in answers):
        problems.append("a numeric question needs a correct `value` or `range`")
    for answer in (a for a in answers if a.get("type") != "default" and not problems):
        probe = answer["value"] if "value" in answer else answer["range"][0]
        reached = grade_numeric(question, repr(probe)).details[0]
        if reached.correct != answer["correct"] or reached.feedback != answer.get(
                "feedback", reached.feedback):
            problems.append(f"answer {_numeric_label(answer)} is never reached: {probe!r} is "
                            f"graded by an earlier answer or rounded by `precision`")
    if sum(a.get("type") == "default" for a in answers) > 1:
        problems.append("a numeric question has at most one `default` answer")
    wrong = [(_numeric_label(a), a.get("feedback", "")) for a in answers if not a.get("correct")]
    return problems + _feedback_problems(wrong)


def _feedback_problems(wrong: list[tuple[str, str]]) -> list[str]:
    """Every wrong option needs its own feedback that explains why it is wrong."""
    problems = []
    for label, feedback in wrong:
        words = re.findall(r"\w+", feedback)
        if len(words) < MIN_FEEDBACK_WORDS or " ".join(words).lower() in GENERIC_FEEDBACK:
            problems.append(f"wrong option {label!r} needs feedback explaining why it is wrong "
                            f"(at least {MIN_FEEDBACK_WORDS} words), got {feedback!r}")
    seen = Counter(_normal(f) for _, f in wrong if f.strip())
    problems += [f"wrong options share the feedback {f!r}; explain each one" for f, n in
                 seen.items() if n > 1]
    return problems


def _text_problems(question: dict[str, Any]) -> list[str]:
    texts = [("question", question["question"]), ("explanation", question["explanation"]),
             ("code", question.get("code", ""))]
    for answer in question["answers"]:
        texts += [("answer", answer.get("answer", "")), ("feedback", answer.get("feedback", ""))]
    return [f"{key} {text!r} contains {char!r}, which jupyterquiz would read as markup"
            for key, text in texts for char in UNSAFE_CHARS if char in text]


def _numeric_label(answer: dict[str, Any]) -> str:
    if answer.get("type") == "default":
        return "default"
    return str(answer["value"]) if "value" in answer else f"range {answer['range']}"


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _where(questions: Any, path: Any) -> str:
    path = list(path)
    if not path:
        return "bank"
    head = f"question {path[0] + 1}"
    if isinstance(questions, list) and isinstance(questions[path[0]], dict):
        head += f" ({questions[path[0]].get('id', 'no id')})"
    return head + "".join(f"[{p!r}]" for p in path[1:])
