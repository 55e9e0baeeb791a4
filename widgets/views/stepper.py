"""`StateStepper`: step through a network's hidden state token by token (lessons 02-03, 08).

A units × tokens heatmap of h_t (the current token boxed, later tokens covered), the sentence
coloured by a chosen unit (click a token to jump there), a readout of the current step's exact
values, and the step bar of `widgets.views.controls`. Stepping indexes a precomputed `Trace`:
the heatmap is drawn once and a step moves its shapes (a few numbers sent to the browser).
`StateStepper.from_model` adds a text box to trace one's own sentence through a model
with a vocabulary (see `TextModel` and `Vocabulary`).

Lessons: 02, 03, 08.
"""

from __future__ import annotations

import html

import ipywidgets as ipw

from ..figures.state import (
    check_view,
    current_token,
    sentence_html,
    state_heatmap_dict,
    state_shapes,
    state_static_dict,
    state_summary,
    token_cells,
    unit_colours,
)
from ..tracing.text import MAX_TOKENS, TextToTrace, cut_trace
from ..tracing.trace_data import Trace
from .controls import StepControls
from .figure_sync import ShapeSync, live_figure
from .static import per_frame, static_form
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
        self._plot = state_heatmap_dict(self.trace, 0, self.layer, self.direction, unit)
        self.figure = live_figure(self._plot)
        self._shapes = self._plot["layout"]["shapes"]
        self.shape_sync = ShapeSync(self.figure)
        self.figure.data[0].on_click(self._on_heatmap_click)
        self.unit_picker = ipw.BoundedIntText(value=unit, min=0, max=trace.hidden_size - 1,
                                              description="unit", layout={"width": "160px"})
        self.sentence = ipw.Box(layout={"flex_flow": "row wrap", "height": "78px",
                                        "overflow": "auto"})   # fixed: values never push
        self.sentence.add_class("rnn-sentence")
        self.readout = ipw.HTML(layout={"height": "4.2em", "overflow": "auto"})
        self.readout.add_class("rnn-readout")
        self.controls = StepControls(self._labels(), backward=self.direction == 1)
        self.controls.on_step(self._draw)
        self.unit_picker.observe(lambda _: self._redraw_unit(), names="value")
        children = [self.controls, self.figure, self.readout, self.unit_picker, self.sentence,
                    self.message, self.shape_sync]
        text_row = self._text_box_row(text_to_trace)
        if text_row is not None:
            children.insert(-1, text_row)
        super().__init__(children)
        self.add_class("rnn-state-stepper")
        self.add_class("rnn-keys")
        self._set_message(note)
        self._rebuild()

    def _draw(self, step: int) -> None:
        """Draw ``step``: move the heatmap's shapes (`ShapeSync`: only they reach the browser),
        restyle the token buttons that changed, write the readout."""
        wanted = state_shapes(self.trace, step, self.layer, self.direction, self.unit)
        self.shape_sync.show(wanted)
        self._shapes = wanted
        self._paint_sentence()
        self.readout.value = self._readout_html()

    def static_html(self) -> str:
        """The static form (HTML, user text escaped): `state_figure_static` opened at the
        current step, the sentence coloured by the current unit (drawn once, restyled by the
        figure's slider), the readout of every step (the slider's shows) and
        `state_summary`."""
        figure = state_static_dict(self.trace, self.layer, self.direction, self.unit,
                                   self.step, self._plot)
        sentence = sentence_html(self.trace, self.unit, self.layer, self.direction, self.step,
                                 stepped=True)
        parts = [self._readout_html(step) for step in range(len(self.trace))]
        return static_form("StateStepper", self._step_note(), figure,
                           state_summary(self.trace, self.layer, self.direction),
                           sentence + per_frame(parts, self.step) + self.message.value)

    def _rebuild(self) -> None:
        """New trace: replace the whole heatmap and the sentence buttons (each made with its
        look at the current step: one message per widget), then draw that step."""
        self._plot = state_heatmap_dict(self.trace, 0, self.layer, self.direction, self.unit)
        heat = self._plot["data"][0]
        with self.figure.batch_update():
            self.figure.data[0].update(z=heat["z"], x=heat["x"], customdata=heat["customdata"])
            self.figure.layout.xaxis.update(self._plot["layout"]["xaxis"])
        self._colour_unit = None                       # a new trace: new colours
        cells = self._cells()
        self.sentence.children = [self._token_button(cell) for cell in cells]
        self._painted = list(cells)
        self._draw(self.controls.value)

    def _cells(self) -> list:
        """The sentence's `TokenCell` at the current step and unit (colours kept per unit)."""
        if getattr(self, "_colour_unit", None) != self.unit:
            self._colour_unit = self.unit
            self._colours = unit_colours(self.trace, self.unit, self.layer, self.direction)
        return token_cells(self.trace, self.unit, self.layer, self.direction, self.step,
                           self._colours)

    def _token_button(self, cell) -> ipw.Button:
        look = self._look(cell)
        button = ipw.Button(description=look["description"], tooltip=look["tooltip"],
                            style=look["style"], layout={"width": "auto", "margin": "1px",
                                                         "border": look["border"]},
                            _dom_classes=look["classes"])
        button.on_click(lambda _: self.jump_to_token(cell.t))
        return button

    def _look(self, cell) -> dict:
        """A token button's traits for `TokenCell` ``cell``."""
        value = "" if cell.value is None else f" {cell.value:+.2f}"
        return {"description": f"{cell.token}{value}",
                "tooltip": f"t = {cell.t + 1} · unit {self.unit}" + (
                    f" · h = {cell.value:+.4f}" if cell.value is not None else " · not read yet"),
                "style": {"button_color": cell.colour, "text_color": cell.text_colour,
                          "font_weight": "bold" if cell.current else "normal"},
                "border": "3px solid black" if cell.current else "3px solid transparent",
                # the key bridge scrolls the current token into the sentence's view
                "classes": ("rnn-current-token",) if cell.current else ()}

    def _paint_sentence(self) -> None:
        """Restyle only the token buttons whose look changed (a step changes one or two)."""
        for button, cell in zip(self.sentence.children, self._cells(), strict=True):
            if self._painted[cell.t] == cell:
                continue
            look = self._look(cell)
            with button.hold_sync():                  # one message per widget, not per trait
                button.description = look["description"]
                button.tooltip = look["tooltip"]
                button._dom_classes = look["classes"]
            with button.style.hold_sync():
                for name, value in look["style"].items():
                    setattr(button.style, name, value)
            button.layout.border = look["border"]
            self._painted[cell.t] = cell

    def _readout_html(self, step: int | None = None) -> str:
        t = self.current_token if step is None else \
            current_token(step, len(self.trace), self.direction)
        h_t = self.trace.hidden[self.layer, self.direction, t]
        lines = [f"t = {t + 1} · '{html.escape(self.trace.tokens[t])}' · unit {self.unit}: "
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
