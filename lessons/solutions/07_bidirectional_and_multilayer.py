"""Reference solution of the exercise of lessons/07_bidirectional_and_multilayer.ipynb (try it
first)."""

import torch


def final_states(output, h_n, num_layers, bidirectional):
    """The top layer's final hidden states, ready for a classifier.

    output: (T, B, num_directions * H) and h_n: (num_layers * num_directions, B, H), as one call
    of torch's nn.RNN, nn.GRU or nn.LSTM (batch_first=False) returns them.
    Returns (B, num_directions * H): the top layer's forward state after the last token, then
    (if bidirectional) its backward state after the first token. Use h_n.
    """
    num_directions = 2 if bidirectional else 1
    batch_size, hidden_size = h_n.shape[1], h_n.shape[2]
    top = h_n.view(num_layers, num_directions, batch_size, hidden_size)[-1]  # (D, B, H)
    return torch.cat(list(top), dim=1)  # forward, then backward
