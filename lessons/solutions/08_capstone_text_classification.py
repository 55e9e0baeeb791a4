"""Reference solutions for the exercises of lessons/08_capstone_text_classification.ipynb (peek
only after trying)."""

import torch
from torch import nn


def classify(embedding, rnn, head, ids, lengths):
    """Logits of a recurrent classifier on a right-padded batch.

    embedding: nn.Embedding; rnn: nn.RNN, nn.LSTM or nn.GRU built with batch_first=True (any
    num_layers, one or two directions); head: nn.Linear(hidden_size * num_directions,
    num_classes); ids (B, T) int64 padded with 0; lengths (B,) int64 on the CPU.
    Returns logits (B, num_classes), computed from each text's state after its own last token.
    """
    packed = nn.utils.rnn.pack_padded_sequence(embedding(ids), lengths, batch_first=True,
                                               enforce_sorted=False)
    _, h_n = rnn(packed)              # h_n: (num_layers * num_directions, B, hidden_size)
    if isinstance(h_n, tuple):        # an LSTM returns (h_n, c_n)
        h_n = h_n[0]
    if rnn.bidirectional:             # the top layer's forward and backward final states
        final_state = torch.cat([h_n[-2], h_n[-1]], dim=1)
    else:
        final_state = h_n[-1]
    return head(final_state)
