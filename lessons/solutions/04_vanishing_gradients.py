"""Reference solutions to the exercises of lessons/04_vanishing_gradients.ipynb (try them
first)."""

import numpy as np


def step_jacobian(h_t, weight_hh):
    """J_t = ∂h_t/∂h_{t-1} = diag(1 - h_t²) W_hh for a tanh RNN.

    Shapes: h_t (hidden_size,), the state after reading x_t; weight_hh (hidden_size, hidden_size).
    Returns J_t, shape (hidden_size, hidden_size).
    """
    return np.diag(1 - h_t**2) @ weight_hh


def jacobian_product(hs, weight_hh, k):
    """∂h_T/∂h_k = J_T J_{T-1} ... J_{k+1} for a tanh RNN, with T = len(hs) - 1.

    Shapes: hs (T + 1, hidden_size), hs[t] is h_t (hs[0] is the initial state h_0);
    weight_hh (hidden_size, hidden_size); k an int with 0 <= k <= T.
    Returns (hidden_size, hidden_size): the identity when k = T.
    """
    T = len(hs) - 1
    product = np.eye(len(weight_hh))
    for t in range(T, k, -1):                  # t = T, T-1, ..., k+1
        product = product @ step_jacobian(hs[t], weight_hh)
    return product


def choose_max_norm():
    """Return your max_norm (a positive number) for clip_grad_norm_ in the exploding run."""
    return 1.0  # any threshold from about 0.1 to 3 trains it; far above the norms, nothing clips
