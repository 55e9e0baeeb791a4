"""Check grades exactly the option the page shows selected at the click.

ipywidgets sends a button click at once but may hold back a radio button's change while the
kernel is busy, so a Check pressed right after a choice used to be graded on the previous one.
Here a learner chooses and presses Check with no pause, 20 times with changing options: first
with an idle kernel (each grade read in the page), then while another cell keeps the kernel busy,
when the button must say "checking…" until the kernel answers. The other cell runs until the
test releases it (a file it waits for), not for a fixed time, so a slow machine cannot end the
busy spell before the clicks are done. The kernel logs the option it graded at every click; the
log must equal the choices, in order.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

TIMEOUT_MS = 30_000
OPTIONS = ["red apple", "green pear", "blue plum", "gold quince"]
IDLE_CHOICES = [0, 2, 1, 3, 2, 0, 3, 1, 0, 3, 2, 1]      # 12 clicks, each differs from the last
BUSY_CHOICES = [2, 0, 3, 1, 3, 0, 1, 2]                  # 8 clicks while another cell runs
QUESTION = {"id": "check-race", "quiz": "post", "type": "multiple_choice",
            "question": "Which fruit?", "explanation": "Any fruit is a fruit.",
            "answers": [{"answer": text, "correct": k == 0, "feedback": f"you chose the {text}"}
                        for k, text in enumerate(OPTIONS)]}

RELEASE = "quiz_check_race.release"       # the busy cell runs until this file exists
SETUP = f"""import json, os, time
from widgets.quizzes.widget import Quiz
QUESTION = json.loads({json.dumps(json.dumps(QUESTION))})
graded = []   # the option the kernel graded at each click
widget = Quiz([QUESTION], lesson="99_check_race", which="post")
view = widget.views[0]
view.check_button.on_click(lambda _b: graded.append(view.response))
BUSY = False
widget"""
SLEEPER = f"""deadline = time.monotonic() + 120
while BUSY and not os.path.exists({RELEASE!r}) and time.monotonic() < deadline:
    time.sleep(0.05)
BUSY = True"""
REPORT = 'print("GRADED", json.dumps(graded))'


def _choose_and_check(block, choice: int) -> None:
    block.get_by_role("radio", name=OPTIONS[choice], exact=True).check()
    block.locator("button.rnn-quiz-check").click()        # no pause between the two


@pytest.mark.browser
def test_check_grades_the_choice_shown_at_the_click_even_while_a_cell_runs(lab):
    page = lab.page
    (lab.server.root / RELEASE).unlink(missing_ok=True)
    lab.open_notebook(lab.write_notebook("quiz_check_race.ipynb", [SETUP, SLEEPER, REPORT]))
    lab.run_all()
    block = page.locator(".rnn-quiz-question").first
    button = block.locator("button.rnn-quiz-check")
    feedback = block.locator(".rnn-quiz-feedback")
    expect(button).to_have_text("Check", timeout=TIMEOUT_MS)

    for choice in IDLE_CHOICES:
        _choose_and_check(block, choice)
        expect(feedback).to_contain_text(f"you chose the {OPTIONS[choice]}", timeout=TIMEOUT_MS)
        expect(button).to_have_text("Check", timeout=TIMEOUT_MS)
        for other in set(range(len(OPTIONS))) - {choice}:
            expect(feedback).not_to_contain_text(f"you chose the {OPTIONS[other]}")

    cells = page.locator(".jp-Notebook .jp-CodeCell")
    cells.nth(1).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")                     # another cell runs until released
    expect(cells.nth(1).locator(".jp-InputPrompt")).to_contain_text("[*]", timeout=TIMEOUT_MS)
    for choice in BUSY_CHOICES:
        _choose_and_check(block, choice)
        expect(button).to_have_text("checking\u2026")          # waiting for the kernel, shown
        expect(cells.nth(1).locator(".jp-InputPrompt")).to_contain_text("[*]")  # still busy
    (lab.server.root / RELEASE).touch()
    expect(feedback).to_contain_text(f"you chose the {OPTIONS[BUSY_CHOICES[-1]]}",
                                     timeout=TIMEOUT_MS)
    expect(button).to_have_text("Check", timeout=TIMEOUT_MS)
    lab.wait_idle()

    cells.nth(2).locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")
    report = cells.nth(2).locator(".jp-OutputArea-output")
    expect(report).to_contain_text("GRADED", timeout=TIMEOUT_MS)
    graded = json.loads(report.inner_text().split("GRADED", 1)[1])
    assert graded == IDLE_CHOICES + BUSY_CHOICES
    assert lab.error_texts() == []
