"""Deliberately wrong solution of lessons/06_gru.ipynb, for tests/test_exercises.py: the
"reset before the bias" slip, b_hn added outside the reset product r_t * (W_hn h_(t-1))."""

import numpy as np


def gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """Wrong on purpose: n_t = tanh(W_in x_t + b_in + b_hn + r_t * (W_hn h_(t-1)))."""
    w_hr, w_hz, w_hn = np.split(weight_hh, 3)
    b_hr, b_hz, b_hn = np.split(bias_hh, 3)
    in_r, in_z, in_n = np.split(weight_ih @ x_t + bias_ih, 3)
    r_t = 1.0 / (1.0 + np.exp(-(in_r + w_hr @ h_prev + b_hr)))
    z_t = 1.0 / (1.0 + np.exp(-(in_z + w_hz @ h_prev + b_hz)))
    n_t = np.tanh(in_n + b_hn + r_t * (w_hn @ h_prev))
    return (1.0 - z_t) * n_t + z_t * h_prev
