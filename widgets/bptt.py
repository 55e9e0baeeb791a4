"""Backpropagation through time (BPTT) for the vanilla RNN, written out in numpy (lesson 03).

The forward pass of lesson 02, for t = 0, ..., T-1:

    a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh        (the pre-activation)
    h_t = tanh(a_t)                                    (or relu(a_t))

The loss L reads some of the states (a classifier often reads only h_{T-1}); ``grad_hs[t]`` is
∂L/∂h_t through those direct reads. But h_t also feeds h_{t+1}, so the total gradient of h_t
collects what flows back from the later steps. Walking backwards from the last step:

    dh_t = grad_hs[t] + W_hh^T da_{t+1}                total ∂L/∂h_t  (da_T = 0)
    da_t = dh_t ⊙ tanh'(a_t) = dh_t ⊙ (1 - h_t²)       (relu: dh_t ⊙ [h_t > 0])
    ∂L/∂W_ih += da_t x_t^T      ∂L/∂W_hh += da_t h_{t-1}^T      ∂L/∂b_ih = ∂L/∂b_hh += da_t
    ∂L/∂x_t = W_ih^T da_t       ∂L/∂h0 = W_hh^T da_0

The weights are shared by all steps, so their gradients are sums over the steps.

Lessons: 02, 03.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arguments import expect_choice, shape_str
from .reference import NONLINEARITIES, _float64, _param_dict, rnn_forward


@dataclass(frozen=True, eq=False)
class RNNGradients:
    """The gradients of the loss L computed by `rnn_backward`.

    Each field holds ∂L/∂(the thing it is named after), with that thing's shape:
    weight_ih (hidden_size, input_size), weight_hh (hidden_size, hidden_size), bias_ih and
    bias_hh (hidden_size,), h0 (hidden_size,), xs (T, input_size), and hs (T, hidden_size):
    the total ∂L/∂h_t, including what flows back from the steps after t.
    """

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray
    h0: np.ndarray
    xs: np.ndarray
    hs: np.ndarray


def rnn_backward(xs, h0, params, grad_hs, nonlinearity="tanh"):
    """Backpropagation through time for the vanilla RNN of `widgets.reference.rnn_forward`;
    equal to torch's autograd on ``nn.RNN(...).double()``.

    Args:
        xs: the inputs, (T, input_size).
        h0: the initial state, (hidden_size,).
        params: the dict of `widgets.reference.cell_params` (weight_ih, weight_hh, bias_ih,
            bias_hh).
        grad_hs: ∂L/∂h_t through the loss's direct reads of each state, (T, hidden_size);
            e.g. zeros except the last row when a classifier reads only the final state.
        nonlinearity: "tanh" or "relu", as the RNN's.

    Returns:
        `RNNGradients`: the gradients for the four parameters, h0, every x_t, and the total
        ∂L/∂h_t of every step.
    """
    expect_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    params = _param_dict(params)
    hs = rnn_forward(xs, h0, **params, nonlinearity=nonlinearity)  # also checks the shapes
    grad_hs = _upstream(grad_hs, hs.shape)
    xs, h0 = np.asarray(xs, dtype=np.float64), np.asarray(h0, dtype=np.float64)
    weight_ih = np.asarray(params["weight_ih"], dtype=np.float64)
    weight_hh = np.asarray(params["weight_hh"], dtype=np.float64)
    h_prevs = np.vstack([h0, hs[:-1]])                        # h_prevs[t] is h_{t-1}

    grad_w_ih, grad_w_hh = np.zeros_like(weight_ih), np.zeros_like(weight_hh)
    grad_bias, grad_xs, total_hs = np.zeros(len(h0)), np.zeros_like(xs), np.zeros_like(hs)
    from_later = np.zeros(len(h0))                            # W_hh^T da_{t+1}; 0 after the end
    for t in reversed(range(len(xs))):
        total_hs[t] = grad_hs[t] + from_later                 # dh_t
        da_t = total_hs[t] * _activation_slope(hs[t], nonlinearity)
        grad_w_ih += np.outer(da_t, xs[t])
        grad_w_hh += np.outer(da_t, h_prevs[t])
        grad_bias += da_t
        grad_xs[t] = weight_ih.T @ da_t
        from_later = weight_hh.T @ da_t                       # flows into h_{t-1}
    return RNNGradients(weight_ih=grad_w_ih, weight_hh=grad_w_hh, bias_ih=grad_bias,
                        bias_hh=grad_bias.copy(), h0=from_later, xs=grad_xs, hs=total_hs)


def _activation_slope(h_t, nonlinearity):
    """dh_t/da_t, written with h_t itself: tanh' = 1 - tanh², relu' = 1 where h_t > 0 else 0."""
    if nonlinearity == "tanh":
        return 1.0 - h_t**2
    return (h_t > 0).astype(np.float64)


def _upstream(grad_hs, shape):
    grad_hs = _float64("grad_hs", grad_hs)
    if grad_hs.shape != shape:
        raise ValueError(f"`grad_hs` has the wrong shape: expected (T, hidden_size) = "
                         f"{shape_str(shape)}, got {shape_str(grad_hs.shape)}")
    return grad_hs
