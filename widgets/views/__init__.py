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

Lessons: 00, 02, 03, 04, 05, 06, 07, 09.
"""
