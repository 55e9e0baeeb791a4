"""Figures of the LayerStepper: a grid of layers × directions of hidden-state heatmaps
(lesson 07_bidirectional_and_multilayer). Pure functions of a `Trace`.

Lessons: 07.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..arguments import expect_int
from ..tracing.trace_data import Trace
from .colours import DIVERGING
from .state import (
    DIRECTION_NAMES,
    check_view,
    cover_shape,
    current_token,
    full_height,
    full_z,
    hover_labels,
    read_mask,
    static_frames_dict,
    step_box,
    token_ticks,
    unit_box,
)


def panel_axes(trace: Trace, layer: int, direction: int) -> str:
    """Axis suffix ("", "2", ...) of the grid panel of (layer, direction): the top layer in
    the first row, forward left, backward right."""
    index = (trace.num_layers - 1 - layer) * trace.num_directions + direction + 1
    return "" if index == 1 else str(index)


def layer_grid_shapes(trace: Trace, step: int, output_token: int, unit: int = 0) -> list[dict]:
    """Per direction (a column of panels) a cover over the tokens it has not read at ``step``
    and a box on the token it reads, over every layer; in the top layer a dashed box on
    ``output_token``: ``output[t]`` concatenates those states (forward, then backward).
    Last, in every panel a dotted outline on ``unit``'s row. Always the same shapes in the same
    order, so a step changes a few numbers."""
    length, rows, top = len(trace), trace.hidden_size, trace.num_layers - 1
    columns = [(d, panel_axes(trace, top, d)) for d in range(trace.num_directions)]
    shapes = [full_height(cover_shape(read_mask(step, length, d), rows, axes))
              for d, axes in columns]
    shapes += [full_height(step_box(current_token(step, length, d), rows, axes))
               for d, axes in columns]
    shapes += [{**step_box(output_token, rows, axes),
                "line": {"color": "#444", "width": 2, "dash": "dash"}} for _, axes in columns]
    for layer in range(trace.num_layers):
        for direction in range(trace.num_directions):
            axes = panel_axes(trace, layer, direction)
            shapes.append({**unit_box(unit, length), "xref": "x" + axes, "yref": "y" + axes})
    return shapes


def layer_grid_figure(trace: Trace, step: int, output_token: int = 0,
                      unit: int = 0) -> go.Figure:
    """A grid of layers × directions (top layer first row; forward left, backward right), each
    a units × tokens heatmap of h_t with every value drawn and the tokens not read at ``step``
    covered (forward fills left to right, backward right to left), each panel titled with its
    row in torch's ``h_n`` (l * D + d)."""
    return go.Figure(layer_grid_dict(trace, step, output_token, unit))


def layer_grid_dict(trace: Trace, step: int, output_token: int = 0, unit: int = 0) -> dict:
    """`layer_grid_figure` as plain plotly JSON (nothing validated: cheap to reuse for the
    static copy)."""
    _, _, unit, step = check_view(trace, unit=unit, step=step)
    output_token = expect_int("output_token", output_token, 0, len(trace) - 1)
    num_layers, num_directions, length = trace.num_layers, trace.num_directions, len(trace)
    titles = [f"layer {layer} · {DIRECTION_NAMES[d] if num_directions == 2 else 'forward →'}"
              f" · h_n[{layer * num_directions + d}]"
              for layer in reversed(range(num_layers)) for d in range(num_directions)]
    panel = int(np.clip(30 + 6 * trace.hidden_size, 90, 180))   # compact: one screen
    height = 100 + num_layers * (panel + 45)
    grid = make_subplots(rows=num_layers, cols=num_directions, subplot_titles=titles,
                         shared_xaxes=True, vertical_spacing=45 / height,
                         horizontal_spacing=0.06)
    layout = grid.layout.to_plotly_json()
    hover = [hover_labels(trace.tokens)] * trace.hidden_size
    data = []
    for index, (layer, direction) in enumerate(
            (layer, d) for layer in reversed(range(num_layers)) for d in range(num_directions)):
        axes = "" if index == 0 else str(index + 1)
        data.append({"type": "heatmap", "z": full_z(trace.hidden[layer, direction]),
                     "x": list(range(length)), "coloraxis": "coloraxis", "hoverongaps": False,
                     "customdata": hover, "xaxis": "x" + axes, "yaxis": "y" + axes,
                     "hovertemplate": "%{customdata}<br>unit %{y}<br>h = %{z:+.4f}"
                                      "<extra></extra>"})
        layout["xaxis" + axes].update(token_ticks(trace.tokens))
        layout["yaxis" + axes].update(autorange="reversed")
    layout.update(shapes=layer_grid_shapes(trace, step, output_token, unit),
                  coloraxis={"colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0,
                             "colorbar": {"title": {"text": "h_t"}, "thickness": 12}},
                  height=height, margin={"l": 40, "r": 20, "t": 50, "b": 60},
                  plot_bgcolor="#f4f4f4")
    return {"data": data, "layout": layout}


def layer_grid_static(trace: Trace, output_token: int = 0) -> go.Figure:
    """The LayerStepper without a kernel: the full grid with a slider and one frame per step
    (boxes and covers over the tokens not read yet)."""
    return go.Figure(layer_static_dict(trace, output_token))


def layer_static_dict(trace: Trace, output_token: int = 0, step: int | None = None,
                      figure: dict | None = None, unit: int = 0) -> dict:
    """`layer_grid_static` as a plain dict (cheap), opened at ``step`` (default the last);
    ``figure`` is the `layer_grid_dict` to extend."""
    step = len(trace) - 1 if step is None else step
    figure = figure or layer_grid_dict(trace, step, output_token, unit)
    return static_frames_dict(figure, lambda s: layer_grid_shapes(trace, s, output_token, unit),
                              trace.tokens, 0, step)
