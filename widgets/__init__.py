"""Helpers for the RNN course: tracing, reference cells, data, checks, training and widgets.

Notebooks teach; this package remembers. Each function's docstring names the lesson that
explains it. The most used names are importable from here (``widgets.trace``,
``widgets.StateStepper``, ...); the rest from their modules.

Importing the package in a kernel registers IPython display formatters that give every widget a
static form (its current state as HTML) for nbconvert and static sites; see static_html.py.
"""

from .batching import accuracy, make_batches, parameter_count, predict
from .bptt import RNNGradients, rnn_backward
from .char_lm import load_char_model, perplexity, sample
from .compare import Comparison, check_exercise, compare
from .datasets import (
    TokenData,
    Vocab,
    bag_cap,
    load_ag_news_csv,
    load_agreement,
    load_negation,
    load_topics,
    pad_batch,
    tokenize,
)
from .gate_viewer import GateViewer
from .gradient_flow import DecayDemo, GradientFlow
from .gradients import DecayCurve, GradientTrace, decay_with_distance, gradient_flow
from .initialization import scale_recurrent_weights, set_forget_bias, spectral_radius
from .layer_stepper import LayerStepper
from .models import BagOfEmbeddings, LongRangeModel, RecurrentClassifier
from .progress import progress_summary, progress_widget
from .quiz_widget import Quiz, quiz
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
from .sampler import SampleStepper
from .static_html import register_formatters
from .stepper import StateStepper
from .tasks import adding_problem, latching, recall_first
from .trace_data import GATE_NAMES, Trace
from .tracing import TraceMismatchError, trace
from .training import History, fit, set_seed

__all__ = [
    "BagOfEmbeddings", "Comparison", "DecayCurve", "DecayDemo", "GATE_NAMES", "GateViewer",
    "GradientFlow", "GradientTrace", "History", "LayerStepper", "LongRangeModel", "Quiz",
    "RNNGradients", "RecurrentClassifier", "SampleStepper", "StateStepper", "TokenData", "Trace",
    "TraceMismatchError", "Vocab", "accuracy", "adding_problem", "bag_cap", "cell_params",
    "check_exercise", "compare", "decay_with_distance", "fit", "gradient_flow", "gru_forward",
    "gru_gates", "gru_step", "latching", "load_ag_news_csv", "load_agreement", "load_char_model",
    "load_negation", "load_topics", "lstm_forward", "lstm_gates", "lstm_step", "make_batches",
    "pad_batch", "parameter_count", "perplexity", "predict", "progress_summary", "progress_widget",
    "quiz", "recall_first", "rnn_backward", "rnn_forward", "rnn_step", "sample",
    "scale_recurrent_weights", "set_forget_bias", "set_seed", "spectral_radius", "tokenize",
    "trace",
]

register_formatters()  # every widget a lesson displays also gets a static form (static_html.py)
