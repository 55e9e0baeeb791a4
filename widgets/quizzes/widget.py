"""The quiz widget: every lesson embeds a pre-quiz and a post-quiz (lesson 00_start_here shows
how they work). Plain ipywidgets (radio buttons, checkboxes, a text box, buttons), so no
JavaScript output and no trusted notebook are needed, and every control is reachable with Tab
and usable with Space/Enter. Where no kernel runs, the static form (`quiz_html`) is shown.

Lessons: 00.
"""

from __future__ import annotations

import json
import random
import warnings
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..arguments import expect_choice, expect_int, expect_type
from ..views.keys import KeyBridge
from ..views.static import script_json
from . import store
from .bank import QUIZZES, load_bank, questions_for, sections, validate_bank
from .check import CheckButton
from .grading import Grade, grade

STYLE = """<style>
.rnn-quiz .widget-radio-box label, .rnn-quiz .jupyter-widget-radio-box label {
  height: auto; line-height: 1.4; white-space: normal; margin: 2px 0; }
.rnn-quiz .widget-label-basic, .rnn-quiz .jupyter-widget-label-basic {
  white-space: normal; overflow: visible; line-height: 1.4; }
.rnn-quiz .widget-checkbox, .rnn-quiz .jupyter-widget-checkbox { height: auto; width: auto; }
.rnn-quiz .widget-html-content, .rnn-quiz .jupyter-widget-html-content { line-height: 1.4; }
.rnn-quiz pre { margin: 4px 0; }
</style>"""
HINTS = {"multiple_choice": "choose one", "many_choice": "select all that apply",
         "numeric": "type a number; 1/4 or 2.5e-3 are fine"}


def quiz(lesson: str, which: str = "pre", *, shuffle: bool = False, seed: int = 0,
         progress_path: str | Path | None = None) -> Quiz:
    """The ``which`` ("pre" or "post") quiz of ``lesson`` (e.g. "02_rnn_cell_anatomy"), read
    from lessons/quizzes/<lesson>.json; answers are saved to the progress file (see
    `widgets.quizzes.store`). ``shuffle`` reorders each question's options with ``seed``.
    Every lesson ends its first and last section with one;

    ``which`` may also name an in-lesson section of the bank (questions with that ``section``,
    e.g. "predict-plural-gate"): a short "predict, then run" item inside the lesson, graded
    the same way but not saved to the progress file (which keeps pre and post)."""
    if which not in QUIZZES:
        bank = load_bank(lesson)
        expect_choice("which", which, (*QUIZZES, *sections(bank)))  # pre, post or a section
        return Quiz(questions_for(bank, which), lesson=lesson, which=which, shuffle=shuffle,
                    seed=seed, progress_path=progress_path)
    questions = questions_for(load_bank(lesson), which)
    return Quiz(questions, lesson=lesson, which=which, shuffle=shuffle, seed=seed,
                progress_path=progress_path)


class QuestionView(w.VBox):
    """One question: prompt, answer control, Check button, feedback and explanation."""

    def __init__(self, question: dict[str, Any], number: int, order: list[int]):
        self.question = question
        hint = HINTS[question["type"]]
        prompt = f"<p><b>{number}.</b> {escape(question['question'])} <i>({hint})</i></p>"
        if question.get("code"):
            prompt += f"<pre>{escape(question['code'])}</pre>"
        labels = [(question["answers"][i].get("answer", ""), i) for i in order]
        if question["type"] == "multiple_choice":
            self.control = w.RadioButtons(options=labels, value=None, layout=w.Layout(width="auto"))
        elif question["type"] == "many_choice":
            self.control = w.VBox([w.Checkbox(description=text, indent=False, value=False,
                                              layout=w.Layout(width="auto")) for text, _ in labels])
            self._boxes = [(box, i) for box, (_, i)
                           in zip(self.control.children, labels, strict=True)]
        else:
            # continuous_update=False: one update on Enter or blur, sent before the click of
            # Check; per-keystroke updates are throttled and a fast click could overtake them.
            self.control = w.Text(placeholder="your answer", continuous_update=False)
        # Check grades what the page shows selected at the click (widgets.quizzes.check)
        self._shown: dict[str, Any] | None = None
        self.check_button = CheckButton(on_shown=self._take_shown, description="Check",
                                        tooltip=f"Check your answer to question {number}")
        self.feedback = w.HTML("")
        self.explanation = w.HTML("")
        super().__init__([w.HTML(prompt), self.control, self.check_button, self.feedback,
                          self.explanation], layout=w.Layout(margin="0 0 12px 0"))
        self.add_class("rnn-quiz-question")
        self.feedback.add_class("rnn-quiz-feedback")

    @property
    def response(self) -> Any:
        """What the learner chose: an option index, a list of indices, or the typed text. During
        a click in the page, what the page showed at the click; otherwise the controls' values."""
        if self._shown is not None:
            return self._shown_response(self._shown)
        if self.question["type"] == "many_choice":
            return [i for box, i in self._boxes if box.value]
        return self.control.value

    def _take_shown(self, shown: dict[str, Any] | None) -> None:
        self._shown = shown

    def _shown_response(self, shown: dict[str, Any]) -> Any:
        """Positions in the page (display order) -> bank indices; the text as typed."""
        kind = self.question["type"]
        if kind == "numeric":
            text = shown.get("text")
            return text if isinstance(text, str) else self.control.value
        indices = [value for _, value in self.control.options] if kind == "multiple_choice" \
            else [i for _, i in self._boxes]
        if kind == "multiple_choice":
            position = shown.get("radio")
            ok = isinstance(position, int) and 0 <= position < len(indices)
            return indices[position] if ok else None
        return [indices[p] for p in shown.get("boxes", [])
                if isinstance(p, int) and 0 <= p < len(indices)]

    def show(self, result: Grade) -> None:
        """Show ``result``: the message, per-option feedback, and the explanation."""
        mark = "\u2713" if result.correct else "\u2717"
        items = "".join(f"<li>{'&#10003;' if d.correct else '&#10007;'} <b>{escape(d.text)}</b>"
                        f": {escape(d.feedback)}</li>" for d in result.details)
        self.feedback.value = (f'<div role="status" aria-live="polite"><b>{mark} '
                               f"{escape(result.message)}</b><ul>{items}</ul></div>")
        if result.answered:
            self.explanation.value = f"<p><b>Why:</b> {escape(self.question['explanation'])}</p>"

    def reset(self) -> None:
        """Clear the answer, the feedback and the explanation."""
        if self.question["type"] == "many_choice":
            for box, _ in self._boxes:
                box.value = False
        else:
            self.control.value = None if self.question["type"] == "multiple_choice" else ""
        self.feedback.value = self.explanation.value = ""


class Quiz(w.VBox):
    """A list of bank questions with Check buttons, a score and Retry; each check is saved to
    the progress file (first try and latest answer per question)."""

    def __init__(self, questions: list[dict[str, Any]], *, lesson: str, which: str,
                 shuffle: bool = False, seed: int = 0, progress_path: str | Path | None = None,
                 title: str | None = None):
        validate_bank(questions, source="`questions`")
        expect_type("lesson", lesson, str, "a lesson name such as '02_rnn_cell_anatomy'")
        if not (isinstance(which, str) and any(q.get("section") == which for q in questions)):
            expect_choice("which", which, QUIZZES)  # pre, post, or the questions' own section
        expect_type("shuffle", shuffle, bool, "True or False")
        if title is not None:
            expect_type("title", title, str, "a string or None")
        rng = random.Random(expect_int("seed", seed))
        self.questions, self.lesson, self.which = questions, lesson, which
        self.title = title or _default_title(lesson, which)
        self.progress_path = store.progress_path(progress_path)
        self.views = []
        for number, question in enumerate(questions, start=1):
            order = list(range(len(question["answers"])))
            if shuffle and question["type"] != "numeric":
                rng.shuffle(order)
            view = QuestionView(question, number, order)
            view.check_button.on_click(lambda _b, k=number - 1: self.check(k))
            self.views.append(view)
        self.latest: dict[str, bool] = {}
        saved = store.load_progress(self.progress_path)["lessons"].get(lesson, {}).get(which, {})
        self.first = {k: v["first_correct"] for k, v in saved.get("questions", {}).items()}
        self.score_line = w.HTML("").add_class("rnn-quiz-score")
        self.status = w.HTML("")
        self.retry_button = w.Button(description="Retry", tooltip="Clear all answers and try again")
        self.retry_button.on_click(lambda _b: self.retry())
        super().__init__([w.HTML(f"{STYLE}<h4>{escape(self.title)}</h4>"), *self.views,
                          self.score_line, self.retry_button, self.status, KeyBridge()])
        self.add_class("rnn-quiz")
        self.add_class("rnn-keys")       # keys stay in the quiz: arrows, Enter (views/keys.py)
        self._update_score()

    def check(self, index: int) -> Grade:
        """Grade question ``index`` (0-based) as the Check button does, show and save it."""
        view = self.views[expect_int("index", index, 0, len(self.views) - 1)]
        result = grade(view.question, view.response)
        view.show(result)
        if result.answered:
            qid = view.question["id"]
            self.latest[qid] = result.correct
            self.first.setdefault(qid, result.correct)
            self._save(view.question, view.response, result.correct)
        self._update_score()
        return result

    def retry(self) -> None:
        """Clear every answer; first-try results stay (they are the score that is kept)."""
        for view in self.views:
            view.reset()
        self.latest.clear()
        self._update_score()

    @property
    def score(self) -> dict[str, int]:
        """{"correct": right at the latest check, "first_try": right at the first check,
        "total": number of questions}."""
        ids = [q["id"] for q in self.questions]
        return {"correct": sum(self.latest.get(i, False) for i in ids),
                "first_try": sum(self.first.get(i, False) for i in ids), "total": len(ids)}

    def _save(self, question: dict[str, Any], response: Any, correct: bool) -> None:
        if self.which not in QUIZZES:
            return  # an in-lesson item: graded, not part of the pre/post progress
        answer = store.answer_text(question, response)
        try:
            store.record_answer(self.lesson, self.which, question["id"], answer, correct,
                                   total=len(self.questions), path=self.progress_path)
            self.status.value = ""
        except OSError as exc:
            message = f"Your answer was graded but not saved ({exc})."
            warnings.warn(message, store.ProgressWarning, stacklevel=2)
            self.status.value = f"<p><i>{escape(message)}</i></p>"

    def _update_score(self) -> None:
        s = self.score
        self.score_line.value = (f"<p><b>Score: {s['correct']}/{s['total']}</b> right now; "
                                 f"{s['first_try']}/{s['total']} right at the first try.</p>")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = super()._repr_mimebundle_(**kwargs)
        data["text/html"] = quiz_html(self.questions, self.title)
        return data


def quiz_html(questions: list[dict[str, Any]], title: str = "Quiz") -> str:
    """The static form of a quiz (HTML; all text escaped): questions and options, then the
    answers and explanations inside a collapsed ``<details>`` block, and the questions as
    jupyterquiz JSON in a ``<script type="application/json" class="rnn-quiz-data">``, from
    which the course site's quiz.js makes the quiz answerable without a kernel."""
    items, answers = [], []
    for q in questions:
        options = "".join(f"<li>{escape(a.get('answer', ''))}</li>" for a in q["answers"]
                          if q["type"] != "numeric")
        code = f"<pre>{escape(q['code'])}</pre>" if q.get("code") else ""
        items.append(f"<li><p>{escape(q['question'])} <i>({HINTS[q['type']]})</i></p>{code}"
                     f"<ul>{options}</ul></li>")
        answers.append(f"<li><p><b>{escape(_answer_summary(q))}</b></p>"
                       f"<p>{escape(q['explanation'])}</p></li>")
    data = script_json(json.dumps(questions, ensure_ascii=False))
    return (f'<div class="rnn-quiz-static"><h4>{escape(title)}</h4>'
            f'<ol class="rnn-quiz-questions">{"".join(items)}</ol>'
            f"<details><summary>Answers and explanations (try first)</summary>"
            f"<ol>{''.join(answers)}</ol></details>"
            f'<script type="application/json" class="rnn-quiz-data">{data}</script></div>')


def _answer_summary(question: dict[str, Any]) -> str:
    right = [a for a in question["answers"] if a.get("correct")]
    if question["type"] != "numeric":
        return "Answer: " + "; ".join(a.get("answer", "") for a in right)
    texts = [f"{a['value']:g}" if "value" in a else
             f"from {a['range'][0]:g} up to (not including) {a['range'][1]:g}" for a in right]
    return "Answer: " + " or ".join(texts)


def _default_title(lesson: str, which: str) -> str:
    """"02_rnn_cell_anatomy", "pre" -> "Before the lesson: 02 · rnn cell anatomy"."""
    number, _, topic = lesson.partition("_")
    name = f"{number} · {topic.replace('_', ' ')}" if topic else lesson
    if which not in QUIZZES:
        return "Predict first, then run the next cells" if which.startswith("predict") \
            else f"Quiz: {which.replace('-', ' ')}"
    return f"{'Before' if which == 'pre' else 'After'} the lesson: {name}"
