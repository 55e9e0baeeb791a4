"""Recording a network: `trace` runs a torch RNN, LSTM or GRU on one sequence and keeps every
step as a `Trace` (lesson 02 introduces it). This layer computes; it never draws.

- ``record``: `trace` itself, checked against the module's own output.
- ``recurrence``: every gate of every step, vectorized over time, from torch's h_t.
- ``trace_data``: the `Trace` data class, the one data contract of the course.
- ``text``: a learner's sentence through a model with a vocabulary into a `Trace`.
- ``gradients``: ‖∂L/∂h_k‖ per step and the decay of the gradient with distance (lesson 04).

Lessons: 02, 04.
"""
