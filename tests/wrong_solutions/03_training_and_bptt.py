"""Deliberately wrong solutions for lessons/03_training_and_bptt.ipynb (test fixtures: each
check must print a mismatch)."""

import numpy as np


def rnn_backward_step(dh_t, h_t, h_prev, x_t, weight_ih, weight_hh):
    """Wrong on purpose: sends δ_t back through weight_hh instead of its transpose."""
    delta_t = dh_t * (1.0 - h_t**2)
    grad_weight_ih = np.outer(delta_t, x_t)
    grad_weight_hh = np.outer(delta_t, h_prev)
    dh_prev = weight_hh @ delta_t
    return grad_weight_ih, grad_weight_hh, delta_t, dh_prev
