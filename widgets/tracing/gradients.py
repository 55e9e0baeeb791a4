"""Gradients through time: ‖∂L/∂h_k‖ for every step k of a torch RNN, LSTM or GRU, per-token
input saliency ‖∂L/∂x_k‖, and the decay of ∂h_T/∂h_k with distance at initialisation
(lesson 04_vanishing_gradients; lesson 05_lstm_gates compares the LSTM).

How ∂L/∂h_k is obtained: torch's fused layer keeps the intermediate states inside one
autograd node, so the module is called once per step (T calls on length-1 sequences, the
state handed from call to call). Every h_k is then a tensor of the graph and one
``torch.autograd.grad`` call returns the *total* ∂L/∂h_k (through every later step) for all k
at once; it never touches the parameters' ``.grad``. Making each h_k a detached leaf would cut
the chain and give only the one-step term. For a Jacobian (``loss="last_state"``) the sequence
is repeated H times as a batch and copy j back-propagates h_{T-1}[j], so one backward pass gives
all H rows. Float64 is used for `decay_with_distance`, so tiny values do not round to 0; for
an RNN it multiplies the one-step Jacobians diag(φ'_t) W_hh itself (the same numbers, a few
times faster: the DecayDemo recomputes a curve at every notch), for an LSTM or GRU it asks
autograd.

Lessons: 04, 05.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..arguments import (
    expect_at_most,
    expect_choice,
    expect_int,
    expect_number,
    expect_type,
    shape_str,
    type_name,
)
from ..initialization import scale_recurrent_weights, set_forget_bias, spectral_radius
from .record import check_parameters, module_dtype, module_kind, one_sequence, token_labels
from .trace_data import GATE_NAMES

MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
MAX_STEPS = 10_000
"""`gradient_flow` calls the module once per step: longer sequences are refused, not hung on."""
MAX_NUMBERS = 2**25
"""The most numbers a Jacobian computation may keep per step and state (T × copies × hidden):
about 1 GB of autograd graph at most; larger requests get a clear error."""


@dataclass(frozen=True, eq=False)
class GradientTrace:
    """Gradient norms of one model on one sequence of T tokens.

    Attributes: ``kind`` ("rnn" | "lstm" | "gru"), ``label`` (legend name), ``tokens`` (T str),
    ``hidden_grad`` (T,) ‖∂L/∂h_k‖ (top layer's h_k), ``input_grad`` (T,) ‖∂L/∂x_k‖ (saliency
    of input k), ``cell_grad`` (T,) ‖∂L/∂c_k‖ for an LSTM else None, ``loss`` (its name)."""

    kind: str
    label: str
    tokens: list[str]
    hidden_grad: np.ndarray
    input_grad: np.ndarray
    cell_grad: np.ndarray | None = None
    loss: str = "last_state"

    def __post_init__(self) -> None:
        expect_choice("kind", self.kind, GATE_NAMES)
        if isinstance(self.tokens, str) or not isinstance(self.tokens, Sequence):
            raise TypeError(f"`tokens` must be a list of str, got {type_name(self.tokens)}")
        if not self.tokens:
            raise ValueError("`tokens` must hold at least one token, got none")
        names = ["hidden_grad", "input_grad"] + ["cell_grad"] * (self.cell_grad is not None)
        for name in names:
            values = getattr(self, name)
            expect_type(name, values, np.ndarray, "a numpy array of T gradient norms")
            if values.shape != (len(self.tokens),):
                raise ValueError(f"`{name}` must have shape (T,) = ({len(self.tokens)},), one "
                                 f"norm per token, got {shape_str(values.shape)}")

    def __len__(self) -> int:
        return len(self.tokens)


@dataclass(frozen=True, eq=False)
class DecayCurve:
    """``relative[k]`` = ‖∂h_T/∂h_k‖ / ‖∂h_T/∂h_T‖ for k = 0..T, shape (T+1,); 1 at k = T.
    ``spectral_radius``: of the RNN's W_hh, ``forget_bias``: the LSTM's (else None)."""

    kind: str
    label: str
    relative: np.ndarray
    hidden_size: int
    spectral_radius: float | None = None
    forget_bias: float | None = None

    @property
    def T(self) -> int:
        return len(self.relative) - 1

    @property
    def distance(self) -> np.ndarray:
        """(T+1,) distance T - k of each entry of ``relative``."""
        return np.arange(self.T, -1, -1)

    def at(self, distance: int) -> float:
        """The relative gradient at ``distance`` steps before the last state."""
        return float(self.relative[self.T - expect_int("distance", distance, 0, self.T)])


def gradient_flow(module: nn.Module, inputs: torch.Tensor, tokens: Sequence[str] | None = None,
                  loss: str | Callable = "last_state", label: str | None = None) -> GradientTrace:
    """‖∂L/∂h_k‖ and ‖∂L/∂x_k‖ for every step k of one sequence.

    Args:
        module: a unidirectional ``nn.RNN``, ``nn.LSTM`` or ``nn.GRU`` (any num_layers).
        inputs: (T, input_size) or a batch of one in the module's layout (as `widgets.trace`).
        tokens: T labels (default "0", "1", ...).
        loss: "last_state": the Jacobian of the last state, ‖∂h_{T-1}/∂h_k‖_F / √H (1 at the
            last step for one layer); or a callable ``loss(output) -> scalar tensor`` where
            ``output`` (T, hidden_size) is the top layer's h_t, e.g. a classifier's loss.
        label: legend name (default the kind, e.g. "LSTM").
    Returns a `GradientTrace` with (T,) arrays. h_k (and c_k) is the top layer's state after
    token k: ∂L/∂h_k is the total gradient reaching it through the output at k and every later
    step; for an LSTM h_k and c_k are the two halves of the state, each gradient taken with the
    other held fixed (so ∂L/∂c_{T-1} = 0 when L reads only h_{T-1}).
    """
    kind = module_kind(module)
    if module.bidirectional:
        raise ValueError("`module` is bidirectional; gradient_flow follows one direction's "
                         "chain of states: it must be a unidirectional module")
    check_parameters(module)
    x = one_sequence(module, inputs, module_dtype(module))
    tokens = token_labels(tokens, x.shape[0])
    loss_name = _loss_name(loss)
    label = kind.upper() if label is None else str(label)
    batch = module.hidden_size if loss_name == "last_state" else 1
    if x.shape[0] > MAX_STEPS:
        raise ValueError(f"`inputs` has T = {x.shape[0]} steps: gradient_flow runs the module "
                         f"once per step, so T must be at most {MAX_STEPS}")
    expect_at_most(f"`inputs`' T = {x.shape[0]} steps × {batch} copies × num_layers × "
                   "hidden_size (the states the backward pass keeps)",
                   x.shape[0] * batch * module.num_layers * module.hidden_size, MAX_NUMBERS)
    x_steps = x.unsqueeze(1).repeat(1, batch, 1).requires_grad_()
    zeros = x.new_zeros(module.num_layers, batch, module.hidden_size)
    with _one_thread(), torch.enable_grad():
        hs, cs = _run_steps(module, kind, x_steps, zeros, zeros if kind == "lstm" else None)
        grads = torch.autograd.grad(_loss_value(loss, hs), [x_steps, *hs, *cs],
                                    allow_unused=True)
    input_grad = [_norm(g, batch) for g in grads[0].unbind(0)]
    hidden_grad = [_norm(g, batch) for g in grads[1: len(hs) + 1]]
    cell_grad = np.array([_norm(g, batch) for g in grads[len(hs) + 1:]]) if cs else None
    return GradientTrace(kind, label, tokens, np.array(hidden_grad), np.array(input_grad),
                         cell_grad, loss_name)


def decay_with_distance(kind: str, hidden_size: int = 32, T: int = 50,
                        recurrent_scale: float | None = None, forget_bias: float | None = None,
                        *, nonlinearity: str = "tanh", num_sequences: int = 4,
                        warmup: int = 20, input_scale: float = 1.0, seed: int = 0) -> DecayCurve:
    """‖∂h_T/∂h_k‖ / ‖∂h_T/∂h_T‖ for k = 0..T of a freshly initialised one-layer network on
    random N(0, input_scale²) inputs (input_size = hidden_size),

    The norm is the Frobenius norm of the Jacobian over √H (so 1 at k = T), pooled as a root
    mean square over ``num_sequences`` sequences. The network first reads ``warmup`` random
    steps, so the window does not start from the all-zero state. ``recurrent_scale`` (RNN
    only) rescales W_hh to that spectral radius, ``forget_bias`` (LSTM only) is set with
    `set_forget_bias`; None keeps torch's default init. Seeded; the global RNG is untouched.
    Returns a `DecayCurve`; hidden 32, T = 100 takes tens of ms.
    """
    module, x = _fresh_module(kind, hidden_size, T, nonlinearity, num_sequences, warmup, seed)
    x = x * expect_number("input_scale", input_scale, low=0.0)
    _initialise(module, kind, recurrent_scale, forget_bias)
    with _one_thread():
        relative = (_rnn_decay if kind == "rnn" else _autograd_decay)(module, kind, x, T)
    if not np.isfinite(relative).all():
        raise ValueError("the gradients overflowed: lower `recurrent_scale` or `T`")
    radius = spectral_radius(module.weight_hh_l0) if kind == "rnn" else None
    return DecayCurve(kind, _curve_label(kind, nonlinearity, radius, forget_bias),
                      relative, hidden_size, radius, None if forget_bias is None else
                      float(forget_bias))


def _autograd_decay(module, kind, x, T: int) -> np.ndarray:
    """`decay_with_distance`'s T + 1 values, k = 0..T, by autograd (module docstring): each
    sequence of ``x`` (warmup + T, n, H) repeated H times, copy j back-propagating h_T[j]."""
    n, warmup, hidden_size = x.shape[1], x.shape[0] - T, module.hidden_size
    with torch.enable_grad():
        h, c = _warm_states(module, kind, x[:warmup], n)
        h_start = h.repeat_interleave(hidden_size, dim=1).requires_grad_()
        c_start = None if c is None else c.repeat_interleave(hidden_size, dim=1)
        hs, _ = _run_steps(module, kind, x[warmup:].repeat_interleave(hidden_size, dim=1),
                           h_start, c_start)
        rows = hs[-1][0].view(n, hidden_size, hidden_size)
        grads = torch.autograd.grad(rows.diagonal(dim1=1, dim2=2).sum(), [h_start, *hs],
                                    allow_unused=True)
    return np.array([0.0 if g is None else math.sqrt(
        float((g[0].view(n, -1) ** 2).sum(1).mean()) / hidden_size) for g in grads])


def _rnn_decay(module, kind, x, T: int) -> np.ndarray:
    """`_autograd_decay` for a one-layer RNN, from the chain rule written out: with
    h_t = φ(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), ∂h_t/∂h_{t-1} = diag(φ'_t) W_hh, where
    φ'_t = 1 - h_t² (tanh) or [h_t > 0] (relu), so ∂h_T/∂h_k = ∂h_T/∂h_{k+1} diag(φ'_{k+1})
    W_hh, one (n, H, H) product per step (what autograd computes, a few times faster)."""
    n, warmup = x.shape[1], x.shape[0] - T
    with torch.no_grad():
        h, _ = _warm_states(module, kind, x[:warmup], n)
        states, _ = module(x[warmup:], h)                          # h_1..h_T: (T, n, H)
        if not bool(torch.isfinite(states).all()):   # overflowed: autograd's would be NaN
            return np.full(T + 1, np.nan)
        slopes = 1 - states**2 if module.nonlinearity == "tanh" else (states > 0).to(x.dtype)
        jacobian = torch.eye(module.hidden_size, dtype=x.dtype).expand(n, -1, -1)
        squares = [jacobian.square().sum((1, 2))]
        for t in range(T - 1, -1, -1):                             # k = t: ∂h_T/∂h_t
            jacobian = (jacobian * slopes[t][:, None, :]) @ module.weight_hh_l0
            squares.append(jacobian.square().sum((1, 2)))
    return np.array([math.sqrt(float(s.mean()) / module.hidden_size) for s in squares[::-1]])


def _fresh_module(kind, hidden_size, T, nonlinearity, num_sequences, warmup, seed):
    """A float64 one-layer module and random inputs (warmup + T, num_sequences, hidden_size),
    both drawn from ``seed`` inside a forked RNG."""
    expect_choice("kind", kind, MODULES)
    hidden_size = expect_int("hidden_size", hidden_size, 1, 512)
    T = expect_int("T", T, 1, 1000)
    options = {"nonlinearity": expect_choice("nonlinearity", nonlinearity, ["tanh", "relu"])}
    if kind != "rnn" and nonlinearity != "tanh":
        raise ValueError(f'`nonlinearity` applies to kind "rnn" only, got {nonlinearity!r} '
                         f"for kind {kind!r}")
    shape = (expect_int("warmup", warmup, 0, 1000) + T,
             expect_int("num_sequences", num_sequences, 1, 64), hidden_size)
    expect_at_most("`T` × `num_sequences` × `hidden_size`²", T * shape[1] * hidden_size**2,
                   MAX_NUMBERS)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(expect_int("seed", seed, 0))
        module = MODULES[kind](hidden_size, hidden_size, **(options if kind == "rnn" else {}))
        x = torch.randn(shape, dtype=torch.float64)
    return module.double(), x


def _initialise(module, kind, recurrent_scale, forget_bias) -> None:
    """Apply the demo's two knobs, each only to the kind it belongs to."""
    if recurrent_scale is not None:
        if kind != "rnn":
            raise ValueError(f'`recurrent_scale` applies to kind "rnn" only, got kind {kind!r}')
        scale_recurrent_weights(module, expect_number("recurrent_scale", recurrent_scale,
                                                      low=0.0))
    if forget_bias is not None:
        if kind != "lstm":
            raise ValueError(f'`forget_bias` applies to kind "lstm" only, got kind {kind!r}')
        set_forget_bias(module, expect_number("forget_bias", forget_bias))


def _warm_states(module, kind, x, n):
    """The states (1, n, H) after reading ``x`` (warmup, n, H) from zeros, without a graph."""
    h = x.new_zeros(1, n, module.hidden_size)
    state = (h, h) if kind == "lstm" else h
    if len(x):
        with torch.no_grad():
            _, state = module(x, state)
    return state if kind == "lstm" else (state, None)


def _curve_label(kind, nonlinearity, radius, forget_bias) -> str:
    if kind == "rnn":
        return f"{nonlinearity} RNN (spectral radius {radius:.2f})"
    knob = "default init" if forget_bias is None else f"forget bias {forget_bias:g}"
    return f"{kind.upper()} ({knob})"


@contextmanager
def _one_thread():
    """Run torch on one thread, then restore the count: these small sequential matmuls are
    faster without threads, and a second thread only competes with the notebook's others."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _run_steps(module, kind, x_steps, h, c):
    """Call ``module`` once per step on x_steps (T, B, I); states (L, B, H) per step."""
    hs, cs = [], []
    for t in range(x_steps.shape[0]):
        x_t = x_steps[t: t + 1].transpose(0, 1) if module.batch_first else x_steps[t: t + 1]
        _, state = module(x_t, (h, c) if kind == "lstm" else h)
        h, c = state if kind == "lstm" else (state, None)
        hs.append(h)
        cs += [] if c is None else [c]
    return hs, cs


def _loss_name(loss) -> str:
    if isinstance(loss, str):
        return expect_choice("loss", loss, ["last_state"])
    if not callable(loss):
        raise TypeError(f'`loss` must be "last_state" or a callable, got {type_name(loss)}')
    return getattr(loss, "__name__", type_name(loss))


def _loss_value(loss, hs) -> torch.Tensor:
    if isinstance(loss, str):
        return hs[-1][-1].diagonal().sum()  # copy j of the batch carries h_{T-1}[j]
    value = loss(torch.stack([h[-1, 0] for h in hs]))
    if not isinstance(value, torch.Tensor) or value.numel() != 1:
        raise ValueError("`loss(output)` must return a scalar tensor, got "
                         f"{type_name(value)} {tuple(getattr(value, 'shape', ()))}")
    if not value.requires_grad:
        raise ValueError("`loss(output)` does not depend on `output` (was it detached?)")
    return value.reshape(())


def _norm(grad, batch: int) -> float:
    """Frobenius norm over the batch of Jacobian rows, divided by √batch; None (unused) is 0.
    A state's gradient (num_layers, batch, H) counts its top layer only."""
    grad = grad if grad is None or grad.dim() == 2 else grad[-1]
    return 0.0 if grad is None else float(grad.norm()) / math.sqrt(batch)
