"""The plotly configuration every figure of the course is shown with, in one place: no plotly
logo and no button that sends data online (the course works offline); the rest of the mode
bar (zoom, pan, download as PNG) stays. Used by the widgets and the static copies
(lessons 00-08).

Lessons: 00, 01, 02, 03, 04, 05, 06, 07, 08.
"""

ONLINE_BUTTONS = ("sendDataToCloud", "editInChartStudio", "toImage-online")
"""Mode-bar buttons that would reach a web service."""
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": list(ONLINE_BUTTONS),
                 "showLink": False, "showSendToCloud": False, "showEditInChartStudio": False}
"""plotly.js config: ``go.FigureWidget._config`` for a live figure, ``Plotly.newPlot``'s
fourth argument for a static copy."""
