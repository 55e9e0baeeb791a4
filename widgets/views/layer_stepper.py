"""`LayerStepper`: every layer and direction of a stacked, bidirectional network stepping
together (lesson 07_bidirectional_and_multilayer).

A grid of units × tokens heatmaps, one per layer (rows, top layer first) and direction
(columns): at step s the forward direction reads token s, the backward direction token T-1-s,
so forward fills left to right and backward right to left. A dashed box marks the states that
``output[t]`` concatenates; a table gives torch's ``h_n`` order. Stepping indexes the `Trace`.

Lessons: 07.
"""

from __future__ import annotations

import html

import ipywidgets as ipw

from ..arguments import expect_int, expect_type
from ..figures.layers import layer_grid_dict, layer_grid_shapes, layer_static_dict
from ..figures.state import current_token
from ..tracing.text import cut_trace
from ..tracing.trace_data import Trace
from .controls import StepControls
from .figure_sync import ShapeSync, live_figure
from .static import StaticForm, per_frame, static_form, step_note

SIDES = ("forward", "backward")
MAX_TOKENS = 100
"""Longer traces are cut (with a note): the grid draws num_layers * num_directions heatmaps of
T tokens once, and a page of 4 × 128 × 100 values is already large."""


class LayerStepper(StaticForm, ipw.VBox):
    """Step through all layers and directions of ``trace`` at once.

    Args:
        trace: a `Trace` of any num_layers and num_directions.
        output_token: the token t whose ``output[t]`` is explained (picker ``output_picker``).
        max_tokens: longer traces are cut to their first ``max_tokens`` tokens, with a note.

    The step is ``controls.value``.
    """

    def __init__(self, trace: Trace, output_token: int = 0, *, unit: int = 0,
                 max_tokens: int = MAX_TOKENS):
        expect_type("trace", trace, Trace, "a widgets.Trace (see widgets.trace)")
        self.trace, note = cut_trace(trace, max_tokens)
        output_token = expect_int("output_token", output_token, 0, len(self.trace) - 1)
        unit = expect_int("unit", unit, 0, self.trace.hidden_size - 1)
        self.unit_picker = ipw.BoundedIntText(value=unit, min=0, max=self.trace.hidden_size - 1,
                                              description="unit", layout={"width": "160px"})
        self._plot = layer_grid_dict(self.trace, 0, output_token, unit)
        self.figure = live_figure(self._plot)
        self._shapes = self._plot["layout"]["shapes"]
        self.shape_sync = ShapeSync(self.figure)
        self.output_picker = ipw.Dropdown(
            options=[(f"t = {t + 1} · {token}", t) for t, token in enumerate(self.trace.tokens)],
            value=output_token, description="output at")
        self.controls = StepControls(step_labels(self.trace), quote=False, index="step")
        self.readout = ipw.HTML(layout={"height": "7.5em", "overflow": "auto"})
        self.readout.add_class("rnn-readout")
        self.h_n_table = ipw.HTML(h_n_order_html(self.trace))
        self.message = ipw.HTML(f"<i>{html.escape(note)}</i>" if note else "")
        self.controls.on_step(self._draw)
        self.output_picker.observe(lambda _: self._draw(self.controls.value), names="value")
        self.unit_picker.observe(lambda _: self._draw(self.controls.value), names="value")
        super().__init__([self.controls, ipw.HBox([self.output_picker, self.unit_picker]),
                          self.figure, self.readout,
                          self.h_n_table, self.message, self.shape_sync])
        self.add_class("rnn-layer-stepper")
        self.add_class("rnn-keys")
        self._draw(0)

    @property
    def step(self) -> int:
        """The current step s (``controls.value``): forward reads token s, backward T-1-s."""
        return self.controls.value

    @property
    def output_token(self) -> int:
        """The token t whose ``output[t]`` the dashed boxes and the readout explain."""
        return self.output_picker.value

    def static_html(self) -> str:
        """The static form (HTML, tokens escaped): `layer_grid_static` opened at the current
        step, the readout, the h_n table and `layer_summary`."""
        figure = layer_static_dict(self.trace, self.output_token, self.step, self._plot,
                                   self.unit_picker.value)
        label = self.controls.tokens[self.step]
        return static_form("LayerStepper", step_note("LayerStepper", self.step, len(self.trace),
                                                     label), figure, layer_summary(self.trace),
                           per_frame([layer_readout_html(self.trace, step, self.output_token,
                                                         self.unit_picker.value)
                                      for step in range(len(self.trace))], self.step)
                           + self.h_n_table.value + self.message.value)

    def _draw(self, step: int) -> None:
        """Move the shapes (`ShapeSync`: only they reach the browser); then the readout."""
        wanted = layer_grid_shapes(self.trace, step, self.output_token, self.unit_picker.value)
        self.shape_sync.show(wanted)
        self._shapes = wanted
        self.readout.value = layer_readout_html(self.trace, step, self.output_token,
                                                self.unit_picker.value)


def step_labels(trace: Trace) -> list[str]:
    """The step bar's T labels: "→ 'a' · ← 'z'", the tokens the forward and backward
    directions read at each step."""
    length = len(trace)
    if trace.num_directions == 1:
        return [f"'{token}'" for token in trace.tokens]
    return [f"→ '{trace.tokens[s]}' · ← '{trace.tokens[length - 1 - s]}'"
            for s in range(length)]


def layer_readout_html(trace: Trace, step: int, output_token: int, unit: int = 0) -> str:
    """What the grid shows at ``step``: the token each direction reads, what layer l+1 reads,
    which states ``output[t]`` concatenates and whether each is computed yet, and ``unit``'s
    value in every panel at the token it reads (HTML, escaped)."""
    length, size, top = len(trace), trace.hidden_size, trace.num_layers - 1
    t = output_token
    lines = []
    for d in range(trace.num_directions):
        now = current_token(step, length, d)
        lines.append(f"every layer's {SIDES[d]} direction reads t = {now + 1} "
                     f"'{html.escape(trace.tokens[now])}'")
    if trace.num_layers > 1:
        what = "[h→ ; h←]" if trace.num_directions == 2 else "h_t"
        lines.append(f"layer l+1 reads, at each token t, layer l's {what} at t "
                     f"(input_size {trace.num_directions * size})")
    parts = []
    for d in range(trace.num_directions):
        ready_at = current_token(t, length, d) + 1
        status = "computed" if step + 1 >= ready_at else "not yet"
        cols = f"{d * size}:{(d + 1) * size}"
        parts.append(f"output[{t}, {cols}] = {SIDES[d]} h of layer {top} at t = {t + 1} "
                     f"(read at step {ready_at}: <b>{status}</b>)")
    token = html.escape(trace.tokens[t])
    lines.append(f"output[{t}] ('{token}'), the dashed boxes, concatenates:<br>&nbsp;&nbsp;"
                 + "<br>&nbsp;&nbsp;".join(parts))
    now = [current_token(step, length, d) for d in range(trace.num_directions)]
    values = " · ".join(f"layer {layer} {SIDES[d]} {trace.hidden[layer, d, now[d], unit]:+.3f}"
                        for layer in range(trace.num_layers)
                        for d in range(trace.num_directions))
    lines.append(f"unit {unit} (dotted rows), h now: {values}")
    return "<div style='font-family:monospace'>" + "<br>".join(lines) + "</div>"


def h_n_order_html(trace: Trace) -> str:
    """A table of torch's ``h_n`` rows: row l * D + d is layer l, direction d, the state after
    that direction's last token (t = T-1 forward, t = 0 backward)."""
    length, directions = len(trace), trace.num_directions
    rows = []
    for layer in range(trace.num_layers):
        for d in range(directions):
            end = length - 1 if d == 0 else 0
            rows.append(f"<tr><td>h_n[{layer * directions + d}]</td><td>layer {layer}</td>"
                        f"<td>{SIDES[d]}</td><td>after t = {end + 1} "
                        f"'{html.escape(trace.tokens[end])}'</td></tr>")
    pitfall = ("" if directions == 1 else
               "<br>Pitfall: output[-1] is not h_n[-1]. output[-1, H:] is the backward state "
               "after reading only the last token; h_n[-1] equals output[0, H:].")
    return ("<b>torch's h_n, shape (num_layers * num_directions, hidden_size) = "
            f"({trace.num_layers * directions}, {trace.hidden_size})</b>"
            "<table><tr><th>row</th><th>layer</th><th>direction</th><th>state</th></tr>"
            + "".join(rows) + "</table>" + pitfall)


def layer_summary(trace: Trace) -> str:
    """A short plain-text summary for the static form: what ``output`` concatenates and the
    order of ``h_n``'s rows."""
    layers, directions, size = trace.num_layers, trace.num_directions, trace.hidden_size
    top = layers - 1
    halves = " ; ".join(f"{SIDES[d]} h of layer {top} at t" for d in range(directions))
    rows = ", ".join(f"{layer * directions + d} = layer {layer} {SIDES[d]}"
                     for layer in range(layers) for d in range(directions))
    lines = [f"{trace.kind.upper()}: {layers} layer(s) × {directions} direction(s), "
             f"hidden_size {size}, {len(trace)} tokens.",
             f"output[t] ({directions * size} numbers) = [{halves}].",
             f"h_n rows: {rows}; forward rows hold the state after the last token, "
             "backward rows the state after the first."]
    if directions == 2:
        lines.append("So output[-1] is not h_n[-1]: h_n[-1] equals output[0, H:].")
    return "\n".join(lines)
