"""Deliberately wrong solutions for lessons/08_capstone_text_classification.ipynb (test
fixtures: each check must print a mismatch)."""

import torch


def classify(embedding, rnn, head, ids, lengths):
    """Wrong on purpose: runs the recurrent layer over the padded tensor without packing, so
    every shorter text's final state is its state after the pads."""
    _, h_n = rnn(embedding(ids))
    if isinstance(h_n, tuple):
        h_n = h_n[0]
    if rnn.bidirectional:
        final_state = torch.cat([h_n[-2], h_n[-1]], dim=1)
    else:
        final_state = h_n[-1]
    return head(final_state)
