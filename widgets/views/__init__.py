"""The widgets: ipywidgets classes that only wire controls to the pure figures of
``widgets.figures``. Stepping indexes a precomputed trace; nothing is recomputed per step.

- ``controls``: the Prev / Play / Next / slider bar every stepping widget shares (lesson 00).
- ``token_viewer``: what the StateStepper and GateViewer share (text box, clicks, messages).
- ``stepper`` (StateStepper, lessons 02-03), ``gate_viewer`` (GateViewer, lessons 05-06),
  ``layer_stepper`` (LayerStepper, lesson 07), ``gradient_flow`` (GradientFlow and DecayDemo,
  lessons 04-05).
- ``sampler`` (SampleStepper, lesson 09): step through a generated text.
- ``static``: every widget's static copy for pages without a kernel, and the nbconvert
  preprocessor that puts plotly.js into an exported page.
- ``figure_sync``: live figures made once from a figure dict; a step moves their shapes in
  the browser with one plotly relayout (`ShapeSync`, an anywidget), not a whole redraw.
- ``keys``: the few lines of front-end code (an anywidget) that keep keys inside a widget and
  make ← / → step it, in JupyterLab and Notebook 7.

Lessons: 00, 02, 03, 04, 05, 06, 07, 09.
"""
