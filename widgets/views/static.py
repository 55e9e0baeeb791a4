"""Static forms: what every widget shows where no kernel runs (an executed lesson exported to
HTML with nbconvert, a static site). Lesson 00_start_here introduces the widgets; lessons
00-08 display them, and each display carries this static copy.

Each widget's display bundle keeps ipywidgets' view (``application/vnd.jupyter.widget-view+
json``) and adds ``text/html``: a ``<div class="rnn-static-form">`` holding the widget's
current state as a plain plotly figure (slider and frames) and a short text summary.
- JupyterLab ranks the widget view first (rank -10, text/html 50), so a live session shows
  the widget and never renders this HTML; an untrusted notebook shows the HTML sanitized
  (scripts removed: the summary and a note stay readable).
- A part that changes with the step is either drawn once per step (`per_frame`: the slider
  shows one) or, for the StateStepper's sentence, drawn once and restyled by the slider
  (`widgets.figures.state.sentence_html` with ``stepped``).
- nbconvert skips a widget view whose state is not stored in the notebook (the course runs
  with ``store_widget_state=False``) and renders the next mimetype: this HTML.

plotly.js: the HTML of a figure is its JSON in a ``<script type="application/json">`` and a
few lines that call ``window.Plotly.newPlot`` when the page has plotly.js (else a note shows).
plotly.js itself is a page resource, added once per page at export time by the nbconvert
preprocessor `inline_plotlyjs`, from the plotly package on disk (offline, no CDN):
    jupyter nbconvert --to html \\
        --HTMLExporter.preprocessors=widgets.views.static.inline_plotlyjs lesson.ipynb
(A static site builder adds the plotly.min.js of the plotly package as a page script.)
plotly's own "notebook" renderer instead displays plotly.js (≈ 4.8 MB) once per kernel
session; here that would put 4.8 MB into every executed or saved notebook and send it to
JupyterLab, which never shows it, and an export would lose it when that one output is cleared.
`register_formatters` (called once per kernel by ``import widgets``) gives a static form to
widgets the package does not define: a lesson's ``go.FigureWidget``, the training progress
bar, plain ipywidgets.

Lessons: 00, 01, 02, 03, 04, 05, 06, 07, 08.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from html import escape
from typing import Any

import ipywidgets as ipw
import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure
from plotly.basewidget import BaseFigureWidget

from ..arguments import expect_type, type_name
from ..figures.config import PLOTLY_CONFIG
from ..figures.state import STEPPED_SENTENCE

FORM_CLASS = "rnn-static-form"
FIGURE_CLASS = "rnn-static-figure"
FRAME_CLASS = "rnn-static-frame"
PLOTLYJS_ID = "rnn-plotlyjs"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NO_PLOTLYJS = ("(An interactive figure stands here: this page lacks plotly.js. Export with "
               "the preprocessor widgets.views.static.inline_plotlyjs, or run the notebook.)")
_DRAW = """<script>(function () {{
  function restep(sentence, step) {{
    var spans = sentence.querySelectorAll("span[data-value]"), backward =
      sentence.dataset.direction === "1", now = backward ? spans.length - 1 - step : step;
    spans.forEach(function (span, t) {{
      var read = backward ? t >= now : t <= now, value = read ? span.dataset.value : "…";
      span.style.background = read ? span.dataset.colour : sentence.dataset.unread;
      span.style.color = read ? span.dataset.ink : "black";
      span.style.borderColor = t === now ? "black" : "transparent";
      span.title = span.dataset.label + value;
      span.lastChild.textContent = value;
    }});
  }}
  var box = document.getElementById("{id}");
  if (!box || !window.Plotly) return;
  var fig = JSON.parse(document.getElementById("{id}-json").textContent);
  box.innerHTML = "";
  var config = Object.assign({{responsive: true}}, {config});
  Plotly.newPlot(box, fig.data, fig.layout, config).then(function () {{
    box.on("plotly_sliderchange", function (event) {{
      var form = box.closest(".{form}"), args = event.step && event.step.args;
      if (!form || !args || !args[0]) return;
      form.querySelectorAll(".{frame}").forEach(function (part) {{
        part.hidden = part.dataset.frame !== String(args[0][0]);
      }});
      form.querySelectorAll(".{sentence}").forEach(function (sentence) {{
        restep(sentence, Number(args[0][0]));
      }});
    }});
    if (fig.frames) return Plotly.addFrames(box, fig.frames);
  }});
}})();</script>"""
_ids = itertools.count()


class StaticForm:
    """Mixin for an ipywidgets container: its display bundle gains ``text/html``, the static
    form returned by the subclass's ``static_html()``."""

    def static_html(self) -> str:
        """The static form (HTML, user text escaped); each subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} must define static_html()")

    def _repr_mimebundle_(self, **kwargs) -> dict[str, Any]:
        """ipywidgets' bundle with a short ``text/plain`` (ipywidgets' own is the repr of every
        child's state, figures included, cut to 110 characters: most of a display's cost) and
        the static form as ``text/html``."""
        bundle = {"text/plain": f"{type(self).__name__}(…)"}
        if self._view_name is not None:
            bundle[WIDGET_VIEW] = {"version_major": 2, "version_minor": 0,
                                   "model_id": self._model_id}
        bundle["text/html"] = self.static_html()
        return bundle


def figure_html(figure: BaseFigure | dict) -> str:
    """A plotly figure (or FigureWidget, or a figure as a plain dict: not validated, so
    cheap) as HTML that draws itself with the page's plotly.js, with `PLOTLY_CONFIG`; its JSON
    is escaped so no text in it can end the script."""
    expect_type("figure", figure, BaseFigure | dict,
                "a plotly figure (go.Figure, go.FigureWidget or its JSON as a dict)")
    text = _dict_json(figure) if isinstance(figure, dict) else figure.to_json()
    safe = script_json(text)
    key = f"rnn-fig-{next(_ids)}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"
    return (f'<div class="{FIGURE_CLASS}" id="{key}">'
            f"<p><i>{escape(NO_PLOTLYJS)}</i></p></div>"
            f'<script type="application/json" id="{key}-json">{safe}</script>'
            + _DRAW.format(id=key, form=FORM_CLASS, frame=FRAME_CLASS, sentence=STEPPED_SENTENCE,
                           config=json.dumps(PLOTLY_CONFIG)))


def script_json(text: str) -> str:
    """JSON ``text`` made safe inside a ``<script type="application/json">``: &, < and > as
    JSON escapes, so no string in it can end the script (it still parses to the same data)."""
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def static_form(name: str, note: str, figure: BaseFigure | dict | None = None, summary: str = "",
                extra_html: str = "") -> str:
    """The static form of widget ``name``: ``note`` (plain text: what this copy shows), the
    figure, ``extra_html`` (HTML the package built, already escaped) and ``summary`` (plain
    text). Plain texts are escaped here."""
    parts = [f'<div class="{FORM_CLASS}" data-widget="{escape(name)}">']
    if note:
        parts.append(f'<p class="rnn-static-note"><i>{escape(note)}</i></p>')
    if figure is not None:
        parts.append(figure_html(figure))
    parts.append(extra_html)
    if summary:
        parts.append(f'<pre class="rnn-static-summary" style="white-space:pre-wrap">'
                     f"{escape(summary)}</pre>")
    return "".join(parts) + "</div>"


def per_frame(parts: list[str], current: int) -> str:
    """HTML parts (already escaped), one per frame of the form's figure, named "0", "1", ...:
    only the part of frame ``current`` shows, and moving the figure's slider shows the part of
    the frame it moves to (the figure's script swaps them), so the text beside a static figure
    follows its slider."""
    return "".join(f'<div class="{FRAME_CLASS}" data-frame="{k}"'
                   f'{"" if k == current else " hidden"}>{part}</div>'
                   for k, part in enumerate(parts))


def step_note(name: str, step: int, total: int, label: str) -> str:
    """E.g. "StateStepper, opened at step 3 of 7 ('not'). A static copy: move the figure's
    slider to step, or run the notebook for the live widget." (plain text)."""
    return (f"{name}, opened at step {step + 1} of {total} ({label}). A static copy: move the "
            "figure's slider to step, or run the notebook for the live widget.")


def open_at(figure: go.Figure, *names: str) -> go.Figure:
    """Show the frames ``names`` (layout and data) as ``figure``'s first state and move each
    slider to the step that animates to one of them: a static figure opens where its widget
    stands. Returns ``figure``."""
    frames = {frame.name: frame for frame in figure.frames}
    for name in names:
        if name not in frames:
            raise ValueError(f"`names` must name frames of the figure, got {name!r}")
        frame = frames[name]
        for key, value in frame.layout.to_plotly_json().items():
            if isinstance(value, dict):
                figure.layout[key].update(value)        # e.g. the title: its font stays
            else:
                figure.layout[key] = value              # e.g. the shapes: replaced
        targets = frame.traces if frame.traces is not None else range(len(frame.data))
        for index, trace in zip(targets, frame.data, strict=True):
            figure.data[index].update(trace.to_plotly_json())
    for slider in figure.layout.sliders:
        for k, step in enumerate(slider.steps):
            if step.args and step.args[0] and step.args[0][0] in names:
                slider.active = k
    return figure


def widget_html(widget: ipw.Widget) -> str:
    """A plain ipywidget (or FigureWidget) as static HTML, as it stands: figures drawn, text
    and values written out, buttons shown disabled, boxes laid out; escaped, except an
    ``HTML`` widget's value, which the live widget shows as HTML too."""
    if isinstance(widget, BaseFigureWidget):
        return figure_html(widget)
    if isinstance(widget, ipw.HTML | ipw.HTMLMath):
        return f"<div>{widget.value}</div>"
    if isinstance(widget, ipw.Box):
        flow = "row wrap" if isinstance(widget, ipw.HBox) else "column"
        inner = "".join(widget_html(child) for child in widget.children)
        return f'<div style="display:flex;flex-flow:{flow};gap:6px">{inner}</div>'
    if isinstance(widget, ipw.Label):
        return f"<span>{escape(widget.value)}</span>"
    if isinstance(widget, ipw.IntProgress | ipw.FloatProgress):
        return f'<progress value="{widget.value}" max="{widget.max}"></progress>'
    if isinstance(widget, ipw.Button):
        return f"<button disabled>{escape(widget.description)}</button>"
    if isinstance(widget, ipw.ValueWidget) and not isinstance(widget, ipw.Play):
        name = f"{widget.description}: " if getattr(widget, "description", "") else ""
        return f"<span>{escape(name + str(getattr(widget, 'label', None) or widget.value))}</span>"
    return ""


def formatted_html(widget: ipw.Widget) -> str | None:
    """IPython's text/html for a widget: None for a class with its own display bundle (its
    ``text/html`` stays), else the `static_form` of `widget_html`."""
    if not isinstance(widget, BaseFigureWidget) and \
            type(widget)._repr_mimebundle_ is not ipw.Widget._repr_mimebundle_:
        return None
    note = "" if isinstance(widget, BaseFigureWidget) else \
        "A static copy of a widget, as it stood when the notebook ran."
    return static_form(type(widget).__name__, note, extra_html=widget_html(widget))


def register_formatters(display_formatter=None) -> bool:
    """Give every ipywidget displayed in this IPython kernel (``go.FigureWidget`` included) a
    static form, through IPython's ``text/html`` formatter; ``display_formatter`` defaults to
    the running shell's. Returns False outside IPython."""
    if display_formatter is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
        if shell is None:
            return False
        display_formatter = shell.display_formatter
    if not hasattr(display_formatter, "formatters"):
        raise TypeError("`display_formatter` must be IPython's DisplayFormatter (e.g. "
                        f"get_ipython().display_formatter), got {type_name(display_formatter)}")
    display_formatter.formatters["text/html"].for_type(ipw.DOMWidget, formatted_html)
    return True


def inline_plotlyjs(notebook, resources):
    """nbconvert preprocessor: put plotly.js (from the installed plotly package) once into
    the page, at the start of the first output holding a static figure; a page without one
    gets none. Returns (notebook, resources)."""
    from plotly.offline import get_plotlyjs

    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])
               if FIGURE_CLASS in _html_of(output)]
    if outputs and not any(PLOTLYJS_ID in _html_of(output) for output in outputs):
        script = ("<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>"
                  f'<script id="{PLOTLYJS_ID}">{get_plotlyjs()}</script>')
        outputs[0]["data"]["text/html"] = script + _html_of(outputs[0])
    return notebook, resources


def _dict_json(figure: dict) -> str:
    """A figure dict (numpy arrays inside, plain numbers and strings) as compact JSON; NaN
    and infinities become null, as plotly's own encoder does."""
    def plain(value):
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                return np.where(np.isfinite(value), value, None).tolist()
            return value.tolist()
        if isinstance(value, np.generic):
            return value.item()
        raise TypeError(f"not JSON: {type(value).__name__}")
    return json.dumps(figure, default=plain, separators=(",", ":"), allow_nan=False)


def _html_of(output) -> str:
    html = output.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html
