"""The latching experiment's results as a figure: accuracy against distance, every seed and
the mean (lesson 04_vanishing_gradients; lesson 05_lstm_gates adds the LSTM and GRU).

Lessons: 04, 05.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from ..experiments import CHANCE, accuracy_table
from .colours import DASHES, SYMBOLS
from .colours import LINE_COLOURS as COLOURS
from .state import plot_text


def latching_figure(results: dict, models: Sequence[str] = ("rnn",),
                    title: str | None = None) -> go.Figure:
    """Accuracy on latching against the distance, one model per style (colour, marker and
    dash all differ): each seed's accuracy as open markers (hover names the seed) and the
    mean over the seeds as a line; chance (50 %) as a dotted line."""
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
