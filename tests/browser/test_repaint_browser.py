"""Click-to-repaint of the StateStepper in a real browser: every click on Next repaints the
heatmap. The times (click -> the last change of the plot's DOM it caused) are written to
test-artifacts/repaint.json for `benchmarks/run.py --browser`; they are not asserted."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
CLICKS = 20
SOURCE = """
import torch
import widgets
widgets.set_seed(0)
rnn = torch.nn.RNN(16, 32)
tokens = [f"w{t}" for t in range(40)]
widgets.StateStepper(widgets.trace(rnn, torch.randn(40, 16), tokens=tokens))
"""
OBSERVE = """() => {
    const root = document.querySelector('.rnn-state-stepper');
    const plot = root.querySelector('.js-plotly-plot');
    const next = [...root.querySelectorAll('button')].find(b => b.textContent.includes('Next'));
    window.__t = {clicks: [], paints: []};
    next.addEventListener('click', () => window.__t.clicks.push(performance.now()), true);
    new MutationObserver(() => window.__t.paints.push(performance.now()))
        .observe(plot, {subtree: true, childList: true, attributes: true});
}"""


@pytest.mark.browser
def test_every_click_repaints_and_the_times_are_recorded(lab):
    lab.open_notebook(lab.write_notebook("repaint.ipynb", [SOURCE]))
    lab.run_all()
    stepper = lab.page.locator(".rnn-state-stepper")
    expect(stepper.locator(".js-plotly-plot")).to_be_visible(timeout=60_000)
    lab.page.evaluate(OBSERVE)
    next_button = stepper.get_by_role("button", name="Next ▶")
    delays = []
    for _ in range(CLICKS):
        painted = lab.page.evaluate("() => window.__t.paints.length")
        next_button.click()
        lab.page.wait_for_function(f"() => window.__t.paints.length > {painted}",
                                   timeout=30_000)
        lab.page.wait_for_timeout(300)  # let this repaint finish before the next click
        clicks, paints = lab.page.evaluate("() => [window.__t.clicks, window.__t.paints]")
        delays.append(max(p for p in paints if p >= clicks[-1]) - clicks[-1])
    expect(stepper.locator(".rnn-step-controls")).to_contain_text(f"step {CLICKS + 1} / 40")
    assert len(delays) == CLICKS and all(delay >= 0 for delay in delays)
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / "repaint.json").write_text(json.dumps({
        "what": "StateStepper Next click -> last DOM change of the heatmap it caused (ms)",
        "median_ms": statistics.median(delays), "max_ms": max(delays), "delays_ms": delays}))
