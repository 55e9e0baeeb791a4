"""Keys inside a stepping widget, in JupyterLab and in Notebook 7 (the same server serves
both): ← / → on the slider's handle step the widget (and do not move the active cell); with
the focus elsewhere in the widget ← / → press Prev / Next; keys pressed inside the widget
never reach the notebook's shortcuts (B would insert a cell, A above, DD delete one). In a
quiz the arrow keys move between a question's options and Enter in a typed answer checks it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

SOURCE = """
import torch
import widgets
widgets.set_seed(0)
rnn = torch.nn.RNN(4, 6)
widgets.StateStepper(widgets.trace(rnn, torch.randn(8, 4), tokens=[f"w{t}" for t in range(8)]))
"""
CELLS = "() => document.querySelectorAll('.jp-Notebook .jp-Cell').length"
ACTIVE = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
    .findIndex(cell => cell.classList.contains('jp-mod-active'))"""


def open_in(lab, front_end: str, name: str, source: str = SOURCE) -> None:
    """Open a notebook of ``source`` and a second cell in ``front_end``; run all."""
    lab.open_and_run(front_end, lab.write_notebook(name, [source, "1 + 1"]))


def stepper(lab):
    widget = lab.page.locator(".rnn-state-stepper")
    expect(widget.locator(".js-plotly-plot")).to_be_visible(timeout=60_000)
    expect(widget).to_have_attribute("data-lm-suppress-shortcuts", "true", timeout=30_000)
    return widget


@pytest.mark.browser
@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_arrows_on_the_slider_step_the_widget_not_the_notebook(lab, front_end):
    open_in(lab, front_end, f"keys-slider-{front_end}.ipynb")
    widget = stepper(lab)
    readout = widget.locator(".rnn-step-controls")
    widget.locator(".noUi-handle").first.click()
    active = lab.page.evaluate(ACTIVE)
    lab.page.keyboard.press("ArrowRight")
    lab.page.keyboard.press("ArrowRight")
    expect(readout).to_contain_text("t = 3 / 8")
    lab.page.keyboard.press("ArrowLeft")
    expect(readout).to_contain_text("t = 2 / 8")
    assert lab.page.evaluate(ACTIVE) == active


@pytest.mark.browser
@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_arrows_elsewhere_in_the_widget_press_prev_and_next(lab, front_end):
    open_in(lab, front_end, f"keys-widget-{front_end}.ipynb")
    widget = stepper(lab)
    readout = widget.locator(".rnn-step-controls")
    widget.get_by_role("button", name="Next ▶").click()
    expect(readout).to_contain_text("t = 2 / 8")
    lab.page.keyboard.press("ArrowRight")
    expect(readout).to_contain_text("t = 3 / 8")
    widget.focus()
    lab.page.keyboard.press("ArrowLeft")
    expect(readout).to_contain_text("t = 2 / 8")


@pytest.mark.browser
@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_keys_inside_the_widget_never_reach_the_notebooks_shortcuts(lab, front_end):
    open_in(lab, front_end, f"keys-shortcuts-{front_end}.ipynb")
    widget = stepper(lab)
    cells = lab.page.evaluate(CELLS)
    widget.get_by_role("button", name="Next ▶").click()
    for key in ("b", "a", "d", "d", "x", "m", "ArrowDown"):
        lab.page.keyboard.press(key)
    lab.page.wait_for_timeout(500)
    assert lab.page.evaluate(CELLS) == cells
    assert lab.page.locator(".jp-MarkdownCell").count() == 0


@pytest.mark.browser
@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_play_pauses_where_it_is_and_offers_no_jump_back(lab, front_end):
    open_in(lab, front_end, f"keys-play-{front_end}.ipynb")
    widget = stepper(lab)
    readout = widget.locator(".rnn-step-controls .rnn-step-readout")
    buttons = widget.locator(".rnn-play button")
    expect(buttons.nth(1)).to_be_hidden()                # ipywidgets' ■ goes back to step 1
    buttons.first.click()                                # ▶
    expect(readout).to_contain_text("t = 3 / 8", timeout=30_000)
    buttons.first.click()                                # ❚❚
    paused = _settled(lab.page, readout)                 # steps already on their way land
    lab.page.wait_for_timeout(1500)                      # two and a half play intervals
    assert readout.inner_text() == paused, paused
    assert "t = 1 /" not in paused and "t = 8 /" not in paused, paused


def _settled(page, locator, quiet_ms: int = 1300, limit_ms: int = 30_000) -> str:
    """The text of ``locator`` once it has not changed for ``quiet_ms`` (more than two play
    intervals), read every 100 ms: on a loaded machine a step sent before the pause can land
    well after it. Fails if the text keeps changing for ``limit_ms``."""
    text, quiet, waited = locator.inner_text(), 0, 0
    while quiet < quiet_ms:
        assert waited < limit_ms, f"still changing after {limit_ms} ms: {text!r}"
        page.wait_for_timeout(100)
        waited += 100
        now = locator.inner_text()
        quiet = quiet + 100 if now == text else 0
        text = now
    return text


QUIZ = """
from widgets.quizzes.widget import quiz
quiz("02_rnn_cell_anatomy", "post", progress_path={path!r})
"""


@pytest.mark.browser
@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_quiz_arrows_change_the_option_and_enter_checks_a_typed_answer(lab, front_end,
                                                                       tmp_path):
    from widgets.quizzes.bank import load_bank, questions_for

    questions = questions_for(load_bank("02_rnn_cell_anatomy"), "post")
    choice = next(q for q in questions if q["type"] == "multiple_choice")
    numeric = next(q for q in questions if q["type"] == "numeric")
    source = QUIZ.format(path=str(tmp_path / "progress.json"))
    open_in(lab, front_end, f"keys-quiz-{front_end}.ipynb", source)
    page = lab.page
    quiz = page.locator(".rnn-quiz")
    expect(quiz).to_have_attribute("data-lm-suppress-shortcuts", "true", timeout=60_000)
    cells = page.evaluate(CELLS)
    block = quiz.locator(".rnn-quiz-question").filter(has_text=choice["question"])
    radios = block.locator("input[type=radio]")
    radios.nth(0).click()
    page.keyboard.press("ArrowDown")
    expect(radios.nth(1)).to_be_checked()
    expect(radios.nth(0)).not_to_be_checked()
    answer = next(a for a in numeric["answers"] if a.get("correct"))
    value = answer["value"] if "value" in answer else answer["range"][0]
    box = quiz.locator(".rnn-quiz-question").filter(has_text=numeric["question"])
    box.locator("input[type=text]").click()
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")
    expect(box.locator(".rnn-quiz-feedback")).to_contain_text("Correct", timeout=30_000)
    assert page.evaluate(CELLS) == cells
