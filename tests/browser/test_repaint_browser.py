"""Click-to-repaint of every stepping widget in a real browser (JupyterLab + headless
Chromium): each click on Next (or, for the DecayDemo, on a nonlinearity button) changes the
widget's DOM. The times (click -> the last change of the widget's DOM it caused) are written to
test-artifacts/repaint.json for `benchmarks/run.py --browser`; they are not asserted (the
machine's load decides them), only that every click repaints."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CLICKS = 15
SETUP = """
import torch
import widgets
widgets.set_seed(0)
def words(n):
    return [f"w{t}" for t in range(n)]
"""
CASES = {
    "StateStepper (RNN hidden 32, T = 40)": (".rnn-state-stepper", "Next ▶", """
widgets.StateStepper(widgets.trace(torch.nn.RNN(16, 32), torch.randn(40, 16), tokens=words(40)))
"""),
    "GateViewer (LSTM hidden 16, T = 20)": (".rnn-gate-viewer", "Next ▶", """
widgets.GateViewer(widgets.trace(torch.nn.LSTM(16, 16), torch.randn(20, 16), tokens=words(20)))
"""),
    "LayerStepper (GRU 2 layers, bidirectional, hidden 16, T = 20)": (
        ".rnn-layer-stepper", "Next ▶", """
gru = torch.nn.GRU(8, 16, num_layers=2, bidirectional=True)
widgets.LayerStepper(widgets.trace(gru, torch.randn(20, 8), tokens=words(20)))
"""),
    "DecayDemo (hidden 32, T = 50; the toggle recomputes the RNN curve)": (
        ".rnn-decay-demo", None, """
widgets.GradientFlow.demo()
"""),
    "StateStepper, 200-token sentence (RNN hidden 32)": (".rnn-state-stepper", "Next ▶", """
widgets.StateStepper(widgets.trace(torch.nn.RNN(16, 32), torch.randn(200, 16),
                                   tokens=words(200)), max_tokens=200)
"""),
}
OBSERVE = """(root) => {
    window.__t = {clicks: [], paints: []};
    root.addEventListener('click', () => window.__t.clicks.push(performance.now()), true);
    new MutationObserver(() => window.__t.paints.push(performance.now()))
        .observe(root, {subtree: true, childList: true, attributes: true,
                        characterData: true});
}"""


def _button(widget, name: str | None, click: int):
    if name is not None:
        return widget.get_by_role("button", name=name)
    return widget.get_by_role("button", name="relu" if click % 2 == 0 else "tanh")


@pytest.mark.browser
@pytest.mark.parametrize("case", list(CASES))
def test_every_click_repaints_and_the_times_are_recorded(lab, case):
    selector, name, source = CASES[case]
    lab.open_notebook(lab.write_notebook("repaint.ipynb", [SETUP, source]))
    lab.run_all()
    widget = lab.page.locator(selector)
    expect(widget.locator(".js-plotly-plot")).to_be_visible(timeout=60_000)
    lab.page.wait_for_timeout(1000)
    widget.evaluate(OBSERVE)
    delays = []
    for click in range(CLICKS):
        painted = lab.page.evaluate("() => window.__t.paints.length")
        _button(widget, name, click).click()
        lab.page.wait_for_function(f"() => window.__t.paints.length > {painted}",
                                   timeout=30_000)
        lab.page.wait_for_timeout(400)  # let this repaint finish before the next click
        clicks, paints = lab.page.evaluate("() => [window.__t.clicks, window.__t.paints]")
        delays.append(max(p for p in paints if p >= clicks[-1]) - clicks[-1])
    if name is not None:
        expect(widget.locator(".rnn-step-controls")).to_contain_text(f"{CLICKS + 1} / ")
    assert len(delays) == CLICKS and all(delay >= 0 for delay in delays)
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    path = folder / "repaint.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    ordered = sorted(delays)
    results[case] = {"median_ms": statistics.median(delays),
                     "p90_ms": ordered[int(0.9 * (len(ordered) - 1))],
                     "max_ms": max(delays), "delays_ms": delays}
    path.write_text(json.dumps(results, indent=1))
