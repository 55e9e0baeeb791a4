"""`GateViewer`: step through an LSTM's or GRU's gates token by token (lessons 05-06, 08).

One heatmap per gate and state (units × tokens; the current token boxed, later tokens blank),
the cell diagram of `widgets.figures.cell_diagram` for the selected unit, each gate's equation
with the current numbers (`widgets.figures.equations`), a readout, and the step bar of
`widgets.views.controls`.
Stepping indexes a precomputed `Trace`: the heatmaps are drawn once per layer and direction
and a step moves their shapes (a few numbers sent), and the diagram's and equations' HTML is
replaced. `GateViewer.from_model` adds a text box to trace one's
own sentence, like `StateStepper.from_model`.

Lessons: 05, 06, 08.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as ipw

from ..figures.cell_diagram import cell_svg
from ..figures.equations import UnitStep, equations_html, number, unit_step
from ..figures.gates import (
    PANELS,
    check_gated,
    gate_heatmaps_dict,
    gate_shapes,
    gates_static_dict,
    gates_summary,
)
from ..figures.state import DIRECTION_NAMES, check_view, current_token
from ..tracing.text import MAX_TOKENS, cut_trace
from ..tracing.trace_data import Trace
from .controls import StepControls
from .figure_sync import ShapeSync, live_figure
from .static import per_frame, static_form
from .token_viewer import TokenViewer

TextToTrace = Callable[[str], "tuple[Trace, str]"]
PANEL_PX = 34
"""Height of each gate's heatmap: compact, so the step bar, the cell diagram, the heatmaps and
the equations fit one 1280 x 800 screen (hover and the readout give the exact values)."""


class GateViewer(TokenViewer):
    """Step through every gate of ``trace`` (an LSTM or GRU `Trace`) one token at a time.

    Args:
        trace: a `Trace` of an LSTM or GRU (a plain RNN has no gates: use `StateStepper`).
        layer: 0 ... num_layers-1 (counted from 0, as in torch's weight_ih_l0), or negative
            from the top (default the top); a picker is shown when there are several layers.
        direction: 0 forward; 1 backward (it reads from the last token); a picker is shown
            for a bidirectional trace.
        unit: the unit (0 ... hidden_size-1) whose values the diagram and equations show;
            clicking a heatmap cell also selects its unit and jumps to its token.
        max_tokens: longer traces are cut to their first ``max_tokens`` tokens, with a note.
        text_to_trace: optional ``text -> (Trace, note)`` behind a text box (see `from_model`).

    The step is ``controls.value``; the unit ``unit_picker.value``.
    """

    def __init__(self, trace: Trace, layer: int = -1, direction: int = 0, unit: int = 0, *,
                 max_tokens: int = MAX_TOKENS, text_to_trace: TextToTrace | None = None):
        check_gated(trace)
        self.layer, self.direction, unit, _ = check_view(trace, layer, direction, unit)
        self.trace, note = cut_trace(trace, max_tokens)
        self.title, self.message = ipw.HTML(), ipw.HTML()
        self.readout = ipw.HTML(layout={"height": "2.6em", "overflow": "hidden"})
        self.readout.add_class("rnn-readout")
        self.diagram = ipw.HTML(layout={"width": "310px"})
        self.diagram.add_class("rnn-gate-diagram")         # scaled to its width (keys.py CSS)
        self.equations = ipw.HTML(layout={"height": "150px", "overflow": "auto"})
        self._plot = gate_heatmaps_dict(self.trace, 0, self.layer, self.direction, unit,
                                        panel_px=PANEL_PX)
        self.figure = live_figure(self._plot)
        self._shapes = self._plot["layout"]["shapes"]
        self.shape_sync = ShapeSync(self.figure)
        for heatmap in self.figure.data:
            heatmap.on_click(self._on_heatmap_click)
        self.unit_picker = ipw.BoundedIntText(value=unit, min=0, max=trace.hidden_size - 1,
                                              description="unit", layout={"width": "160px"})
        self.unit_picker.observe(lambda _: self.show(self.step), names="value")
        self.layer_picker = ipw.Dropdown(
            options=[(f"layer {k}", k) for k in range(trace.num_layers)], value=self.layer,
            description="layer", layout={"width": "180px"})
        self.layer_picker.observe(self._on_layer, names="value")
        self.direction_picker = ipw.ToggleButtons(
            options=[(name, d) for d, name in enumerate(DIRECTION_NAMES)], value=self.direction)
        self.direction_picker.observe(self._on_direction, names="value")
        pickers = [self.unit_picker] + [self.layer_picker] * (trace.num_layers > 1) + \
            [self.direction_picker] * (trace.num_directions > 1)
        self.controls = StepControls(self._labels(), backward=self.direction == 1)
        self.controls.on_step(self.show)
        plot = ipw.Box([self.figure], layout={"flex": "1 1 400px", "min_width": "380px"})
        beside = ipw.HBox([ipw.VBox([self.diagram], layout={"flex": "0 0 320px"}), plot],
                          layout={"flex_flow": "row wrap"})   # narrow screens: one above
        children = [self.title, self.controls, ipw.HBox(pickers), self.readout, beside,
                    self.equations, self.message, self.shape_sync]
        text_row = self._text_box_row(text_to_trace)
        if text_row is not None:
            children.insert(-1, text_row)
        super().__init__(children)
        self.add_class("rnn-gate-viewer")
        self.add_class("rnn-keys")
        self._set_message(note)
        self._rebuild()

    def show(self, step: int) -> None:
        """Draw ``step``: move the heatmaps' shapes (`ShapeSync`: only they reach the
        browser), then the diagram, equations and readout."""
        wanted = gate_shapes(self.trace, step, self.layer, self.direction, self.unit)
        self.shape_sync.show(wanted)
        self._shapes = wanted
        values = unit_step(self.trace, step, self.layer, self.direction, self.unit)
        self.diagram.value = cell_svg(values)
        self.equations.value = equations_html(values)
        self.readout.value = self._readout_html(values)

    def _readout_html(self, values: UnitStep) -> str:
        shown = [f"{p.symbol} = {number(_panel_value(p.key, values))}"
                 for p in PANELS[self.trace.kind]]
        return ("<div style='font-family:monospace'>" + html.escape(
            f"t = {values.t + 1} · '{values.token}' · unit {values.unit}: " + " · ".join(shown))
            + "</div>")

    def static_html(self) -> str:
        """The static form (HTML, user text escaped): `gates_figure_static` of the current
        layer, direction and unit opened at the current step, the readout and the cell diagram
        of every step (the one the slider stands at shows), and `gates_summary`."""
        figure = gates_static_dict(self.trace, self.layer, self.direction, self.unit,
                                   self.step, self._plot)
        steps = [unit_step(self.trace, s, self.layer, self.direction, self.unit)
                 for s in range(len(self.trace))]
        parts = [self._readout_html(values) + cell_svg(values) for values in steps]
        return static_form("GateViewer", self._step_note(), figure,
                           gates_summary(self.trace, self.layer, self.direction),
                           per_frame(parts, self.step) + self.message.value)

    def _draw(self, step: int) -> None:
        self.show(step)

    def _check_trace(self, trace: Trace) -> None:
        check_gated(trace)

    def _rebuild(self) -> None:
        """New trace, layer or direction: replace every heatmap's data and the layout, then
        draw the step."""
        self._plot = gate_heatmaps_dict(self.trace, self.step, self.layer, self.direction,
                                        self.unit, panel_px=PANEL_PX)
        with self.figure.batch_update():
            for heatmap, new in zip(self.figure.data, self._plot["data"], strict=True):
                heatmap.update(new)
            self.figure.layout.update(self._plot["layout"])
        self._shapes = self._plot["layout"]["shapes"]
        kind = {"lstm": "LSTM (long short-term memory)", "gru": "GRU (gated recurrent unit)"}
        self.title.value = f"<b>{kind[self.trace.kind]} gates, token by token</b>"
        self.show(self.controls.value)

    def _on_layer(self, change) -> None:
        self.layer = change["new"]
        self._rebuild()

    def _on_direction(self, change) -> None:
        t = self.current_token
        self.direction = change["new"]
        self.controls.set_tokens(self._labels(), backward=self.direction == 1)
        self.controls.value = current_token(t, len(self.trace), self.direction)
        self._rebuild()


def _panel_value(key: str, values: UnitStep) -> float:
    """The value a panel ("input" ... "new", "c", "h") shows for one unit at one step."""
    if key in ("c", "h"):
        return getattr(values, key)
    return values.gates[key]
