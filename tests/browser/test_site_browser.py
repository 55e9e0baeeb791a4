"""The course site (python -m widgets.site), built from the session's executed lessons and read
from disk (file://) in Chromium with every non-local request blocked, and the README's export
command read the same way: no console errors, math rendered (no raw $$ or \\( left), each
lesson page with its widgets' static copies and its quizzes, a quiz answered gives feedback, a
static slider moves its figure and the text beside it, exercises marked, no solution shown."""

from __future__ import annotations

import ast
import re
import shlex
import subprocess
import sys
from html import unescape
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect

from widgets.site import build as site

from readme_blocks import readme_block
from static_pages import widget_outputs

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 60_000
RAW_MATH = re.compile(r"\$\$|\\\(|\\\[|\$[A-Za-z\\][^$\n]{0,80}\$")
# The page's text without code, scripts and styles, once MathJax has finished.
TEXT_AFTER_MATH = """async () => {
    if (window.MathJax) await new Promise(done => MathJax.Hub.Queue(done));
    const copy = document.body.cloneNode(true);
    copy.querySelectorAll('pre, code, script, style, .MathJax_Preview').forEach(e => e.remove());
    return copy.textContent;
}"""
pytestmark = [pytest.mark.browser, pytest.mark.site]


@pytest.fixture(scope="module")
def course_site(tmp_path_factory, executed_lessons) -> Path:
    """The site built from the lessons test_lesson_runs.py executed (missing ones run here)."""
    return site.build(tmp_path_factory.mktemp("site") / "rnn-course", executed_lessons,
                      say=lambda text: None)


@pytest.fixture
def reader(browser_session):
    """A fresh page that records console errors and uncaught exceptions; the test fails if
    the page requested anything but files and loopback."""
    context, guard = browser_session
    already_blocked = len(guard.blocked)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, errors
    page.close()
    assert guard.blocked[already_blocked:] == []


def open_page(page, path: Path) -> str:
    """Open ``path`` from disk; its text (code left out) once MathJax is done."""
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page.evaluate(TEXT_AFTER_MATH)


def test_every_page_renders_its_math_offline_and_each_lesson_its_widgets_and_quizzes(
        course_site, executed_lessons, reader):
    page, errors = reader
    lessons = [lesson.with_suffix(".html").name for lesson in site.lessons()]
    for name in ["index.html", "benchmarks.html"]:
        text = open_page(page, course_site / name)
        assert RAW_MATH.findall(text) == [] and errors == [], (name, errors)
        if name == "index.html":                       # the README's lesson map, in order
            links = page.eval_on_selector_all("main a", "els => els.map(a => a.href)")
            linked = [link.rsplit("/", 1)[-1] for link in links]
            assert list(dict.fromkeys(n for n in linked if n in lessons)) == lessons
            assert page.locator("main img[src^='images/']").count() == 6      # the widgets
    for lesson, name in zip(site.lessons(), lessons, strict=True):
        text = open_page(page, course_site / name)
        assert RAW_MATH.findall(text) == [], name
        assert page.locator(".MathJax").count() > 0, f"{name}: no math rendered"
        notebook = site.executed_lesson(lesson, executed_lessons, say=lambda text: None)
        forms = page.locator(".rnn-static-form, .rnn-quiz-static")
        assert forms.count() == len(widget_outputs(notebook)) > 0, name
        figures = page.locator(".rnn-static-figure").count()         # plotly draws each
        expect(page.locator(".rnn-static-figure.js-plotly-plot")).to_have_count(figures)
        quizzes = sum(cell.source.count("widgets.quiz(") for cell in notebook.cells
                      if cell.cell_type == "code")              # pre, post and predict items
        assert page.locator(".rnn-quiz-active").count() == quizzes >= 2, name
        exercises = sum("exercise" in cell.metadata.get("tags", []) for cell in notebook.cells)
        assert page.locator(".celltag_exercise").count() == exercises, name
        assert errors == [], f"{name}: {errors}"
    assert page.locator(".rnn-site-nav.top a.prev").get_attribute("href") == lessons[-2]


def test_a_quiz_answered_gives_feedback(course_site, reader):
    page, _ = reader
    open_page(page, course_site / "02_rnn_cell_anatomy.html")
    question = page.locator(".rnn-quiz-active .rnn-quiz-question").first
    question.scroll_into_view_if_needed()
    question.get_by_role("button", name="Check").click()
    expect(question.locator(".rnn-quiz-feedback")).to_contain_text("Choose an answer first")
    question.locator("input").first.check()
    question.get_by_role("button", name="Check").click()
    expect(question.locator(".rnn-quiz-message")).to_have_text(re.compile("Correct|Not quite"))


def test_a_numeric_quiz_question_is_graded_like_the_widget(course_site, reader):
    page, _ = reader
    open_page(page, course_site / "01_why_order_matters.html")
    question = page.locator(".rnn-quiz-question", has=page.locator("input[type=text]")).first
    question.scroll_into_view_if_needed()
    for typed, message in (("94", "Correct."), ("0.94", "Correct."), ("88", "Not quite.")):
        question.locator("input[type=text]").fill(typed)
        question.get_by_role("button", name="Check").click()
        expect(question.locator(".rnn-quiz-message")).to_have_text(message)


def test_a_static_slider_moves_the_figure_and_the_text_beside_it(course_site, reader):
    page, errors = reader
    open_page(page, course_site / "05_lstm_gates.html")
    viewer = page.locator('.rnn-static-form[data-widget="GateViewer"]').first
    viewer.scroll_into_view_if_needed()
    title = viewer.locator(".gtitle").first.text_content()
    shown = viewer.locator(".rnn-static-frame:not([hidden])")
    before = shown.inner_text()
    rail = viewer.locator(".slider-rail-rect").first.bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.5, rail["y"] + rail["height"] / 2)
    expect(viewer.locator(".gtitle").first).not_to_have_text(title, timeout=TIMEOUT_MS)
    expect(shown).to_have_count(1)
    expect(shown).not_to_have_text(before)
    step = re.compile(r"t = (\d+)")                       # the figure and the text: one step
    assert step.search(viewer.locator(".gtitle").first.text_content())[1] == \
        step.search(shown.inner_text())[1]
    assert errors == []


def test_a_static_steppers_slider_restyles_its_sentence(course_site, reader):
    page, errors = reader
    open_page(page, course_site / "02_rnn_cell_anatomy.html")
    viewer = page.locator('.rnn-static-form[data-widget="StateStepper"]').first
    viewer.scroll_into_view_if_needed()
    label = viewer.locator(".slider-label").first        # the current value: "t = 5 · good"
    opened = label.text_content()
    sentence = viewer.locator(".rnn-static-sentence")
    expect(sentence).to_have_count(1)
    values = sentence.locator("sub")
    total = values.count()
    rail = viewer.locator(".slider-rail-rect").first.bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.4, rail["y"] + rail["height"] / 2)
    expect(label).not_to_have_text(opened, timeout=TIMEOUT_MS)
    step = int(re.search(r"t = (\d+)", label.text_content())[1])
    assert 1 < step < total
    expect(values.nth(step)).to_have_text("…")                # tokens after t = step: not read
    shown = values.all_inner_texts()
    assert shown[step:] == ["…"] * (total - step) and "…" not in shown[:step]
    current = sentence.locator("span").nth(step - 1)
    assert current.evaluate("span => span.style.borderColor") == "black"
    assert errors == []

def solution_lines(solution: Path) -> list[str]:
    """The code lines of a solution file (no docstrings, comments or short lines) that its
    lesson does not contain itself."""
    text = solution.read_text(encoding="utf-8")
    docstrings = {line for node in ast.walk(ast.parse(text)) if isinstance(node, ast.Expr)
                  and isinstance(node.value, ast.Constant)
                  for line in range(node.lineno, node.end_lineno + 1)}
    lesson = nbformat.read(ROOT / "lessons" / solution.with_suffix(".ipynb").name, as_version=4)
    shown = "\n".join(cell.source for cell in lesson.cells).replace("`", "")   # Markdown code
    lines = [line.strip() for k, line in enumerate(text.splitlines(), 1) if k not in docstrings]
    return [line for line in lines if len(line) > 20 and not line.startswith("#")
            and line not in shown]


def test_no_solution_is_shown_on_the_site(course_site):
    pages = "\n".join(unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))
                      for path in course_site.glob("*.html"))
    for solution in sorted((ROOT / "lessons" / "solutions").glob("[0-9][0-9]_*.py")):
        lines = solution_lines(solution)
        assert lines, solution.name
        assert [line for line in lines if line in pages] == [], solution.name


def test_the_readmes_export_renders_math_offline(tmp_path, reader):
    words = shlex.split(readme_block("Read without a kernel"))
    words = [w for w in words if "--execute" not in w and "store_widget_state" not in w]
    words[words.index("--output-dir") + 1] = str(tmp_path)
    words[-1] = "lessons/02_rnn_cell_anatomy.ipynb"          # math in Markdown: no need to run
    subprocess.run([sys.executable, "-m", "jupyter", *words[1:]], cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    page, errors = reader
    text = open_page(page, tmp_path / "02_rnn_cell_anatomy.html")
    assert page.locator(".MathJax").count() > 10
    assert RAW_MATH.findall(text) == []
    assert errors == []
