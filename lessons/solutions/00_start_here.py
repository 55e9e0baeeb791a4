"""Solutions to the exercises of lesson 00 (try them yourself first)."""

import numpy as np


def one_hot(ids, vocab_size):
    """ids: a list of T ints in [0, vocab_size). Returns a float array (T, vocab_size)."""
    vectors = np.zeros((len(ids), vocab_size))
    vectors[np.arange(len(ids)), ids] = 1.0
    return vectors
