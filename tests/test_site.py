"""The course site's parts that need no browser (widgets/site/):
where it may be written, which executed lessons it reuses, how links and navigation are made,
MathJax from its package, quizzes carrying their data, static text that follows a slider.
tests/browser/test_site_browser.py builds the whole site and reads it in Chromium."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
import torch

import widgets
from widgets.quizzes.widget import quiz_html
from widgets.site import build as site
from widgets.site import mathjax as site_math
from widgets.site.pages import Page, lesson_title, nav_html, rewrite_links
from widgets.views.static import FRAME_CLASS


def test_the_site_is_never_written_inside_the_repository(capsys):
    assert site.main(["--out", str(site.REPO_ROOT / "site")]) == 2
    assert "must be outside the course repository" in capsys.readouterr().err
    assert not (site.REPO_ROOT / "site").exists()
    with pytest.raises(ValueError, match="outside the course repository"):
        site.check_out(site.LESSONS_DIR)


def test_a_foreign_folder_is_not_overwritten(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty"):
        site.check_out(tmp_path)
    (tmp_path / site.MARKER).write_text("")
    assert site.check_out(tmp_path) == tmp_path.resolve()
    assert site.check_out(tmp_path / "new") == (tmp_path / "new").resolve()


def test_an_executed_copy_is_reused_only_when_it_is_a_complete_run(tmp_path):
    lesson = nbformat.read(site.lessons()[0], as_version=4)
    executed = nbformat.from_dict(json.loads(json.dumps(lesson)))
    code = [cell for cell in executed.cells if cell.cell_type == "code" and cell.source]
    assert not site.same_cells(executed, lesson)            # never run
    for k, cell in enumerate(code, 1):
        cell.execution_count = k
    assert site.same_cells(executed, lesson)
    code[-1].source += "\n# changed"
    assert not site.same_cells(executed, lesson)
    executed.cells.pop()
    assert not site.same_cells(executed, lesson)


def test_executed_lesson_reads_a_reused_copy_without_a_kernel(tmp_path):
    path = site.lessons()[0]
    notebook = nbformat.read(path, as_version=4)
    for k, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            cell.execution_count = k + 1
    nbformat.write(notebook, tmp_path / path.name)
    said = []
    assert site.executed_lesson(path, tmp_path, said.append) == notebook
    assert said == []


def test_links_point_into_the_site_or_become_text():
    pages = [Page("02_rnn_cell_anatomy.html", "02")]
    links = site.site_links(pages)
    text = ("[lesson](lessons/02_rnn_cell_anatomy.ipynb#Sec) [bench](docs/benchmarks.md) "
            "![pic](docs/images/quiz.png) [guide](CONTRIBUTING.md) [web](https://x.org/a) "
            "[top](#start)")
    assert rewrite_links(text, site.REPO_ROOT, links) == (
        "[lesson](02_rnn_cell_anatomy.html#Sec) [bench](benchmarks.html) "
        "![pic](images/quiz.png) guide [web](https://x.org/a) [top](#start)")


def test_navigation_links_previous_and_next_with_titles_escaped():
    pages = [Page("a.html", "A <b>"), Page("b.html", "B"), Page("c.html", "C")]
    middle = nav_html(pages, 1, "top")
    assert 'href="a.html">← A &lt;b&gt;</a>' in middle and 'href="c.html">C →</a>' in middle
    assert 'class="prev"' not in nav_html(pages, 0, "top")
    assert 'class="next"' not in nav_html(pages, 2, "top")
    assert 'href="index.html"' in nav_html(pages, None, "top")


def test_a_lesson_title_is_its_first_heading():
    notebook = nbformat.read(site.lessons()[2], as_version=4)
    assert lesson_title(notebook, "x").startswith("02 ")
    assert lesson_title(nbformat.v4.new_notebook(), "fallback") == "fallback"


def test_mathjax_comes_from_its_package_with_the_course_configuration():
    files = dict(site_math.mathjax_files())
    assert "MathJax.js" in files and "config/TeX-AMS-MML_HTMLorMML-full.js" in files
    assert f"config/{site_math.LOCAL_CONFIG}.js" in files
    assert any(name.startswith("fonts/HTML-CSS/STIX-Web/woff/") for name in files)
    assert not any(name.startswith(site_math.SKIPPED) for name in files)
    _, resources = site_math.offline_mathjax(nbformat.v4.new_notebook(), {})
    assert resources["mathjax_url"] == ("mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,"
                                        "Safe,local/rnn-course")
    assert set(resources["outputs"]) == {f"mathjax/{name}" for name in files}
    assert resources["require_js_url"].startswith("data:")


def test_a_static_quiz_carries_its_questions_as_json_that_cannot_end_the_script():
    question = {"type": "multiple_choice", "question": "x </script><b>", "explanation": "e",
                "answers": [{"answer": "a", "correct": True, "feedback": "f"}]}
    html = quiz_html([question])
    payload = re.search(r'<script type="application/json" class="rnn-quiz-data">(.*?)</script>',
                        html, re.S)[1]
    assert "</script>" not in payload and json.loads(payload) == [question]


def frames_of(html: str) -> tuple[list[int], list[str]]:
    """The frame numbers of a static copy's per-frame parts, and those not hidden."""
    parts = re.findall(rf'<div class="{FRAME_CLASS}" data-frame="(\d+)"( hidden)?>', html)
    return [int(name) for name, _ in parts], [name for name, hidden in parts if not hidden]


def test_the_gate_viewers_static_text_follows_its_slider():
    widgets.set_seed(0)
    viewer = widgets.GateViewer(widgets.trace(torch.nn.LSTM(3, 4), torch.randn(5, 3),
                                              tokens=list("abcde")))
    viewer.controls.value = 2
    html = viewer.static_html()
    assert frames_of(html) == (list(range(5)), ["2"])
    assert html.count("<svg") >= 5                       # a cell diagram per step


@pytest.mark.parametrize("make", [
    lambda trace: widgets.StateStepper(trace),
    lambda trace: widgets.LayerStepper(trace)], ids=["StateStepper", "LayerStepper"])
def test_every_steppers_static_readout_follows_its_slider(make):
    widgets.set_seed(0)
    module = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    viewer = make(widgets.trace(module, torch.randn(6, 3), tokens=list("abcdef")))
    viewer.controls.value = 3
    assert frames_of(viewer.static_html()) == (list(range(6)), ["3"])
