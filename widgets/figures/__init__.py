"""Pure figure functions: a `Trace` (or a gradient record) in, a plotly figure, SVG or HTML
out. Nothing here holds state or talks to a kernel; the widgets in ``widgets.views`` call these.

- ``colours``: the colour policy (colour-blind-safe scales, styles beyond colour).
- ``state``: hidden-state heatmaps and the coloured sentence (lessons 02-03).
- ``gates``, ``equations``, ``cell_diagram``: gate heatmaps, filled-in equations and the LSTM/GRU
  cell diagram (lessons 05-06).
- ``layers``: layers × directions (lesson 07).
- ``sampling``: the next-character candidates of a generation (lesson 09); ``class_report``:
  the teacher's class report page.
- ``gradients``, ``latching``: gradient flow and the latching results (lessons 04-05).

Lessons: 02, 03, 04, 05, 06, 07, 09.
"""
