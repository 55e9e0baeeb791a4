"""Live plotly figures of the widgets: created once from a figure dict with the course's
plotly config; a step then moves the figure's shapes (the box on the current token, the cover
over the tokens not read yet) and nothing else. Lessons 02-07.

A step does not go through the FigureWidget. Plotly's FigureWidget marks every update it
draws with a key plotly.js does not know, and plotly.js answers an unknown key by redrawing the
whole figure: axes, tick labels, colour bars and every heatmap, 25-40 ms of the browser's time
for one step of a lesson's widget. `ShapeSync` (an anywidget, a few lines of front-end code
shipped inline) instead gives plotly.js the new shapes in one ``relayout`` of ``shapes`` alone,
which redraws the shapes and nothing else (about 1 ms). plotly.js then reports the relayout to
the FigureWidget, so the figure's Python state follows. If the page has no ``window.Plotly``
(plotly's widget bundle defines it), the front end says so and the shapes go through the
FigureWidget as before: slower, never wrong.

Lessons: 02, 03, 04, 05, 06, 07.
"""

from __future__ import annotations

import uuid

import anywidget
import plotly.graph_objects as go
import traitlets

from ..figures.config import PLOTLY_CONFIG

SHAPES_JS = """
// The plots of this view of the widget: the figure's view carries the target class, plotly
// draws in it or in an element inside it; look in the nearest enclosing element that has one
// (another view of the same widget has its own ShapeSync view).
function plots(model, el) {
  const target = "." + model.get("target");
  const selector = `${target}.js-plotly-plot, ${target} .js-plotly-plot`;
  for (let node = el.parentElement; node; node = node.parentElement) {
    const found = [...node.querySelectorAll(selector)];
    if (found.length) return found.filter((plot) => plot._fullLayout);
  }
  return [];
}
function apply(model, el) {
  const drawn = plots(model, el);
  if (drawn.length === 0) return false;
  if (!window.Plotly) {
    model.send({ event: "no-plotly" });
    return true;
  }
  for (const plot of drawn) window.Plotly.relayout(plot, { shapes: model.get("shapes") });
  return true;
}
function render({ model, el }) {
  el.style.display = "none";
  const onChange = () => apply(model, el);
  model.on("change:shapes", onChange);
  // A view drawn later (the page reloaded, the widget shown twice) starts from the
  // FigureWidget's own shapes: bring it to the current ones once plotly has drawn it.
  let tries = 0;
  const first = () => { if (!apply(model, el) && tries++ < 100) setTimeout(first, 100); };
  setTimeout(first, 0);
  return () => model.off("change:shapes", onChange);
}
export default { render };
"""


def live_figure(figure: dict) -> go.FigureWidget:
    """A FigureWidget drawing ``figure`` (plotly JSON), shown with `PLOTLY_CONFIG`."""
    widget = go.FigureWidget(figure)
    widget._config = dict(PLOTLY_CONFIG)
    return widget


class ShapeSync(anywidget.AnyWidget):
    """Moves the shapes of one live figure in the browser (see the module docstring).

    Put it among the children of the widget that shows ``figure`` (it draws nothing) and call
    `show` with the shapes of each step. ``shapes`` holds the shapes on screen (plotly JSON
    dicts); ``target`` is the CSS class that marks ``figure``'s views."""

    _esm = SHAPES_JS
    shapes = traitlets.List().tag(sync=True)
    target = traitlets.Unicode().tag(sync=True)

    def __init__(self, figure: go.FigureWidget):
        target = f"rnn-figure-{uuid.uuid4().hex[:12]}"
        figure.add_class(target)
        shown = [shape.to_plotly_json() for shape in figure.layout.shapes]
        super().__init__(shapes=shown, target=target)
        self._figure = figure
        self._through_figure = False
        self.on_msg(self._on_front_end)

    def show(self, wanted: list[dict]) -> None:
        """Make the figure's shapes ``wanted`` (plotly JSON dicts, e.g. from a figure dict)."""
        self.shapes = [dict(shape) for shape in wanted]
        if self._through_figure:
            self._figure.layout.shapes = self.shapes

    def _on_front_end(self, _widget, content, _buffers) -> None:
        if content.get("event") == "no-plotly" and not self._through_figure:
            self._through_figure = True
            self._figure.layout.shapes = self.shapes
