"""Reference cells in numpy (float64): one step of an RNN, LSTM or GRU, then a whole sequence.

Lesson 02 builds the vanilla RNN cell, lesson 05 the LSTM, lesson 06 the GRU; the exercise
checks of those lessons compare the learner's code with these functions. Everything here
follows torch's conventions, so with a ``.double()`` module the results equal torch's to 1e-10:

- torch keeps two biases, ``bias_ih`` and ``bias_hh``; mathematically only their sum matters
  (except in the GRU's n_t, where ``b_hn`` sits inside the reset product);
- a gated cell stacks the weights of its gates in one matrix, one block of hidden_size rows per
  gate: LSTM rows in the order i, f, g, o; GRU rows in the order r, z, n.

Shapes: x_t (input_size,), h_prev and c_prev (hidden_size,), a sequence xs (T, input_size).

Lessons: 02, 05, 06, 07.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from torch import nn

from .arguments import expect_choice, expect_finite, expect_int, shape_str, type_name

PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
NONLINEARITIES = ("tanh", "relu")
GATE_COUNT = {nn.RNN: 1, nn.LSTM: 4, nn.GRU: 3}


def sigmoid(a):
    """σ(a) = 1 / (1 + e^(-a)), elementwise: squashes any number into (0, 1)."""
    with np.errstate(over="ignore"):  # e^(-a) overflows to inf when a < -709; σ is then 0
        return 1.0 / (1.0 + np.exp(-a))


# ---------------------------------------------------------------- one step (lessons 02, 05, 06)

def rnn_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity="tanh"):
    """One step of the vanilla RNN, as ``torch.nn.RNN`` computes it.

        h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)        (relu instead of tanh if asked)

    Shapes: x_t (input_size,), h_prev (hidden_size,), weight_ih (hidden_size, input_size),
    weight_hh (hidden_size, hidden_size), bias_ih and bias_hh (hidden_size,).
    Returns h_t, shape (hidden_size,).
    """
    expect_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    x_t, h_prev, w_ih, w_hh, b_ih, b_hh = _step_arrays(1, x_t, h_prev, weight_ih, weight_hh,
                                                        bias_ih, bias_hh)
    a_t = w_ih @ x_t + b_ih + w_hh @ h_prev + b_hh
    return np.tanh(a_t) if nonlinearity == "tanh" else np.maximum(a_t, 0.0)


def lstm_gates(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """The four LSTM gates at one step, as ``torch.nn.LSTM`` computes them.

        i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)      input gate
        f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)      forget gate
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)   candidate cell values
        o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)      output gate

    torch stacks the four blocks in the row order i, f, g, o: weight_ih is
    (4*hidden_size, input_size), weight_hh (4*hidden_size, hidden_size), bias_ih and bias_hh
    (4*hidden_size,); rows 0..hidden_size-1 belong to i, the next hidden_size rows to f, ...
    Shapes: x_t (input_size,), h_prev (hidden_size,). Returns (i_t, f_t, g_t, o_t), each
    (hidden_size,).
    """
    x_t, h_prev, w_ih, w_hh, b_ih, b_hh = _step_arrays(4, x_t, h_prev, weight_ih, weight_hh,
                                                        bias_ih, bias_hh)
    a_i, a_f, a_g, a_o = np.split(w_ih @ x_t + b_ih + w_hh @ h_prev + b_hh, 4)
    return sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)


def lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One LSTM step: the gates of `lstm_gates`, then

        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t        forget some old memory, write some new
        h_t = o_t ⊙ tanh(c_t)                  the output gate decides what c_t shows

    Shapes as in `lstm_gates`, plus c_prev (hidden_size,). Returns (h_t, c_t), each
    (hidden_size,).
    """
    i_t, f_t, g_t, o_t = lstm_gates(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh)
    c_prev = _expect_shape("c_prev", c_prev, i_t.shape, "(hidden_size,)")
    c_t = f_t * c_prev + i_t * g_t
    h_t = o_t * np.tanh(c_t)
    return h_t, c_t


def gru_gates(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """The GRU's reset gate, update gate and new state at one step, as ``torch.nn.GRU``
    computes them.

        r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)             reset gate
        z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)             update gate
        n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))  new state (b_hn INSIDE r_t ⊙ ...)

    torch stacks the blocks in the row order r, z, n: weight_ih is (3*hidden_size, input_size),
    weight_hh (3*hidden_size, hidden_size), bias_ih and bias_hh (3*hidden_size,).
    Shapes: x_t (input_size,), h_prev (hidden_size,). Returns (r_t, z_t, n_t), each
    (hidden_size,).
    """
    x_t, h_prev, w_ih, w_hh, b_ih, b_hh = _step_arrays(3, x_t, h_prev, weight_ih, weight_hh,
                                                        bias_ih, bias_hh)
    in_r, in_z, in_n = np.split(w_ih @ x_t + b_ih, 3)        # the input's terms
    hid_r, hid_z, hid_n = np.split(w_hh @ h_prev + b_hh, 3)  # the previous state's terms
    r_t = sigmoid(in_r + hid_r)
    z_t = sigmoid(in_z + hid_z)
    n_t = np.tanh(in_n + r_t * hid_n)
    return r_t, z_t, n_t


def gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One GRU step: the gates of `gru_gates`, then

        h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}     z_t near 1 keeps the old state

    Shapes as in `gru_gates`. Returns h_t, shape (hidden_size,).
    """
    r_t, z_t, n_t = gru_gates(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh)
    return (1.0 - z_t) * n_t + z_t * np.asarray(h_prev, dtype=np.float64)


# ------------------------------------------------------------- a whole sequence (lessons 02-07)

def rnn_forward(xs, h0, weight_ih, weight_hh, bias_ih, bias_hh, nonlinearity="tanh",
                reverse=False):
    """Run `rnn_step` over a sequence: the unrolled loop, with the same weights
    at every step. It takes the weights as `rnn_step` does, so ``rnn_forward(xs, h0,
    **cell_params(rnn))`` and ``rnn_step(x_t, h_prev, **cell_params(rnn))`` read alike.

    xs (T, input_size): x_1 ... x_T in its rows; h0 (hidden_size,); the weights as in
    `rnn_step`. ``reverse=True`` reads the sequence right to left (the backward direction of a
    bidirectional RNN) but still returns the states in input order.
    Returns hs, shape (T, hidden_size): hs[t - 1] is h_t, the state after reading x_t.
    """
    xs, (h_t,), weights = _sequence_arrays(1, xs, (weight_ih, weight_hh, bias_ih, bias_hh),
                                           h0=h0)
    hs = np.empty((len(xs), len(h_t)))
    for t in _time_steps(len(xs), reverse):
        h_t = rnn_step(xs[t], h_t, *weights, nonlinearity=nonlinearity)
        hs[t] = h_t
    return hs


def lstm_forward(xs, h0, c0, weight_ih, weight_hh, bias_ih, bias_hh, reverse=False):
    """Run `lstm_step` over a sequence; the weights and ``reverse`` as in
    `rnn_forward` (``lstm_forward(xs, h0, c0, **cell_params(lstm))``).

    xs (T, input_size), h0 and c0 (hidden_size,).
    Returns (hs, cs), each (T, hidden_size): hs[t - 1] is h_t and cs[t - 1] is c_t.
    """
    xs, (h_t, c_t), weights = _sequence_arrays(4, xs, (weight_ih, weight_hh, bias_ih, bias_hh),
                                               h0=h0, c0=c0)
    hs, cs = np.empty((len(xs), len(h_t))), np.empty((len(xs), len(h_t)))
    for t in _time_steps(len(xs), reverse):
        h_t, c_t = lstm_step(xs[t], h_t, c_t, *weights)
        hs[t], cs[t] = h_t, c_t
    return hs, cs


def gru_forward(xs, h0, weight_ih, weight_hh, bias_ih, bias_hh, reverse=False):
    """Run `gru_step` over a sequence; the weights and ``reverse`` as in
    `rnn_forward` (``gru_forward(xs, h0, **cell_params(gru))``).

    xs (T, input_size), h0 (hidden_size,). Returns hs, shape (T, hidden_size): hs[t - 1] is h_t.
    """
    xs, (h_t,), weights = _sequence_arrays(3, xs, (weight_ih, weight_hh, bias_ih, bias_hh),
                                           h0=h0)
    hs = np.empty((len(xs), len(h_t)))
    for t in _time_steps(len(xs), reverse):
        h_t = gru_step(xs[t], h_t, *weights)
        hs[t] = h_t
    return hs


def cell_params(module, layer=0, direction=0):
    """The parameters of one layer and direction of a torch ``nn.RNN``, ``nn.LSTM`` or
    ``nn.GRU``, as float64 numpy copies.

    Returns a dict with keys weight_ih (gates*hidden_size, input_size of that layer),
    weight_hh (gates*hidden_size, hidden_size), bias_ih and bias_hh (gates*hidden_size,), where
    gates is 1 (RNN), 4 (LSTM) or 3 (GRU); the biases are zeros when the module has
    ``bias=False``. Unpack it into a step or a runner alike:
    ``rnn_step(x_t, h_prev, **cell_params(rnn))``,
    ``rnn_forward(xs, h0, **cell_params(rnn))``. ``direction=1`` is the backward direction of a
    bidirectional module.
    """
    gates = _gate_count(module)
    layer = _index("layer", layer, module.num_layers, f"num_layers={module.num_layers}")
    num_directions = 2 if module.bidirectional else 1
    direction = _index("direction", direction, num_directions,
                       f"bidirectional={module.bidirectional}")
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    params = {}
    for name in PARAM_NAMES:
        tensor = getattr(module, name + suffix, None)
        params[name] = (np.zeros(gates * module.hidden_size) if tensor is None
                        else tensor.detach().cpu().double().numpy().copy())
    return params


# ------------------------------------------------------------------------------- argument checks

def _gate_count(module) -> int:
    for cls, gates in GATE_COUNT.items():
        if isinstance(module, cls):
            if getattr(module, "proj_size", 0) > 0:
                raise ValueError(f"`module` is an LSTM with proj_size={module.proj_size}; the "
                                 "reference cells have no projection (proj_size must be 0)")
            return gates
    raise TypeError("`module` must be a torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU, "
                    f"got {type_name(module)}")


def _index(name, value, count, reason):
    value = expect_int(name, value)
    if not 0 <= value < count:
        raise ValueError(f"`{name}` must be in [0, {count - 1}] for a module with {reason}, "
                         f"got {value}")
    return value


def _float64(name, value) -> np.ndarray:
    """``value`` as a float64 array; a clear error for None, non-numbers, NaN and inf."""
    try:
        array = None if value is None else np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None:
        raise TypeError(f"`{name}` must be an array of numbers, got {type_name(value)}")
    expect_finite(name, array)
    return array


def _expect_shape(name, value, shape, shape_names) -> np.ndarray:
    """``value`` as float64; a ValueError naming ``name`` unless it has ``shape``."""
    array = _float64(name, value)
    if array.shape != tuple(shape):
        hint = " (it looks transposed)" if array.shape[::-1] == tuple(shape) else ""
        raise ValueError(f"`{name}` has the wrong shape: expected {shape_names} = "
                         f"{shape_str(shape)}, got {shape_str(array.shape)}{hint}")
    return array


def _step_arrays(gates, x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """Check one step's arguments; return them as float64 arrays in the same order."""
    w_ih, w_hh, b_ih, b_hh = _weight_arrays(gates, weight_ih, weight_hh, bias_ih, bias_hh)
    input_size, hidden_size = w_ih.shape[1], w_hh.shape[1]
    x_t = _expect_shape("x_t", x_t, (input_size,), "(input_size,)")
    h_prev = _expect_shape("h_prev", h_prev, (hidden_size,), "(hidden_size,)")
    return x_t, h_prev, w_ih, w_hh, b_ih, b_hh


def _weight_arrays(gates, weight_ih, weight_hh, bias_ih, bias_hh):
    """Check a cell's parameters; return them as float64 arrays in the same order.

    hidden_size is read from weight_hh's columns and input_size from weight_ih's columns."""
    rows = "hidden_size" if gates == 1 else f"{gates}*hidden_size"
    w_hh = _float64("weight_hh", weight_hh)
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * w_hh.shape[1]:
        raise ValueError(f"`weight_hh` has the wrong shape: expected ({rows}, hidden_size), "
                         f"got {shape_str(w_hh.shape)}")
    hidden_size = w_hh.shape[1]
    w_ih = _float64("weight_ih", weight_ih)
    if w_ih.ndim != 2 or w_ih.shape[0] != gates * hidden_size:
        flipped = w_ih.ndim == 2 and w_ih.shape[1] == gates * hidden_size
        raise ValueError(f"`weight_ih` has the wrong shape: expected ({rows}, input_size) = "
                         f"({gates * hidden_size}, input_size), got {shape_str(w_ih.shape)}"
                         + (" (it looks transposed)" if flipped else ""))
    b_ih = _expect_shape("bias_ih", bias_ih, (gates * hidden_size,), f"({rows},)")
    b_hh = _expect_shape("bias_hh", bias_hh, (gates * hidden_size,), f"({rows},)")
    return w_ih, w_hh, b_ih, b_hh


def _sequence_arrays(gates, xs, weights, **initial_states):
    """Check a runner's arguments; return xs, the initial states (in the order given) and
    the four weights, all as float64 arrays."""
    arrays = _weight_arrays(gates, *weights)
    input_size, hidden_size = arrays[0].shape[1], arrays[1].shape[1]
    xs = _float64("xs", xs)
    if xs.ndim != 2 or xs.shape[1] != input_size or len(xs) == 0:
        raise ValueError(f"`xs` has the wrong shape: expected (T, input_size) = "
                         f"(T, {input_size}) with T >= 1, got {shape_str(xs.shape)}")
    states = tuple(_expect_shape(name, value, (hidden_size,), "(hidden_size,)")
                   for name, value in initial_states.items())
    return xs, states, arrays


def _param_dict(params) -> dict:
    """``params`` checked to be the dict of `cell_params` (rnn_backward takes it whole)."""
    if not isinstance(params, Mapping):
        raise TypeError(f"`params` must be a dict with keys {', '.join(PARAM_NAMES)} "
                        f"(see cell_params), got {type_name(params)}")
    missing = [name for name in PARAM_NAMES if name not in params]
    if missing:
        raise ValueError(f"`params` is missing {', '.join(missing)} (see cell_params); "
                         f"expected the keys {', '.join(PARAM_NAMES)}")
    return {name: params[name] for name in PARAM_NAMES}


def _time_steps(length, reverse):
    """0, 1, ..., T-1, or T-1, ..., 0 when ``reverse``."""
    return range(length - 1, -1, -1) if reverse else range(length)
