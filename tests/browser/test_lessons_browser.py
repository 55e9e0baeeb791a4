"""Every lesson in a real JupyterLab and in Jupyter Notebook 7 (the two front ends the README
names): Run All Cells finishes with no traceback, no error output and no widget that failed to
render, and every stepping widget steps when its Next button is clicked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
FRONT_ENDS = ["lab", "notebook"]
STEP_TIMEOUT_MS = 60_000


def lessons_folder(server) -> str:
    """The lessons (their quiz banks are read through the package) in the server's root."""
    target = server.root / "lessons"
    target.mkdir(exist_ok=True)
    for lesson in LESSONS:
        if not (target / lesson.name).exists():
            shutil.copy(lesson, target / lesson.name)
    return "lessons"


def step_every_widget(page) -> int:
    """Click Next on every step bar that can move forward (Prev on one at its last step) and
    wait until the bar's readout changes; returns how many widgets stepped."""
    bars = page.locator(".rnn-step-controls")
    for k in range(bars.count()):
        bar = bars.nth(k)
        bar.scroll_into_view_if_needed()
        before = bar.inner_text()
        button = bar.get_by_role("button", name="Next ▶")
        if button.is_disabled():
            button = bar.get_by_role("button", name="◀ Prev")
        button.click()
        expect(bar).not_to_have_text(before, timeout=STEP_TIMEOUT_MS)
    return bars.count()


@pytest.mark.browser
@pytest.mark.parametrize("front_end", FRONT_ENDS, indirect=True)
@pytest.mark.parametrize("lesson", [path.name for path in LESSONS])
def test_lesson_runs_without_errors_and_its_widgets_step(front_end, lesson):
    front_end.open_notebook(f"{lessons_folder(front_end.server)}/{lesson}")
    front_end.run_all()
    page = front_end.page
    assert page.locator(".jp-OutputArea-output").count() > 0
    assert front_end.error_texts() == []
    assert page.locator(".jp-OutputArea-error").count() == 0
    rendered = page.locator(".jp-OutputArea-output .widget-box, .jp-OutputArea-output "
                            ".js-plotly-plot").count()
    assert rendered > 0, "no widget or figure rendered"
    step_every_widget(page)
    assert front_end.error_texts() == []
