"""The small models the lessons train (lesson 01 introduces the bag of embeddings, lesson 03
the recurrent classifier and its padding, lessons 04-05 the long-range models).

Every recurrent model here keeps its parts under torch's names, ``embedding`` and ``rnn``, so
the widgets (`StateStepper.from_model`, `GateViewer.from_model`) can trace it.

Lessons: 01, 02, 03, 04, 05, 06, 07, 08.
"""

from __future__ import annotations

import torch
from torch import nn

from .arguments import expect_at_most, expect_choice, expect_int, expect_number
from .initialization import set_forget_bias

RNN_CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
GATES = {"rnn": 1, "lstm": 4, "gru": 3}
MAX_PARAMETERS = 10**8
"""The most parameters a course model may have (400 MB of float32, and Adam keeps two more
copies): larger sizes get a clear error instead of running out of memory."""


class BagOfEmbeddings(nn.Module):
    """The order-blind baseline: the mean of the token embeddings, then a linear layer.

    forward(ids (B, T) int64 padded with 0, lengths (B,)) -> logits (B, num_classes).
    The order of the tokens cannot matter: a mean is the same in any order."""

    def __init__(self, vocab_size: int, embedding_dim: int, num_classes: int):
        super().__init__()
        vocab_size = expect_int("vocab_size", vocab_size, low=2)
        embedding_dim = expect_int("embedding_dim", embedding_dim, low=1)
        expect_at_most("the parameters of `vocab_size` × `embedding_dim`",
                       vocab_size * embedding_dim, MAX_PARAMETERS)
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.head = nn.Linear(embedding_dim, expect_int("num_classes", num_classes, low=2))

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        summed = self.embedding(ids).sum(dim=1)  # padding rows of the table are zero
        return self.head(summed / lengths.clamp(min=1).unsqueeze(1).to(summed.dtype))


class RecurrentClassifier(nn.Module):
    """Embedding -> RNN, LSTM or GRU -> linear layer on the final state.

    forward(ids (B, T) int64 right-padded with 0, lengths (B,)) -> logits (B, num_classes).
    The sequences are packed (`pack_padded_sequence`), so the padding never enters the
    recurrence: the final state of each sequence is the one after its own last token. For a
    bidirectional model the classifier reads both final states, forward and backward,
    concatenated (hidden_size * 2); for several layers, those of the top layer.
    """

    def __init__(self, vocab_size: int, embedding_dim: int, hidden_size: int, num_classes: int,
                 kind: str = "rnn", num_layers: int = 1, bidirectional: bool = False):
        super().__init__()
        kind = expect_choice("kind", kind, RNN_CLASSES)
        vocab_size = expect_int("vocab_size", vocab_size, low=2)
        embedding_dim = expect_int("embedding_dim", embedding_dim, low=1)
        hidden_size = expect_int("hidden_size", hidden_size, 1)
        num_layers = expect_int("num_layers", num_layers, 1, 4)
        directions = 2 if bidirectional else 1
        expect_at_most("the parameters of `vocab_size`, `embedding_dim`, `hidden_size` and "
                       "`num_layers`", vocab_size * embedding_dim + rnn_parameter_count(
                           kind, embedding_dim, hidden_size, num_layers, directions),
                       MAX_PARAMETERS)
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
        self.rnn = RNN_CLASSES[kind](embedding_dim, hidden_size, num_layers=num_layers,
                                     bidirectional=bool(bidirectional), batch_first=True)
        self.head = nn.Linear(hidden_size * directions,
                              expect_int("num_classes", num_classes, low=2))

    def final_state(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """The top layer's final state(s), (B, hidden_size * num_directions)."""
        packed = nn.utils.rnn.pack_padded_sequence(self.embedding(ids), lengths.cpu(),
                                                   batch_first=True, enforce_sorted=False)
        _, h_n = self.rnn(packed)
        if isinstance(h_n, tuple):  # an LSTM returns (h_n, c_n)
            h_n = h_n[0]
        directions = 2 if self.rnn.bidirectional else 1
        return torch.cat(list(h_n[-directions:]), dim=1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        return self.head(self.final_state(ids, lengths))


class LongRangeModel(nn.Module):
    """A recurrent layer on real-valued inputs and a linear read-out of its last state.

    forward(inputs (B, T, input_size)) -> (B, output_size).
    ``forget_bias``: for an LSTM, the forget gate's bias (b_ih + b_hh of the forget rows) is set
    to this value; torch's default draws it near 0, so the forget gate starts near 0.5.
    """

    def __init__(self, kind: str, input_size: int, hidden_size: int, output_size: int = 1,
                 forget_bias: float | None = None):
        super().__init__()
        kind = expect_choice("kind", kind, RNN_CLASSES)
        input_size = expect_int("input_size", input_size, 1)
        hidden_size = expect_int("hidden_size", hidden_size, 1)
        expect_at_most("the parameters of `input_size` and `hidden_size`",
                       rnn_parameter_count(kind, input_size, hidden_size), MAX_PARAMETERS)
        self.rnn = RNN_CLASSES[kind](input_size, hidden_size, batch_first=True)
        if forget_bias is not None:
            if kind != "lstm":
                raise ValueError(f"`forget_bias` applies to an LSTM only, got kind={kind!r}")
            set_forget_bias(self.rnn, expect_number("forget_bias", forget_bias))
        self.head = nn.Linear(hidden_size, expect_int("output_size", output_size, 1))

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(inputs)
        return self.head(output[:, -1])


def rnn_parameter_count(kind: str, input_size: int, hidden_size: int, num_layers: int = 1,
                        num_directions: int = 1) -> int:
    """The parameters torch gives an ``nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` with biases:
    gates × hidden_size × (layer input + hidden_size + 2) per layer and direction."""
    def layer(inputs: int) -> int:
        return num_directions * GATES[kind] * hidden_size * (inputs + hidden_size + 2)
    return layer(input_size) + (num_layers - 1) * layer(num_directions * hidden_size)
