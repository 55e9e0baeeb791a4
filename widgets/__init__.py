"""Helpers for the RNN course: tracing, reference cells, data, checks, training and widgets.

Notebooks teach; this package remembers. Every module's docstring ends with the lessons that
explain it. The names lessons use are importable from here (``widgets.trace``,
``widgets.StateStepper``, ...); the rest from their modules. The layers, bottom up:
``arguments`` and ``paths``; the maths a lesson points at (``reference``, ``bptt``,
``compare``, ``jacobians``, ``training``, ``models``, ``initialization``, ``experiments``) with
``tracing/`` (recording a `Trace`), ``data/`` and the quiz store; then ``figures/`` (pure
figure functions); then ``views/`` and ``quizzes/`` (the widgets). No module imports from a
layer above its own.

Importing the package in a kernel registers IPython display formatters that give every widget a
static form (its current state as HTML) for nbconvert and static sites; see views/static.py.

Lessons: 00, 01, 02, 03, 04, 05, 06, 07, 08, 09.
"""

from .bptt import RNNGradients, rnn_backward
from .char_lm import load_char_model, perplexity, sample
from .compare import Comparison, check_exercise, compare
from .data.batching import accuracy, make_batches, parameter_count, predict
from .data.loaders import (
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
from .data.tasks import adding_problem, latching, recall_first
from .initialization import scale_recurrent_weights, set_forget_bias, spectral_radius
from .models import BagOfEmbeddings, LongRangeModel, RecurrentClassifier
from .quizzes.progress import progress_widget
from .quizzes.store import progress_summary
from .quizzes.widget import Quiz, quiz
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
from .tracing.gradients import DecayCurve, GradientTrace, decay_with_distance, gradient_flow
from .tracing.record import TraceMismatchError, trace
from .tracing.trace_data import GATE_NAMES, Trace
from .training import History, TrainingDiverged, fit, set_seed
from .views.gate_viewer import GateViewer
from .views.gradient_flow import DecayDemo, GradientFlow
from .views.layer_stepper import LayerStepper
from .views.sampler import SampleStepper
from .views.static import register_formatters
from .views.stepper import StateStepper

__all__ = [
    "BagOfEmbeddings", "Comparison", "DecayCurve", "DecayDemo", "GATE_NAMES", "GateViewer",
    "GradientFlow", "GradientTrace", "History", "LayerStepper", "LongRangeModel", "Quiz",
    "RNNGradients", "RecurrentClassifier", "SampleStepper", "StateStepper", "TokenData", "Trace",
    "TraceMismatchError", "TrainingDiverged", "Vocab", "accuracy", "adding_problem", "bag_cap",
    "cell_params",
    "check_exercise", "compare", "decay_with_distance", "fit", "gradient_flow", "gru_forward",
    "gru_gates", "gru_step", "latching", "load_ag_news_csv", "load_agreement", "load_char_model",
    "load_negation", "load_topics", "lstm_forward", "lstm_gates", "lstm_step", "make_batches",
    "pad_batch", "parameter_count", "perplexity", "predict", "progress_summary", "progress_widget",
    "quiz", "recall_first", "rnn_backward", "rnn_forward", "rnn_step", "sample",
    "scale_recurrent_weights", "set_forget_bias", "set_seed", "spectral_radius", "tokenize",
    "trace",
]

register_formatters()  # every widget a lesson displays also gets a static form (views/static.py)
