"""Helpers for the RNN course: tracing, reference cells, data, checks, training and widgets.

Notebooks teach; this package remembers. Each function's docstring names the lesson that
explains it.
"""

from .bptt import RNNGradients, rnn_backward
from .compare import Comparison, check_exercise, compare
from .reference import (
    cell_params,
    gru_forward,
    gru_gates,
    gru_step,
    lstm_forward,
    lstm_gates,
    lstm_step,
    rnn_forward,
    rnn_step,
)
from .trace_data import GATE_NAMES, Trace
from .tracing import TraceMismatchError, trace
from .training import History, fit, set_seed

__all__ = [
    "GATE_NAMES", "Comparison", "History", "RNNGradients", "Trace", "TraceMismatchError",
    "cell_params", "check_exercise", "compare", "fit", "gru_forward", "gru_gates", "gru_step",
    "lstm_forward", "lstm_gates", "lstm_step", "rnn_backward", "rnn_forward", "rnn_step",
    "set_seed", "trace",
]
