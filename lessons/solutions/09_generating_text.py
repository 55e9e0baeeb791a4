"""Reference solutions to the exercises of lessons/09_generating_text.ipynb (try them first)."""

import numpy as np


def bigram_perplexity(train_ids, test_ids, vocab_size):
    """Perplexity of test_ids (N,) under add-one-smoothed bigram counts of train_ids (M,).

    p(b | a) = (count(a, b) + 1) / (count(a, .) + vocab_size). Returns a float.
    """
    counts = np.ones((vocab_size, vocab_size))  # add-one smoothing: every pair starts at 1
    np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1)  # count each consecutive pair
    p = counts / counts.sum(axis=1, keepdims=True)  # row a: p(b | a)
    log_p = np.log(p[test_ids[:-1], test_ids[1:]])  # each test pair's probability
    return float(np.exp(-log_p.mean()))


def temperature_probs(logits, temperature):
    """softmax(logits / temperature) for logits (V,); temperature 0 means greedy.

    Returns (V,) probabilities that sum to 1.
    """
    logits = np.asarray(logits, dtype=float)
    if temperature == 0:  # greedy: all the probability on the (first) largest logit
        probs = np.zeros(len(logits))
        probs[np.argmax(logits)] = 1.0
        return probs
    scaled = (logits - logits.max()) / temperature  # subtract the max: exp never overflows
    return np.exp(scaled) / np.exp(scaled).sum()
