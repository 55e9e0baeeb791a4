"""Deliberately wrong solutions to lessons/04_vanishing_gradients.ipynb: plausible learner
mistakes that the check cells must report (see tests/test_exercises.py)."""

import numpy as np


def step_jacobian(h_t, weight_hh):
    """Wrong on purpose: the slopes scale the columns (W_hh diag(1 - h_t²)) instead of the
    rows, as if tanh acted before the matrix product."""
    return weight_hh @ np.diag(1 - h_t**2)


def jacobian_product(hs, weight_hh, k):
    """Wrong on purpose: the factors are multiplied in reading order, J_{k+1} ... J_T, instead
    of the chain rule's J_T ... J_{k+1} (the step itself is right)."""
    product = np.eye(len(weight_hh))
    for t in range(k + 1, len(hs)):
        product = product @ (np.diag(1 - hs[t] ** 2) @ weight_hh)
    return product


def choose_max_norm():
    """Wrong on purpose: a threshold so large that clipping never bites, so the run explodes
    exactly as without clipping."""
    return 1000.0
