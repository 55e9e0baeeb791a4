"""`StateStepper`: step through a network's hidden state token by token (lessons 02-03, 08).

A units × tokens heatmap of h_t (the current token boxed, later tokens blank), the sentence
coloured by a chosen unit (click a token to jump there), a readout of the current step's exact
values, and the step bar of `widgets.views.controls`. Stepping indexes a precomputed `Trace`; one
``batch_update()`` per step. `StateStepper.from_model` adds a text box to trace one's own
sentence through a model with a vocabulary (see `TextModel` and `Vocabulary`).

Lessons: 02, 03, 08.
"""

from __future__ import annotations

import html

import ipywidgets as ipw
import plotly.graph_objects as go

from ..figures.state import (
    check_view,
    current_token,
    heatmap_z,
    sentence_html,
    state_figure_static,
    state_heatmap,
    state_summary,
    step_box,
    token_cells,
    unit_box,
)
from ..tracing.text import MAX_TOKENS, TextToTrace, cut_trace
from ..tracing.trace_data import Trace
from .controls import StepControls
from .static import open_at, per_frame, static_form
from .token_viewer import TokenViewer


class StateStepper(TokenViewer):
    """Step through ``trace.hidden[layer, direction]`` (T, hidden_size) one token at a time.

    Args:
        trace: a `Trace` (from `widgets.trace`).
        layer: which layer, 0 ... num_layers-1, or negative from the top (default the top).
        direction: 0 forward; 1 backward (bidirectional only; it reads from the last token).
        unit: the unit first shown in the sentence view and the readout.
        max_tokens: longer traces are cut to their first ``max_tokens`` tokens, with a note.
        text_to_trace: optional ``text -> (Trace, note)``; when given, a text box traces the
            learner's own sentence on Enter (see `from_model`). Raise ValueError to refuse.

    The step is ``controls.value``; the unit is ``unit_picker.value``.
    """

    def __init__(self, trace: Trace, layer: int = -1, direction: int = 0, unit: int = 0, *,
                 max_tokens: int = MAX_TOKENS, text_to_trace: TextToTrace | None = None):
        self.layer, self.direction, unit, _ = check_view(trace, layer, direction, unit)
        self.trace, note = cut_trace(trace, max_tokens)
        self.message = ipw.HTML()
        self.figure = go.FigureWidget(state_heatmap(self.trace, 0, self.layer, self.direction,
                                                    unit))
        self.figure.data[0].on_click(self._on_heatmap_click)
        self.unit_picker = ipw.BoundedIntText(value=unit, min=0, max=trace.hidden_size - 1,
                                              description="unit", layout={"width": "160px"})
        self.sentence = ipw.Box(layout={"flex_flow": "row wrap"})
        self.readout = ipw.HTML()
        self.controls = StepControls(self._labels())
        self.controls.on_step(self._draw)
        self.unit_picker.observe(lambda _: self._redraw_unit(), names="value")
        children = [self.figure, self.unit_picker, self.sentence, self.controls,
                    self.readout, self.message]
        text_row = self._text_box_row(text_to_trace)
        if text_row is not None:
            children.insert(-1, text_row)
        super().__init__(children)
        self.add_class("rnn-state-stepper")
        self._set_message(note)
        self._rebuild()

    def _draw(self, step: int) -> None:
        """Draw ``step``: the heatmap (one batch_update), the sentence and the readout."""
        states = self.trace.hidden[self.layer, self.direction]
        rows, length = self.trace.hidden_size, len(self.trace)
        with self.figure.batch_update():
            self.figure.data[0].z = heatmap_z(states, step, self.direction)
            self.figure.layout.shapes = [
                step_box(current_token(step, length, self.direction), rows),
                unit_box(self.unit, length)]
        self._paint_sentence()
        self.readout.value = self._readout_html()

    def static_html(self) -> str:
        """The static form (HTML, user text escaped): `state_figure_static` opened at the
        current step, the sentence coloured by the current unit, the readout and
        `state_summary`."""
        figure = open_at(state_figure_static(self.trace, self.layer, self.direction),
                         str(self.step))
        parts = [sentence_html(self.trace, self.unit, self.layer, self.direction, step)
                 + self._readout_html(step) for step in range(len(self.trace))]
        return static_form("StateStepper", self._step_note(), figure,
                           state_summary(self.trace, self.layer, self.direction),
                           per_frame(parts, self.step) + self.message.value)

    def _rebuild(self) -> None:
        """New trace: replace the whole heatmap and the sentence buttons, then draw step 0."""
        fresh = state_heatmap(self.trace, 0, self.layer, self.direction, self.unit)
        with self.figure.batch_update():
            heat = fresh.data[0]
            self.figure.data[0].update(z=heat.z, x=heat.x, customdata=heat.customdata)
            self.figure.layout.xaxis.update(tickvals=fresh.layout.xaxis.tickvals,
                                            ticktext=fresh.layout.xaxis.ticktext)
        self.sentence.children = [self._token_button(t) for t in range(len(self.trace))]
        self._painted: list = [None] * len(self.trace)
        self._draw(self.controls.value)

    def _token_button(self, t: int) -> ipw.Button:
        button = ipw.Button(layout={"width": "auto", "margin": "1px"})
        button.on_click(lambda _: self.jump_to_token(t))
        return button

    def _paint_sentence(self) -> None:
        """Restyle only the token buttons whose look changed (a step changes one or two)."""
        cells = token_cells(self.trace, self.unit, self.layer, self.direction, self.step)
        for button, cell in zip(self.sentence.children, cells, strict=True):
            if self._painted[cell.t] == cell:
                continue
            value = "" if cell.value is None else f" {cell.value:+.2f}"
            button.description = f"{cell.token}{value}"
            button.tooltip = f"t = {cell.t} · unit {self.unit}" + (
                f" · h = {cell.value:+.4f}" if cell.value is not None else " · not read yet")
            button.style.button_color = cell.colour
            button.style.text_color = cell.text_colour
            button.style.font_weight = "bold" if cell.current else "normal"
            button.layout.border = "3px solid black" if cell.current else "3px solid transparent"
            self._painted[cell.t] = cell

    def _readout_html(self, step: int | None = None) -> str:
        t = self.current_token if step is None else \
            current_token(step, len(self.trace), self.direction)
        h_t = self.trace.hidden[self.layer, self.direction, t]
        lines = [f"t = {t} · '{html.escape(self.trace.tokens[t])}' · unit {self.unit}: "
                 f"<b>h = {h_t[self.unit]:+.4f}</b>"]
        if self.trace.cell is not None:
            lines[0] += f", c = {self.trace.cell[self.layer, self.direction, t, self.unit]:+.4f}"
        values = " ".join(f"[{v:+.3f}]" if u == self.unit else f"{v:+.3f}"
                          for u, v in enumerate(h_t))
        lines.append(f"h_t, all {len(h_t)} units (chosen one in brackets): {values}")
        return "<div style='font-family:monospace'>" + "<br>".join(lines) + "</div>"

    def _redraw_unit(self) -> None:
        self._painted = [None] * len(self.trace)
        self._draw(self.step)
