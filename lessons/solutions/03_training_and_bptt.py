"""Reference solutions for the exercises of lessons/03_training_and_bptt.ipynb (peek only after
trying)."""

import numpy as np


def rnn_backward_step(dh_t, h_t, h_prev, x_t, weight_ih, weight_hh):
    """One backward step of BPTT for the tanh RNN.

    Shapes: dh_t, h_t, h_prev (hidden_size,); x_t (input_size,);
    weight_ih (hidden_size, input_size); weight_hh (hidden_size, hidden_size).
    Returns (grad_weight_ih, grad_weight_hh, grad_bias, dh_prev): this step's terms of
    ∂L/∂weight_ih, ∂L/∂weight_hh and ∂L/∂bias_ih (= ∂L/∂bias_hh), and W_hh^T δ_t, the
    gradient that flows back into h_prev.
    """
    delta_t = dh_t * (1.0 - h_t**2)          # ∂L/∂a_t: tanh'(a_t) = 1 - h_t²
    grad_weight_ih = np.outer(delta_t, x_t)  # δ_t x_tᵀ
    grad_weight_hh = np.outer(delta_t, h_prev)  # δ_t h_{t-1}ᵀ
    dh_prev = weight_hh.T @ delta_t          # flows back into h_{t-1}
    return grad_weight_ih, grad_weight_hh, delta_t, dh_prev
