"""Pure figure functions for gates: a `Trace` of an LSTM or GRU (+ step, layer, direction,
unit) in, a plotly figure or text out. The GateViewer (lessons 05-06) only wires controls to
these; `gates_figure_static` and `gates_summary` read where no kernel runs.

One heatmap panel (units × tokens) per gate and state: sigmoid gates (i_t, f_t, o_t; r_t, z_t)
in Cividis on [0, 1]; the candidate (g_t; n_t) and the states c_t, h_t in RdBu on [-1, 1]
(c_t can leave that range: its colour saturates, hover gives the exact value). Every value is
drawn once; shapes cover the tokens not read yet, box the current token and outline the
selected unit's row, so a step moves shapes only.

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
    full_height,
    full_z,
    hover_labels,
    plot_text,
    read_mask,
    static_frames_dict,
    step_box,
    token_ticks,
    view_title,
)


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


def gate_shapes(trace: Trace, step: int, layer: int = -1, direction: int = 0,
                unit: int = 0) -> list[dict]:
    """What a step changes in `gate_heatmaps`: a cover over the tokens not read yet and a box
    on the current token, both over every panel, then in each panel a dotted outline on the
    unit's row (always in this order, so a step changes three numbers)."""
    check_gated(trace)
    layer, direction, unit, step = check_view(trace, layer, direction, unit, step)
    length, rows = len(trace), trace.hidden_size
    column, read = current_token(step, length, direction), read_mask(step, length, direction)
    shapes = [full_height(cover_shape(read, rows)), full_height(step_box(column, rows))]
    return shapes + [_unit_row(unit, length, "" if k == 1 else str(k))
                     for k in range(1, len(PANELS[trace.kind]) + 1)]


def gate_heatmaps(trace: Trace, step: int, layer: int = -1, direction: int = 0,
                  unit: int = 0) -> go.Figure:
    """One units × tokens heatmap per gate and state, stacked (LSTM: i_t, f_t, g_t, o_t, c_t,
    h_t; GRU: r_t, z_t, n_t, h_t), each (hidden_size, T) with every value drawn and exact
    values on hover, and `gate_shapes` on top."""
    return go.Figure(gate_heatmaps_dict(trace, step, layer, direction, unit))


def gate_heatmaps_dict(trace: Trace, step: int, layer: int = -1, direction: int = 0,
                       unit: int = 0, panel_px: int | None = None) -> dict:
    """`gate_heatmaps` as plain plotly JSON (nothing validated: cheap to reuse for the static
    copy); ``panel_px`` sets each panel's height (default from hidden_size)."""
    shapes = gate_shapes(trace, step, layer, direction, unit)
    layer, direction, *_ = check_view(trace, layer, direction)
    panels = panel_states(trace, layer, direction)
    rows, length = trace.hidden_size, len(trace)
    panel_px = panel_px or int(np.clip(14 * rows, 60, 160))
    gap = 22 if panel_px < 50 else 30
    height = 90 + len(panels) * (panel_px + gap)
    grid = make_subplots(rows=len(panels), cols=1, shared_xaxes=True,
                         vertical_spacing=gap / (height - 90),
                         subplot_titles=[f"{p.symbol[0]}<sub>t</sub> · {p.label}"
                                         for p, _ in panels])
    layout = grid.layout.to_plotly_json()
    hover = [hover_labels(trace.tokens)] * rows
    data = [{"type": "heatmap", "z": full_z(states), "x": list(range(length)),
             "y": list(range(rows)), "customdata": hover, "hoverongaps": False,
             "coloraxis": "coloraxis" if panel.sigmoid else "coloraxis2", "name": panel.symbol,
             "xaxis": "x" if k == 1 else f"x{k}", "yaxis": "y" if k == 1 else f"y{k}",
             "hovertemplate": (f"%{{customdata}}<br>unit %{{y}}<br>{panel.symbol} = "
                               "%{z:+.4f}<extra></extra>")}
            for k, (panel, states) in enumerate(panels, start=1)]
    for k in range(1, len(panels) + 1):
        axis = layout[f"yaxis{'' if k == 1 else k}"]
        axis.update(autorange="reversed", title={"text": "unit"})
    layout[f"xaxis{len(panels) if len(panels) > 1 else ''}"].update(
        title={"text": "token"}, **token_ticks(trace.tokens))
    layout.update(title={"text": view_title(trace, layer, direction), "font": {"size": 14}},
                  shapes=shapes, height=height, margin={"l": 60, "r": 20, "t": 50, "b": 40},
                  plot_bgcolor="#f4f4f4", **_colour_axes())
    return {"data": data, "layout": layout}


def gates_figure_static(trace: Trace, layer: int = -1, direction: int = 0,
                        unit: int = 0) -> go.Figure:
    """The GateViewer without a kernel: `gate_heatmaps` with a slider and one frame per step;
    each frame (layout only) boxes the current token and covers the tokens not read yet.
    Opens at the last step."""
    return go.Figure(gates_static_dict(trace, layer, direction, unit))


def gates_static_dict(trace: Trace, layer: int = -1, direction: int = 0, unit: int = 0,
                      step: int | None = None, figure: dict | None = None) -> dict:
    """`gates_figure_static` as a plain dict (cheap), opened at ``step`` (default the last);
    ``figure`` is the `gate_heatmaps_dict` to extend."""
    check_gated(trace)
    layer, direction, unit, _ = check_view(trace, layer, direction, unit)
    step = len(trace) - 1 if step is None else step
    figure = figure or gate_heatmaps_dict(trace, step, layer, direction, unit)
    def title(s: int) -> str:  # the step in the title too, as the readout beside it says
        t = current_token(s, len(trace), direction)
        return f"{view_title(trace, layer, direction)} · t = {t + 1} · {plot_text(trace.tokens[t])}"

    return static_frames_dict(figure, lambda s: gate_shapes(trace, s, layer, direction, unit),
                              trace.tokens, direction, step, titles=title)


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
