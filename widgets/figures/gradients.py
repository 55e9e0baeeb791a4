"""Pure figure functions for gradients: `GradientTrace`s or `DecayCurve`s in, a plotly figure
or plain text out (lessons 04_vanishing_gradients and 05_lstm_gates). The GradientFlow and
DecayDemo widgets only wire controls to these; the ``*_static`` forms and the summaries read
where no kernel runs.

Every axis of gradient norms is logarithmic (log10); zeros, which a log axis cannot show, are
gaps. Models differ in colour (Okabe-Ito, colour-blind safe) AND in marker symbol, line dash
and bar pattern, and every trace has a legend name: colour is never the only channel.

Lessons: 04, 05.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..arguments import expect_int, expect_type
from ..tracing.gradients import DecayCurve, GradientTrace
from .colours import DASHES, SYMBOLS
from .colours import LINE_COLOURS as COLOURS
from .state import plot_text

PATTERNS = ("", "/", ".", "x", "-", "+")
MAX_TICK_LABELS = 60
"""With more tokens than this the x axis shows step numbers; hover still gives each token."""
ANIMATE = {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
           "transition": {"duration": 0}}


def style(i: int, line: bool = True) -> dict:
    """Style of the i-th model: colour, marker symbol and dash all differ (bars: colour and
    fill pattern)."""
    i %= len(COLOURS)
    if not line:
        return {"marker": {"color": COLOURS[i], "pattern": {"shape": PATTERNS[i]}}}
    return {"marker": {"color": COLOURS[i], "symbol": SYMBOLS[i], "size": 7},
            "line": {"color": COLOURS[i], "dash": DASHES[i], "width": 2}}


def check_traces(left, right=None) -> list[GradientTrace]:
    """[left] or [left, right], each a `GradientTrace`; two must share their tokens."""
    traces = [left] if right is None else [left, right]
    for name, value in zip(("left", "right"), traces, strict=False):
        expect_type(name, value, GradientTrace, "a GradientTrace (see widgets.gradient_flow)")
    if right is not None and list(left.tokens) != list(right.tokens):
        raise ValueError("`left` and `right` must be computed on the same tokens to be "
                         f"overlaid, got {len(left)} and {len(right)} tokens that differ")
    return traces


def log_values(values: np.ndarray, relative: bool = False) -> list[float | None]:
    """(T,) gradient norms -> plot values: divided by their maximum if ``relative``, zeros
    (and non-finite values) as None gaps."""
    values = np.asarray(values, dtype=float)
    top = values.max() if values.size and relative else 1.0
    scaled = values / top if top > 0 else values
    return [float(v) if np.isfinite(v) and v > 0 else None for v in scaled]


def gradient_figure(left: GradientTrace, right: GradientTrace | None = None, *,
                    step: int | None = None, relative: bool = False,
                    show_cell: bool = True) -> go.Figure:
    """Two rows over the T tokens, log y: ‖∂L/∂h_k‖ per step (and, for an LSTM, ‖∂L/∂c_k‖
    dotted), and the input saliency ‖∂L/∂x_k‖ as bars. ``relative`` divides each series by its
    maximum; ``step`` marks one token with a vertical line."""
    traces = check_traces(left, right)
    tokens = [plot_text(t) for t in left.tokens]
    x = list(range(len(tokens)))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, subplot_titles=(
        "‖∂L/∂h_k‖: the gradient reaching the state after token k", "input saliency ‖∂L/∂x_k‖"))
    hover = "t = %{x} · '%{customdata}'<br>%{fullData.name}: %{y:.3e}<extra></extra>"
    for i, g in enumerate(traces):
        common = {"x": x, "customdata": tokens, "hovertemplate": hover, "legendgroup": g.label}
        label = plot_text(g.label)  # legend text: plotly reads <b>, <a href> etc. in it
        fig.add_scatter(y=log_values(g.hidden_grad, relative), name=f"{label} ‖∂L/∂h_k‖",
                        mode="lines+markers", **style(i), **common, row=1, col=1)
        if show_cell and g.cell_grad is not None:
            fig.add_scatter(y=log_values(g.cell_grad, relative), name=f"{label} ‖∂L/∂c_k‖",
                            mode="lines+markers", **_cell_style(i), **common, row=1, col=1)
        fig.add_bar(y=log_values(g.input_grad, relative), name=f"{label} saliency",
                    **style(i, line=False), **common, row=2, col=1)
    ticks = {"tickvals": x, "ticktext": tokens} if len(x) <= MAX_TICK_LABELS else {}
    fig.update_xaxes(title_text="token k", row=2, col=1, **ticks)
    unit = " (÷ its maximum)" if relative else ""
    fig.update_yaxes(type="log", exponentformat="power", title_text="‖∂L/∂h_k‖" + unit, row=1)
    fig.update_yaxes(type="log", exponentformat="power", title_text="‖∂L/∂x_k‖" + unit, row=2)
    fig.update_layout(title={"text": gradient_title(traces), "font": {"size": 14}},
                      barmode="group", height=560, legend={"orientation": "h", "y": -0.15},
                      margin={"l": 70, "r": 20, "t": 70, "b": 60}, plot_bgcolor="#f4f4f4",
                      shapes=[] if step is None else [step_line(step, len(x))])
    return fig


def gradient_title(traces: Sequence[GradientTrace]) -> str:
    """E.g. "Gradient flow · RNN vs LSTM · loss: last_state" (escaped for plotly)."""
    names = " vs ".join(plot_text(g.label) for g in traces)
    return f"Gradient flow · {names} · loss: {plot_text(traces[0].loss)}"


def step_line(step: int, length: int) -> dict:
    """A dashed vertical line over both rows at token ``step``."""
    step = expect_int("step", step, 0, length - 1)
    return {"type": "line", "x0": step, "x1": step, "xref": "x", "y0": 0, "y1": 1,
            "yref": "paper", "line": {"color": "black", "width": 1.5, "dash": "dash"}}


def step_text(traces: Sequence[GradientTrace], step: int) -> str:
    """Plain text for token ``step``, one line per model: ‖∂L/∂h_k‖ (‖∂L/∂c_k‖), saliency."""
    step = expect_int("step", step, 0, len(traces[0]) - 1)
    parts = [f"token k = {step} · '{traces[0].tokens[step]}'"]
    for g in traces:
        cell = "" if g.cell_grad is None else f", ‖∂L/∂c‖ = {g.cell_grad[step]:.2e}"
        if g.cell_grad is not None and step == len(g) - 1:  # c_k reaches L only via c_{k+1}
            cell = ", ‖∂L/∂c‖: none (no later step reads the last c_k)"
        parts.append(f"  {g.label}: ‖∂L/∂h‖ = {g.hidden_grad[step]:.2e}{cell}, "
                     f"saliency ‖∂L/∂x‖ = {g.input_grad[step]:.2e}")
    return "\n".join(parts)


def gradient_summary(left: GradientTrace, right: GradientTrace | None = None) -> str:
    """Plain text: per model, ‖∂L/∂h_k‖ at the first token as a fraction of its largest value
    over the sequence, and the most salient token. Escape it before putting it in HTML."""
    lines = []
    for g in check_traces(left, right):
        top = g.hidden_grad.max()
        ratio = g.hidden_grad[0] / top if top > 0 else 0.0
        salient = int(np.argmax(g.input_grad))
        lines.append(f"{g.label}: the gradient at the first token ('{g.tokens[0]}') is "
                     f"{ratio:.1e} of its largest value; most salient token: "
                     f"'{g.tokens[salient]}' (t = {salient}, ‖∂L/∂x‖ = "
                     f"{g.input_grad[salient]:.2e}).")
    return "\n".join(lines)


def gradient_figure_static(left: GradientTrace, right: GradientTrace | None = None,
                           relative: bool = False) -> go.Figure:
    """`gradient_figure` without a kernel: a slider over the tokens whose frames (layout
    only) move the vertical line and write that token's values in the title."""
    return go.Figure(gradient_static_dict(left, right, relative))


def gradient_static_dict(left: GradientTrace, right: GradientTrace | None = None,
                         relative: bool = False, step: int | None = None,
                         figure: dict | None = None) -> dict:
    """`gradient_figure_static` as a plain dict (cheap: nothing validated), opened at token
    ``step`` (default the last); ``figure`` is `gradient_figure`'s JSON to extend."""
    traces = check_traces(left, right)
    length = len(left)
    step = length - 1 if step is None else expect_int("step", step, 0, length - 1)
    if figure is None:
        figure = gradient_figure(left, right, step=step, relative=relative).to_plotly_json()
    frames = [{"name": str(k), "layout": {"shapes": [step_line(k, length)], "title": {
        "text": _title_lines(step_text(traces, k))}}} for k in range(length)]
    steps = [{"method": "animate", "label": plot_text(token[:12]), "args": [[str(k)], ANIMATE]}
             for k, token in enumerate(left.tokens)]
    old = figure["layout"]
    layout = {**old, "shapes": [step_line(step, length)], "height": 700,
              "sliders": [{"active": step, "steps": steps, "pad": {"t": 110},
                           "currentvalue": {"prefix": "token: "}}],
              "title": {**old.get("title", {}), "text": _title_lines(step_text(traces, step))},
              "margin": {**old.get("margin", {}), "t": 110}}
    return {"data": figure["data"], "layout": layout, "frames": frames}


def decay_figure(curves: Sequence[DecayCurve], title: str | None = None) -> go.Figure:
    """Relative gradient ‖∂h_T/∂h_k‖ / ‖∂h_T/∂h_T‖ against the distance T - k, log y, one line
    per `DecayCurve` (legend: its label and value at the largest distance)."""
    curves = check_curves(curves)
    fig = go.Figure([decay_scatter(c, i) for i, c in enumerate(curves)])
    fig.add_hline(y=1.0, line={"color": "grey", "dash": "dot", "width": 1})
    fig.update_layout(
        title={"text": title or "Gradient vs distance at initialisation", "font": {"size": 14}},
        xaxis={"title": "distance T − k (steps back from the last state)"},
        yaxis={"title": "‖∂h_T/∂h_k‖ / ‖∂h_T/∂h_T‖", "type": "log", "exponentformat": "power"},
        height=460, legend={"orientation": "h", "y": -0.2}, plot_bgcolor="#f4f4f4",
        margin={"l": 70, "r": 20, "t": 50, "b": 60})
    return fig


def decay_scatter(curve: DecayCurve, i: int) -> go.Scatter:
    """One curve as a line with markers (every few points) in the i-th style."""
    line = style(i)
    line["marker"]["maxdisplayed"] = 25
    return go.Scatter(x=curve.distance[::-1].tolist(), y=log_values(curve.relative[::-1]),
                      name=f"{plot_text(curve.label)}: {curve.at(curve.T):.1e} at {curve.T}",
                      mode="lines+markers", hovertemplate="distance %{x}: %{y:.3e}<extra>"
                      f"{plot_text(curve.label)}</extra>", **line)


def check_curves(curves) -> list[DecayCurve]:
    """A non-empty list of `DecayCurve`s, or a clear error."""
    if isinstance(curves, DecayCurve):
        curves = [curves]
    if not isinstance(curves, Sequence) or not curves:
        raise TypeError("`curves` must be a non-empty list of DecayCurve (see "
                        "widgets.decay_with_distance)")
    for curve in curves:
        expect_type("curves[i]", curve, DecayCurve, "a DecayCurve")
    return list(curves)


def decay_summary(curves: Sequence[DecayCurve], distance: int | None = None) -> str:
    """Plain text, e.g. "At distance 50 the gradient is this fraction of its value at the last
    step: 4.4e-10 for the tanh RNN (spectral radius 0.90), 3.7e-06 for the LSTM (forget bias
    1)." Default distance: the shortest curve's T."""
    curves = check_curves(curves)
    shortest = min(c.T for c in curves)
    distance = shortest if distance is None else expect_int("distance", distance, 0, shortest)
    parts = ", ".join(f"{c.at(distance):.1e} for the {c.label}" for c in curves)
    return f"At distance {distance} the gradient is this fraction of its value at the last " \
        f"step: {parts}."


def decay_figure_static(rnn_curves: Sequence[DecayCurve],
                        lstm_curves: Sequence[DecayCurve]) -> go.Figure:
    """The DecayDemo without a kernel: two sliders, one over the RNN curves (e.g. spectral
    radii) and one over the LSTM curves (forget biases); each frame replaces one line only."""
    groups = [check_curves(rnn_curves), check_curves(lstm_curves)]
    fig = decay_figure([groups[0][0], groups[1][0]])
    sliders, frames = [], []
    for i, (curves, prefix) in enumerate(zip(groups, ("RNN: ", "LSTM: "), strict=True)):
        names = [f"{i}:{j}" for j in range(len(curves))]
        frames += [go.Frame(name=n, data=[decay_scatter(c, i)], traces=[i])
                   for n, c in zip(names, curves, strict=True)]
        sliders.append({"active": 0, "currentvalue": {"prefix": prefix}, "y": -0.25 - 0.3 * i,
                        "pad": {"t": 10}, "steps": [{"method": "animate", "args": [[n], ANIMATE],
                        "label": plot_text(_knob(c))} for n, c in zip(names, curves, strict=True)]})
    fig.frames = frames
    fig.update_layout(sliders=sliders, height=640, margin={"b": 220})
    return fig


def _title_lines(text: str) -> str:
    return "<br>".join(plot_text(line.strip()) for line in text.splitlines())


def _knob(curve: DecayCurve) -> str:
    if curve.forget_bias is not None:
        return f"{curve.forget_bias:g}"
    return curve.label if curve.spectral_radius is None else f"{curve.spectral_radius:.2f}"


def _cell_style(i: int) -> dict:
    line = style(i)
    line["line"]["dash"] = "dot"
    line["marker"]["symbol"] = "square-open"
    return line
