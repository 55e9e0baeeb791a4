"""`GateViewer`: step through an LSTM's or GRU's gates token by token (lessons 05-06, 08).

One heatmap per gate and state (units × tokens; the current token boxed, later tokens blank),
the cell diagram of `widgets.cell_diagram` for the selected unit, each gate's equation with the
current numbers (`widgets.gate_equations`), a readout, and the step bar of `widgets.controls`.
Stepping indexes a precomputed `Trace`: one ``batch_update()`` of the figure per step, and the
diagram's and equations' HTML replaced. `GateViewer.from_model` adds a text box to trace one's
own sentence, like `StateStepper.from_model`.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as ipw
import plotly.graph_objects as go

from .cell_diagram import cell_svg
from .controls import StepControls
from .figures_gates import PANELS, check_gated, gate_heatmaps, gate_view
from .figures_state import DIRECTION_NAMES, check_view, current_token
from .gate_equations import SYMBOLS, UnitStep, equations_html, number, unit_step
from .text_tracing import MAX_TOKENS, TextModel, Vocabulary, cut_trace, model_text_tracer
from .trace_data import Trace

TextToTrace = Callable[[str], "tuple[Trace, str]"]


class GateViewer(ipw.VBox):
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

    The step is ``controls.value``; the unit ``unit_picker.value``. Lessons 05_lstm_gates and
    06_gru.
    """

    def __init__(self, trace: Trace, layer: int = -1, direction: int = 0, unit: int = 0, *,
                 max_tokens: int = MAX_TOKENS, text_to_trace: TextToTrace | None = None):
        check_gated(trace)
        self.layer, self.direction, unit, _ = check_view(trace, layer, direction, unit)
        self.trace, note = cut_trace(trace, max_tokens)
        self.title, self.readout, self.message = ipw.HTML(), ipw.HTML(), ipw.HTML()
        self.diagram, self.equations = ipw.HTML(), ipw.HTML()
        self.figure = go.FigureWidget(gate_heatmaps(self.trace, 0, self.layer, self.direction,
                                                    unit))
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
        self.controls = StepControls(self._labels())
        self.controls.on_step(self.show)
        children = [self.title, self.controls, ipw.HBox(pickers), self.readout, self.diagram,
                    self.equations, self.figure, self.message]
        self._text_to_trace = text_to_trace
        if text_to_trace is not None:
            self.text_box = ipw.Text(placeholder="type a sentence, then press Enter",
                                     continuous_update=False, layout={"width": "480px"})
            self.run_button = ipw.Button(description="Trace it")
            self.text_box.observe(lambda change: self.submit(change["new"]), names="value")
            self.run_button.on_click(lambda _: self.submit(self.text_box.value))
            children.insert(-1, ipw.HBox([self.text_box, self.run_button]))
        super().__init__(children)
        self.add_class("rnn-gate-viewer")
        self._set_message(note)
        self._rebuild()

    @classmethod
    def from_model(cls, model: TextModel, text: str, vocab: Vocabulary, *,
                   tokenize: Callable[[str], list[str]] | None = None, unk_index: int = 1,
                   max_tokens: int = MAX_TOKENS, **view) -> GateViewer:
        """Trace ``text`` through ``model.embedding`` then ``model.rnn`` (an nn.LSTM or nn.GRU)
        and step through its gates, with a text box for one's own sentences; the arguments
        are `StateStepper.from_model`'s. ``view``: layer, direction, unit. Lessons
        05_lstm_gates and 08_capstone_text_classification."""
        text_to_trace = model_text_tracer(model, vocab, tokenize, unk_index, max_tokens)
        trace, note = text_to_trace(text)
        viewer = cls(trace, max_tokens=max_tokens, text_to_trace=text_to_trace, **view)
        viewer.text_box.value = text
        viewer._set_message(note)
        return viewer

    @property
    def step(self) -> int:
        """The current step (the slider's value); the token read is `current_token`."""
        return self.controls.value

    @property
    def unit(self) -> int:
        return self.unit_picker.value

    @property
    def current_token(self) -> int:
        """Index t of the token read at the current step (T-1-step going backward)."""
        return current_token(self.step, len(self.trace), self.direction)

    def show(self, step: int) -> None:
        """Draw ``step``: the heatmaps (one batch_update), the diagram, equations, readout."""
        view = gate_view(self.trace, step, self.layer, self.direction, self.unit)
        with self.figure.batch_update():
            for heatmap, z in zip(self.figure.data, view["z"], strict=True):
                heatmap.z = z
            self.figure.layout.shapes = view["shapes"]
            self.figure.layout.title.text = view["title"]
        values = unit_step(self.trace, step, self.layer, self.direction, self.unit)
        self.diagram.value = cell_svg(values)
        self.equations.value = equations_html(values)
        shown = [f"{p.symbol} = {number(_panel_value(p.key, values))}"
                 for p in PANELS[self.trace.kind]]
        self.readout.value = ("<div style='font-family:monospace'>" + html.escape(
            f"t = {values.t} · '{values.token}' · unit {values.unit}: " + " · ".join(shown))
            + "</div>")

    def jump_to_token(self, t: int) -> None:
        """Step to the step at which this direction reads token ``t``."""
        self._go(current_token(t, len(self.trace), self.direction))

    def submit(self, text: str) -> None:
        """Trace ``text`` with the model (the text box calls this on Enter) and restart."""
        try:
            trace, note = self._text_to_trace(text)
            check_gated(trace)
        except ValueError as error:
            self._set_message(f"Not traced: {error}", error=True)
            return
        self.trace = trace
        self._set_message(note)
        self.controls.set_tokens(self._labels())
        self._rebuild()

    def _labels(self) -> list[str]:
        tokens = self.trace.tokens
        return tokens if self.direction == 0 else tokens[::-1]

    def _go(self, step: int) -> None:
        if self.controls.value == step:
            self.show(step)
        else:
            self.controls.value = step

    def _rebuild(self) -> None:
        """New trace: replace every heatmap's data and the layout, then draw the step."""
        fresh = gate_heatmaps(self.trace, 0, self.layer, self.direction, self.unit)
        with self.figure.batch_update():
            for heatmap, new in zip(self.figure.data, fresh.data, strict=True):
                heatmap.update(new.to_plotly_json())
            self.figure.layout.update(fresh.layout.to_plotly_json())
        kind = {"lstm": "LSTM (long short-term memory)", "gru": "GRU (gated recurrent unit)"}
        self.title.value = f"<b>{kind[self.trace.kind]} gates, token by token</b>"
        self.show(self.controls.value)

    def _on_layer(self, change) -> None:
        self.layer = change["new"]
        self.show(self.step)

    def _on_direction(self, change) -> None:
        t = self.current_token
        self.direction = change["new"]
        self.controls.set_tokens(self._labels())
        self._go(current_token(t, len(self.trace), self.direction))

    def _on_heatmap_click(self, _trace, points, _state) -> None:
        """A click on a cell selects its unit and jumps to its token."""
        if not points.point_inds:
            return
        self.unit_picker.value = int(points.ys[0])
        self.jump_to_token(int(points.xs[0]))

    def _set_message(self, note: str, error: bool = False) -> None:
        colour = "#a00" if error else "#333"
        text = html.escape(note)
        self.message.value = f"<span style='color:{colour}'>{text}</span>" if note else ""


def _panel_value(key: str, values: UnitStep) -> float:
    """The value a panel ("input" ... "new", "c", "h") shows for one unit at one step."""
    if key in ("c", "h"):
        return getattr(values, key)
    return values.gates[SYMBOLS[key]]
