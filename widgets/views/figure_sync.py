"""Live plotly figures of the widgets: created once from a figure dict with the course's
plotly config, then changed by sending only what differs (a step moves a few shape
coordinates: a relayout of a few numbers, not the heatmaps' matrices). Lessons 02-07.

Lessons: 02, 03, 04, 05, 06, 07.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..figures.config import PLOTLY_CONFIG


def live_figure(figure: dict) -> go.FigureWidget:
    """A FigureWidget drawing ``figure`` (plotly JSON), shown with `PLOTLY_CONFIG`."""
    widget = go.FigureWidget(figure)
    widget._config = dict(PLOTLY_CONFIG)
    return widget


def shape_changes(shown: list[dict] | None, wanted: list[dict]) -> dict | None:
    """{(index, key): value} for each shape property of ``wanted`` that differs from
    ``shown`` (the shapes on screen); None when the list itself must be replaced."""
    if shown is None or len(shown) != len(wanted):
        return None
    return {(i, key): value for i, (old, new) in enumerate(zip(shown, wanted, strict=True))
            for key, value in new.items() if old.get(key) != value}


def move_shapes(figure: go.FigureWidget, shown: list[dict] | None,
                wanted: list[dict]) -> list[dict]:
    """Make ``figure``'s shapes ``wanted``, sending only the properties that changed since
    ``shown``; call inside ``figure.batch_update()``. Returns ``wanted`` (now shown)."""
    changes = shape_changes(shown, wanted)
    if changes is None:
        figure.layout.shapes = wanted
    else:
        for (index, key), value in changes.items():
            figure.layout.shapes[index][key] = value
    return wanted
