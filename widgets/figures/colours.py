"""The course's colour policy, in one place: colour-blind-safe scales, and line styles that
differ in more than colour (every figure of lessons 02-08 uses these).

- ``DIVERGING`` (RdBu) for signed values in [-1, 1] (hidden and cell states, candidates),
  white at 0; ``SEQUENTIAL`` (Cividis) for values in [0, 1] (sigmoid gates).
- ``LINE_COLOURS`` are the Okabe-Ito colours; each series also gets its own marker symbol and
  dash from ``SYMBOLS`` and ``DASHES``, so colour is never the only channel.

Lessons: 02, 03, 04, 05, 06, 07, 08.
"""

import plotly.colors as pcolors

DIVERGING = pcolors.get_colorscale("RdBu")
"""Colour-blind-safe diverging map: red below 0, white at 0, blue above 0 (range [-1, 1]).
Given as its colours, [[position, colour], ...], never by name: a figure handed to plotly.js
as plain JSON (the static forms) would get plotly.js's own "RdBu", which runs the other way
(blue below 0) with grey at 0, while plotly.py's figures expand the name to ColorBrewer's."""
SEQUENTIAL = pcolors.get_colorscale("Cividis")
"""Colour-blind-safe sequential map for values in [0, 1] (the sigmoid gates); as its colours,
like ``DIVERGING`` (plotly.js's "Cividis" differs slightly from plotly.py's)."""
DIVERGING_RANGE = {"zmin": -1.0, "zmax": 1.0, "zmid": 0.0}
"""A heatmap's range for ``DIVERGING``: saturates beyond ±1 (hover shows the exact value)."""
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
"""Okabe-Ito colours for lines and markers, one per series."""
SYMBOLS = ("circle", "diamond", "square", "triangle-up", "x", "star")
"""Marker symbols, one per series (same order as ``LINE_COLOURS``)."""
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
"""Line dashes, one per series (same order as ``LINE_COLOURS``)."""
