"""Pure figure functions for gates: a `Trace` of an LSTM or GRU (+ step, layer, direction,
unit) in, a plotly figure or text out. The GateViewer (lessons 05-06) only wires controls to
these; `gates_figure_static` and `gates_summary` read where no kernel runs.

One heatmap panel (units × tokens) per gate and state: sigmoid gates (i_t, f_t, o_t; r_t, z_t)
in Cividis on [0, 1]; the candidate (g_t; n_t) and the states c_t, h_t in RdBu on [-1, 1]
(c_t can leave that range: its colour saturates, hover gives the exact value). Tokens not read
yet are blank (None), the current token is boxed and the selected unit's row outlined.

Lessons: 05, 06.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..tracing.trace_data import GATE_NAMES, Trace
from .colours import DIVERGING, SEQUENTIAL
from .state import (
    check_view,
    cover_shape,
    current_token,
    heatmap_z,
    plot_text,
    read_mask,
    step_box,
    step_slider,
    view_title,
)

MAX_TICK_LABELS = 60
"""With more tokens than this the x axis shows step numbers; hover still gives each token."""


class Panel(NamedTuple):
    """One heatmap: ``key`` in ``trace.gates`` (or "c" / "h"), its symbol and meaning."""

    key: str
    symbol: str
    label: str
    sigmoid: bool


PANELS = {
    "lstm": (Panel("input", "i_t", "input gate", True),
             Panel("forget", "f_t", "forget gate", True),
             Panel("candidate", "g_t", "candidate", False),
             Panel("output", "o_t", "output gate", True),
             Panel("c", "c_t", "cell state", False),
             Panel("h", "h_t", "hidden state", False)),
    "gru": (Panel("reset", "r_t", "reset gate", True),
            Panel("update", "z_t", "update gate", True),
            Panel("new", "n_t", "candidate", False),
            Panel("h", "h_t", "hidden state", False)),
}
"""The panels of each kind, top to bottom (LSTM gates in torch's order i, f, g, o)."""


def check_gated(trace: Trace) -> Trace:
    """Raise unless ``trace`` is a `Trace` of an LSTM or GRU (a plain RNN has no gates)."""
    check_view(trace)
    if trace.kind not in PANELS:
        raise ValueError(f"`trace` must come from an LSTM or GRU, got kind={trace.kind!r}: a "
                         "plain RNN has no gates; step through its h_t with StateStepper")
    names = set(GATE_NAMES[trace.kind])
    for field in ("gates", "input_terms", "hidden_terms"):
        if not names <= set(getattr(trace, field)):
            raise ValueError(f"`trace.{field}` must hold {sorted(names)}, got "
                             f"{sorted(getattr(trace, field))}; make the trace with widgets.trace")
    return trace


def panel_states(trace: Trace, layer: int, direction: int) -> list[tuple[Panel, np.ndarray]]:
    """Each panel of ``trace.kind`` with its (T, hidden_size) values for one layer/direction."""
    arrays = {**trace.gates, "h": trace.hidden}
    if trace.cell is not None:
        arrays["c"] = trace.cell
    return [(panel, arrays[panel.key][layer, direction]) for panel in PANELS[trace.kind]]


def gate_view(trace: Trace, step: int, layer: int = -1, direction: int = 0,
              unit: int = 0) -> dict:
    """What changes from step to step: ``z`` (one (hidden_size, T) object array per panel,
    None where not read yet), ``shapes`` (current token boxed, unit row outlined, in every
    panel) and ``title``. A widget applies it in one ``batch_update()``."""
    check_gated(trace)
    layer, direction, unit, step = check_view(trace, layer, direction, unit, step)
    length, rows = len(trace), trace.hidden_size
    column = current_token(step, length, direction)
    z, shapes = [], []
    for k, (_, states) in enumerate(panel_states(trace, layer, direction), start=1):
        axes = "" if k == 1 else str(k)
        z.append(heatmap_z(states, step, direction))
        shapes += [step_box(column, rows, axes), _unit_row(unit, length, axes)]
    token = plot_text(trace.tokens[column])
    title = f"{view_title(trace, layer, direction)} · t = {column} '{token}' · unit {unit}"
    return {"z": z, "shapes": shapes, "title": title}


def gate_heatmaps(trace: Trace, step: int, layer: int = -1, direction: int = 0,
                  unit: int = 0) -> go.Figure:
    """One units × tokens heatmap per gate and state, stacked (LSTM: i_t, f_t, g_t, o_t, c_t,
    h_t; GRU: r_t, z_t, n_t, h_t), each (hidden_size, T), with exact values on hover."""
    view = gate_view(trace, step, layer, direction, unit)
    layer, direction, *_ = check_view(trace, layer, direction)
    panels = panel_states(trace, layer, direction)
    rows, length = trace.hidden_size, len(trace)
    panel_px = int(np.clip(14 * rows, 60, 160))
    height = 120 + len(panels) * (panel_px + 36)
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True,
                        vertical_spacing=36 / (height - 120),
                        subplot_titles=[f"{p.symbol[0]}<sub>t</sub> · {p.label}"
                                        for p, _ in panels])
    labels = [plot_text(token) for token in trace.tokens]
    for k, ((panel, _), z) in enumerate(zip(panels, view["z"], strict=True), start=1):
        fig.add_trace(go.Heatmap(
            z=z, x=list(range(length)), y=list(range(rows)), customdata=[labels] * rows,
            coloraxis="coloraxis" if panel.sigmoid else "coloraxis2", hoverongaps=False,
            name=panel.symbol, hovertemplate=(f"t = %{{x}} · '%{{customdata}}'<br>unit %{{y}}"
                                              f"<br>{panel.symbol} = %{{z:+.4f}}<extra></extra>")),
            row=k, col=1)
        fig.update_yaxes(autorange="reversed", title_text="unit", row=k, col=1)
    fig.update_layout(
        title={"text": view["title"], "font": {"size": 14}}, shapes=view["shapes"],
        height=height, margin={"l": 60, "r": 20, "t": 60, "b": 60},
        plot_bgcolor="#f4f4f4", **_colour_axes())
    ticks = {"tickmode": "array", "tickvals": list(range(length)), "ticktext": labels} \
        if length <= MAX_TICK_LABELS else {"tickmode": "auto"}
    fig.update_xaxes(title_text="token", row=len(panels), col=1, **ticks)
    return fig


def gates_figure_static(trace: Trace, layer: int = -1, direction: int = 0,
                        unit: int = 0) -> go.Figure:
    """The GateViewer without a kernel: `gate_heatmaps` with every value drawn, a slider and
    one frame per step; each frame (layout only) boxes the current token and covers the tokens
    not read yet. Opens at the last step."""
    last = len(check_gated(trace)) - 1
    layer, direction, unit, _ = check_view(trace, layer, direction, unit)
    fig = gate_heatmaps(trace, last, layer, direction, unit)
    for heatmap, (_, states) in zip(fig.data, panel_states(trace, layer, direction),
                                    strict=True):
        heatmap.z = np.round(states.T.astype(float), 4)
    frames = []
    for s in range(last + 1):
        view = gate_view(trace, s, layer, direction, unit)
        covers = [cover_shape(read_mask(s, last + 1, direction), trace.hidden_size,
                         "" if k == 1 else str(k)) for k in range(1, len(fig.data) + 1)]
        frames.append(go.Frame(name=str(s), layout={"shapes": view["shapes"] + covers,
                                                    "title": {"text": view["title"]}}))
    fig.frames = frames
    fig.update_layout(shapes=frames[-1].layout.shapes, height=fig.layout.height + 60,
                      sliders=[step_slider(trace, direction)])
    return fig


def gates_summary(trace: Trace, layer: int = -1, direction: int = 0) -> str:
    """A short plain-text summary (one line per panel: mean and range over units and tokens,
    and for the sigmoid gates the share of values above 0.5, i.e. mostly open). Plain text:
    escape it before putting it in HTML."""
    check_gated(trace)
    layer, direction, *_ = check_view(trace, layer, direction)
    lines = [f"{view_title(trace, layer, direction)} · {len(trace)} tokens"]
    for panel, states in panel_states(trace, layer, direction):
        line = (f"{panel.symbol} ({panel.label}): mean {states.mean():+.2f}, "
                f"range [{states.min():+.2f}, {states.max():+.2f}]")
        if panel.sigmoid:
            line += f", open (> 0.5) in {100 * (states > 0.5).mean():.0f}% of unit-steps"
        lines.append(line)
    return "\n".join(lines)


def _colour_axes() -> dict:
    """Two shared colour axes: sequential [0, 1] for gates, diverging [-1, 1] for the rest."""
    bar = {"thickness": 12, "len": 0.45, "yanchor": "middle"}
    return {"coloraxis": {"colorscale": SEQUENTIAL, "cmin": 0.0, "cmax": 1.0, "colorbar": {
                **bar, "y": 0.77, "title": {"text": "gate"}}},
            "coloraxis2": {"colorscale": DIVERGING, "cmin": -1.0, "cmax": 1.0, "cmid": 0.0,
                           "colorbar": {**bar, "y": 0.23, "title": {"text": "cand., state"}}}}


def _unit_row(unit: int, length: int, axes: str) -> dict:
    """A dotted outline around the selected unit's row of one panel."""
    return {"type": "rect", "x0": -0.5, "x1": length - 0.5, "y0": unit - 0.5, "y1": unit + 0.5,
            "xref": "x" + axes, "yref": "y" + axes, "fillcolor": "rgba(0,0,0,0)",
            "line": {"color": "black", "width": 1, "dash": "dot"}}
