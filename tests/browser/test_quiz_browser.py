"""The quiz in a real JupyterLab: feedback changes from wrong to right, and the keyboard alone
can answer (Tab to a control, arrows/Space to choose, Enter on Check)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from widgets.quizzes.bank import load_bank, questions_for

LESSON = "02_rnn_cell_anatomy"
TIMEOUT_MS = 30_000


def _first(kind: str, after: dict | None = None) -> dict:
    """The first question of type ``kind`` (after question ``after``, in page order)."""
    questions = questions_for(load_bank(LESSON), "post")
    start = 0 if after is None else questions.index(after) + 1
    return next(q for q in questions[start:] if q["type"] == kind)


def _open_quiz(lab, name: str, extra: str = ""):
    source = f"from widgets.quizzes.widget import quiz\nquiz({LESSON!r}, 'post'{extra})"
    path = lab.write_notebook(name, [source])
    lab.open_notebook(path)
    lab.run_all()
    quiz = lab.page.locator(".rnn-quiz")
    expect(quiz).to_be_visible(timeout=TIMEOUT_MS)
    return quiz


@pytest.mark.browser
def test_wrong_then_right_answer_changes_the_feedback(lab):
    question = _first("multiple_choice")
    wrong = next(a for a in question["answers"] if not a["correct"])
    right = next(a for a in question["answers"] if a["correct"])
    quiz = _open_quiz(lab, "quiz_wrong_then_right.ipynb")
    block = quiz.locator(".rnn-quiz-question").filter(has_text=question["question"])
    feedback = block.locator(".rnn-quiz-feedback")

    block.get_by_role("radio", name=wrong["answer"], exact=True).check()
    block.get_by_role("button", name="Check").click()
    expect(feedback).to_contain_text(wrong["feedback"], timeout=TIMEOUT_MS)
    expect(feedback).to_contain_text("Not quite")
    expect(block).to_contain_text(question["explanation"])

    block.get_by_role("radio", name=right["answer"], exact=True).check()
    block.get_by_role("button", name="Check").click()
    expect(feedback).to_contain_text(right["feedback"], timeout=TIMEOUT_MS)
    expect(feedback).not_to_contain_text(wrong["feedback"])
    expect(quiz.locator(".rnn-quiz-score")).to_contain_text("Score: 1/")
    assert lab.error_texts() == []

    saved = json.loads((lab.server.data_dir / "quiz_progress.json").read_text(encoding="utf-8"))
    record = saved["lessons"][LESSON]["post"]["questions"][question["id"]]
    assert record == {"answer": [right["answer"]], "correct": True, "first_correct": False,
                      "first_answer": [wrong["answer"]], "attempts": 2}


@pytest.mark.browser
def test_keyboard_alone_answers_every_question_type(lab, tmp_path):
    """Tab reaches each radio button, checkbox, text box and Check button; Space chooses an
    option or presses a button, Enter presses a button."""
    choice = _first("multiple_choice")
    numeric = _first("numeric", after=choice)
    many = _first("many_choice", after=numeric)
    wrong = next(a for a in choice["answers"] if not a["correct"])
    right = next(a for a in numeric["answers"] if a.get("correct"))
    value = right["value"] if "value" in right else right["range"][0]
    progress = tmp_path / "progress.json"
    quiz = _open_quiz(lab, "quiz_keyboard.ipynb", f", progress_path={str(progress)!r}")
    page = lab.page
    quiz.locator(".rnn-quiz-question p").first.click()  # a reader's click selects the cell

    _tab_to(page, choice, "radio", wrong["answer"])
    page.keyboard.press("Space")
    _tab_to(page, choice, "button", "Check")
    page.keyboard.press("Enter")
    feedback = quiz.locator(".rnn-quiz-question").filter(has_text=choice["question"])
    expect(feedback.locator(".rnn-quiz-feedback")).to_contain_text(wrong["feedback"],
                                                                   timeout=TIMEOUT_MS)

    _tab_to(page, numeric, "text", "")
    page.keyboard.type(f" {value} ")
    _tab_to(page, numeric, "button", "Check")
    page.keyboard.press("Space")
    block = quiz.locator(".rnn-quiz-question").filter(has_text=numeric["question"])
    expect(block.locator(".rnn-quiz-feedback")).to_contain_text("Correct", timeout=TIMEOUT_MS)

    for answer in many["answers"]:
        if answer["correct"]:
            _tab_to(page, many, "checkbox", answer["answer"])
            page.keyboard.press("Space")
    _tab_to(page, many, "button", "Check")
    page.keyboard.press("Enter")
    block = quiz.locator(".rnn-quiz-question").filter(has_text=many["question"])
    expect(block.locator(".rnn-quiz-feedback")).to_contain_text("Correct", timeout=TIMEOUT_MS)
    assert lab.error_texts() == []
    assert json.loads(progress.read_text(encoding="utf-8"))["lessons"][LESSON]["post"]


FOCUSED = """([question, kind, label]) => {
    const e = document.activeElement;
    const block = e && e.closest('.rnn-quiz-question');
    if (!block || !block.textContent.includes(question)) return false;
    if (kind === 'button') return e.tagName === 'BUTTON' && e.textContent.trim() === label;
    if (kind === 'text') return e.tagName === 'INPUT' && e.type === 'text';
    return e.type === kind && e.closest('label').textContent.trim() === label;
}"""


def _tab_to(page, question: dict, kind: str, label: str, limit: int = 40) -> None:
    """Press Tab until the focus is on the wanted control of ``question``; fail otherwise."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, [question["question"], kind, label]):
            return
    pytest.fail(f"{limit} Tab presses did not reach the {kind} {label!r} of {question['id']}")


@pytest.mark.browser
def test_route_guard_blocks_and_records_non_loopback_requests(jupyter_lab, browser_session):
    context, guard = browser_session
    outside = "http://192.0.2.1/never-reached.js"  # TEST-NET-1: a documentation address
    page = context.new_page()
    try:
        response = page.goto(f"{jupyter_lab.url}/api/status?token={jupyter_lab.token}")
        assert response is not None and response.ok  # loopback goes through
        page.goto("about:blank")  # the API page's CSP would stop the fetch before the guard
        result = page.evaluate(
            "url => fetch(url, {mode: 'no-cors'}).then(() => 'loaded', () => 'blocked')", outside)
        assert result == "blocked"
        assert outside in guard.blocked
    finally:
        page.close()
        while outside in guard.blocked:
            guard.blocked.remove(outside)
