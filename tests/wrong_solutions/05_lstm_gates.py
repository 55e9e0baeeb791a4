"""Deliberately wrong solutions to lessons/05_lstm_gates.ipynb: plausible learner mistakes
that the check cells must report (see tests/test_exercises.py)."""

import numpy as np


def lstm_step(x_t, h_prev, c_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """Wrong on purpose: the blocks read in the order f, i, g, o (the forget and input gates
    swapped), a common slip when the gates are remembered as "forget, input, output"."""
    a_t = weight_ih @ x_t + bias_ih + weight_hh @ h_prev + bias_hh
    a_f, a_i, a_g, a_o = np.split(a_t, 4)
    i_t, f_t = 1 / (1 + np.exp(-a_i)), 1 / (1 + np.exp(-a_f))
    g_t, o_t = np.tanh(a_g), 1 / (1 + np.exp(-a_o))
    c_t = f_t * c_prev + i_t * g_t
    return o_t * np.tanh(c_t), c_t


def latching_forget_bias():
    """Wrong on purpose: 0, torch's default in effect, so f_t starts near 0.5 and the gradient
    along c_t halves at every step: the LSTM stays at chance at distance 50."""
    return 0.0
