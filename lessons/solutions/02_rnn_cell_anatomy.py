"""Reference solutions to the exercises of lessons/02_rnn_cell_anatomy.ipynb (try them first)."""

import numpy as np


def rnn_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One step of the vanilla RNN, as torch.nn.RNN computes it.

    Shapes: x_t (input_size,), h_prev (hidden_size,), weight_ih (hidden_size, input_size),
    weight_hh (hidden_size, hidden_size), bias_ih and bias_hh (hidden_size,).
    Returns h_t, shape (hidden_size,).
    """
    return np.tanh(weight_ih @ x_t + bias_ih + weight_hh @ h_prev + bias_hh)


def rnn_forward(xs, h0, weight_ih, weight_hh, bias_ih, bias_hh):
    """Run rnn_step over a sequence, with the same weights at every step.

    Shapes: xs (T, input_size), h0 (hidden_size,), weights and biases as in rnn_step.
    Returns hs, shape (T, hidden_size): hs[t - 1] is h_t, the state after reading x_t = xs[t - 1].
    """
    h_t = h0
    hs = []
    for x_t in xs:
        h_t = rnn_step(x_t, h_t, weight_ih, weight_hh, bias_ih, bias_hh)
        hs.append(h_t)
    return np.stack(hs)
