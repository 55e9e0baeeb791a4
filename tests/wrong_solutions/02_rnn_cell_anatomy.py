"""Deliberately wrong solutions to lessons/02_rnn_cell_anatomy.ipynb: plausible learner
mistakes that the check cells must report (see tests/test_exercises.py)."""

import numpy as np


def rnn_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """Wrong on purpose: one bias only (the seed's single b, forgetting torch's bias_hh)."""
    return np.tanh(weight_ih @ x_t + weight_hh @ h_prev + bias_ih)


def rnn_forward(xs, h0, weight_ih, weight_hh, bias_ih, bias_hh):
    """Wrong on purpose: the step is right, but the loop feeds h0 at every step instead of
    the previous state, so nothing is carried along the sequence."""
    return np.stack([np.tanh(weight_ih @ x_t + bias_ih + weight_hh @ h0 + bias_hh)
                     for x_t in xs])
