"""The widget gallery of lesson 00 in a real JupyterLab: every widget renders, Next and the
keyboard step, a typed sentence is traced, and user text stays text. Element screenshots of
each widget are kept in test-artifacts/screenshots/ (the README's pictures come from there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 60_000
WIDGETS = {
    ".rnn-state-stepper": "state_stepper",
    ".rnn-gate-viewer": "gate_viewer",
    ".rnn-layer-stepper": "layer_stepper",
    ".rnn-gradient-flow": "gradient_flow",
    ".rnn-decay-demo": "decay_demo",
    ".rnn-quiz": "quiz",
}


@pytest.fixture(scope="module")
def gallery(jupyter_lab):
    """Lesson 00 copied into the server's root folder (relative links keep working)."""
    target = jupyter_lab.root / "lessons"
    target.mkdir(exist_ok=True)
    shutil.copy(ROOT / "lessons" / "00_start_here.ipynb", target / "00_start_here.ipynb")
    return "lessons/00_start_here.ipynb"


def readout(widget) -> str:
    return widget.locator(".rnn-step-controls .widget-html").first.inner_text()


@pytest.mark.browser
def test_gallery_renders_every_widget_and_steps(lab, gallery):
    lab.open_notebook(gallery)
    lab.run_all()
    page = lab.page
    page.set_viewport_size({"width": 1100, "height": 2400})  # whole widgets in the pictures
    for selector, name in WIDGETS.items():
        widget = page.locator(selector).first
        widget.scroll_into_view_if_needed()
        expect(widget).to_be_visible(timeout=TIMEOUT_MS)
        if name != "quiz":
            expect(widget.locator(".js-plotly-plot").first).to_be_visible(timeout=TIMEOUT_MS)
        _screenshot(widget, name)
    assert lab.error_texts() == []
    page.set_viewport_size({"width": 1280, "height": 1000})

    stepper = page.locator(".rnn-state-stepper").first
    stepper.scroll_into_view_if_needed()
    before = readout(stepper)
    stepper.get_by_role("button", name="Next ▶").click()
    expect(stepper.locator(".rnn-step-controls")).not_to_contain_text(before, timeout=TIMEOUT_MS)
    assert "'plot'" in readout(stepper)

    stepper.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    expect(stepper.locator(".rnn-step-controls")).to_contain_text("'was'", timeout=TIMEOUT_MS)

    gates = page.locator(".rnn-gate-viewer").first
    gates.scroll_into_view_if_needed()
    diagram = gates.locator("svg").first.inner_html()
    gates.get_by_role("button", name="Next ▶").click()
    expect(gates.locator(".rnn-step-controls")).to_contain_text("'and'", timeout=TIMEOUT_MS)
    page.wait_for_function("(old) => document.querySelector('.rnn-gate-viewer svg')"
                           ".innerHTML !== old", arg=diagram, timeout=TIMEOUT_MS)


@pytest.mark.browser
def test_typed_sentence_is_traced_and_shown_as_text(lab, gallery):
    lab.open_notebook(gallery)
    lab.run_all()
    page = lab.page
    stepper = page.locator(".rnn-state-stepper").first
    stepper.scroll_into_view_if_needed()
    box = stepper.get_by_placeholder("type a sentence, then press Enter")
    box.fill('the music was not <b>bad</b> <img src=x onerror="window.__alerted=1">')
    box.press("Enter")
    expect(stepper).to_contain_text("music", timeout=TIMEOUT_MS)
    expect(stepper).to_contain_text("(unk)", timeout=TIMEOUT_MS)
    assert stepper.locator("img[src='x']").count() == 0
    assert page.evaluate("() => window.__alerted === undefined")
    assert lab.error_texts() == []


def _screenshot(widget, name: str) -> None:
    folder = ROOT / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    widget.screenshot(path=str(folder / f"{name}.png"))
