"""`GradientFlow`: ‖∂L/∂h_k‖ and input saliency per token for two models side by side, and
`DecayDemo`: how the gradient at initialisation decays with distance as the RNN's spectral
radius and the LSTM's forget-gate bias change (lessons 04_vanishing_gradients, 05_lstm_gates).

GradientFlow shows precomputed `GradientTrace`s: moving the token slider only redraws a line.
DecayDemo recomputes on every slider change (it is a demo of initialisation), about 0.1 s for
hidden 32 and T = 100; its sliders report only on release (``continuous_update=False``).

Lessons: 04, 05.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Sequence

import ipywidgets as ipw
import plotly.graph_objects as go
import torch

from ..arguments import expect_choice, expect_int, type_name
from ..figures.gradients import (
    check_traces,
    decay_figure,
    decay_figure_static,
    decay_scatter,
    decay_summary,
    gradient_figure,
    gradient_static_dict,
    gradient_summary,
    step_line,
    step_text,
)
from ..tracing.gradients import DecayCurve, GradientTrace, decay_with_distance, gradient_flow
from ..tracing.text import TextModel, Vocabulary, model_text_tracer
from .figure_sync import ShapeSync, live_figure
from .static import StaticForm, open_at, per_frame, static_form, step_note

RADII = (*(round(0.5 + 0.1 * i, 2) for i in range(11)), 2.0, 2.5, 3.0)
"""Spectral radii of the RNN's W_hh offered by the demo: 0.5 ... 1.5 by 0.1, then 2, 2.5, 3
(where the tanh RNN explodes too; lesson 04)."""
FORGET_BIASES = tuple(float(b) for b in range(-2, 6))
"""LSTM forget-gate biases (b_ih + b_hh) offered by the demo: -2 ... 5."""
DISTANCES = (10, 100)
"""Range of T, the largest distance the demo shows."""


class GradientFlow(StaticForm, ipw.VBox):
    """Two `GradientTrace`s on the same tokens (e.g. RNN vs LSTM), log scale: ‖∂L/∂h_k‖ per
    token (LSTM also ‖∂L/∂c_k‖), saliency ‖∂L/∂x_k‖ as bars, a token slider with a readout of
    the exact values, a checkbox to divide each curve by its maximum, and a text summary.

    Attributes: ``figure`` (FigureWidget), ``token_slider``, ``relative_box``, ``readout``,
    ``summary`` (HTML).
    """

    def __init__(self, left: GradientTrace, right: GradientTrace | None = None, *,
                 relative: bool = False):
        self.traces = check_traces(left, right)
        last = len(left) - 1
        self.figure = live_figure(gradient_figure(left, right, step=last,
                                                  relative=bool(relative)).to_plotly_json())
        self._plot = self.figure.to_plotly_json()
        self.shape_sync = ShapeSync(self.figure)
        self.token_slider = ipw.IntSlider(value=last, min=0, max=last, description="token k",
                                          readout=False, layout={"width": "420px"})
        self.relative_box = ipw.Checkbox(value=bool(relative), indent=False,
                                         description="divide each curve by its maximum")
        self.readout = ipw.HTML()
        self.summary = ipw.HTML(_pre(gradient_summary(left, right)))
        self.token_slider.observe(lambda change: self._draw_step(change["new"]), names="value")
        self.relative_box.observe(lambda _: self._redraw_values(), names="value")
        super().__init__([self.figure, ipw.HBox([self.token_slider, self.relative_box]),
                          self.readout, self.summary, self.shape_sync])
        self.add_class("rnn-gradient-flow")
        self._draw_step(last)

    @classmethod
    def from_models(cls, rnn_model: TextModel, lstm_model: TextModel, text: str,
                    vocab: Vocabulary, *, model_loss: Callable | None = None,
                    tokenize: Callable[[str], list[str]] | None = None, unk_index: int = 1,
                    labels: Sequence[str] = ("RNN", "LSTM"), **options) -> GradientFlow:
        """Embed ``text`` with each model's ``embedding`` and follow the gradient through its
        ``rnn`` (the `widgets.views.stepper.TextModel` protocol; ``vocab.encode`` gives the ids).
        ``model_loss(model, output)`` -> scalar, with ``output`` (T, hidden_size) the top
        layer's states, e.g. the classifier's loss; default "last_state" (the Jacobian of the
        last state). ``options`` go to `GradientFlow`."""
        if isinstance(labels, str) or len(labels) != 2:
            raise ValueError(f"`labels` must be two names, got {labels!r}")
        if model_loss is not None and not callable(model_loss):
            raise TypeError(f"`model_loss` must be callable, got {type_name(model_loss)}")
        results = []
        for model, label in zip((rnn_model, lstm_model), labels, strict=True):
            trace, _ = model_text_tracer(model, vocab, tokenize, unk_index)(text)
            loss = "last_state" if model_loss is None else _bound(model_loss, model)
            inputs = torch.as_tensor(trace.inputs, dtype=model.embedding.weight.dtype)
            results.append(gradient_flow(model.rnn, inputs, trace.tokens, loss=loss,
                                         label=str(label)))
        return cls(*results, **options)

    @staticmethod
    def demo(**options) -> DecayDemo:
        """The decay-with-distance demo (see `DecayDemo`)."""
        return DecayDemo(**options)

    def static_html(self) -> str:
        """The static form (HTML, tokens and labels escaped): `gradient_figure_static` opened
        at the current token, the readout and `gradient_summary`."""
        step, tokens = self.token_slider.value, self.traces[0].tokens
        figure = gradient_static_dict(*self.traces, relative=self.relative_box.value, step=step,
                                      figure=self._plot)
        note = step_note("GradientFlow", step, len(tokens), f"token k = {step} '{tokens[step]}'")
        parts = [_pre(step_text(self.traces, k)) for k in range(len(tokens))]
        return static_form("GradientFlow", note, figure, gradient_summary(*self.traces),
                           per_frame(parts, step))

    def _draw_step(self, step: int) -> None:
        self.shape_sync.show([step_line(step, len(self.traces[0]))])
        self.readout.value = _pre(step_text(self.traces, step))

    def _redraw_values(self) -> None:
        fresh = gradient_figure(*self.traces, relative=self.relative_box.value)
        with self.figure.batch_update():
            for trace, new in zip(self.figure.data, fresh.data, strict=True):
                trace.y = new.y
            self.figure.layout.yaxis.title.text = fresh.layout.yaxis.title.text
            self.figure.layout.yaxis2.title.text = fresh.layout.yaxis2.title.text
        self._plot = self.figure.to_plotly_json()


class DecayDemo(StaticForm, ipw.VBox):
    """Sliders for the RNN's spectral radius (0.5-3), the LSTM's forget-gate bias (-2-5)
    and T (10-100), a tanh/relu switch for the RNN; one log-scale figure of the relative
    gradient ‖∂h_T/∂h_k‖ / ‖∂h_T/∂h_T‖ against the distance T - k (`decay_with_distance`),
    and a readout of both values at distance T. Every change recomputes both curves in one
    ``batch_update()``; ``last_update_seconds`` says how long it took."""

    def __init__(self, *, recurrent_scale: float = 0.9, forget_bias: float = 0.0, T: int = 50,
                 nonlinearity: str = "tanh", hidden_size: int = 32, num_sequences: int = 4,
                 seed: int = 0):
        slider = {"continuous_update": False, "style": {"description_width": "150px"},
                  "layout": {"width": "420px"}}
        self.radius_slider = ipw.FloatSlider(
            value=_within("recurrent_scale", recurrent_scale, RADII), min=RADII[0],
            max=RADII[-1], step=0.05, readout_format=".2f",
            description="RNN spectral radius", **slider)
        self.bias_slider = ipw.FloatSlider(
            value=_within("forget_bias", forget_bias, FORGET_BIASES), min=FORGET_BIASES[0],
            max=FORGET_BIASES[-1], step=0.5, readout_format=".1f",
            description="LSTM forget bias", **slider)
        self.distance_slider = ipw.IntSlider(value=expect_int("T", T, *DISTANCES),
                                             min=DISTANCES[0], max=DISTANCES[1], step=10,
                                             description="T (largest distance)", **slider)
        self.nonlinearity = ipw.ToggleButtons(
            options=["tanh", "relu"], description="RNN",
            value=expect_choice("nonlinearity", nonlinearity, ["tanh", "relu"]),
            tooltips=["bounded: saturation can limit the growth", "unbounded: nothing limits it"])
        self.options = {"hidden_size": expect_int("hidden_size", hidden_size, 1, 128),
                        "num_sequences": expect_int("num_sequences", num_sequences, 1, 16),
                        "seed": expect_int("seed", seed, 0)}
        self.readout = ipw.HTML()
        self.curves = self._compute()
        self.figure = live_figure(decay_figure(self.curves).to_plotly_json())
        self.last_update_seconds = 0.0
        for control in (self.radius_slider, self.bias_slider, self.distance_slider,
                        self.nonlinearity):
            control.observe(lambda _: self.update(), names="value")
        super().__init__([self.figure, self.radius_slider, self.bias_slider,
                          self.distance_slider, self.nonlinearity, self.readout])
        self.add_class("rnn-decay-demo")
        self._write_readout()

    def update(self) -> None:
        """Recompute the curves whose controls changed (the RNN's: spectral radius,
        nonlinearity, T; the LSTM's: forget bias, T) and redraw them (one batch_update)."""
        start = time.perf_counter()
        old, self.curves = self.curves, self._compute(self.curves)
        with self.figure.batch_update():
            for i, (trace, curve) in enumerate(zip(self.figure.data, self.curves, strict=True)):
                if curve is not old[i]:
                    new = decay_scatter(curve, i)
                    trace.update(x=new.x, y=new.y, name=new.name,
                                 hovertemplate=new.hovertemplate)
        self._write_readout()
        self.last_update_seconds = time.perf_counter() - start

    def static_html(self) -> str:
        """The static form (HTML): `decay_demo_static` over the offered radii and forget
        biases (and the current ones) at the current T and nonlinearity, opened at the
        current values, with every value at distance T."""
        radius, bias, T = self.radius_slider.value, self.bias_slider.value, \
            self.distance_slider.value
        radii, biases = sorted({*RADII, radius}), sorted({*FORGET_BIASES, bias})
        figure, text = decay_demo_static(radii, biases, T=T, nonlinearity=self.nonlinearity.value,
                                         hidden_size=self.options["hidden_size"],
                                         seed=self.options["seed"])
        open_at(figure, f"0:{radii.index(radius)}", f"1:{biases.index(bias)}")
        note = (f"DecayDemo at RNN spectral radius {radius:.2f} ({self.nonlinearity.value}), "
                f"LSTM forget bias {bias:g}, T = {T}. A static copy: move the figure's sliders, "
                "or run the notebook to change T and the nonlinearity.")
        return static_form("DecayDemo", note, figure, text)

    def _compute(self, shown: tuple[DecayCurve, DecayCurve] | None = None
                 ) -> tuple[DecayCurve, DecayCurve]:
        """The two curves for the controls' values; a curve of ``shown`` whose settings did
        not change is kept as it is."""
        T = self.distance_slider.value
        rnn_settings = (T, self.radius_slider.value, self.nonlinearity.value)
        lstm_settings = (T, self.bias_slider.value)
        rnn, lstm = shown if shown is not None else (None, None)
        if rnn is None or self._settings[0] != rnn_settings:
            rnn = decay_with_distance("rnn", T=T, recurrent_scale=self.radius_slider.value,
                                      nonlinearity=self.nonlinearity.value, **self.options)
        if lstm is None or self._settings[1] != lstm_settings:
            lstm = decay_with_distance("lstm", T=T, forget_bias=self.bias_slider.value,
                                       **self.options)
        self._settings = (rnn_settings, lstm_settings)
        return rnn, lstm

    def _write_readout(self) -> None:
        self.readout.value = _pre(decay_summary(self.curves))


def decay_demo_static(radii: Sequence[float] = RADII,
                      forget_biases: Sequence[float] = FORGET_BIASES, T: int = 50,
                      nonlinearity: str = "tanh", hidden_size: int = 32,
                      seed: int = 0) -> tuple[go.Figure, str]:
    """The DecayDemo where no kernel runs: a plain plotly figure with one slider over the
    RNN's spectral radii and one over the LSTM's forget biases (frames), and a text summary
    of every value at distance T. About 40 ms per curve."""
    options = {"T": T, "hidden_size": hidden_size, "seed": seed}
    rnn = [decay_with_distance("rnn", recurrent_scale=r, nonlinearity=nonlinearity, **options)
           for r in radii]
    lstm = [decay_with_distance("lstm", forget_bias=b, **options) for b in forget_biases]
    lines = [f"Relative gradient ‖∂h_T/∂h_k‖ / ‖∂h_T/∂h_T‖ at distance {T}, at initialisation:"]
    lines += [f"  {curve.label}: {curve.at(T):.1e}" for curve in rnn + lstm]
    return decay_figure_static(rnn, lstm), "\n".join(lines)


def _within(name: str, value, allowed: Sequence[float]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"`{name}` must be a number, got {type_name(value)}")
    if not allowed[0] <= value <= allowed[-1]:
        raise ValueError(f"`{name}` must be in [{allowed[0]:g}, {allowed[-1]:g}], got {value}")
    return float(value)


def _bound(model_loss: Callable, model) -> Callable:
    def loss(output):
        return model_loss(model, output)
    loss.__name__ = getattr(model_loss, "__name__", "model_loss")
    return loss


def _pre(text: str) -> str:
    return f"<pre style='margin:0;white-space:pre-wrap'>{html.escape(text)}</pre>"
