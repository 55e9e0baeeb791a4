"""One screen: at a 1280 x 800 viewport in JupyterLab and in Notebook 7 each stepping widget's
step bar, main figure and readout (the GateViewer: also its cell diagram) fit in the notebook's
visible height together, and stepping does not change the widget's height (fixed-height readouts).
A 200-token sentence keeps the bar on screen, thins the axis labels and scrolls its token
buttons so that the current token is always in view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

SETUP = """
import torch
import widgets
widgets.set_seed(0)
def words(n):
    return [f"w{t}" for t in range(n)]
"""
WIDGETS = {
    ".rnn-state-stepper": """
widgets.StateStepper(widgets.trace(torch.nn.RNN(16, 32), torch.randn(40, 16), tokens=words(40)))
""",
    ".rnn-gate-viewer": """
widgets.GateViewer(widgets.trace(torch.nn.LSTM(16, 32), torch.randn(20, 16), tokens=words(20)))
""",
    ".rnn-layer-stepper": """
gru = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True)
widgets.LayerStepper(widgets.trace(gru, torch.randn(12, 8), tokens=words(12)))
""",
}
LONG = """
long_viewer = widgets.StateStepper(widgets.trace(torch.nn.RNN(16, 32), torch.randn(200, 16),
                                                 tokens=words(200)), max_tokens=200)
long_viewer
"""
INSIDE = """(widget) => {
    const box = widget.querySelector('.rnn-sentence').getBoundingClientRect();
    const token = widget.querySelector('.rnn-current-token').getBoundingClientRect();
    return {inside: token.top >= box.top - 1 && token.bottom <= box.bottom + 1,
            scrolls: widget.querySelector('.rnn-sentence').scrollHeight > box.height + 10,
            text: widget.querySelector('.rnn-current-token').textContent};
}"""
SPAN = """(root) => {
    const parts = ['.rnn-step-controls', '.js-plotly-plot', '.rnn-readout', '.rnn-gate-diagram']
        .map(selector => root.querySelector(selector)).filter(part => part !== null);
    const rects = parts.map(part => part.getBoundingClientRect());
    return {parts: parts.length, narrowest: Math.min(...rects.map(r => r.width)),
            span: Math.max(...rects.map(r => r.bottom)) - Math.min(...rects.map(r => r.top)),
            height: root.getBoundingClientRect().height};
}"""
VISIBLE = "() => document.querySelector('.jp-NotebookPanel-notebook').clientHeight"


def measure(widget) -> dict:
    return widget.evaluate(SPAN)


@pytest.mark.browser
@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
@pytest.mark.parametrize("selector", list(WIDGETS))
def test_bar_figure_and_readout_fit_one_screen_and_do_not_jump(lab, selector, front_end):
    lab.page.set_viewport_size({"width": 1280, "height": 800})
    name = f"layout-{front_end}-{selector.strip('.')}.ipynb"
    lab.open_and_run(front_end, lab.write_notebook(name, [SETUP, WIDGETS[selector]]))
    widget = lab.page.locator(selector)
    expect(widget.locator(".js-plotly-plot")).to_be_visible(timeout=60_000)
    lab.page.wait_for_timeout(1000)
    first = measure(widget)
    visible = lab.page.evaluate(VISIBLE)
    assert first["parts"] >= 3 and first["narrowest"] >= 150, first   # none squeezed away
    assert first["span"] <= visible, (first, visible)
    for _ in range(3):
        widget.get_by_role("button", name="Next ▶").click()
        lab.page.wait_for_timeout(400)
    expect(widget.locator(".rnn-step-controls")).to_contain_text(re.compile(r"\b4 / "),
                                                                 timeout=30_000)  # all landed
    later = measure(widget)
    assert abs(later["height"] - first["height"]) <= 1, (first, later)


@pytest.mark.browser
def test_a_200_token_sentence_keeps_the_bar_and_the_current_token_on_screen(lab):
    lab.page.set_viewport_size({"width": 1280, "height": 800})
    lab.open_notebook(lab.write_notebook("layout-long.ipynb", [
        SETUP, LONG, "long_viewer.controls.value = 150  # far below the sentence's first rows"]))
    lab.run_all()
    widget = lab.page.locator(".rnn-state-stepper")
    expect(widget.locator(".js-plotly-plot")).to_be_visible(timeout=60_000)
    shown = measure(widget)
    assert shown["span"] <= lab.page.evaluate(VISIBLE), shown
    ticks = widget.locator(".xtick").count()
    assert 0 < ticks <= 40                                 # thinned, not 200 overlapping
    readout = widget.locator(".rnn-step-controls")
    expect(readout).to_contain_text("t = 151 / 200", timeout=30_000)   # the third cell
    for step in (151, 152):
        lab.page.wait_for_timeout(500)
        seen = widget.evaluate(INSIDE)
        assert seen["scrolls"] and seen["inside"] and seen["text"].startswith(f"w{step - 1}"), \
            seen
        widget.get_by_role("button", name="Next ▶").click()
        expect(readout).to_contain_text(f"t = {step + 1} / 200", timeout=30_000)
