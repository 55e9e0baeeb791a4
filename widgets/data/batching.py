"""Batches of padded token ids, accuracy and predictions for the text classifiers (lesson 03
explains padding; lessons 01, 05-08 reuse it).

A batch is ``((ids, lengths), labels)``: ids (B, T) int64 right-padded with ``<pad>`` = 0,
lengths (B,) int64, labels (B,) int64, which is what `widgets.fit` and the models of
`widgets.models` take.

Lessons: 01, 02, 03, 05, 06, 07, 08.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from ..arguments import expect_int, expect_type, type_name
from .loaders import TokenData
from .vocab import Vocab, pad_batch


def make_batches(data: TokenData, vocab: Vocab, batch_size: int = 32, shuffle: bool = True,
                 seed: int = 0) -> list:
    """Cut a `TokenData` into batches ``((ids (B, T), lengths (B,)), labels (B,))``.

    ``shuffle`` orders the examples with a generator seeded by ``seed`` (the same batches on
    every run); each batch is padded only to its own longest sequence."""
    expect_type("data", data, TokenData, "a widgets.TokenData")
    expect_type("vocab", vocab, Vocab, "a widgets.Vocab")
    if len(data) == 0:
        raise ValueError("`data` must hold at least one example, got an empty TokenData")
    batches = []
    for rows in batch_rows(len(data), batch_size, shuffle, seed):
        ids, lengths = pad_batch([data.tokens[i] for i in rows], vocab)
        labels = torch.tensor([data.labels[i] for i in rows], dtype=torch.long)
        batches.append(((ids, lengths), labels))
    return batches


def batch_rows(count: int, batch_size: int, shuffle: bool, seed: int) -> list[np.ndarray]:
    """The example indices of each batch: 0 ... count-1 cut into runs of ``batch_size``, in
    an order drawn from ``seed`` when ``shuffle`` (the same on every run)."""
    batch_size = expect_int("batch_size", batch_size, low=1)
    order = np.arange(count)
    if shuffle:
        order = np.random.default_rng(expect_int("seed", seed, low=0)).permutation(count)
    return [order[start:start + batch_size] for start in range(0, count, batch_size)]


@torch.no_grad()
def predict(model: torch.nn.Module, batches: Sequence) -> torch.Tensor:
    """The predicted class of every example of ``batches``, in order, (N,) int64."""
    _check_batches(model, batches)
    model.eval()
    return torch.cat([model(*inputs).argmax(dim=1) for inputs, _ in batches])


def accuracy(model: torch.nn.Module, batches: Sequence) -> float:
    """The fraction of examples in ``batches`` whose predicted class equals the label."""
    _check_batches(model, batches)
    labels = torch.cat([labels for _, labels in batches])
    return float((predict(model, batches) == labels).double().mean())


def parameter_count(model: torch.nn.Module) -> int:
    """The number of trainable numbers in ``model``."""
    expect_type("model", model, torch.nn.Module, "a torch.nn.Module")
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def _check_batches(model, batches) -> None:
    """``model`` a torch module; ``batches`` a non-empty list of ``((ids, lengths), labels)``."""
    expect_type("model", model, torch.nn.Module, "a torch.nn.Module")
    if isinstance(batches, torch.Tensor) or not isinstance(batches, Sequence):
        raise TypeError("`batches` must be a list of ((ids, lengths), labels) batches (see "
                        f"make_batches), got {type_name(batches)}")
    if not batches:
        raise ValueError("`batches` is empty: it must hold at least one batch; make them "
                         "with make_batches(data, vocab)")
    for number, batch in enumerate(batches):
        if not (isinstance(batch, tuple | list) and len(batch) == 2
                and isinstance(batch[0], tuple | list)):
            raise TypeError(f"`batches[{number}]` must be a pair ((ids, lengths), labels) as "
                            f"make_batches makes them, got {type_name(batch)}")
