"""Reference solutions of the exercises of lessons/01_why_order_matters.ipynb."""

from collections import Counter, defaultdict


def bag_of_words_cap(token_lists, labels):
    """The best accuracy any bag-of-words classifier can reach on these sentences.

    token_lists: N token lists (list of list of str); labels: N integer labels.
    Returns a float in [0, 1]: the sum over bags of the count of the bag's majority label,
    divided by N.
    """
    label_counts = defaultdict(Counter)  # bag -> how often each label occurs in it
    for tokens, label in zip(token_lists, labels, strict=True):
        label_counts[tuple(sorted(tokens))][label] += 1
    right = sum(max(counts.values()) for counts in label_counts.values())
    return right / len(labels)
