"""What an executed lesson exported to HTML must show: every widget's static form
(widgets/views/static.py), plotly.js once, nothing fetched from elsewhere, no widget placeholder
text. Used by test_lesson_runs.py (every lesson) and test_static_html.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from nbconvert import HTMLExporter

from widgets.views.static import FIGURE_CLASS, inline_plotlyjs

from figure_policy import figure_problems

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
JSON_SCRIPT = re.compile(r'<script(?=[^>]*type="application/json")[^>]*id="(rnn-fig-[^"]+)-json"'
                         r"[^>]*>(.*?)</script>", re.S)     # nbconvert may reorder attributes
PLOTLYJS_BANNER = "plotly.js v"


def figures(html: str) -> list[dict]:
    """Every static figure's JSON in ``html``, parsed."""
    return [json.loads(payload) for _, payload in JSON_SCRIPT.findall(html)]


class StaticForms(HTMLParser):
    """Collect each static-form container of a page: its text (without scripts and notes)
    and how many figure boxes it holds."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._depth, self._skip = [], None, 0, []

    def handle_starttag(self, tag, attrs):
        classes = set((dict(attrs).get("class") or "").split())
        if self._form is None and tag == "div" and classes & {"rnn-static-form",
                                                              "rnn-quiz-static"}:
            self._form, self._depth = {"text": "", "figures": 0}, 0
        if self._form is None:
            return
        self._depth += tag == "div"
        self._form["figures"] += FIGURE_CLASS in classes
        if tag == "script" or classes & {"rnn-static-note", FIGURE_CLASS}:
            self._skip.append(tag)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        if tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self.forms.append(self._form)
                self._form = None

    def handle_data(self, data):
        if self._form is not None and not self._skip:
            self._form["text"] += data


def widget_outputs(notebook) -> list[dict]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])
            if WIDGET_VIEW in output.get("data", {})]


def check_exported(notebook) -> None:
    """An executed lesson exported to HTML shows every widget's static form: each widget
    output carries text/html; the page has as many static forms, none empty; every figure
    parses, with data (or shapes: a diagram), and keeps the colour policy (figure_policy.py:
    these figures reach plotly.js as JSON, unchecked by plotly.py); plotly.js is in the page
    once if there are figures and no script is fetched from a plotly address; no widget
    placeholder text remains.
    test_lesson_runs.py calls this on each lesson's first run."""
    outputs = widget_outputs(notebook)
    missing = [o["data"]["text/plain"][:60] for o in outputs if "text/html" not in o["data"]]
    assert not missing, f"widget outputs without a static form: {missing}"
    exporter = HTMLExporter()
    exporter.register_preprocessor(inline_plotlyjs, enabled=True)
    page, _ = exporter.from_notebook_node(notebook)
    parser = StaticForms()
    parser.feed(page)
    assert len(parser.forms) == len(outputs) > 0
    empty = [form for form in parser.forms
             if form["figures"] == 0 and not re.search(r"\w", form["text"])]
    assert not empty
    shown = figures(page)
    assert len(shown) == sum(form["figures"] for form in parser.forms) == \
        page.count(f'class="{FIGURE_CLASS}"')
    assert all(fig["data"] or fig["layout"].get("shapes") for fig in shown)   # a diagram: shapes
    assert [problem for fig in shown for problem in figure_problems(fig)] == []
    assert page.count(PLOTLYJS_BANNER) == (1 if shown else 0)
    sources = re.findall(r'<script[^>]*\bsrc="([^"]*)"', page)    # nbconvert's own: require.js
    assert sources and not any("plot" in source for source in sources), sources
    outputs_only, _ = HTMLExporter(exclude_input=True, exclude_markdown=True).from_notebook_node(
        notebook)
    for text in ("Loading widget", "Error displaying widget", "(children=("):
        assert text not in outputs_only
