"""Bad input everywhere: every public function and widget constructor of
`widgets` is called with wrong types, wrong shapes, empty and oversized inputs, NaN/inf values
and unknown names, and must raise a clear error that names the argument and says what was
expected.

The table `ROWS` holds one row per case: (public name, category, detail, call, exception type,
argument, regex). `APPLICABLE` says, per public callable, which categories apply to it; the
completeness test fails if a callable of ``widgets.__all__`` has no rows or misses one of its
categories. Each row really calls the public function: nothing is copied from a run.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np
import pytest
import torch
from torch import nn

import widgets
from widgets.char_lm import CharLM, CharVocab
from widgets.data.generators import agreement as data_agreement
from widgets.data.generators import negation as data_negation
from widgets.data.generators import topics as data_topics
from widgets.quizzes.bank import BankError, load_bank, questions_for

TYPE, SHAPE, EMPTY, BIG, NAN, UNKNOWN = (
    "wrong-type", "wrong-shape", "empty", "oversized", "nan", "unknown")
CATEGORIES = (TYPE, SHAPE, EMPTY, BIG, NAN, UNKNOWN)
EXPECTED = re.compile(r"must|expected|should|needs?\b|at least|at most|one of")
"""Every message says what was expected with one of these words."""
INF, NOT_A_NUMBER = math.inf, math.nan
TOKENS = ["the", "film", "was", "not", "good"]

ALL = {TYPE, SHAPE, EMPTY, BIG, NAN, UNKNOWN}
APPLICABLE: dict[str, set[str]] = {
    # batching, training, tasks
    "accuracy": {TYPE, SHAPE, EMPTY},
    "predict": {TYPE, SHAPE, EMPTY},
    "parameter_count": {TYPE},
    "make_batches": {TYPE, EMPTY, NAN},
    "fit": {TYPE, SHAPE, EMPTY, NAN},
    "set_seed": {TYPE, BIG, NAN},
    "adding_problem": {TYPE, EMPTY, BIG, NAN},
    "latching": {TYPE, EMPTY, BIG, NAN},
    "recall_first": {TYPE, EMPTY, BIG, NAN},
    # data
    "Vocab": {TYPE, SHAPE, EMPTY, NAN, UNKNOWN},
    "TokenData": {TYPE, SHAPE, NAN, UNKNOWN},
    "pad_batch": {TYPE, SHAPE, EMPTY},
    "bag_cap": {TYPE, SHAPE, EMPTY, NAN},
    "tokenize": {TYPE},
    "load_ag_news_csv": {TYPE, SHAPE, EMPTY, UNKNOWN},
    "load_negation": {TYPE, SHAPE, EMPTY, UNKNOWN},
    "load_agreement": {TYPE, SHAPE, EMPTY, UNKNOWN},
    "load_topics": {TYPE, EMPTY, UNKNOWN},
    # reference cells, BPTT, checks
    "rnn_step": ALL - {BIG},
    "lstm_gates": {TYPE, SHAPE, EMPTY, NAN},
    "lstm_step": {TYPE, SHAPE, EMPTY, NAN},
    "gru_gates": {TYPE, SHAPE, EMPTY, NAN},
    "gru_step": {TYPE, SHAPE, EMPTY, NAN},
    "rnn_forward": ALL - {BIG},
    "lstm_forward": ALL - {BIG, UNKNOWN},  # weights are keywords, as in the steps: Python
    "gru_forward": ALL - {BIG, UNKNOWN},   # itself names an unknown one
    "rnn_backward": ALL - {BIG},
    "cell_params": {TYPE, SHAPE, BIG, NAN},
    "compare": {TYPE, SHAPE, NAN},
    "check_exercise": {TYPE, SHAPE, EMPTY, NAN},
    # models and initialisation
    "BagOfEmbeddings": {TYPE, EMPTY, BIG, NAN},
    "RecurrentClassifier": ALL - {SHAPE},
    "LongRangeModel": ALL - {SHAPE},
    "set_forget_bias": {TYPE, NAN},
    "scale_recurrent_weights": {TYPE, NAN},
    "spectral_radius": {TYPE, SHAPE, EMPTY, NAN},
    # traces and gradients
    "trace": ALL - {UNKNOWN},
    "Trace": ALL - {BIG},
    "gradient_flow": ALL,
    "GradientTrace": {TYPE, SHAPE, EMPTY, UNKNOWN},  # non-finite norms are drawn as gaps
    "decay_with_distance": ALL - {SHAPE},
    "DecayCurve": {TYPE, BIG, NAN},
    # widgets
    "StateStepper": ALL - {UNKNOWN},
    "GateViewer": ALL,
    "LayerStepper": {TYPE, BIG, NAN},
    "GradientFlow": {TYPE, SHAPE, EMPTY},
    "DecayDemo": ALL - {SHAPE},
    "Quiz": {TYPE, SHAPE, EMPTY, UNKNOWN},
    "quiz": {TYPE, EMPTY, UNKNOWN},
    "progress_summary": {TYPE, EMPTY},
    "progress_widget": {TYPE, EMPTY},
    # lesson 09: the character language model
    "load_char_model": {TYPE, EMPTY, UNKNOWN},
    "perplexity": ALL,
    "sample": ALL,
    "SampleStepper": ALL,
}
"""Which kinds of bad input apply to each public callable (a category is left out where the
callable has no argument of that kind, e.g. no sizes, no names, no floats)."""
RESULTS = {
    "Comparison": "what compare() and check_exercise() return; learners read it, never build it",
    "History": "what fit() returns; learners read it, never build it",
    "RNNGradients": "what rnn_backward() returns; learners read it, never build it",
    "TraceMismatchError": "an exception class that trace() raises",
    "TrainingDiverged": "an exception class that fit() raises",
}
"""Public callables with no rows: results the package returns, which take no learner input."""


class Row(NamedTuple):
    name: str  # the public name in widgets.__all__
    category: str  # one of CATEGORIES
    detail: str  # what is wrong, for the test id
    call: Any  # f -> the call, with f the fixtures (and f.tmp a fresh folder)
    error: type[Exception]
    arg: str  # the argument the message must name, in backticks
    match: str  # a regex the message must match

    @property
    def id(self) -> str:
        return f"{self.name}-{self.category}-{self.detail}"


# --- cheap fixtures, built once per module -------------------------------------------------

@functools.cache
def base() -> SimpleNamespace:
    torch.manual_seed(0)
    rnn, lstm, gru = nn.RNN(3, 4), nn.LSTM(3, 4), nn.GRU(3, 4)
    x = torch.randn(5, 3)
    vocab = widgets.Vocab.build([TOKENS])
    data = widgets.TokenData([TOKENS, ["good"]], [0, 1], ("negative", "positive"))
    lstm_model = widgets.RecurrentClassifier(len(vocab), 3, 4, 2, kind="lstm")
    return SimpleNamespace(
        rnn=rnn, lstm=lstm, gru=gru, x=x, vocab=vocab, data=data, lstm_model=lstm_model,
        rnn_model=widgets.RecurrentClassifier(len(vocab), 3, 4, 2, kind="rnn"),
        batches=widgets.make_batches(data, vocab, 2, shuffle=False),
        optimizer=torch.optim.SGD(lstm_model.parameters(), lr=0.1),
        lstm_trace=widgets.trace(lstm, x, TOKENS), rnn_trace=widgets.trace(rnn, x, TOKENS),
        flow=widgets.gradient_flow(rnn, x, TOKENS),
        curve=widgets.decay_with_distance("rnn", hidden_size=4, T=5),
        params=widgets.cell_params(rnn), lstm_params=widgets.cell_params(lstm),
        gru_params=widgets.cell_params(gru),
        questions=questions_for(load_bank("00_start_here"), "pre"),
        xs=np.linspace(-1, 1, 15).reshape(5, 3), h=np.zeros(4))


@functools.cache
def char_lm() -> SimpleNamespace:
    """A tiny character model of lesson 09 and its vocabulary (fixtures of its rows)."""
    torch.manual_seed(0)
    chars = list("ab(c) \n")
    model = CharLM(len(chars), embedding_dim=3, hidden_size=4)
    nan_model = copy.deepcopy(model)
    with torch.no_grad():
        nan_model.rnn.weight_hh_l0[0, 0] = NOT_A_NUMBER
    return SimpleNamespace(model=model, vocab=CharVocab(chars), nan_model=nan_model,
                           small_vocab=CharVocab(list("ab")))


def char_rows(name: str, call) -> list:
    """The rows every lesson 09 callable shares: ``call(model, vocab, text, **kw)``."""
    c = char_lm
    return [
        Row(name, TYPE, "model-linear", lambda f: call(nn.Linear(2, 2), c().vocab, "ab"),
            TypeError, "model", r"`model` must be a character language model"),
        Row(name, TYPE, "vocab-list", lambda f: call(c().model, list("ab(c) \n"), "ab"),
            TypeError, "vocab", r"`vocab` must be a widgets.char_lm.CharVocab, got list"),
        Row(name, SHAPE, "vocab-of-another-size", lambda f: call(c().model, c().small_vocab,
            "ab"), ValueError, "vocab", r"`vocab` has 2 characters .* must match"),
        Row(name, NAN, "model-weight-nan", lambda f: call(c().nan_model, c().vocab, "ab"),
            ValueError, "model.rnn.weight_hh_l0", r"`model.rnn.weight_hh_l0` must hold finite"),
    ]


def with_nan(values, value=NOT_A_NUMBER):
    """A copy of a numpy array or tensor whose first entry is NaN (or ``value``)."""
    values = values.clone() if isinstance(values, torch.Tensor) else np.array(values, dtype=float)
    values.reshape(-1)[0] = value
    return values


def nan_module(module: nn.Module) -> nn.Module:
    """A copy of ``module`` whose weight_hh_l0 holds a NaN."""
    module = copy.deepcopy(module)
    with torch.no_grad():
        module.weight_hh_l0[0, 0] = NOT_A_NUMBER
    return module


def fields(record, **changes) -> dict[str, Any]:
    """The constructor arguments of a dataclass record, some changed."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)} | changes


def poisoned(trace: widgets.Trace, field: str = "hidden", gate: str | None = None):
    """A copy of a valid Trace whose array was then changed in place to hold a NaN."""
    trace = copy.deepcopy(trace)
    array = getattr(trace, field) if gate is None else trace.gates[gate]
    array.reshape(-1)[0] = NOT_A_NUMBER
    return trace


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def step_args(params: dict, **changes) -> dict[str, Any]:
    """Keyword arguments of a reference step function (input_size 3, hidden_size 4)."""
    return {"x_t": np.ones(3), "h_prev": np.zeros(4), **params} | changes


def pair_cases():
    return [{"x_t": np.ones(3), "h_prev": np.zeros(4), "c_prev": np.zeros(4),
             **widgets.cell_params(nn.LSTM(3, 4))}]


# --- the table ------------------------------------------------------------------------------

W = widgets


def step_rows(name: str, fn, params: str, extra: dict | None = None) -> list[Row]:
    """The rows shared by the five one-step reference functions."""
    extra = extra or {}

    def call(f, **changes):
        return fn(**step_args(getattr(f, params), **extra) | changes)

    return [
        Row(name, TYPE, "x_t-none", lambda f: call(f, x_t=None), TypeError, "x_t",
            r"`x_t` must be an array of numbers, got NoneType"),
        Row(name, TYPE, "weight_hh-text", lambda f: call(f, weight_hh="w"), TypeError,
            "weight_hh", r"`weight_hh` must be an array of numbers, got str"),
        Row(name, SHAPE, "weight_ih-transposed",
            lambda f: call(f, weight_ih=getattr(f, params)["weight_ih"].T), ValueError,
            "weight_ih", r"`weight_ih` has the wrong shape: expected .*it looks transposed"),
        Row(name, SHAPE, "h_prev-too-long", lambda f: call(f, h_prev=np.zeros(5)), ValueError,
            "h_prev", r"`h_prev` has the wrong shape: expected \(hidden_size,\) = \(4,\)"),
        Row(name, EMPTY, "x_t-empty", lambda f: call(f, x_t=[]), ValueError, "x_t",
            r"`x_t` has the wrong shape: expected \(input_size,\) = \(3,\), got \(0,\)"),
        Row(name, NAN, "h_prev-nan", lambda f: call(f, h_prev=with_nan(np.zeros(4))),
            ValueError, "h_prev", r"`h_prev` must hold finite numbers"),
        Row(name, NAN, "bias_hh-inf",
            lambda f: call(f, bias_hh=with_nan(getattr(f, params)["bias_hh"], INF)),
            ValueError, "bias_hh", r"`bias_hh` must hold finite numbers"),
    ]


def forward_rows(name: str, fn, params: str, states: tuple[str, ...]) -> list[Row]:
    """The rows shared by the three sequence runners (weights as keywords, like the steps)
    and rnn_backward (weights as the dict of cell_params)."""
    backward = fn is W.rnn_backward

    def call(f, weights=None, **changes):
        weights = getattr(f, params) if weights is None else weights
        kwargs = {"xs": f.xs} | {s: f.h for s in states}
        if backward:
            return fn(**kwargs | {"params": weights, "grad_hs": np.ones((5, 4))} | changes)
        return fn(**kwargs | weights | changes)

    def renamed(f):
        return {key.replace("weight_ih", "W_ih"): value
                for key, value in getattr(f, params).items()}

    rows = [
        Row(name, TYPE, "xs-text", lambda f: call(f, xs="abc"), TypeError, "xs",
            r"`xs` must be an array of numbers, got str"),
        Row(name, SHAPE, "xs-wrong-input_size", lambda f: call(f, xs=np.ones((5, 2))),
            ValueError, "xs", r"`xs` has the wrong shape: expected \(T, input_size\) = \(T, 3\)"),
        Row(name, SHAPE, f"{states[0]}-too-long", lambda f: call(f, **{states[0]: np.zeros(6)}),
            ValueError, states[0], rf"`{states[0]}` has the wrong shape: expected \(hidden_size"),
        Row(name, EMPTY, "xs-no-steps", lambda f: call(f, xs=np.zeros((0, 3))), ValueError, "xs",
            r"`xs` has the wrong shape: .* with T >= 1, got \(0, 3\)"),
        Row(name, NAN, "xs-nan", lambda f: call(f, xs=with_nan(f.xs)), ValueError, "xs",
            r"`xs` must hold finite numbers, got NaN or inf in 1 of 15 entries"),
        Row(name, NAN, "weight_hh-nan",
            lambda f: call(f, getattr(f, params) | {
                "weight_hh": with_nan(getattr(f, params)["weight_hh"])}),
            ValueError, "weight_hh", r"`weight_hh` must hold finite numbers"),
    ]
    if backward:
        return rows + [
            Row(name, TYPE, "params-list", lambda f: call(f, list(f.params.values())),
                TypeError, "params", r"`params` must be a dict with keys weight_ih"),
            Row(name, UNKNOWN, "params-key-W_ih", lambda f: call(f, renamed(f)),
                ValueError, "params", r"`params` is missing weight_ih .*expected the keys")]
    return rows + [
        Row(name, TYPE, "weight_ih-text",
            lambda f: call(f, getattr(f, params) | {"weight_ih": "abc"}),
            TypeError, "weight_ih", r"`weight_ih` must be an array of numbers, got str"),
        Row(name, SHAPE, "weight_ih-transposed",
            lambda f: call(f, getattr(f, params)
                           | {"weight_ih": getattr(f, params)["weight_ih"].T}),
            ValueError, "weight_ih", r"`weight_ih` has the wrong shape: .*\(it looks transposed\)")]


ROWS: list[Row] = [
    # ---- batching -------------------------------------------------------------------------
    Row("accuracy", TYPE, "model-text", lambda f: W.accuracy("model", f.batches), TypeError,
        "model", r"`model` must be a torch.nn.Module, got str"),
    Row("accuracy", TYPE, "batches-tensor", lambda f: W.accuracy(f.lstm_model, torch.ones(3)),
        TypeError, "batches", r"`batches` must be a list of \(\(ids, lengths\), labels\)"),
    Row("accuracy", SHAPE, "batch-triple", lambda f: W.accuracy(f.lstm_model, [(1, 2, 3)]),
        TypeError, "batches[0]", r"`batches\[0\]` must be a pair \(\(ids, lengths\), labels\)"),
    Row("accuracy", EMPTY, "no-batches", lambda f: W.accuracy(f.lstm_model, []), ValueError,
        "batches", r"`batches` is empty: it must hold at least one batch"),
    Row("predict", TYPE, "model-none", lambda f: W.predict(None, f.batches), TypeError, "model",
        r"`model` must be a torch.nn.Module, got NoneType"),
    Row("predict", SHAPE, "inputs-not-a-tuple",
        lambda f: W.predict(f.lstm_model, [(torch.ones(2, 3), torch.ones(2))]), TypeError,
        "batches[0]", r"`batches\[0\]` must be a pair"),
    Row("predict", EMPTY, "no-batches", lambda f: W.predict(f.lstm_model, ()), ValueError,
        "batches", r"`batches` is empty"),
    Row("parameter_count", TYPE, "model-text", lambda f: W.parameter_count("lstm"), TypeError,
        "model", r"`model` must be a torch.nn.Module, got str"),
    Row("make_batches", TYPE, "data-list", lambda f: W.make_batches([TOKENS], f.vocab),
        TypeError, "data", r"`data` must be a widgets.TokenData, got list"),
    Row("make_batches", TYPE, "vocab-dict", lambda f: W.make_batches(f.data, {"good": 2}),
        TypeError, "vocab", r"`vocab` must be a widgets.Vocab, got dict"),
    Row("make_batches", EMPTY, "no-examples",
        lambda f: W.make_batches(W.TokenData([], [], ("a", "b")), f.vocab), ValueError, "data",
        r"`data` must hold at least one example"),
    Row("make_batches", EMPTY, "batch_size-zero", lambda f: W.make_batches(f.data, f.vocab, 0),
        ValueError, "batch_size", r"`batch_size` must be in \[1, \.\.\.\], got 0"),
    Row("make_batches", NAN, "batch_size-nan",
        lambda f: W.make_batches(f.data, f.vocab, NOT_A_NUMBER), TypeError, "batch_size",
        r"`batch_size` must be an integer, got float"),
    # ---- training -------------------------------------------------------------------------
    Row("fit", TYPE, "model-text",
        lambda f: W.fit("model", f.batches, nn.CrossEntropyLoss(), f.optimizer, epochs=1,
                        progress=False), TypeError, "model", r"`model` must be a torch.nn.Module"),
    Row("fit", TYPE, "loss_fn-text",
        lambda f: W.fit(f.lstm_model, f.batches, "cross_entropy", f.optimizer, epochs=1,
                        progress=False), TypeError, "loss_fn", r"`loss_fn` must be callable"),
    Row("fit", TYPE, "optimizer-none",
        lambda f: W.fit(f.lstm_model, f.batches, nn.CrossEntropyLoss(), None, epochs=1,
                        progress=False), TypeError, "optimizer",
        r"`optimizer` must be a torch.optim.Optimizer \(with zero_grad\(\) and step\(\)\), "
        r"got NoneType"),
    Row("fit", TYPE, "batches-callable-with-epochs",
        lambda f: W.fit(f.lstm_model, lambda step: f.batches[0], nn.CrossEntropyLoss(),
                        f.optimizer, epochs=1, progress=False), TypeError, "batches",
        r"with `epochs`, `batches` must be an iterable"),
    Row("fit", SHAPE, "batch-triple",
        lambda f: W.fit(f.lstm_model, [(1, 2, 3)], nn.CrossEntropyLoss(), f.optimizer,
                        epochs=1, progress=False), TypeError, "batches",
        r"each batch of `batches` must be a pair \(inputs, targets\), got tuple of 3"),
    Row("fit", EMPTY, "no-batches",
        lambda f: W.fit(f.lstm_model, [], nn.CrossEntropyLoss(), f.optimizer, epochs=1,
                        progress=False), ValueError, "batches",
        r"`batches` is empty: it must hold at least one"),
    Row("fit", EMPTY, "neither-epochs-nor-steps",
        lambda f: W.fit(f.lstm_model, f.batches, nn.CrossEntropyLoss(), f.optimizer,
                        progress=False), ValueError, "epochs", r"give exactly one of `epochs`"),
    Row("fit", NAN, "clip-nan",
        lambda f: W.fit(f.lstm_model, f.batches, nn.CrossEntropyLoss(), f.optimizer, epochs=1,
                        clip=NOT_A_NUMBER, progress=False), ValueError, "clip",
        r"`clip` must be a finite number > 0, got nan"),
    Row("fit", NAN, "clip-inf",
        lambda f: W.fit(f.lstm_model, f.batches, nn.CrossEntropyLoss(), f.optimizer, epochs=1,
                        clip=INF, progress=False), ValueError, "clip",
        r"`clip` must be a finite number > 0, got inf"),
    Row("set_seed", TYPE, "seed-text", lambda f: W.set_seed("0"), TypeError, "seed",
        r"`seed` must be an integer, got str"),
    Row("set_seed", BIG, "seed-2**40", lambda f: W.set_seed(2**40), ValueError, "seed",
        r"`seed` must be in \[0, 4294967295\], got 1099511627776"),
    Row("set_seed", BIG, "threads-million", lambda f: W.set_seed(0, threads=10**6), ValueError,
        "threads", r"`threads` must be in \[1, 256\], got 1000000"),
    Row("set_seed", NAN, "seed-nan", lambda f: W.set_seed(NOT_A_NUMBER), TypeError, "seed",
        r"`seed` must be an integer, got float"),
    # ---- long-range tasks -----------------------------------------------------------------
    *[row for name, task in (("adding_problem", W.adding_problem), ("latching", W.latching),
                             ("recall_first", W.recall_first)) for row in (
        Row(name, TYPE, "seq_len-text", lambda f, task=task: task("10", 4, 0), TypeError,
            "seq_len", r"`seq_len` must be an integer, got str"),
        Row(name, TYPE, "generator-text", lambda f, task=task: task(10, 4, "seed"), TypeError,
            "generator", r"`generator` must be a torch.Generator or an int seed, got str"),
        Row(name, EMPTY, "batch_size-zero", lambda f, task=task: task(10, 0, 0), ValueError,
            "batch_size", r"`batch_size` must be in \[1, \.\.\.\], got 0"),
        Row(name, EMPTY, "seq_len-zero", lambda f, task=task: task(0, 4, 0), ValueError,
            "seq_len", r"`seq_len` must be in \[[12], \.\.\.\], got 0"),
        Row(name, BIG, "billions-of-steps", lambda f, task=task: task(10**9, 4, 0), ValueError,
            "batch_size", r"`batch_size` × `seq_len`.* is too large: it must be at most"),
        Row(name, NAN, "seq_len-nan", lambda f, task=task: task(NOT_A_NUMBER, 4, 0), TypeError,
            "seq_len", r"`seq_len` must be an integer, got float"),
    )],
    Row("recall_first", BIG, "million-symbols", lambda f: W.recall_first(100, 10, 0, 10**6),
        ValueError, "num_symbols",
        r"`batch_size` × `seq_len` × `num_symbols` = 1,000,000,000 is too large"),
    Row("recall_first", EMPTY, "one-symbol", lambda f: W.recall_first(10, 4, 0, 1), ValueError,
        "num_symbols", r"`num_symbols` must be in \[2, \.\.\.\], got 1"),
    # ---- vocabulary and data --------------------------------------------------------------
    Row("Vocab", TYPE, "tokens-none", lambda f: W.Vocab(None), TypeError, "tokens",
        r"`tokens` must be a list of str tokens, got NoneType"),
    Row("Vocab", TYPE, "token-int", lambda f: W.Vocab(["<pad>", "<unk>", 3]), TypeError,
        "tokens", r"`tokens` must hold str tokens, got a int"),
    Row("Vocab", TYPE, "build-from-text", lambda f: W.Vocab.build("not good"), TypeError,
        "token_lists", r"`token_lists` must be a list of token lists, got str"),
    Row("Vocab", TYPE, "encode-text", lambda f: f.vocab.encode("not good"), TypeError,
        "tokens", r"`tokens` must be a list of str tokens, got str"),
    Row("Vocab", TYPE, "decode-none", lambda f: f.vocab.decode(None), TypeError, "ids",
        r"`ids` must be a list of int ids or a 1-D tensor, got NoneType"),
    Row("Vocab", SHAPE, "no-pad-unk-first", lambda f: W.Vocab(["good", "bad"]), ValueError,
        "tokens", r"`tokens` must start with '<pad>', '<unk>', got \['good', 'bad'\]"),
    Row("Vocab", SHAPE, "repeated-token", lambda f: W.Vocab(["<pad>", "<unk>", "a", "a"]),
        ValueError, "tokens", r"`tokens` must not repeat a token"),
    Row("Vocab", EMPTY, "no-tokens", lambda f: W.Vocab([]), ValueError, "tokens",
        r"`tokens` must start with '<pad>', '<unk>', got \[\]"),
    Row("Vocab", NAN, "min_count-nan", lambda f: W.Vocab.build([TOKENS], NOT_A_NUMBER),
        TypeError, "min_count", r"`min_count` must be an integer, got float"),
    Row("Vocab", UNKNOWN, "decode-unknown-id", lambda f: f.vocab.decode([2, 999]), ValueError,
        "ids", r"`ids\[\.\.\.\]` must be in \[0, 6\], got 999"),
    Row("TokenData", TYPE, "tokens-text", lambda f: W.TokenData("not good", [0], ("n", "p")),
        TypeError, "tokens", r"`tokens` must be a list of token lists, got str"),
    Row("TokenData", TYPE, "labels-int", lambda f: W.TokenData([TOKENS], 0, ("n", "p")),
        TypeError, "labels", r"`labels` must be a list of integer labels, got int"),
    Row("TokenData", SHAPE, "one-label-for-two",
        lambda f: W.TokenData([TOKENS, TOKENS], [0], ("n", "p")), ValueError, "labels",
        r"`labels` must hold one label per token list \(2\), got 1"),
    Row("TokenData", SHAPE, "short-column",
        lambda f: W.TokenData([TOKENS, TOKENS], [0, 1], ("n", "p"), {"kind": ["single"]}),
        ValueError, "columns", r"`columns\['kind'\]` must hold one value per example \(2\)"),
    Row("TokenData", NAN, "label-nan",
        lambda f: W.TokenData([TOKENS], [NOT_A_NUMBER], ("n", "p")), TypeError, "labels",
        r"`labels\[\.\.\.\]` must be an integer, got float"),
    Row("TokenData", UNKNOWN, "label-without-name",
        lambda f: W.TokenData([TOKENS], [2], ("n", "p")), ValueError, "labels",
        r"`labels\[\.\.\.\]` must be in \[0, 1\], got 2"),
    Row("pad_batch", TYPE, "text", lambda f: W.pad_batch("not good", f.vocab), TypeError,
        "token_lists", r"`token_lists` must be a list of token lists, got str"),
    Row("pad_batch", TYPE, "vocab-none", lambda f: W.pad_batch([TOKENS], None), TypeError,
        "vocab", r"`vocab` must be a Vocab, got NoneType"),
    Row("pad_batch", SHAPE, "flat-token-list", lambda f: W.pad_batch(TOKENS, f.vocab),
        TypeError, "token_lists[0]", r"`token_lists\[0\]` must be a list of str tokens, got str"),
    Row("pad_batch", EMPTY, "no-lists", lambda f: W.pad_batch([], f.vocab), ValueError,
        "token_lists", r"`token_lists` must hold at least one token list"),
    Row("pad_batch", EMPTY, "empty-sequence", lambda f: W.pad_batch([TOKENS, []], f.vocab),
        ValueError, "token_lists[1]", r"`token_lists\[1\]` is empty; every sequence needs"),
    Row("bag_cap", TYPE, "token_lists-int", lambda f: W.bag_cap(5, [0]), TypeError,
        "token_lists", r"`token_lists` must be a list of token lists, got int"),
    Row("bag_cap", SHAPE, "one-label-for-two", lambda f: W.bag_cap([TOKENS, TOKENS], [0]),
        ValueError, "labels", r"`labels` must have one label per token list \(2\)"),
    Row("bag_cap", EMPTY, "nothing", lambda f: W.bag_cap([], []), ValueError, "labels",
        r"`labels` must have one label per token list \(0\) and at least one"),
    Row("bag_cap", NAN, "label-nan", lambda f: W.bag_cap([TOKENS], [NOT_A_NUMBER]), TypeError,
        "labels", r"`labels\[\.\.\.\]` must be an integer, got float"),
    Row("tokenize", TYPE, "none", lambda f: W.tokenize(None), TypeError, "text",
        r"`text` must be a string, got NoneType"),
    Row("tokenize", TYPE, "token-list", lambda f: W.tokenize(TOKENS), TypeError, "text",
        r"`text` must be a string, got list"),
    Row("load_ag_news_csv", TYPE, "path-int", lambda f: W.load_ag_news_csv(3), TypeError,
        "path", r"`path` must be a file path \(str or pathlib.Path\), got int"),
    Row("load_ag_news_csv", UNKNOWN, "no-such-file",
        lambda f: W.load_ag_news_csv(f.tmp / "nothing.csv"), FileNotFoundError, "path",
        r"`path` must be an existing CSV file: no AG News style CSV file at .*nothing\.csv"),
    Row("load_ag_news_csv", UNKNOWN, "class-5",
        lambda f: W.load_ag_news_csv(write(f.tmp, "news.csv", '"5","Title","Text"\n')),
        ValueError, "path", r"`path` .*news\.csv, line 1: class must be 1, 2, 3 or 4, got '5'"),
    Row("load_ag_news_csv", SHAPE, "two-fields",
        lambda f: W.load_ag_news_csv(write(f.tmp, "news.csv", '"1","Title only"\n')),
        ValueError, "path", r"`path` .*line 1: expected 3 fields \(class,title,description\)"),
    Row("load_ag_news_csv", EMPTY, "empty-file",
        lambda f: W.load_ag_news_csv(write(f.tmp, "news.csv", "")), ValueError, "path",
        r"`path` .*news\.csv holds no rows: expected at least one row"),
    *[row for name, loader, file_name, width in (
        ("load_negation", W.load_negation, data_negation.FILE_NAME, 4),
        ("load_agreement", W.load_agreement, data_agreement.FILE_NAME, 6)) for row in (
        Row(name, TYPE, "data_dir-int", lambda f, load=loader: load("train", 3), TypeError,
            "data_dir", r"`data_dir` must be a folder path \(str or pathlib.Path\), got int"),
        Row(name, UNKNOWN, "split-dev", lambda f, load=loader: load("dev"), ValueError, "split",
            r"`split` must be one of 'train', 'test', got 'dev'"),
        Row(name, EMPTY, "empty-folder", lambda f, load=loader: load("train", f.tmp),
            FileNotFoundError, "data_dir",
            rf"data file '{re.escape(file_name)}' not found .*`data_dir` must hold it"),
        Row(name, EMPTY, "empty-file",
            lambda f, load=loader, n=file_name: load("train", write(f.tmp, n, "").parent),
            ValueError, "data_dir", r"\(from `data_dir`\) must start with a header line"),
        Row(name, SHAPE, "short-line",
            lambda f, load=loader, n=file_name: load("test", write(
                f.tmp, n, "split\ttext\tlabel\tkind\textra\tmore\ntrain\tnot good\n").parent),
            ValueError, "data_dir",
            r"\(from `data_dir`\), line 2: expected 6 tab-separated fields, got 2"),
    )],
    Row("load_topics", TYPE, "data_dir-list", lambda f: W.load_topics("train", ["data"]),
        TypeError, "data_dir", r"`data_dir` must be a folder path"),
    Row("load_topics", UNKNOWN, "split-valid", lambda f: W.load_topics("valid"), ValueError,
        "split", r"`split` must be one of 'train', 'test', got 'valid'"),
    Row("load_topics", EMPTY, "empty-folder", lambda f: W.load_topics("test", f.tmp),
        FileNotFoundError, "data_dir",
        rf"{re.escape(data_topics.FILE_NAMES['test'])}' not found .*`data_dir` must hold it"),
    # ---- reference cells, BPTT, exercise checks -------------------------------------------
    *step_rows("rnn_step", W.rnn_step, "params"),
    Row("rnn_step", UNKNOWN, "nonlinearity-sigmoid",
        lambda f: W.rnn_step(**step_args(f.params), nonlinearity="sigmoid"), ValueError,
        "nonlinearity", r"`nonlinearity` must be one of 'tanh', 'relu', got 'sigmoid'"),
    *step_rows("lstm_gates", W.lstm_gates, "lstm_params"),
    *step_rows("lstm_step", W.lstm_step, "lstm_params", {"c_prev": np.zeros(4)}),
    Row("lstm_step", SHAPE, "c_prev-too-short",
        lambda f: W.lstm_step(**step_args(f.lstm_params, c_prev=np.zeros(3))), ValueError,
        "c_prev", r"`c_prev` has the wrong shape: expected \(hidden_size,\) = \(4,\)"),
    Row("lstm_step", NAN, "c_prev-inf",
        lambda f: W.lstm_step(**step_args(f.lstm_params, c_prev=with_nan(np.zeros(4), INF))),
        ValueError, "c_prev", r"`c_prev` must hold finite numbers"),
    *step_rows("gru_gates", W.gru_gates, "gru_params"),
    *step_rows("gru_step", W.gru_step, "gru_params"),
    *forward_rows("rnn_forward", W.rnn_forward, "params", ("h0",)),
    Row("rnn_forward", UNKNOWN, "nonlinearity-sigmoid",
        lambda f: W.rnn_forward(f.xs, f.h, **f.params, nonlinearity="sigmoid"), ValueError,
        "nonlinearity", r"`nonlinearity` must be one of 'tanh', 'relu'"),
    *forward_rows("lstm_forward", W.lstm_forward, "lstm_params", ("h0", "c0")),
    Row("lstm_forward", NAN, "c0-nan",
        lambda f: W.lstm_forward(f.xs, f.h, with_nan(f.h), **f.lstm_params), ValueError, "c0",
        r"`c0` must hold finite numbers"),
    *forward_rows("gru_forward", W.gru_forward, "gru_params", ("h0",)),
    *forward_rows("rnn_backward", W.rnn_backward, "params", ("h0",)),
    Row("rnn_backward", SHAPE, "grad_hs-one-row-short",
        lambda f: W.rnn_backward(f.xs, f.h, f.params, np.ones((4, 4))), ValueError, "grad_hs",
        r"`grad_hs` has the wrong shape: expected \(T, hidden_size\) = \(5, 4\), got \(4, 4\)"),
    Row("rnn_backward", NAN, "grad_hs-nan",
        lambda f: W.rnn_backward(f.xs, f.h, f.params, with_nan(np.ones((5, 4)))), ValueError,
        "grad_hs", r"`grad_hs` must hold finite numbers"),
    Row("rnn_backward", UNKNOWN, "nonlinearity-sigmoid",
        lambda f: W.rnn_backward(f.xs, f.h, f.params, np.ones((5, 4)), "sigmoid"), ValueError,
        "nonlinearity", r"`nonlinearity` must be one of 'tanh', 'relu'"),
    Row("cell_params", TYPE, "linear-layer", lambda f: W.cell_params(nn.Linear(3, 4)),
        TypeError, "module", r"`module` must be a torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU"),
    Row("cell_params", SHAPE, "lstm-with-proj_size",
        lambda f: W.cell_params(nn.LSTM(3, 4, proj_size=2)), ValueError, "module",
        r"`module` is an LSTM with proj_size=2; .*\(proj_size must be 0\)"),
    Row("cell_params", BIG, "layer-3", lambda f: W.cell_params(f.rnn, layer=3), ValueError,
        "layer", r"`layer` must be in \[0, 0\] for a module with num_layers=1, got 3"),
    Row("cell_params", BIG, "direction-1", lambda f: W.cell_params(f.rnn, direction=1),
        ValueError, "direction", r"`direction` must be in \[0, 0\] .*bidirectional=False"),
    Row("cell_params", NAN, "layer-nan", lambda f: W.cell_params(f.rnn, NOT_A_NUMBER),
        TypeError, "layer", r"`layer` must be an integer, got float"),
    Row("compare", TYPE, "expected-text", lambda f: W.compare(np.ones(3), "abc"), TypeError,
        "expected", r"`expected` must be an array of numbers, got dtype <U3"),
    Row("compare", TYPE, "atol-text", lambda f: W.compare(np.ones(3), np.ones(3), atol="0.1"),
        TypeError, "atol", r"`atol` must be a number, got str"),
    Row("compare", SHAPE, "shape_names-two-for-1d",
        lambda f: W.compare(np.ones(3), np.ones(3), shape_names=("T", "hidden_size")),
        ValueError, "shape_names", r"`shape_names` must name the 1 dimension\(s\) of `expected`"),
    Row("compare", NAN, "atol-nan",
        lambda f: W.compare(np.ones(3), np.ones(3), atol=NOT_A_NUMBER), ValueError, "atol",
        r"`atol` must be a finite number, got nan"),
    Row("compare", NAN, "rtol-inf", lambda f: W.compare(np.ones(3), np.ones(3), rtol=INF),
        ValueError, "rtol", r"`rtol` must be a finite number, got inf"),
    Row("check_exercise", TYPE, "learner_fn-text",
        lambda f: W.check_exercise("my_rnn_step", W.rnn_step, [step_args(f.params)]),
        TypeError, "learner_fn", r"`learner_fn` and `reference_fn` must be functions"),
    Row("check_exercise", TYPE, "cases-one-dict",
        lambda f: W.check_exercise(W.rnn_step, W.rnn_step, step_args(f.params)), TypeError,
        "cases", r"`cases` must be a non-empty list of keyword-argument dicts"),
    Row("check_exercise", SHAPE, "case-missing-arguments",
        lambda f: W.check_exercise(W.rnn_step, W.rnn_step, [{"x_t": np.ones(3)}]), ValueError,
        "cases[0]", r"`cases\[0\]` must be valid keyword arguments of `reference_fn`"),
    Row("check_exercise", SHAPE, "one-name-for-two-outputs",
        lambda f: W.check_exercise(W.lstm_step, W.lstm_step, pair_cases(), name=("h_t",)),
        ValueError, "name", r"`name` must give 2 names, one per output of `reference_fn`"),
    Row("check_exercise", EMPTY, "no-cases", lambda f: W.check_exercise(W.rnn_step, W.rnn_step,
                                                                          []),
        TypeError, "cases", r"`cases` must be a non-empty list"),
    Row("check_exercise", NAN, "atol-nan",
        lambda f: W.check_exercise(W.rnn_step, W.rnn_step, [step_args(f.params)],
                                   atol=NOT_A_NUMBER), ValueError, "atol",
        r"`atol` must be a finite number, got nan"),
    # ---- models and initialisation --------------------------------------------------------
    Row("BagOfEmbeddings", TYPE, "vocab_size-text", lambda f: W.BagOfEmbeddings("10", 4, 2),
        TypeError, "vocab_size", r"`vocab_size` must be an integer, got str"),
    Row("BagOfEmbeddings", EMPTY, "embedding_dim-zero", lambda f: W.BagOfEmbeddings(10, 0, 2),
        ValueError, "embedding_dim", r"`embedding_dim` must be in \[1, \.\.\.\], got 0"),
    Row("BagOfEmbeddings", EMPTY, "one-class", lambda f: W.BagOfEmbeddings(10, 4, 1),
        ValueError, "num_classes", r"`num_classes` must be in \[2, \.\.\.\], got 1"),
    Row("BagOfEmbeddings", BIG, "ten-billion-parameters",
        lambda f: W.BagOfEmbeddings(10**7, 1000, 2), ValueError, "vocab_size",
        r"`vocab_size` × `embedding_dim` = 10,000,000,000 is too large: it must be at most"),
    Row("BagOfEmbeddings", NAN, "num_classes-nan",
        lambda f: W.BagOfEmbeddings(10, 4, NOT_A_NUMBER), TypeError, "num_classes",
        r"`num_classes` must be an integer, got float"),
    Row("RecurrentClassifier", TYPE, "hidden_size-text",
        lambda f: W.RecurrentClassifier(10, 3, "4", 2), TypeError, "hidden_size",
        r"`hidden_size` must be an integer, got str"),
    Row("RecurrentClassifier", EMPTY, "hidden_size-zero",
        lambda f: W.RecurrentClassifier(10, 3, 0, 2), ValueError, "hidden_size",
        r"`hidden_size` must be in \[1, \.\.\.\], got 0"),
    Row("RecurrentClassifier", BIG, "hidden_size-100000",
        lambda f: W.RecurrentClassifier(10, 3, 10**5, 2, kind="lstm"), ValueError,
        "hidden_size", r"`hidden_size` and `num_layers` = [\d,]+ is too large: it must be at"),
    Row("RecurrentClassifier", BIG, "five-layers",
        lambda f: W.RecurrentClassifier(10, 3, 4, 2, num_layers=5), ValueError, "num_layers",
        r"`num_layers` must be in \[1, 4\], got 5"),
    Row("RecurrentClassifier", NAN, "embedding_dim-nan",
        lambda f: W.RecurrentClassifier(10, NOT_A_NUMBER, 4, 2), TypeError, "embedding_dim",
        r"`embedding_dim` must be an integer, got float"),
    Row("RecurrentClassifier", UNKNOWN, "kind-transformer",
        lambda f: W.RecurrentClassifier(10, 3, 4, 2, kind="transformer"), ValueError, "kind",
        r"`kind` must be one of 'rnn', 'lstm', 'gru', got 'transformer'"),
    Row("LongRangeModel", TYPE, "input_size-text", lambda f: W.LongRangeModel("rnn", "1", 4),
        TypeError, "input_size", r"`input_size` must be an integer, got str"),
    Row("LongRangeModel", EMPTY, "input_size-zero", lambda f: W.LongRangeModel("rnn", 0, 4),
        ValueError, "input_size", r"`input_size` must be in \[1, \.\.\.\], got 0"),
    Row("LongRangeModel", BIG, "hidden_size-100000",
        lambda f: W.LongRangeModel("gru", 1, 10**5), ValueError, "hidden_size",
        r"`input_size` and `hidden_size` = 30,000,\d{3},\d{3} is too large: it must be at most"),
    Row("LongRangeModel", NAN, "forget_bias-nan",
        lambda f: W.LongRangeModel("lstm", 1, 4, forget_bias=NOT_A_NUMBER), ValueError,
        "forget_bias", r"`forget_bias` must be a finite number, got nan"),
    Row("LongRangeModel", UNKNOWN, "kind-transformer",
        lambda f: W.LongRangeModel("transformer", 1, 4), ValueError, "kind",
        r"`kind` must be one of 'rnn', 'lstm', 'gru'"),
    Row("set_forget_bias", TYPE, "gru", lambda f: W.set_forget_bias(nn.GRU(3, 4), 1.0),
        TypeError, "lstm", r"`lstm` must be a torch.nn.LSTM or torch.nn.LSTMCell, got GRU"),
    Row("set_forget_bias", TYPE, "value-text", lambda f: W.set_forget_bias(nn.LSTM(3, 4), "1"),
        TypeError, "value", r"`value` must be a number, got str"),
    Row("set_forget_bias", NAN, "value-inf", lambda f: W.set_forget_bias(nn.LSTM(3, 4), INF),
        ValueError, "value", r"`value` must be a finite number, got inf"),
    Row("scale_recurrent_weights", TYPE, "lstm",
        lambda f: W.scale_recurrent_weights(nn.LSTM(3, 4), 0.9), TypeError, "rnn",
        r"`rnn` must be a vanilla torch.nn.RNN or RNNCell"),
    Row("scale_recurrent_weights", TYPE, "spectral_radius-text",
        lambda f: W.scale_recurrent_weights(nn.RNN(3, 4), "0.9"), TypeError, "spectral_radius",
        r"`spectral_radius` must be a number, got str"),
    Row("scale_recurrent_weights", NAN, "spectral_radius-nan",
        lambda f: W.scale_recurrent_weights(nn.RNN(3, 4), NOT_A_NUMBER), ValueError,
        "spectral_radius", r"`spectral_radius` must be a finite number > 0, got nan"),
    Row("scale_recurrent_weights", NAN, "weight_hh-nan",  # crashed the process before
        lambda f: W.scale_recurrent_weights(nan_module(f.rnn), 0.9), ValueError,
        "rnn.weight_hh_l0", r"`rnn.weight_hh_l0` must hold finite numbers"),
    Row("spectral_radius", TYPE, "list", lambda f: W.spectral_radius([[1.0]]), TypeError,
        "matrix", r"`matrix` must be a torch.Tensor, got list"),
    Row("spectral_radius", SHAPE, "not-square", lambda f: W.spectral_radius(torch.ones(2, 3)),
        ValueError, "matrix", r"`matrix` must be square \(n, n\) with n >= 1, got shape"),
    Row("spectral_radius", EMPTY, "zero-by-zero",
        lambda f: W.spectral_radius(torch.ones(0, 0)), ValueError, "matrix",
        r"`matrix` must be square \(n, n\) with n >= 1, got shape \(0, 0\)"),
    Row("spectral_radius", NAN, "nan-entry",  # crashed the process before
        lambda f: W.spectral_radius(with_nan(torch.eye(3))), ValueError, "matrix",
        r"`matrix` must hold finite numbers, got NaN or inf in 1 of 9 entries"),
    # ---- trace, Trace ---------------------------------------------------------------------
    Row("trace", TYPE, "linear-layer", lambda f: W.trace(nn.Linear(3, 4), f.x), TypeError,
        "module", r"`module` must be a torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU"),
    Row("trace", TYPE, "inputs-list", lambda f: W.trace(f.lstm, f.x.tolist()), TypeError,
        "inputs", r"`inputs` must be a torch.Tensor, got list"),
    Row("trace", TYPE, "inputs-token-ids", lambda f: W.trace(f.lstm, torch.ones(5, 3).long()),
        TypeError, "inputs", r"`inputs` must be floating point, got torch.int64"),
    Row("trace", TYPE, "tokens-text", lambda f: W.trace(f.lstm, f.x, "the film"), TypeError,
        "tokens", r"`tokens` must be a list of strings, got str"),
    Row("trace", TYPE, "lstm-h0-one-tensor", lambda f: W.trace(f.lstm, f.x, h0=torch.zeros(1, 4)),
        TypeError, "h0", r"`h0` of an LSTM must be a tuple \(h0, c0\)"),
    Row("trace", SHAPE, "inputs-wrong-input_size", lambda f: W.trace(f.lstm, f.x[:, :2]),
        ValueError, "inputs", r"`inputs` must have input_size = 3 features per step, got 2"),
    Row("trace", SHAPE, "batch-of-two", lambda f: W.trace(f.lstm, torch.ones(5, 2, 3)),
        ValueError, "inputs", r"`inputs` holds a batch of 2 sequences .*expected a batch of one"),
    Row("trace", SHAPE, "three-tokens-five-steps", lambda f: W.trace(f.lstm, f.x, TOKENS[:3]),
        ValueError, "tokens", r"`tokens` has 3 entries .* T = 5 steps; expected one token per"),
    Row("trace", SHAPE, "h0-wrong-shape", lambda f: W.trace(f.gru, f.x, h0=torch.zeros(2, 4)),
        ValueError, "h0", r"`h0` must have shape \(num_layers \* num_directions, hidden_size\)"),
    Row("trace", EMPTY, "no-steps", lambda f: W.trace(f.lstm, torch.ones(0, 3)), ValueError,
        "inputs", r"`inputs` is an empty sequence \(T = 0\); give at least one step"),
    Row("trace", BIG, "forty-thousand-steps-hidden-512",
        lambda f: W.trace(nn.RNN(1, 512), torch.ones(40_000, 1)), ValueError, "inputs",
        r"`inputs`' T = 40000 steps .* = 20,480,000 is too large: it must be at most"),
    Row("trace", NAN, "inputs-nan", lambda f: W.trace(f.lstm, with_nan(f.x)), ValueError,
        "inputs", r"`inputs` contains NaN or inf values; it must hold finite numbers"),
    Row("trace", NAN, "h0-nan", lambda f: W.trace(f.rnn, f.x, h0=with_nan(torch.zeros(1, 4))),
        ValueError, "h0", r"`h0` must hold finite numbers"),
    Row("trace", NAN, "module-weight-nan", lambda f: W.trace(nan_module(f.gru), f.x),
        ValueError, "module", r"`module.weight_hh_l0` must hold finite numbers"),
    Row("Trace", TYPE, "hidden-list",
        lambda f: W.Trace(**fields(f.lstm_trace, hidden=f.lstm_trace.hidden.tolist())),
        TypeError, "hidden", r"`hidden` must be a numpy array, got list"),
    Row("Trace", TYPE, "tokens-text",
        lambda f: W.Trace(**fields(f.lstm_trace, tokens="the film")), TypeError, "tokens",
        r"`tokens` must be a list of str, got str"),
    Row("Trace", TYPE, "gates-list",
        lambda f: W.Trace(**fields(f.lstm_trace, gates=list(f.lstm_trace.gates.values()))),
        TypeError, "gates", r"`gates` must be a dict of name -> numpy array, got list"),
    Row("Trace", SHAPE, "hidden-3d",
        lambda f: W.Trace(**fields(f.lstm_trace, hidden=f.lstm_trace.hidden[0])), ValueError,
        "hidden", r"`hidden` must have shape \(num_layers, num_directions \(1 or 2\), T = 5, "),
    Row("Trace", SHAPE, "output-one-step-short",
        lambda f: W.Trace(**fields(f.lstm_trace, output=f.lstm_trace.output[:4])), ValueError,
        "output", r"`output` must have shape \(5, 4\), got \(4, 4\)"),
    Row("Trace", SHAPE, "gate-transposed",
        lambda f: W.Trace(**fields(f.lstm_trace, gates=f.lstm_trace.gates | {
            "forget": f.lstm_trace.gates["forget"].T})), ValueError, "gates['forget']",
        r"`gates\['forget'\]` must have shape \(1, 1, 5, 4\), got \(4, 5, 1, 1\)"),
    Row("Trace", EMPTY, "no-tokens", lambda f: W.Trace(**fields(f.lstm_trace, tokens=[])),
        ValueError, "tokens", r"`tokens` must hold at least one token, got none"),
    Row("Trace", NAN, "hidden-nan",
        lambda f: W.Trace(**fields(f.lstm_trace, hidden=with_nan(f.lstm_trace.hidden))),
        ValueError, "hidden", r"`hidden` must hold finite numbers, got NaN or inf in 1 of 20"),
    Row("Trace", NAN, "input-gate-inf",
        lambda f: W.Trace(**fields(f.lstm_trace, gates=f.lstm_trace.gates | {
            "input": with_nan(f.lstm_trace.gates["input"], INF)})), ValueError,
        "gates['input']", r"`gates\['input'\]` must hold finite numbers"),
    Row("Trace", UNKNOWN, "kind-transformer",
        lambda f: W.Trace(**fields(f.lstm_trace, kind="transformer")), ValueError, "kind",
        r"`kind` must be one of 'rnn', 'lstm', 'gru', got 'transformer'"),
    Row("Trace", UNKNOWN, "gate-remember",
        lambda f: W.Trace(**fields(f.lstm_trace, gates={"remember": f.lstm_trace.hidden})),
        ValueError, "gates",
        r"`gates` must be named among \['input', 'forget', 'candidate', 'output'\] .*'remember'"),
    # ---- gradients ------------------------------------------------------------------------
    Row("gradient_flow", TYPE, "linear-layer",
        lambda f: W.gradient_flow(nn.Linear(3, 4), f.x), TypeError, "module",
        r"`module` must be a torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU"),
    Row("gradient_flow", TYPE, "inputs-array", lambda f: W.gradient_flow(f.rnn, f.x.numpy()),
        TypeError, "inputs", r"`inputs` must be a torch.Tensor, got ndarray"),
    Row("gradient_flow", TYPE, "loss-int", lambda f: W.gradient_flow(f.rnn, f.x, loss=3),
        TypeError, "loss", r"`loss` must be \"last_state\" or a callable, got int"),
    Row("gradient_flow", SHAPE, "bidirectional",
        lambda f: W.gradient_flow(nn.GRU(3, 4, bidirectional=True), f.x), ValueError, "module",
        r"`module` is bidirectional; .*it must be a unidirectional module"),
    Row("gradient_flow", SHAPE, "inputs-wrong-input_size",
        lambda f: W.gradient_flow(f.lstm, torch.ones(5, 4)), ValueError, "inputs",
        r"`inputs` must have input_size = 3 features per step, got 4"),
    Row("gradient_flow", SHAPE, "loss-not-scalar",
        lambda f: W.gradient_flow(f.rnn, f.x, loss=lambda output: output[-1]), ValueError,
        "loss", r"`loss\(output\)` must return a scalar tensor"),
    Row("gradient_flow", EMPTY, "no-steps", lambda f: W.gradient_flow(f.gru, torch.ones(0, 3)),
        ValueError, "inputs", r"`inputs` is an empty sequence \(T = 0\); give at least one"),
    Row("gradient_flow", BIG, "ten-thousand-and-one-steps",
        lambda f: W.gradient_flow(f.rnn, torch.zeros(10_001, 3)), ValueError, "inputs",
        r"`inputs` has T = 10001 steps: .* T must be at most 10000"),
    Row("gradient_flow", BIG, "jacobian-of-hidden-512",
        lambda f: W.gradient_flow(nn.RNN(3, 512), torch.zeros(200, 3)), ValueError, "inputs",
        r"`inputs`' T = 200 steps × 512 copies .* is too large: it must be at most"),
    Row("gradient_flow", NAN, "inputs-inf", lambda f: W.gradient_flow(f.rnn, with_nan(f.x, INF)),
        ValueError, "inputs", r"`inputs` contains NaN or inf values; it must hold finite"),
    Row("gradient_flow", NAN, "module-weight-nan",
        lambda f: W.gradient_flow(nan_module(f.lstm), f.x), ValueError, "module",
        r"`module.weight_hh_l0` must hold finite numbers"),
    Row("gradient_flow", UNKNOWN, "loss-mean", lambda f: W.gradient_flow(f.rnn, f.x, loss="mean"),
        ValueError, "loss", r"`loss` must be one of 'last_state', got 'mean'"),
    Row("GradientTrace", TYPE, "hidden_grad-list",
        lambda f: W.GradientTrace(**fields(f.flow, hidden_grad=[1.0] * 5)), TypeError,
        "hidden_grad", r"`hidden_grad` must be a numpy array of T gradient norms, got list"),
    Row("GradientTrace", TYPE, "tokens-text",
        lambda f: W.GradientTrace(**fields(f.flow, tokens="abcde")), TypeError, "tokens",
        r"`tokens` must be a list of str, got str"),
    Row("GradientTrace", SHAPE, "input_grad-too-short",
        lambda f: W.GradientTrace(**fields(f.flow, input_grad=np.ones(3))), ValueError,
        "input_grad", r"`input_grad` must have shape \(T,\) = \(5,\), one norm per token"),
    Row("GradientTrace", EMPTY, "no-tokens",
        lambda f: W.GradientTrace(**fields(f.flow, tokens=[])), ValueError, "tokens",
        r"`tokens` must hold at least one token"),
    Row("GradientTrace", UNKNOWN, "kind-transformer",
        lambda f: W.GradientTrace(**fields(f.flow, kind="transformer")), ValueError, "kind",
        r"`kind` must be one of 'rnn', 'lstm', 'gru'"),
    Row("decay_with_distance", TYPE, "hidden_size-text",
        lambda f: W.decay_with_distance("rnn", hidden_size="32"), TypeError, "hidden_size",
        r"`hidden_size` must be an integer, got str"),
    Row("decay_with_distance", EMPTY, "T-zero", lambda f: W.decay_with_distance("rnn", T=0),
        ValueError, "T", r"`T` must be in \[1, 1000\], got 0"),
    Row("decay_with_distance", EMPTY, "no-sequences",
        lambda f: W.decay_with_distance("lstm", num_sequences=0), ValueError, "num_sequences",
        r"`num_sequences` must be in \[1, 64\], got 0"),
    Row("decay_with_distance", BIG, "hidden_size-10000",
        lambda f: W.decay_with_distance("rnn", hidden_size=10_000), ValueError, "hidden_size",
        r"`hidden_size` must be in \[1, 512\], got 10000"),
    Row("decay_with_distance", BIG, "largest-of-every-size",
        lambda f: W.decay_with_distance("lstm", hidden_size=512, T=1000, num_sequences=64),
        ValueError, "hidden_size",
        r"`T` × `num_sequences` × `hidden_size`² = 16,777,216,000 is too large: it must be"),
    Row("decay_with_distance", NAN, "recurrent_scale-nan",
        lambda f: W.decay_with_distance("rnn", hidden_size=4, recurrent_scale=NOT_A_NUMBER),
        ValueError, "recurrent_scale", r"`recurrent_scale` must be a finite number > 0, got nan"),
    Row("decay_with_distance", NAN, "forget_bias-inf",
        lambda f: W.decay_with_distance("lstm", hidden_size=4, forget_bias=INF), ValueError,
        "forget_bias", r"`forget_bias` must be a finite number, got inf"),
    Row("decay_with_distance", NAN, "input_scale-nan",
        lambda f: W.decay_with_distance("gru", hidden_size=4, input_scale=NOT_A_NUMBER),
        ValueError, "input_scale", r"`input_scale` must be a finite number > 0, got nan"),
    Row("decay_with_distance", UNKNOWN, "kind-transformer",
        lambda f: W.decay_with_distance("transformer"), ValueError, "kind",
        r"`kind` must be one of 'rnn', 'lstm', 'gru', got 'transformer'"),
    Row("decay_with_distance", UNKNOWN, "nonlinearity-sigmoid",
        lambda f: W.decay_with_distance("rnn", nonlinearity="sigmoid"), ValueError,
        "nonlinearity", r"`nonlinearity` must be one of 'tanh', 'relu', got 'sigmoid'"),
    Row("DecayCurve", TYPE, "distance-text", lambda f: f.curve.at("3"), TypeError, "distance",
        r"`distance` must be an integer, got str"),
    Row("DecayCurve", BIG, "distance-beyond-T", lambda f: f.curve.at(99), ValueError,
        "distance", r"`distance` must be in \[0, 5\], got 99"),
    Row("DecayCurve", NAN, "distance-nan", lambda f: f.curve.at(NOT_A_NUMBER), TypeError,
        "distance", r"`distance` must be an integer, got float"),
    # ---- widgets --------------------------------------------------------------------------
    Row("StateStepper", TYPE, "trace-text", lambda f: W.StateStepper("trace"), TypeError,
        "trace", r"`trace` must be a widgets.Trace \(see widgets.trace\), got str"),
    Row("StateStepper", TYPE, "text_to_trace-text",
        lambda f: W.StateStepper(f.rnn_trace, text_to_trace="model"), TypeError,
        "text_to_trace", r"`text_to_trace` must be a function text -> \(Trace, note\) or None"),
    Row("StateStepper", TYPE, "from_model-vocab-dict",
        lambda f: W.StateStepper.from_model(f.rnn_model, "not good", {"good": 2}), TypeError,
        "vocab", r"`vocab` must have an encode\(tokens\) method, got dict"),
    Row("StateStepper", TYPE, "from_model-bare-rnn",
        lambda f: W.StateStepper.from_model(f.rnn, "not good", f.vocab), TypeError, "model",
        r"`model` must have an `embedding` attribute that is a torch.nn.Embedding"),
    Row("StateStepper", SHAPE, "backward-of-unidirectional",
        lambda f: W.StateStepper(f.rnn_trace, direction=1), ValueError, "direction",
        r"`direction` must be 0: this network is unidirectional, got 1"),
    Row("StateStepper", EMPTY, "from_model-blank-text",
        lambda f: W.StateStepper.from_model(f.rnn_model, "   ", f.vocab),
        ValueError, "text", r"`text` has no tokens; type at least one word"),
    Row("StateStepper", BIG, "layer-3", lambda f: W.StateStepper(f.rnn_trace, layer=3),
        ValueError, "layer", r"`layer` must be in \[-1, 0\], got 3"),
    Row("StateStepper", BIG, "unit-99", lambda f: W.StateStepper(f.rnn_trace, unit=99),
        ValueError, "unit", r"`unit` must be in \[0, 3\], got 99"),
    Row("StateStepper", BIG, "max_tokens-million",
        lambda f: W.StateStepper(f.rnn_trace, max_tokens=10**6), ValueError, "max_tokens",
        r"`max_tokens` must be at most 1000 .*, got 1000000"),
    Row("StateStepper", NAN, "trace-changed-to-nan",
        lambda f: W.StateStepper(poisoned(f.rnn_trace)), ValueError, "trace.hidden",
        r"`trace.hidden` must hold finite numbers, got NaN or inf in 1 of 20 entries"),
    Row("GateViewer", TYPE, "trace-none", lambda f: W.GateViewer(None), TypeError, "trace",
        r"`trace` must be a widgets.Trace \(see widgets.trace\), got NoneType"),
    Row("GateViewer", TYPE, "rnn-trace", lambda f: W.GateViewer(f.rnn_trace), ValueError,
        "trace", r"`trace` must come from an LSTM or GRU, got kind='rnn'"),
    Row("GateViewer", TYPE, "text_to_trace-int",
        lambda f: W.GateViewer(f.lstm_trace, text_to_trace=3), TypeError, "text_to_trace",
        r"`text_to_trace` must be a function"),
    Row("GateViewer", SHAPE, "backward-of-unidirectional",
        lambda f: W.GateViewer(f.lstm_trace, direction=1), ValueError, "direction",
        r"`direction` must be 0: this network is unidirectional"),
    Row("GateViewer", EMPTY, "from_model-empty-text",
        lambda f: W.GateViewer.from_model(f.lstm_model, "", f.vocab), ValueError, "text",
        r"`text` has no tokens; type at least one word"),
    Row("GateViewer", BIG, "unit-99", lambda f: W.GateViewer(f.lstm_trace, unit=99),
        ValueError, "unit", r"`unit` must be in \[0, 3\], got 99"),
    Row("GateViewer", BIG, "max_tokens-5000",
        lambda f: W.GateViewer(f.lstm_trace, max_tokens=5000), ValueError, "max_tokens",
        r"`max_tokens` must be at most 1000"),
    Row("GateViewer", NAN, "forget-gate-changed-to-nan",
        lambda f: W.GateViewer(poisoned(f.lstm_trace, gate="forget")), ValueError,
        "trace.gates['forget']", r"`trace.gates\['forget'\]` must hold finite numbers"),
    Row("GateViewer", UNKNOWN, "gates-missing",
        lambda f: W.GateViewer(W.Trace(**fields(f.lstm_trace, gates={}))), ValueError,
        "trace.gates", r"`trace.gates` must hold \['candidate', 'forget', 'input', 'output'\]"),
    Row("LayerStepper", TYPE, "trace-text", lambda f: W.LayerStepper("trace"), TypeError,
        "trace", r"`trace` must be a widgets.Trace"),
    Row("LayerStepper", TYPE, "output_token-text",
        lambda f: W.LayerStepper(f.lstm_trace, "0"), TypeError, "output_token",
        r"`output_token` must be an integer, got str"),
    Row("LayerStepper", BIG, "output_token-99", lambda f: W.LayerStepper(f.lstm_trace, 99),
        ValueError, "output_token", r"`output_token` must be in \[0, 4\], got 99"),
    Row("LayerStepper", BIG, "max_tokens-million",
        lambda f: W.LayerStepper(f.lstm_trace, max_tokens=10**6), ValueError, "max_tokens",
        r"`max_tokens` must be at most 1000"),
    Row("LayerStepper", NAN, "cell-changed-to-inf",
        lambda f: W.LayerStepper(poisoned(f.lstm_trace, "cell")), ValueError, "trace.cell",
        r"`trace.cell` must hold finite numbers"),
    Row("GradientFlow", TYPE, "left-text", lambda f: W.GradientFlow("rnn"), TypeError, "left",
        r"`left` must be a GradientTrace \(see widgets.gradient_flow\), got str"),
    Row("GradientFlow", TYPE, "right-a-trace", lambda f: W.GradientFlow(f.flow, f.rnn_trace),
        TypeError, "right", r"`right` must be a GradientTrace"),
    Row("GradientFlow", TYPE, "from_models-model_loss-text",
        lambda f: W.GradientFlow.from_models(f.rnn_model, f.lstm_model, "not good", f.vocab,
                                             model_loss="cross_entropy"), TypeError,
        "model_loss", r"`model_loss` must be callable, got str"),
    Row("GradientFlow", SHAPE, "different-tokens",
        lambda f: W.GradientFlow(f.flow, W.gradient_flow(f.lstm, f.x[:3])), ValueError,
        "left", r"`left` and `right` must be computed on the same tokens"),
    Row("GradientFlow", SHAPE, "from_models-one-label",
        lambda f: W.GradientFlow.from_models(f.rnn_model, f.lstm_model, "not good", f.vocab,
                                             labels=("RNN",)), ValueError, "labels",
        r"`labels` must be two names, got \('RNN',\)"),
    Row("GradientFlow", EMPTY, "from_models-empty-text",
        lambda f: W.GradientFlow.from_models(f.rnn_model, f.lstm_model, "", f.vocab),
        ValueError, "text", r"`text` has no tokens; type at least one word"),
    Row("DecayDemo", TYPE, "T-text", lambda f: W.DecayDemo(T="50"), TypeError, "T",
        r"`T` must be an integer, got str"),
    Row("DecayDemo", TYPE, "recurrent_scale-text",
        lambda f: W.DecayDemo(recurrent_scale="0.9"), TypeError, "recurrent_scale",
        r"`recurrent_scale` must be a number, got str"),
    Row("DecayDemo", EMPTY, "no-sequences", lambda f: W.DecayDemo(num_sequences=0), ValueError,
        "num_sequences", r"`num_sequences` must be in \[1, 16\], got 0"),
    Row("DecayDemo", BIG, "T-1000", lambda f: W.DecayDemo(T=1000), ValueError, "T",
        r"`T` must be in \[10, 100\], got 1000"),
    Row("DecayDemo", BIG, "hidden_size-10000", lambda f: W.DecayDemo(hidden_size=10_000),
        ValueError, "hidden_size", r"`hidden_size` must be in \[1, 128\], got 10000"),
    Row("DecayDemo", NAN, "recurrent_scale-nan",
        lambda f: W.DecayDemo(recurrent_scale=NOT_A_NUMBER), ValueError, "recurrent_scale",
        r"`recurrent_scale` must be in \[0.5, 3\], got nan"),
    Row("DecayDemo", NAN, "forget_bias-inf", lambda f: W.DecayDemo(forget_bias=INF),
        ValueError, "forget_bias", r"`forget_bias` must be in \[-2, 5\], got inf"),
    Row("DecayDemo", UNKNOWN, "nonlinearity-sigmoid",
        lambda f: W.DecayDemo(nonlinearity="sigmoid"), ValueError, "nonlinearity",
        r"`nonlinearity` must be one of 'tanh', 'relu', got 'sigmoid'"),
    Row("Quiz", TYPE, "questions-text",
        lambda f: W.Quiz("what is an RNN?", lesson="02_rnn_cell_anatomy", which="pre"),
        BankError, "questions", r"`questions`: 1 problem\(s\) \(a bank must follow .*'array'"),
    Row("Quiz", TYPE, "title-int",
        lambda f: W.Quiz(f.questions, lesson="00_start_here", which="pre", title=3), TypeError,
        "title", r"`title` must be a string or None, got int"),
    Row("Quiz", TYPE, "shuffle-text",
        lambda f: W.Quiz(f.questions, lesson="00_start_here", which="pre", shuffle="yes"),
        TypeError, "shuffle", r"`shuffle` must be True or False, got str"),
    Row("Quiz", SHAPE, "question-without-answers",
        lambda f: W.Quiz([{k: v for k, v in f.questions[0].items() if k != "answers"}],
                         lesson="00_start_here", which="pre"), BankError, "questions",
        r"`questions`: 1 problem\(s\) .*'answers' is a required property"),
    Row("Quiz", EMPTY, "no-questions", lambda f: W.Quiz([], lesson="00_start_here", which="pre"),
        BankError, "questions", r"`questions`: 1 problem\(s\) .*\[\] should be non-empty"),
    Row("Quiz", UNKNOWN, "which-middle",
        lambda f: W.Quiz(f.questions, lesson="00_start_here", which="middle"), ValueError,
        "which", r"`which` must be one of 'pre', 'post', got 'middle'"),
    Row("Quiz", UNKNOWN, "question-type-essay",
        lambda f: W.Quiz([f.questions[0] | {"type": "essay"}], lesson="00_start_here",
                         which="pre"), BankError, "questions",
        r"`questions`: \d+ problem\(s\) .*'essay' is not one of"),
    Row("quiz", TYPE, "lesson-none", lambda f: W.quiz(None), ValueError, "lesson",
        r"`lesson` must be one of '00_start_here', "),
    Row("quiz", TYPE, "shuffle-text", lambda f: W.quiz("00_start_here", shuffle="yes"),
        TypeError, "shuffle", r"`shuffle` must be True or False, got str"),
    Row("quiz", EMPTY, "lesson-empty", lambda f: W.quiz(""), ValueError, "lesson",
        r"`lesson` must be one of .*, got ''"),
    Row("quiz", UNKNOWN, "lesson-99", lambda f: W.quiz("99_transformers"), ValueError, "lesson",
        r"`lesson` must be one of .*'09_generating_text', got '99_transformers'"),
    Row("quiz", UNKNOWN, "lesson-without-number", lambda f: W.quiz("rnn_cell_anatomy"),
        ValueError, "lesson", r"`lesson` must be one of .*, got 'rnn_cell_anatomy'"),
    Row("quiz", UNKNOWN, "which-middle", lambda f: W.quiz("00_start_here", "middle"),
        ValueError, "which", r"`which` must be one of 'pre', 'post', got 'middle'"),
    # lesson 09
    Row("load_char_model", TYPE, "path-int", lambda f: W.load_char_model(3), TypeError, "path",
        r"`path` must be a file path, got int"),
    Row("load_char_model", EMPTY, "path-empty", lambda f: W.load_char_model(""), ValueError,
        "path", r"`path` must be a file path, got an empty string"),
    Row("load_char_model", UNKNOWN, "path-missing",
        lambda f: W.load_char_model(f.tmp / "none.pt"), FileNotFoundError, "path",
        r"`path` must name a saved model file"),
    Row("load_char_model", UNKNOWN, "path-not-a-model",
        lambda f: W.load_char_model(Path(W.__file__)), ValueError, "path",
        r"`path` must be a model saved by save_char_model"),
    *char_rows("perplexity", lambda m, v, text: W.perplexity(m, v, text)),
    Row("perplexity", TYPE, "text-int", lambda f: W.perplexity(char_lm().model,
        char_lm().vocab, 3), TypeError, "text", r"`text` must be a string, got int"),
    Row("perplexity", EMPTY, "text-one-character", lambda f: W.perplexity(
        char_lm().model, char_lm().vocab, "a"), ValueError, "text",
        r"`text` must have at least 2 characters"),
    Row("perplexity", BIG, "text-million-x3", lambda f: W.perplexity(
        char_lm().model, char_lm().vocab, "a" * 3_000_000), ValueError, "text",
        r"`text`'s length = 3,000,000 is too large: it must be at most"),
    Row("perplexity", UNKNOWN, "text-unknown-character", lambda f: W.perplexity(
        char_lm().model, char_lm().vocab, "aé"), ValueError, "text",
        r"`text` must use only the vocabulary's 7 characters .* lacks \['é'\]"),
    *char_rows("sample", lambda m, v, text: W.sample(m, v, text, 5)),
    Row("sample", TYPE, "length-text", lambda f: W.sample(char_lm().model, char_lm().vocab,
        "ab", "5"), TypeError, "length", r"`length` must be an integer, got str"),
    Row("sample", TYPE, "generator-text", lambda f: W.sample(char_lm().model, char_lm().vocab,
        "ab", 5, generator="seed"), TypeError, "generator",
        r"`generator` must be None, an int seed or a torch.Generator, got str"),
    Row("sample", EMPTY, "prime-empty", lambda f: W.sample(char_lm().model, char_lm().vocab,
        "", 5), ValueError, "prime", r"`prime` must hold at least one character"),
    Row("sample", BIG, "length-million", lambda f: W.sample(char_lm().model, char_lm().vocab,
        "ab", 10**6), ValueError, "length", r"`length` must be in \[0, 100000\], got 1000000"),
    Row("sample", BIG, "length-negative", lambda f: W.sample(char_lm().model,
        char_lm().vocab, "ab", -1), ValueError, "length", r"`length` must be in \[0, 100000\]"),
    Row("sample", NAN, "temperature-nan", lambda f: W.sample(char_lm().model, char_lm().vocab,
        "ab", 5, temperature=NOT_A_NUMBER), ValueError, "temperature",
        r"`temperature` must be a finite number >= 0"),
    Row("sample", NAN, "temperature-negative", lambda f: W.sample(char_lm().model,
        char_lm().vocab, "ab", 5, temperature=-1.0), ValueError, "temperature",
        r"`temperature` must be a finite number >= 0 \(0 = greedy\), got -1.0"),
    Row("sample", UNKNOWN, "prime-unknown-character", lambda f: W.sample(
        char_lm().model, char_lm().vocab, "<é>", 5), ValueError, "prime",
        r"`prime` must use only the vocabulary's .* lacks \['<', '>', 'é'\]"),
    *char_rows("SampleStepper", lambda m, v, text: W.SampleStepper(m, v, text, length=5)),
    Row("SampleStepper", EMPTY, "prime-empty", lambda f: W.SampleStepper(
        char_lm().model, char_lm().vocab, "", length=5), ValueError, "prime",
        r"`prime` must hold at least one character"),
    Row("SampleStepper", BIG, "length-401", lambda f: W.SampleStepper(
        char_lm().model, char_lm().vocab, "ab", length=401), ValueError, "length",
        r"`length` must be in \[1, 400\], got 401"),
    Row("SampleStepper", TYPE, "seed-text", lambda f: W.SampleStepper(
        char_lm().model, char_lm().vocab, "ab", length=5, seed="0"), TypeError, "seed",
        r"`seed` must be an integer, got str"),
    Row("SampleStepper", NAN, "temperature-inf", lambda f: W.SampleStepper(
        char_lm().model, char_lm().vocab, "ab", length=5, temperature=INF), ValueError,
        "temperature", r"`temperature` must be a finite number >= 0"),
    Row("SampleStepper", UNKNOWN, "prime-unknown-character", lambda f: W.SampleStepper(
        char_lm().model, char_lm().vocab, "a\té", length=5), ValueError, "prime",
        r"`prime` must use only the vocabulary's .* lacks \['\\t', 'é'\]"),
    *[row for name, fn in (("progress_summary", W.progress_summary),
                           ("progress_widget", W.progress_widget)) for row in (
        Row(name, TYPE, "path-int", lambda f, fn=fn: fn(3), TypeError, "path",
            r"`path` must be a file path, got int"),
        Row(name, EMPTY, "path-empty", lambda f, fn=fn: fn(""), ValueError, "path",
            r"`path` must be a file path, got an empty string"),
        Row(name, EMPTY, "path-blank", lambda f, fn=fn: fn("  "), ValueError, "path",
            r"`path` must be a file path, got an empty string"),
    )],
]


# --- the tests ------------------------------------------------------------------------------

@pytest.fixture
def f(tmp_path) -> SimpleNamespace:
    """The shared fixtures and a fresh, empty folder ``f.tmp``."""
    return SimpleNamespace(**vars(base()), tmp=tmp_path)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input_gets_a_clear_error(row: Row, f):
    """354 cases: each row calls a public function or widget constructor of `widgets` with one
    bad argument; the call must raise the row's exception type, and its message must match the
    row's regex, name the argument in backticks and say what was expected."""
    with pytest.raises(row.error) as info:
        row.call(f)
    message = str(info.value)
    assert re.search(row.match, message, re.DOTALL), f"{message!r} !~ {row.match!r}"
    assert f"`{row.arg}" in message, f"{message!r} does not name `{row.arg}`"
    assert EXPECTED.search(message), f"{message!r} does not say what was expected"


def test_the_docstring_counts_the_cases():
    assert f"{len(ROWS)} cases:" in test_bad_input_gets_a_clear_error.__doc__


def public_callables() -> set[str]:
    return {name for name in widgets.__all__ if callable(getattr(widgets, name))}


def test_every_public_callable_has_rows_for_every_category_that_applies():
    """Fails when a callable of widgets.__all__ has no rows (add rows, or list it in RESULTS
    with a reason), or has no row for a category that APPLICABLE says applies to it."""
    callables = public_callables()
    assert sorted(callables - set(APPLICABLE) - set(RESULTS)) == []
    assert sorted((set(APPLICABLE) | set(RESULTS)) - callables) == []
    assert set(APPLICABLE).isdisjoint(RESULTS)
    covered: dict[str, set[str]] = {}
    for row in ROWS:
        covered.setdefault(row.name, set()).add(row.category)
    missing = {name: sorted(categories - covered.get(name, set()))
               for name, categories in APPLICABLE.items() if categories - covered.get(name, set())}
    assert missing == {}
    extra = {name: sorted(cats - APPLICABLE[name]) for name, cats in covered.items()
             if cats - APPLICABLE.get(name, set())}
    assert extra == {}, "rows for a category APPLICABLE does not list"
    assert {name for name in RESULTS if name in covered} == set()


def test_the_exempt_names_are_results_the_package_returns():
    for name in RESULTS:
        value = getattr(widgets, name)
        assert isinstance(value, type)
        assert dataclasses.is_dataclass(value) or issubclass(value, Exception), name


def test_the_table_is_well_formed():
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "two rows share an id"
    for row in ROWS:
        assert row.category in CATEGORIES, row.id
        assert issubclass(row.error, Exception), row.id
        assert row.arg.split("[")[0].split(".")[0] in row.match.replace("\\", ""), row.id


def test_a_valid_call_of_each_table_fixture_still_works(f):
    """The fixtures the rows break are valid as given: the errors come from the bad argument."""
    assert widgets.accuracy(f.lstm_model, f.batches) in (0.0, 0.5, 1.0)
    assert widgets.Trace(**fields(f.lstm_trace)).hidden.shape == (1, 1, 5, 4)
    assert widgets.GradientTrace(**fields(f.flow)).hidden_grad.shape == (5,)
    assert widgets.rnn_step(**step_args(f.params)).shape == (4,)
    assert widgets.rnn_backward(f.xs, f.h, f.params, np.ones((5, 4))).hs.shape == (5, 4)
    assert widgets.check_exercise(widgets.lstm_step, widgets.lstm_step, pair_cases()).ok
    assert 0 < widgets.spectral_radius(f.rnn.weight_hh_l0) < 10
    assert len(widgets.quiz("00_start_here").views) == len(f.questions)
    assert len(widgets.pad_batch([TOKENS], f.vocab)[0][0]) == len(TOKENS)
    assert isinstance(widgets.StateStepper(copy.deepcopy(f.rnn_trace)), widgets.StateStepper)
    assert len(widgets.recall_first(10, 4, 0)[1]) == 4
    assert len(widgets.sample(char_lm().model, char_lm().vocab, "ab", 5)) == 5
    assert widgets.perplexity(char_lm().model, char_lm().vocab, "ab(c)") > 1
