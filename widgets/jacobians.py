"""Vanishing and exploding gradients in numpy: the Jacobians of the vanilla RNN through time
(lesson 04_vanishing_gradients).

For the vanilla RNN h_t = tanh(a_t), a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, one step
back through time multiplies by the Jacobian

    J_t = ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh          (relu: diag([h_t > 0]) W_hh)

and the chain rule gives ∂h_T/∂h_k = J_T J_{T-1} ... J_{k+1} (the identity when k = T).
States are numbered as `widgets.rnn_forward` returns them: ``hs[t]`` is h_t, t = 0 ... T, so
``hs`` has T + 1 rows and the last state is h_T = ``hs[-1]``.

Lessons: 04.
"""

from __future__ import annotations

import numpy as np

from .arguments import expect_choice, expect_int, shape_str, type_name
from .reference import NONLINEARITIES


def step_jacobian(h_t, weight_hh, nonlinearity: str = "tanh") -> np.ndarray:
    """J_t = ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh (relu: diag([h_t > 0]) W_hh), float64.

    h_t (hidden_size,) is the state *after* step t (tanh' is written with it), weight_hh
    (hidden_size, hidden_size). Returns (hidden_size, hidden_size): row i scaled by unit i's
    slope."""
    weight_hh = _square("weight_hh", weight_hh)
    h_t = _array("h_t", h_t)
    if h_t.shape != (len(weight_hh),):
        raise ValueError(f"`h_t` must have shape (hidden_size,) = ({len(weight_hh)},), got "
                         f"{shape_str(h_t.shape)}")
    return _slope(h_t, nonlinearity)[:, None] * weight_hh


def jacobian_product(hs, weight_hh, k: int, nonlinearity: str = "tanh") -> np.ndarray:
    """∂h_T/∂h_k = J_T J_{T-1} ... J_{k+1} with T = len(hs) - 1, float64.

    hs (T + 1, hidden_size): the states h_0 ... h_T (e.g. from `widgets.rnn_forward`);
    weight_hh (hidden_size, hidden_size); 0 <= k <= T. Returns (hidden_size, hidden_size);
    the identity for k = T. Equal to torch's autograd Jacobian of h_T with respect to h_k."""
    hs, weight_hh = _states(hs, weight_hh)
    k = expect_int("k", k, 0, len(hs) - 1)
    product = np.eye(len(weight_hh))
    for t in range(len(hs) - 1, k, -1):            # t = T, T-1, ..., k+1
        product = product @ step_jacobian(hs[t], weight_hh, nonlinearity)
    return product


def jacobian_norms(hs, weight_hh, nonlinearity: str = "tanh") -> np.ndarray:
    """The spectral norm (largest singular value) of ∂h_T/∂h_k for every k = 0 ... T, as one
    (T + 1,) float64 array indexed by k; entry T is 1. The products are built from k = T down,
    one matrix product per step."""
    hs, weight_hh = _states(hs, weight_hh)
    norms = np.empty(len(hs))
    product = np.eye(len(weight_hh))
    for k in range(len(hs) - 1, -1, -1):
        norms[k] = np.linalg.norm(product, 2)
        if k > 0:
            product = product @ step_jacobian(hs[k], weight_hh, nonlinearity)
    return norms


def _slope(h_t: np.ndarray, nonlinearity: str) -> np.ndarray:
    """dh_t/da_t written with h_t: tanh' = 1 - h_t², relu' = [h_t > 0]."""
    expect_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    return 1.0 - h_t**2 if nonlinearity == "tanh" else (h_t > 0).astype(np.float64)


def _array(name: str, value) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be an array of numbers, got {type_name(value)}") from None


def _square(name: str, value) -> np.ndarray:
    array = _array(name, value)
    if array.ndim != 2 or array.shape[0] != array.shape[1]:
        raise ValueError(f"`{name}` must have shape (hidden_size, hidden_size), got "
                         f"{shape_str(array.shape)}")
    return array


def _states(hs, weight_hh) -> tuple[np.ndarray, np.ndarray]:
    weight_hh = _square("weight_hh", weight_hh)
    hs = _array("hs", hs)
    if hs.ndim != 2 or hs.shape[1] != len(weight_hh) or len(hs) == 0:
        raise ValueError(f"`hs` must have shape (T + 1, hidden_size) = (T + 1, "
                         f"{len(weight_hh)}), got {shape_str(hs.shape)}")
    return hs, weight_hh
