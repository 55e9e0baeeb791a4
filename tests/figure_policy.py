"""The course's colour policy for plotly figures, as a checker (a quality bar of the course):

- every colour scale is colour-blind safe: RdBu or PuOr (diverging), Cividis or Viridis
  (sequential), possibly reversed, and given by its colours (plotly.py expands a name to its
  own scale, but a figure handed to plotly.js as JSON gets plotly.js's scale of that name,
  and plotly.js's RdBu runs the other way);
- colour is never the only channel: a heatmap's values can be read as numbers (its hover shows
  z, or its cells carry text), and traces told apart in a legend differ in something besides
  colour (marker symbol, line dash, bar pattern, mode or the subplot they are drawn in).

``figure_problems`` takes a figure as plotly's JSON dict (``fig.to_plotly_json()`` or an
executed notebook's ``application/vnd.plotly.v1+json`` output) and lists what breaks the policy.
"""

from __future__ import annotations

from typing import Any

import plotly.colors as pcolors

SAFE_SCALES = ("RdBu", "PuOr", "Cividis", "Viridis")


def _colours(colorscale: Any) -> tuple[str, ...]:
    """A plotly colour scale (a name or [[position, colour], ...]) as normalised colours."""
    if isinstance(colorscale, str):
        colorscale = pcolors.get_colorscale(colorscale)
    return tuple(str(c).lower().replace(" ", "") for _, c in colorscale)


_SAFE_COLOURS = {_colours(name + suffix): name + suffix
                 for name in SAFE_SCALES for suffix in ("", "_r")}


def scale_name(colorscale: Any) -> str | None:
    """The safe scale a plotly colour scale (a name or [[position, colour], ...]) is, or None."""
    return _SAFE_COLOURS.get(_colours(colorscale))


def _scales(fig: dict) -> list[tuple[str, Any]]:
    """(where, colorscale) for every colour scale in the layout's colour axes and the traces."""
    found = [(key, axis["colorscale"]) for key, axis in fig.get("layout", {}).items()
             if key.startswith("coloraxis") and isinstance(axis, dict) and "colorscale" in axis]
    for i, trace in enumerate(fig.get("data", [])):
        for owner in (trace, trace.get("marker") or {}, (trace.get("marker") or {}).get("line")
                      or {}):
            if "colorscale" in owner:
                found.append((f"trace {i} ({trace.get('type')})", owner["colorscale"]))
    return found


def _heatmap_unreadable(trace: dict) -> bool:
    if trace.get("type") not in ("heatmap", "contour"):
        return False
    if trace.get("text") is not None or trace.get("texttemplate"):
        return False
    if trace.get("hoverinfo") in ("none", "skip"):
        return True
    template = trace.get("hovertemplate")
    return template is not None and "%{z" not in str(template)


def _signature(trace: dict) -> tuple:
    """What tells a trace apart besides colour. A box given only its values sits at its own
    category on the axis, labelled with its name: its position tells it apart."""
    marker, line = trace.get("marker") or {}, trace.get("line") or {}
    pattern = marker.get("pattern") or {}
    own_category = trace.get("type") == "box" and ("x" not in trace or "y" not in trace)
    return (trace.get("type", "scatter"), trace.get("mode"), str(marker.get("symbol")),
            line.get("dash"), pattern.get("shape"), trace.get("xaxis"), trace.get("yaxis"),
            trace["name"] if own_category else None)


def figure_problems(fig: dict) -> list[str]:
    """What in ``fig`` (plotly JSON: {"data": [...], "layout": {...}}) breaks the policy."""
    problems = [f"{where}: colour scale {scale!r} is not one of {SAFE_SCALES}"
                for where, scale in _scales(fig) if scale_name(scale) is None]
    problems += [f"{where}: colour scale named {scale!r}, not given by its colours (plotly.js "
                 "has its own scales of these names: its RdBu runs the other way)"
                 for where, scale in _scales(fig) if isinstance(scale, str)]
    traces = fig.get("data", [])
    problems += [f"trace {i} (heatmap '{t.get('name', '')}'): values only as colour"
                 for i, t in enumerate(traces) if _heatmap_unreadable(t)]
    shown = [t for t in traces if t.get("showlegend") is not False and t.get("name")
             and t.get("type", "scatter") in ("scatter", "scattergl", "bar", "box")]
    seen: dict[tuple, str] = {}
    for trace in shown:
        twin = seen.setdefault(_signature(trace), trace["name"])
        if twin != trace["name"]:
            problems.append(f"traces '{twin}' and '{trace['name']}' differ only in colour")
    return problems
