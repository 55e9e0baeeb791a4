"""Deliberately wrong solutions of lesson 00 (test fixtures: the checks must catch them)."""

import numpy as np


def one_hot(ids, vocab_size):
    """Wrong on purpose: the one-hot vectors as columns, (vocab_size, T)."""
    vectors = np.zeros((vocab_size, len(ids)))
    vectors[ids, np.arange(len(ids))] = 1.0
    return vectors
