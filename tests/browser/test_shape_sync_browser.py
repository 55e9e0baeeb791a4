"""A step moves the figure's shapes in the browser through `ShapeSync` (one plotly relayout of
the shapes, not a FigureWidget update): in JupyterLab and in Notebook 7 the box and the cover
move with every step; the FigureWidget's Python state follows (plotly reports the relayout to
the kernel); and the widget shown a second time opens at the current step's shapes."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

SETUP = """
import torch
import widgets
widgets.set_seed(0)
viewer = widgets.StateStepper(widgets.trace(torch.nn.RNN(4, 6), torch.randn(8, 4),
                                            tokens=[f"w{t}" for t in range(8)]))
viewer
"""
SHAPES = """(root) => [...root.querySelectorAll('.js-plotly-plot .shapelayer path')]
    .map(path => path.getAttribute('d')).sort()"""
PLACES = """(root) => root.querySelector('.js-plotly-plot').layout.shapes
    .map(shape => [shape.x0, shape.x1, shape.y0, shape.y1])"""  # data coordinates


def _widget(lab, index: int = 0):
    widget = lab.page.locator(".rnn-state-stepper").nth(index)
    expect(widget.locator(".js-plotly-plot")).to_be_visible(timeout=60_000)
    return widget


def _run_cell(lab, source: str) -> None:
    """Replace the last cell's text by ``source`` and run it with Shift+Enter."""
    editor = lab.page.locator(".jp-Notebook .jp-Cell").last.locator(".cm-content")
    editor.click()
    lab.page.keyboard.press("Control+a")
    lab.page.keyboard.insert_text(source)      # no key events: no auto-closed brackets
    lab.page.keyboard.press("Shift+Enter")


@pytest.mark.browser
@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_every_step_moves_the_shapes_in_the_browser(lab, front_end):
    lab.open_and_run(front_end, lab.write_notebook(f"shapes-{front_end}.ipynb", [SETUP]))
    widget = _widget(lab)
    lab.page.wait_for_timeout(500)
    seen = [widget.evaluate(SHAPES)]
    for step in range(2, 5):
        widget.get_by_role("button", name="Next ▶").click()
        expect(widget.locator(".rnn-step-readout")).to_contain_text(f"t = {step} / 8")
        lab.page.wait_for_function(
            f"(before) => JSON.stringify(({SHAPES})(document.querySelector('.rnn-state-stepper')))"
            " !== before", arg=json.dumps(seen[-1], separators=(",", ":")), timeout=10_000)
        seen.append(widget.evaluate(SHAPES))
    assert len(seen[0]) == 3 and len({str(shapes) for shapes in seen}) == 4, seen


@pytest.mark.browser
def test_the_figure_state_follows_and_a_second_view_opens_at_the_current_step(lab):
    lab.open_and_run("lab", lab.write_notebook("shapes-state.ipynb", [SETUP, "pass"]))
    widget = _widget(lab)
    for step in range(2, 5):
        widget.get_by_role("button", name="Next ▶").click()
        expect(widget.locator(".rnn-step-readout")).to_contain_text(f"t = {step} / 8")
    lab.page.wait_for_timeout(500)
    _run_cell(lab, "print('box at', viewer.figure.layout.shapes[1].x0)\nviewer")
    expect(lab.page.locator(".jp-OutputArea-output").filter(has_text="box at")) \
        .to_contain_text("box at 2.5", timeout=30_000)          # t = 4: the box spans 2.5-3.5
    second = _widget(lab, 1)
    lab.page.wait_for_function(
        f"() => {{ const views = document.querySelectorAll('.rnn-state-stepper');"
        f" return views.length === 2 && JSON.stringify(({PLACES})(views[0]))"
        f" === JSON.stringify(({PLACES})(views[1])); }}", timeout=10_000)
    assert second.evaluate(PLACES)[1][:2] == [2.5, 3.5]       # the box on t = 4
    expect(second.locator(".rnn-step-readout")).to_contain_text("t = 4 / 8")
