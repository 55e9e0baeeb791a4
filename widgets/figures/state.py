"""Pure figure functions for hidden states: a `Trace` (+ step, layer, direction, unit) in, a
plotly figure or an HTML string out. The StateStepper (lessons 02-03) and the LayerStepper
(lesson 07) only wire controls to these; the ``*_static`` forms read where no kernel runs.

Reading order: at step s the forward direction (0) reads token s, the backward direction (1)
reads token T-1-s; tokens not read yet are blank (None in ``z``).

Lessons: 02, 03, 07.
"""

from __future__ import annotations

import html
from typing import NamedTuple

import numpy as np
import plotly.colors as pcolors
import plotly.graph_objects as go

from ..arguments import expect_int, expect_type
from ..tracing.trace_data import Trace
from .colours import DIVERGING, DIVERGING_RANGE

DIRECTION_NAMES = ("forward →", "← backward")
UNREAD = "#eeeeee"              # the sentence's colour for a token not read yet
STEPPED_SENTENCE = "rnn-static-sentence"
BOX = {"type": "rect", "line": {"color": "black", "width": 3}, "fillcolor": "rgba(0,0,0,0)"}


class TokenCell(NamedTuple):
    """One token of the coloured sentence; ``value`` is None for a token not read yet."""

    t: int
    token: str
    value: float | None
    colour: str
    text_colour: str
    current: bool


def check_view(trace: Trace, layer: int = -1, direction: int = 0, unit: int = 0,
               step: int = 0) -> tuple[int, int, int, int]:
    """Validate (layer, direction, unit, step) for ``trace`` (hidden (L, D, T, H)); return them
    with layer >= 0. Used by every stepping widget."""
    expect_type("trace", trace, Trace, "a widgets.Trace (see widgets.trace)")
    layers = trace.num_layers
    layer = expect_int("layer", layer, -layers, layers - 1) % layers
    direction = expect_int("direction", direction)
    if trace.num_directions == 1 and direction != 0:
        raise ValueError(f"`direction` must be 0: this network is unidirectional, got {direction}")
    direction = expect_int("direction", direction, 0, trace.num_directions - 1)
    unit = expect_int("unit", unit, 0, trace.hidden_size - 1)
    return layer, direction, unit, expect_int("step", step, 0, len(trace) - 1)


def current_token(step: int, length: int, direction: int) -> int:
    """The token a direction reads at ``step``: s (forward) or T-1-s (backward), as"""
    return step if direction == 0 else length - 1 - step


def read_mask(step: int, length: int, direction: int) -> np.ndarray:
    """(T,) bool: the tokens the direction has read once it has read the token of ``step``."""
    t = np.arange(length)
    return t <= step if direction == 0 else t >= length - 1 - step


def heatmap_z(states: np.ndarray, step: int, direction: int) -> np.ndarray:
    """(T, H) states -> (H, T) object array of floats for a heatmap's ``z``, None where not
    read yet (None, not NaN: NaN is not valid JSON). Plotly takes object arrays fast."""
    z = np.round(states.T.astype(float), 4).astype(object)
    z[:, ~read_mask(step, states.shape[0], direction)] = None
    return z


def step_box(column: int, rows: int, axes: str = "") -> dict:
    """A black box around one token column of a heatmap with ``rows`` units; ``axes`` is the
    subplot's axis suffix ("", "2", ...)."""
    return {**BOX, "x0": column - 0.5, "x1": column + 0.5, "y0": -0.5, "y1": rows - 0.5,
            "xref": "x" + axes, "yref": "y" + axes}


def full_height(shape: dict) -> dict:
    """``shape`` stretched over the whole plotting area's height (``yref`` "paper"): one box
    or cover for all the panels stacked on a shared token axis."""
    return {**shape, "yref": "paper", "y0": 0.0, "y1": 1.0}


def unit_box(unit: int, length: int) -> dict:
    """A dotted outline around the chosen unit's row, ``length`` = T tokens wide."""
    return {**BOX, "line": {"color": "black", "width": 1, "dash": "dot"}, "x0": -0.5,
            "x1": length - 0.5, "y0": unit - 0.5, "y1": unit + 0.5, "xref": "x", "yref": "y"}


def plot_text(text: str) -> str:
    """Escape user text for plotly labels (plotly reads a subset of HTML in them); used by
    every widget that shows tokens."""
    return html.escape(text, quote=False)


def state_heatmap(trace: Trace, step: int, layer: int = -1, direction: int = 0,
                  unit: int = 0) -> go.Figure:
    """Units × tokens heatmap of h_t (``trace.hidden[layer, direction]``, (T, H)) at ``step``:
    tokens on x, units on y, RdBu in [-1, 1] (values beyond saturate; hover shows them), every
    value drawn once and `state_shapes` on top (the tokens not read yet covered, the current
    token boxed, the chosen unit's row outlined): a step moves shapes only."""
    return go.Figure(state_heatmap_dict(trace, step, layer, direction, unit))


def state_heatmap_dict(trace: Trace, step: int, layer: int = -1, direction: int = 0,
                       unit: int = 0) -> dict:
    """`state_heatmap` as plain plotly JSON (a dict, numpy arrays inside; nothing validated,
    so building it is cheap): the widget and its static copy share it."""
    layer, direction, unit, step = check_view(trace, layer, direction, unit, step)
    states = trace.hidden[layer, direction]
    length, rows = states.shape
    heatmap = {
        "type": "heatmap", "z": full_z(states), "x": list(range(length)),
        "y": list(range(rows)), "customdata": [hover_labels(trace.tokens)] * rows,
        "colorscale": DIVERGING, **DIVERGING_RANGE, "hoverongaps": False,
        "colorbar": {"title": {"text": "h_t"}, "thickness": 12},
        "hovertemplate": "%{customdata}<br>unit %{y}<br>h = %{z:+.4f}<extra></extra>"}
    layout = {
        "shapes": state_shapes(trace, step, layer, direction, unit),
        "title": {"text": view_title(trace, layer, direction), "font": {"size": 14}},
        "xaxis": {**token_ticks(trace.tokens), "title": {"text": "token"}},
        "yaxis": {"title": {"text": "unit"}, "autorange": "reversed"},
        "height": int(np.clip(120 + 10 * rows, 260, 380)),
        "margin": {"l": 60, "r": 20, "t": 40, "b": 60}, "plot_bgcolor": "#f4f4f4"}
    return {"data": [heatmap], "layout": layout}


def state_shapes(trace: Trace, step: int, layer: int = -1, direction: int = 0,
                 unit: int = 0) -> list[dict]:
    """What a step changes in `state_heatmap`: a cover over the tokens not read yet, a box on
    the current token and a dotted outline on the unit's row (always three shapes, in this
    order, so a step changes a few numbers)."""
    length, rows = len(trace), trace.hidden_size
    return [cover_shape(read_mask(step, length, direction), rows),
            step_box(current_token(step, length, direction), rows), unit_box(unit, length)]


def full_z(states: np.ndarray) -> np.ndarray:
    """(T, H) states -> (H, T) floats rounded to 4 decimals, every value (a cover shape hides
    the tokens not read yet)."""
    return np.round(states.T.astype(float), 4)


def hover_labels(tokens: list[str]) -> list[str]:
    """Each token's hover label, "t = 3 · 'plot'" (t counted from 1, the course's convention;
    text escaped for plotly). Every heatmap of"""
    return [f"t = {t} · '{plot_text(token)}'" for t, token in enumerate(tokens, start=1)]


def token_ticks(tokens: list[str], most: int = 40) -> dict:
    """x-axis ticks: every token's text up to ``most`` tokens, else every k-th (labels
    thinned so they stay readable at 200 tokens; hover names every token)."""
    every = max(1, -(-len(tokens) // most))
    shown = list(range(0, len(tokens), every))
    return {"tickmode": "array", "tickvals": shown,
            "ticktext": [plot_text(tokens[t][:12]) for t in shown]}


def static_frames_dict(figure: dict, shapes_at, tokens: list[str], direction: int, step: int,
                       titles=None) -> dict:
    """A plain figure dict (``figure``: data and layout) made into a static copy: a slider
    over the T ``tokens`` and one frame per step whose layout is ``shapes_at(s)`` (and
    ``titles(s)``), opened at ``step``. Cheap: nothing is validated."""
    frames, length = [], len(tokens)
    for s in range(length):
        layout = {"shapes": shapes_at(s)}
        if titles is not None:
            layout["title"] = {"text": titles(s)}
        frames.append({"name": str(s), "layout": layout})
    slider = step_slider_dict(tokens, length, direction)
    slider["active"] = step
    layout = {**figure["layout"], **frames[step]["layout"], "sliders": [slider],
              "height": figure["layout"]["height"] + 60}
    if titles is not None:
        layout["title"] = {**figure["layout"].get("title", {}), "text": titles(step)}
    return {"data": figure["data"], "layout": layout, "frames": frames}


def view_title(trace: Trace, layer: int, direction: int) -> str:
    """E.g. "LSTM · layer 1 (of 0–1) · forward → · hidden_size 32" (layers counted from 0,
    as in torch's weight_ih_l0; no layer for a one-layer network)."""
    side = f" · {DIRECTION_NAMES[direction]}" if trace.num_directions == 2 else ""
    where = f" · layer {layer} (of 0–{trace.num_layers - 1})" if trace.num_layers > 1 else ""
    return f"{trace.kind.upper()}{where}{side} · hidden_size {trace.hidden_size}"


def token_cells(trace: Trace, unit: int, layer: int = -1, direction: int = 0,
                step: int | None = None, colours: list[str] | None = None) -> list[TokenCell]:
    """The sentence coloured by one unit: one `TokenCell` per token (T). With ``step`` the
    tokens not read yet have value None and a grey colour. ``colours``: the unit's
    `unit_colours`, when the caller keeps them between steps."""
    last = len(trace) - 1
    layer, direction, unit, step = check_view(trace, layer, direction, unit,
                                              last if step is None else step)
    values = trace.hidden[layer, direction, :, unit].astype(float)
    read = read_mask(step, len(trace), direction)
    if colours is None:
        colours = unit_colours(trace, unit, layer, direction)
    now = current_token(step, len(trace), direction)
    return [TokenCell(t, token, float(values[t]) if read[t] else None,
                      colours[t] if read[t] else UNREAD,
                      "white" if read[t] and abs(values[t]) > 0.6 else "black", t == now)
            for t, token in enumerate(trace.tokens)]


def unit_colours(trace: Trace, unit: int, layer: int = -1, direction: int = 0) -> list[str]:
    """The T colours of one unit's h_t on the diverging scale (values clipped to [-1, 1])."""
    values = trace.hidden[layer, direction, :, unit].astype(float)
    return pcolors.sample_colorscale(DIVERGING, list((np.clip(values, -1, 1) + 1) / 2))


def sentence_html(trace: Trace, unit: int, layer: int = -1, direction: int = 0,
                  step: int | None = None, colours: list[str] | None = None,
                  stepped: bool = False) -> str:
    """Karpathy-style sentence: each token a span coloured by the unit's h_t, with the value
    written after it and in its tooltip (colour is never the only channel); text escaped.
    ``colours``: the unit's `unit_colours`, when the caller draws many steps. ``stepped``:
    drawn at ``step`` once for a static form whose slider restyles it (each span carries its
    read look in ``data-*``, `widgets.views.static` swaps them), not once per step: a
    240-token window would otherwise ship 240 sentences (13 MB)."""
    _, direction, _, _ = check_view(trace, layer, direction, unit)
    cells = token_cells(trace, unit, layer, direction, step, colours)
    read_looks = token_cells(trace, unit, layer, direction, None, colours) if stepped else cells
    spans = []
    for cell, read in zip(cells, read_looks, strict=True):
        value = "…" if cell.value is None else f"{cell.value:+.2f}"
        label = f"t = {cell.t + 1} · '{cell.token}' · h = "
        border = "2px solid black" if cell.current else "2px solid transparent"
        data = (f' data-label="{html.escape(label)}" data-value="{read.value:+.2f}" '
                f'data-colour="{read.colour}" data-ink="{read.text_colour}"' if stepped else "")
        spans.append(
            f'<span title="{html.escape(label + value)}"{data} style="background:{cell.colour};'
            f"color:{cell.text_colour};border:{border};padding:1px 3px;margin:1px;"
            f'display:inline-block">{html.escape(cell.token)}<sub>{value}</sub></span>')
    box = (f' class="{STEPPED_SENTENCE}" data-direction="{direction}" data-unread="{UNREAD}"'
           if stepped else "")
    return f'<div{box} style="line-height:1.9;font-family:monospace">{" ".join(spans)}</div>'


def state_figure_static(trace: Trace, layer: int = -1, direction: int = 0,
                        step: int | None = None) -> go.Figure:
    """The StateStepper without a kernel: a plotly figure with a slider and one frame per
    step; each frame boxes the current token and covers the tokens not read yet (layout only,
    so the file stays small). Opens at ``step`` (default the last)."""
    return go.Figure(state_static_dict(trace, layer, direction, step=step))


def state_static_dict(trace: Trace, layer: int = -1, direction: int = 0, unit: int = 0,
                      step: int | None = None, figure: dict | None = None) -> dict:
    """`state_figure_static` as a plain dict (cheap); ``figure`` is the `state_heatmap_dict`
    to extend (built when not given)."""
    layer, direction, unit, _ = check_view(trace, layer, direction, unit)
    step = len(trace) - 1 if step is None else step
    figure = figure or state_heatmap_dict(trace, step, layer, direction, unit)
    return static_frames_dict(figure,
                              lambda s: state_shapes(trace, s, layer, direction, unit),
                              trace.tokens, direction, step)


def cover_shape(read: np.ndarray, rows: int, axes: str = "") -> dict:
    """An opaque rectangle over the columns not read yet (none: a zero-width rectangle)."""
    unread = np.flatnonzero(~read)
    x0, x1 = (float(unread.min()) - 0.5, float(unread.max()) + 0.5) if unread.size else (-0.5, -0.5)
    return {"type": "rect", "x0": x0, "x1": x1, "y0": -0.5, "y1": rows - 0.5,
            "xref": "x" + axes, "yref": "y" + axes, "fillcolor": "#f4f4f4",
            "line": {"width": 0}, "layer": "above"}


def step_slider(trace: Trace, direction: int) -> dict:
    """A plotly slider with one step per token, animating to frame str(step) (static forms)."""
    return step_slider_dict(trace.tokens, len(trace), direction)


def step_slider_dict(tokens: list[str], length: int, direction: int) -> dict:
    """`step_slider` from the tokens: labels "t = 3 · 'not'" (t from 1), opened at the end."""
    steps = []
    for s in range(length):
        t = current_token(s, length, direction)
        label = f"{t + 1} · {plot_text(tokens[t][:12])}"
        steps.append({"method": "animate", "label": label, "args": [
            [str(s)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                       "transition": {"duration": 0}}]})
    return {"active": len(steps) - 1, "steps": steps, "pad": {"t": 50},
            "currentvalue": {"prefix": "t = "}}


def state_summary(trace: Trace, layer: int = -1, direction: int = 0) -> str:
    """A short plain-text summary of one layer and direction: the largest one-step change of
    any unit and the final state's range."""
    layer, direction, _, _ = check_view(trace, layer, direction)
    states = trace.hidden[layer, direction].astype(float)
    order = np.arange(len(trace)) if direction == 0 else np.arange(len(trace))[::-1]
    seen = np.vstack([trace.h0[layer, direction][None].astype(float), states[order]])
    jumps = np.abs(np.diff(seen, axis=0))
    k, unit = np.unravel_index(int(np.argmax(jumps)), jumps.shape)
    t, final = int(order[k]), seen[-1]
    return (f"{view_title(trace, layer, direction)}, {len(trace)} tokens.\n"
            f"Largest one-step change: unit {unit} at '{trace.tokens[t]}' (t = {t + 1}): "
            f"{seen[k, unit]:+.3f} -> {seen[k + 1, unit]:+.3f}.\n"
            f"Final state: min {final.min():+.3f}, max {final.max():+.3f}; "
            f"{int((final > 0.5).sum())} units above +0.5, {int((final < -0.5).sum())} below -0.5.")
