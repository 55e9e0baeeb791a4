"""Vanishing and exploding gradients in numpy, and the long-range evidence as a figure
(lesson 04_vanishing_gradients; lesson 05_lstm_gates adds the LSTM and GRU to the figure).

For the vanilla RNN h_t = tanh(a_t), a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, one step
back through time multiplies by the Jacobian

    J_t = ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh          (relu: diag([h_t > 0]) W_hh)

and the chain rule gives ∂h_T/∂h_k = J_T J_{T-1} ... J_{k+1} (the identity when k = T).
States are numbered t = 0 ... T: ``hs`` holds the initial state h_0 and then the states h_1 ...
h_T that `widgets.rnn_forward` returns for x_1 ... x_T, so ``hs[t]`` is h_t, ``hs`` has T + 1
rows and the last state is h_T = ``hs[-1]``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from .arguments import expect_choice, expect_int, shape_str, type_name
from .figures_gradients import COLOURS, DASHES, SYMBOLS
from .figures_state import plot_text
from .reference import NONLINEARITIES

CHANCE = 0.5
"""Chance accuracy on latching: the bit is 0 or 1 with equal probability."""


def step_jacobian(h_t, weight_hh, nonlinearity: str = "tanh") -> np.ndarray:
    """J_t = ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh (relu: diag([h_t > 0]) W_hh), float64.

    h_t (hidden_size,) is the state *after* step t (tanh' is written with it), weight_hh
    (hidden_size, hidden_size). Returns (hidden_size, hidden_size): row i scaled by unit i's
    slope. Lesson 04_vanishing_gradients."""
    weight_hh = _square("weight_hh", weight_hh)
    h_t = _array("h_t", h_t)
    if h_t.shape != (len(weight_hh),):
        raise ValueError(f"`h_t` must have shape (hidden_size,) = ({len(weight_hh)},), got "
                         f"{shape_str(h_t.shape)}")
    return _slope(h_t, nonlinearity)[:, None] * weight_hh


def jacobian_product(hs, weight_hh, k: int, nonlinearity: str = "tanh") -> np.ndarray:
    """∂h_T/∂h_k = J_T J_{T-1} ... J_{k+1} with T = len(hs) - 1, float64 (lesson 04).

    hs (T + 1, hidden_size): the states h_0 ... h_T (e.g. from `widgets.rnn_forward`);
    weight_hh (hidden_size, hidden_size); 0 <= k <= T. Returns (hidden_size, hidden_size);
    the identity for k = T. Equal to torch's autograd Jacobian of h_T with respect to h_k."""
    hs, weight_hh = _states(hs, weight_hh)
    k = expect_int("k", k, 0, len(hs) - 1)
    product = np.eye(len(weight_hh))
    for t in range(len(hs) - 1, k, -1):            # t = T, T-1, ..., k+1
        product = product @ step_jacobian(hs[t], weight_hh, nonlinearity)
    return product


def jacobian_norms(hs, weight_hh, nonlinearity: str = "tanh") -> np.ndarray:
    """The spectral norm (largest singular value) of ∂h_T/∂h_k for every k = 0 ... T, as one
    (T + 1,) float64 array indexed by k; entry T is 1. The products are built from k = T down,
    one matrix product per step. Lesson 04_vanishing_gradients."""
    hs, weight_hh = _states(hs, weight_hh)
    norms = np.empty(len(hs))
    product = np.eye(len(weight_hh))
    for k in range(len(hs) - 1, -1, -1):
        norms[k] = np.linalg.norm(product, 2)
        if k > 0:
            product = product @ step_jacobian(hs[k], weight_hh, nonlinearity)
    return norms


def accuracy_table(results: dict, model: str) -> tuple[list[int], list[int], np.ndarray]:
    """One model's records of `widgets.experiments.load_results()` as (distances, seeds,
    accuracy (len(distances), len(seeds))), sorted; a clear error if a cell is missing."""
    records = _records(results, model)
    distances = sorted({int(r["distance"]) for r in records})
    seeds = sorted({int(r["seed"]) for r in records})
    table = np.full((len(distances), len(seeds)), np.nan)
    for r in records:
        table[distances.index(int(r["distance"])), seeds.index(int(r["seed"]))] = r["accuracy"]
    if np.isnan(table).any():
        d, s = np.argwhere(np.isnan(table))[0]
        raise ValueError(f"`results` has no accuracy for model={model!r} at "
                         f"distance={distances[d]}, seed={seeds[s]}")
    return distances, seeds, table


def latching_figure(results: dict, models: Sequence[str] = ("rnn",),
                    title: str | None = None) -> go.Figure:
    """Accuracy on latching against the distance, one model per style (colour, marker and
    dash all differ): each seed's accuracy as open markers (hover names the seed) and the
    mean over the seeds as a line; chance (50 %) as a dotted line. Lesson 04 shows "rnn";
    lesson 05 passes the LSTM and GRU names too."""
    if isinstance(models, str) or not models:
        raise ValueError(f"`models` must be a non-empty list of model names, got {models!r}")
    fig = go.Figure()
    for i, model in enumerate(models):
        distances, seeds, table = accuracy_table(results, model)
        colour, name = COLOURS[i % len(COLOURS)], plot_text(model)
        for j, seed in enumerate(seeds):
            fig.add_scatter(
                x=distances, y=table[:, j].tolist(), mode="markers", legendgroup=name,
                name=f"{name}: each seed ({', '.join(map(str, seeds))})", showlegend=j == 0,
                marker={"color": colour, "symbol": SYMBOLS[i % len(SYMBOLS)] + "-open",
                        "size": 10, "line": {"width": 2}},
                hovertemplate=f"{name}, seed {seed}<br>distance %{{x}}: %{{y:.3f}}<extra></extra>")
        fig.add_scatter(
            x=distances, y=table.mean(axis=1).tolist(), mode="lines+markers", legendgroup=name,
            name=f"{name}: mean of {len(seeds)} seeds",
            line={"color": colour, "dash": DASHES[i % len(DASHES)], "width": 2},
            marker={"color": colour, "symbol": SYMBOLS[i % len(SYMBOLS)], "size": 6},
            hovertemplate=f"{name}, mean<br>distance %{{x}}: %{{y:.3f}}<extra></extra>")
    fig.add_hline(y=CHANCE, line={"color": "grey", "dash": "dot", "width": 1.5},
                  annotation_text="chance (50 %)", annotation_position="bottom left")
    fig.update_layout(
        title={"text": title or "Latching: accuracy against distance", "font": {"size": 14}},
        xaxis={"title": "distance T (steps between the bit and the answer)"},
        yaxis={"title": "test accuracy (1000 sequences)", "range": [0.4, 1.05],
               "tickformat": ".0%"},
        height=440, legend={"orientation": "h", "y": -0.22}, plot_bgcolor="#f4f4f4",
        margin={"l": 70, "r": 20, "t": 50, "b": 60})
    return fig


def _records(results, model) -> list[dict]:
    if not isinstance(results, dict) or not isinstance(results.get("results"), list):
        raise TypeError("`results` must be the dict of widgets.experiments.load_results(), "
                        f"got {type_name(results)}")
    records = [r for r in results["results"] if r.get("model") == model]
    if not records:
        names = sorted({str(r.get("model")) for r in results["results"]})
        raise ValueError(f"`model` must be one of {names}, got {model!r}")
    return records


def _slope(h_t: np.ndarray, nonlinearity: str) -> np.ndarray:
    """dh_t/da_t written with h_t: tanh' = 1 - h_t², relu' = [h_t > 0]."""
    expect_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    return 1.0 - h_t**2 if nonlinearity == "tanh" else (h_t > 0).astype(np.float64)


def _array(name: str, value) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be an array of numbers, got {type_name(value)}") from None


def _square(name: str, value) -> np.ndarray:
    array = _array(name, value)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"`{name}` must have shape (hidden_size, hidden_size), got "
                         f"{shape_str(array.shape)}")
    return array


def _states(hs, weight_hh) -> tuple[np.ndarray, np.ndarray]:
    weight_hh = _square("weight_hh", weight_hh)
    hs = _array("hs", hs)
    if hs.ndim != 2 or hs.shape[1] != len(weight_hh) or len(hs) == 0:
        raise ValueError(f"`hs` must have shape (T + 1, hidden_size) = (T + 1, "
                         f"{len(weight_hh)}), got {shape_str(hs.shape)}")
    return hs, weight_hh
