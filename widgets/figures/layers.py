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
    heatmap_z,
    plot_text,
    read_mask,
    step_box,
    step_slider,
)


def panel_axes(trace: Trace, layer: int, direction: int) -> str:
    """Axis suffix ("", "2", ...) of the grid panel of (layer, direction): the top layer in
    the first row, forward left, backward right."""
    index = (trace.num_layers - 1 - layer) * trace.num_directions + direction + 1
    return "" if index == 1 else str(index)


def layer_grid_z(trace: Trace, step: int) -> list[np.ndarray]:
    """One (H, T) heatmap z per panel, in `layer_grid_figure`'s trace order, at ``step``."""
    return [heatmap_z(trace.hidden[layer, direction], step, direction)
            for layer in reversed(range(trace.num_layers))
            for direction in range(trace.num_directions)]


def layer_grid_shapes(trace: Trace, step: int, output_token: int) -> list[dict]:
    """Per panel a box on the token it reads at ``step``; in the top layer a dashed box on
    ``output_token``: ``output[t]`` concatenates those states (forward, then backward)."""
    length, rows, top = len(trace), trace.hidden_size, trace.num_layers - 1
    shapes = []
    for layer in range(trace.num_layers):
        for direction in range(trace.num_directions):
            axes = panel_axes(trace, layer, direction)
            shapes.append(step_box(current_token(step, length, direction), rows, axes))
            if layer == top:
                shapes.append({**step_box(output_token, rows, axes),
                               "line": {"color": "#444", "width": 2, "dash": "dash"}})
    return shapes


def layer_grid_figure(trace: Trace, step: int, output_token: int = 0) -> go.Figure:
    """A grid of layers × directions (top layer first row; forward left, backward right), each
    a units × tokens heatmap of h_t filled up to ``step`` (forward left to right, backward right
    to left), each panel titled with its row in torch's ``h_n`` (l * D + d)."""
    _, _, _, step = check_view(trace, step=step)
    output_token = expect_int("output_token", output_token, 0, len(trace) - 1)
    num_layers, num_directions, length = trace.num_layers, trace.num_directions, len(trace)
    titles = [f"layer {layer} · {DIRECTION_NAMES[d] if num_directions == 2 else 'forward →'}"
              f" · h_n[{layer * num_directions + d}]"
              for layer in reversed(range(num_layers)) for d in range(num_directions)]
    panel = int(np.clip(40 + 8 * trace.hidden_size, 120, 300))
    height = 110 + num_layers * (panel + 60)
    fig = make_subplots(rows=num_layers, cols=num_directions, subplot_titles=titles,
                        shared_xaxes=True, vertical_spacing=60 / height, horizontal_spacing=0.06)
    labels = [plot_text(token) for token in trace.tokens]
    for index, z in enumerate(layer_grid_z(trace, step)):
        fig.add_trace(go.Heatmap(
            z=z, x=list(range(length)), coloraxis="coloraxis", hoverongaps=False,
            customdata=[labels] * trace.hidden_size,
            hovertemplate="t = %{x} · '%{customdata}'<br>unit %{y}<br>h = %{z:+.4f}"
                          "<extra></extra>"),
            row=index // num_directions + 1, col=index % num_directions + 1)
    fig.update_xaxes(tickvals=list(range(length)), ticktext=labels)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(shapes=layer_grid_shapes(trace, step, output_token),
                      coloraxis={"colorscale": DIVERGING, "cmin": -1, "cmax": 1, "cmid": 0},
                      height=height,
                      margin={"l": 40, "r": 20, "t": 50, "b": 60}, plot_bgcolor="#f4f4f4")
    return fig


def layer_grid_static(trace: Trace, output_token: int = 0) -> go.Figure:
    """The LayerStepper without a kernel: the full grid with a slider and one frame per step
    (boxes and covers over the tokens not read yet)."""
    fig = layer_grid_figure(trace, len(trace) - 1, output_token)
    frames = []
    for s in range(len(trace)):
        covers = [cover_shape(read_mask(s, len(trace), d), trace.hidden_size,
                         panel_axes(trace, layer, d))
                  for layer in range(trace.num_layers) for d in range(trace.num_directions)]
        frames.append(go.Frame(name=str(s), layout={
            "shapes": covers + layer_grid_shapes(trace, s, output_token)}))
    fig.frames = frames
    fig.update_layout(shapes=frames[-1].layout.shapes, sliders=[step_slider(trace, 0)])
    return fig
