"""Initialisations the lessons change on purpose: the LSTM's forget-gate bias (lesson 05) and
the spectral radius of a vanilla RNN's recurrent matrix (lesson 04).

Lessons: 04, 05.
"""

from __future__ import annotations

import torch
from torch import nn

from .arguments import expect_finite, expect_number, expect_type


def set_forget_bias(lstm: nn.Module, value: float) -> nn.Module:
    """Make the forget gate's total bias b_ih + b_hh equal ``value`` for every unit, layer and
    direction, in place, and return ``lstm``. In torch's gate order
    i, f, g, o the forget rows are ``hidden_size:2*hidden_size`` of ``bias_ih_*`` and
    ``bias_hh_*``: b_ih's forget rows are set to ``value`` and b_hh's to 0. A bias of 1-3
    starts f_t = σ(b) near 0.73-0.95, so the cell state is kept from step to step."""
    expect_type("lstm", lstm, (nn.LSTM, nn.LSTMCell), "a torch.nn.LSTM or torch.nn.LSTMCell")
    if not lstm.bias:
        raise ValueError("`lstm` was built with bias=False, so it has no forget-gate bias; "
                         "build it with bias=True")
    value, rows = expect_number("value", value), slice(lstm.hidden_size, 2 * lstm.hidden_size)
    with torch.no_grad():
        for name, parameter in lstm.named_parameters():
            if name.startswith("bias_ih"):
                parameter[rows] = value
            elif name.startswith("bias_hh"):
                parameter[rows] = 0.0
    return lstm


def scale_recurrent_weights(rnn: nn.Module, spectral_radius: float) -> nn.Module:
    """Rescale every ``weight_hh_*`` (hidden_size, hidden_size) of a vanilla RNN in place so its
    spectral radius (largest |eigenvalue|) equals ``spectral_radius``; return ``rnn``.
    Below 1 gradients vanish geometrically with distance; above 1 they can explode while the
    activations are small."""
    if isinstance(rnn, nn.LSTM | nn.GRU | nn.LSTMCell | nn.GRUCell):
        raise TypeError("`rnn` must be a vanilla torch.nn.RNN or RNNCell: an LSTM's or GRU's "
                        "weight_hh stacks several gate matrices, so it has no spectral radius")
    expect_type("rnn", rnn, (nn.RNN, nn.RNNCell), "a torch.nn.RNN or torch.nn.RNNCell")
    target = expect_number("spectral_radius", spectral_radius, low=0.0)
    with torch.no_grad():
        for name, weight in rnn.named_parameters():
            if name.startswith("weight_hh"):
                current = _largest_eigenvalue(weight, f"rnn.{name}")
                if current == 0.0:
                    raise ValueError(f"`rnn.{name}` has spectral radius 0; it cannot be scaled")
                weight.mul_(target / current)
    return rnn


def spectral_radius(matrix: torch.Tensor) -> float:
    """Largest |eigenvalue| of a square (n, n) matrix, computed in float64."""
    expect_type("matrix", matrix, torch.Tensor, "a torch.Tensor")
    if matrix.dim() != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
        raise ValueError(f"`matrix` must be square (n, n) with n >= 1, got shape "
                         f"{tuple(matrix.shape)}")
    return _largest_eigenvalue(matrix, "matrix")


def _largest_eigenvalue(matrix: torch.Tensor, name: str) -> float:
    """Checked first: torch's eigvals crashes the whole process on a NaN matrix."""
    expect_finite(name, matrix)
    return float(torch.linalg.eigvals(matrix.detach().double()).abs().max())
