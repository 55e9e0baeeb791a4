"""Generated classes for the class report's tests: learners' progress files written by the
course's own writer (`widgets.quizzes.store.record_answer`), and what a report must say about them,
counted here independently of `widgets.class_report`."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from widgets.quizzes.bank import LESSONS, load_bank
from widgets.quizzes.store import record_answer


def choice_questions(lesson: str, quiz: str) -> list[dict]:
    """The lesson's multiple-choice questions of one quiz (bank order)."""
    return [q for q in load_bank(lesson)
            if q.get("quiz") == quiz and q["type"] == "multiple_choice"]


def make_class(folder: Path, learners: int, seed: int, lessons=LESSONS[:3]) -> dict:
    """Write ``learners`` progress files into ``folder`` (learner-NN.json); each learner
    starts a random subset of ``lessons`` and answers every multiple-choice question once or
    twice. Returns the truth: {"first": {(lesson, quiz, qid): [(label, right, text)]},
    "score": {(lesson, quiz): [fraction]}, "started": {lesson: set(labels)}}."""
    rng = random.Random(seed)
    truth = {"first": {}, "score": {}, "started": {lesson: set() for lesson in LESSONS}}
    for number in range(learners):
        label = f"learner-{number:02d}.json"
        for lesson in lessons:
            if rng.random() < 0.3:
                continue
            truth["started"][lesson].add(label)
            for quiz in ("pre", "post"):
                _answer_quiz(folder / label, label, lesson, quiz, rng, truth)
    return truth


def _answer_quiz(path: Path, label: str, lesson: str, quiz: str, rng, truth: dict) -> None:
    bank = [q for q in load_bank(lesson) if q.get("quiz") == quiz]
    right_count = 0
    for question in choice_questions(lesson, quiz):
        first = rng.randrange(len(question["answers"]))
        for attempt, index in enumerate([first, rng.randrange(len(question["answers"]))]):
            option = question["answers"][index]
            record_answer(lesson, quiz, question["id"], [option["answer"]], option["correct"],
                          total=len(bank), path=path)
            if attempt == 0:
                truth["first"].setdefault((lesson, quiz, question["id"]), []).append(
                    (label, option["correct"], option["answer"]))
                right_count += option["correct"]
            if rng.random() < 0.5:
                break
    truth["score"].setdefault((lesson, quiz), []).append(right_count / len(bank))


def most_chosen_wrong(firsts: list[tuple[str, bool, str]]) -> tuple[str | None, int]:
    """The most chosen wrong first answer (ties: alphabetical) and its count."""
    wrong = Counter(text for _, right, text in firsts if not right)
    if not wrong:
        return None, 0
    return min(wrong.items(), key=lambda item: (-item[1], item[0]))
