"""Reference solution of the exercise of lessons/06_gru.ipynb (peek only after trying)."""

import numpy as np


def gru_step(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    """One step of torch's GRU in numpy. Shapes: x_t (input_size,), h_prev (hidden_size,),
    weight_ih (3*hidden_size, input_size), weight_hh (3*hidden_size, hidden_size),
    bias_ih and bias_hh (3*hidden_size,), rows in the order r, z, n.
    Returns h_t, shape (hidden_size,)."""
    in_r, in_z, in_n = np.split(weight_ih @ x_t + bias_ih, 3)      # W_i* x_t + b_i*
    hid_r, hid_z, hid_n = np.split(weight_hh @ h_prev + bias_hh, 3)  # W_h* h_(t-1) + b_h*
    r_t = 1.0 / (1.0 + np.exp(-(in_r + hid_r)))  # reset gate
    z_t = 1.0 / (1.0 + np.exp(-(in_z + hid_z)))  # update gate
    n_t = np.tanh(in_n + r_t * hid_n)            # candidate: b_hn is inside r_t * (...)
    return (1.0 - z_t) * n_t + z_t * h_prev      # z_t near 1 keeps the old state
