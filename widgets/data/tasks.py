"""Long-range memory tasks, generated on the fly (lessons 04 and 05).

Each function takes the sequence length (the distance the answer must be carried), a batch
size and a ``torch.Generator`` or an int seed, and returns ``(inputs, target)`` in batch_first
layout: inputs (B, T, input_size) float32, ready for ``nn.RNN(..., batch_first=True)``. Pass a
Generator to draw fresh batches in a training loop, an int seed for one fixed batch.

Lessons: 04, 05.
"""

from __future__ import annotations

import torch

from ..arguments import expect_at_most, expect_int, type_name

MAX_NUMBERS = 10**8
"""The most numbers one batch may hold (400 MB of float32): larger requests get a clear error."""

ADDING_BASELINE_MSE = 1.0 / 6.0
"""MSE of always predicting 1 on the adding problem: the variance of a sum of two independent
U(0, 1) values, 2 / 12 ≈ 0.167. A model must beat this to have learnt anything."""


def adding_problem(
    seq_len: int, batch_size: int, generator: torch.Generator | int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The adding problem: add the two marked numbers of a long sequence.

    Channel 0 of the inputs holds T random values in [0, 1); channel 1 is 1 at two steps,
    one in the first half and one in the second half (the markers), and 0 elsewhere.

    Returns:
        inputs: float32 (B, T, 2); target: float32 (B, 1), the sum of the two marked values.
        Always predicting 1 scores an MSE of ``ADDING_BASELINE_MSE`` ≈ 0.167.
    """
    seq_len = expect_int("seq_len", seq_len, low=2)
    batch_size = expect_int("batch_size", batch_size, low=1)
    expect_at_most("`batch_size` × `seq_len` × 2 channels", batch_size * seq_len * 2, MAX_NUMBERS)
    generator = _generator(generator)
    values = torch.rand(batch_size, seq_len, generator=generator)
    half = seq_len // 2
    first = torch.randint(0, half, (batch_size,), generator=generator)
    second = torch.randint(half, seq_len, (batch_size,), generator=generator)
    markers = torch.zeros(batch_size, seq_len)
    rows = torch.arange(batch_size)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    inputs = torch.stack([values, markers], dim=2)
    target = (values[rows, first] + values[rows, second]).unsqueeze(1)
    return inputs, target


def latching(
    seq_len: int, batch_size: int, generator: torch.Generator | int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Latching: remember one bit over T - 1 empty steps.

    Step 0 holds a random bit written as +1 (bit 1) or -1 (bit 0); steps 1 ... T-1 are 0.

    Returns:
        inputs: float32 (B, T, 1); target: float32 (B, 1), the bit (0 or 1), for
        ``nn.BCEWithLogitsLoss``. Chance accuracy is 50 %.
    """
    seq_len = expect_int("seq_len", seq_len, low=1)
    batch_size = expect_int("batch_size", batch_size, low=1)
    expect_at_most("`batch_size` × `seq_len`", batch_size * seq_len, MAX_NUMBERS)
    bits = torch.randint(0, 2, (batch_size,), generator=_generator(generator)).float()
    inputs = torch.zeros(batch_size, seq_len, 1)
    inputs[:, 0, 0] = 2.0 * bits - 1.0
    return inputs, bits.unsqueeze(1)


def recall_first(
    seq_len: int, batch_size: int, generator: torch.Generator | int, num_symbols: int = 4
) -> tuple[torch.Tensor, torch.Tensor]:
    """Recall the first token: name the symbol seen T - 1 steps ago.

    Every step is a one-hot symbol out of K = ``num_symbols``; the first is the one to recall,
    the T - 1 after it are random distractors from the same K symbols.

    Returns:
        inputs: float32 (B, T, K) one-hot; target: int64 (B,), the first symbol's index, the
        class index ``nn.CrossEntropyLoss`` expects (an index, not a float, so that
        ``logits.argmax(1) == target`` counts the hits). Chance accuracy is 1 / K.
    """
    seq_len = expect_int("seq_len", seq_len, low=1)
    batch_size = expect_int("batch_size", batch_size, low=1)
    num_symbols = expect_int("num_symbols", num_symbols, low=2)
    expect_at_most("`batch_size` × `seq_len` × `num_symbols`", batch_size * seq_len * num_symbols,
                   MAX_NUMBERS)
    symbols = torch.randint(
        0, num_symbols, (batch_size, seq_len), generator=_generator(generator))
    inputs = torch.nn.functional.one_hot(symbols, num_symbols).float()
    return inputs, symbols[:, 0].clone()


def _generator(generator: torch.Generator | int) -> torch.Generator:
    """A torch.Generator: the one given, or a new one seeded with the given int."""
    if isinstance(generator, torch.Generator):
        return generator
    if isinstance(generator, bool) or not isinstance(generator, int):
        raise TypeError("`generator` must be a torch.Generator or an int seed, "
                        f"got {type_name(generator)}")
    if generator < 0:
        raise ValueError(f"`generator` as a seed must be >= 0, got {generator}")
    return torch.Generator().manual_seed(generator)
