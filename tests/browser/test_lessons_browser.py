"""Every lesson in a real JupyterLab: Run All Cells finishes with no traceback, no error
output and no widget that failed to render."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def lessons_folder(jupyter_lab):
    """The lessons (and their quiz banks, read through the package) in the server's root."""
    target = jupyter_lab.root / "lessons"
    target.mkdir(exist_ok=True)
    for lesson in LESSONS:
        shutil.copy(lesson, target / lesson.name)
    return "lessons"


@pytest.mark.browser
@pytest.mark.parametrize("lesson", [path.name for path in LESSONS])
def test_lesson_runs_in_jupyterlab_without_errors(lab, lessons_folder, lesson):
    lab.open_notebook(f"{lessons_folder}/{lesson}")
    lab.run_all()
    page = lab.page
    assert page.locator(".jp-OutputArea-output").count() > 0
    assert lab.error_texts() == []
    assert page.locator(".jp-OutputArea-error").count() == 0
    rendered = page.locator(".jp-OutputArea-output .widget-box, .jp-OutputArea-output "
                            ".js-plotly-plot").count()
    assert rendered > 0, "no widget or figure rendered"
