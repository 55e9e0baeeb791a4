"""Helpers for the RNN course: tracing, reference cells, data, checks, training and widgets.

Notebooks teach; this package remembers. Each function's docstring names the lesson that
explains it.
"""

from .trace_data import GATE_NAMES, Trace
from .tracing import TraceMismatchError, trace

__all__ = ["GATE_NAMES", "Trace", "TraceMismatchError", "trace"]
