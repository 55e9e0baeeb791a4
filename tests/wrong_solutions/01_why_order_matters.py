"""Deliberately wrong solutions for lessons/01_why_order_matters.ipynb (test fixtures)."""

from collections import Counter, defaultdict


def bag_of_words_cap(token_lists, labels):
    """Wrong on purpose: groups by the token sequence, not the bag, so word order still
    separates the sentences (forgot to sort) and the "cap" comes out too high."""
    label_counts = defaultdict(Counter)
    for tokens, label in zip(token_lists, labels, strict=True):
        label_counts[tuple(tokens)][label] += 1
    right = sum(max(counts.values()) for counts in label_counts.values())
    return right / len(labels)
