"""Deliberately wrong solutions to lessons/09_generating_text.ipynb: plausible learner mistakes
that the check cells must report (see tests/test_exercises.py)."""

import numpy as np


def bigram_perplexity(train_ids, test_ids, vocab_size):
    """Wrong on purpose: each row divided by the pair counts alone, forgetting that add-one
    smoothing also adds vocab_size to the denominator (the probabilities no longer sum to 1)."""
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1)
    p = (counts + 1) / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    return float(np.exp(-np.log(p[test_ids[:-1], test_ids[1:]]).mean()))


def temperature_probs(logits, temperature):
    """Wrong on purpose: the logits multiplied by the temperature instead of divided, so a
    high temperature sharpens the distribution (and temperature 0 gives a uniform one)."""
    scaled = np.asarray(logits, dtype=float) * temperature
    scaled -= scaled.max()
    return np.exp(scaled) / np.exp(scaled).sum()
