"""Token ids, padded batches and the bag-of-words cap (lessons 01, 03, 05, 08).

`Vocab` maps tokens to ids (``<pad>`` = 0, ``<unk>`` = 1), `pad_batch` turns token lists into
the (B, T) LongTensor and lengths that ``nn.Embedding`` and ``pack_padded_sequence`` take, and
`bag_cap` measures how far any bag-of-words classifier can get on a labelled data set.

Lessons: 01, 03, 05, 08.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch

from ..arguments import expect_int, expect_type, type_name

PAD, UNK = "<pad>", "<unk>"
PAD_ID, UNK_ID = 0, 1


class Vocab:
    """Token <-> id lookup; ids 0 and 1 are ``<pad>`` and ``<unk>``.

    Build it from the training tokens only, so test words it never saw map to ``<unk>``.
    """

    def __init__(self, tokens: Sequence[str]):
        """``tokens``: the vocabulary in id order, starting with "<pad>", "<unk>"."""
        if isinstance(tokens, Iterable) and not isinstance(tokens, str | Sequence):
            tokens = list(tokens)  # e.g. a generator
        tokens = _one_token_list("tokens", tokens)
        if tokens[:2] != [PAD, UNK]:
            raise ValueError(f"`tokens` must start with {PAD!r}, {UNK!r}, got {tokens[:2]!r}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("`tokens` must not repeat a token")
        self.itos = tokens
        self.stoi = {token: index for index, token in enumerate(tokens)}

    @classmethod
    def build(cls, token_lists: Iterable[Sequence[str]], min_count: int = 1) -> Vocab:
        """A vocabulary of every token seen at least ``min_count`` times, most frequent first
        (ties in alphabetical order, so the ids never depend on the data's order)."""
        min_count = expect_int("min_count", min_count, low=1)
        counts = Counter(token for tokens in _token_lists(token_lists) for token in tokens)
        kept = [t for t, n in counts.items() if n >= min_count and t not in (PAD, UNK)]
        kept.sort(key=lambda token: (-counts[token], token))
        return cls([PAD, UNK, *kept])

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    def __getitem__(self, token: str) -> int:
        """The id of ``token``; unknown tokens get ``<unk>`` (1)."""
        return self.stoi.get(token, UNK_ID)

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Token list (length T) -> id list (length T); unknown tokens -> 1."""
        return [self[token] for token in _one_token_list("tokens", tokens)]

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Id list or 1-D tensor (length T) -> token list (length T)."""
        if isinstance(ids, torch.Tensor):
            ids = ids.tolist()
        if isinstance(ids, str) or not isinstance(ids, Iterable):
            raise TypeError("`ids` must be a list of int ids or a 1-D tensor, got "
                            f"{type_name(ids)}")
        return [self.itos[expect_int("ids[...]", i, low=0, high=len(self) - 1)] for i in ids]

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens: {', '.join(self.itos[:6])}, ...)"


def pad_batch(
    token_lists: Sequence[Sequence[str]], vocab: Vocab
) -> tuple[torch.Tensor, torch.Tensor]:
    """Encode B token lists and pad them on the right with ``<pad>`` (0).

    Returns ``(ids, lengths)``: ids a LongTensor (B, T) with T the longest length, lengths a
    LongTensor (B,) on the CPU, as ``nn.utils.rnn.pack_padded_sequence`` wants them.
    """
    expect_type("vocab", vocab, Vocab, "a Vocab")
    token_lists = _token_lists(token_lists)
    if not token_lists:
        raise ValueError("`token_lists` must hold at least one token list, got none")
    lengths = [len(tokens) for tokens in token_lists]
    if min(lengths) == 0:
        empty = lengths.index(0)
        raise ValueError(f"`token_lists[{empty}]` is empty; every sequence needs a token")
    ids = torch.full((len(token_lists), max(lengths)), PAD_ID, dtype=torch.long)
    for row, tokens in enumerate(token_lists):
        ids[row, : len(tokens)] = torch.tensor(vocab.encode(tokens), dtype=torch.long)
    return ids, torch.tensor(lengths, dtype=torch.long)


@dataclass(frozen=True)
class BagCap:
    """What word order is worth on a labelled data set.

    Attributes:
        conflicting_pairs: pairs of examples with the same bag of words (multiset of tokens)
            and different labels.
        conflicting_examples: examples whose bag also occurs with another label.
        cap: the best accuracy any function of the bag of words can reach (the majority label
            of every bag), in [0, 1].
        num_examples: number of examples; num_bags: number of distinct bags.
    """

    conflicting_pairs: int
    conflicting_examples: int
    cap: float
    num_examples: int
    num_bags: int


def bag_cap(token_lists: Sequence[Sequence[str]], labels: Sequence[int]) -> BagCap:
    """Count same-bag, different-label pairs and the bag-of-words accuracy cap.

    ``token_lists``: N token lists; ``labels``: N integer labels. A bag-of-embeddings model
    (any model that sees only which tokens occur how often) scores at most ``cap``.
    """
    token_lists = _token_lists(token_lists)
    labels = list(labels)
    if len(labels) != len(token_lists) or not labels:
        raise ValueError(f"`labels` must have one label per token list ({len(token_lists)}) "
                         f"and at least one, got {len(labels)}")
    groups: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    for tokens, label in zip(token_lists, labels, strict=True):
        groups[tuple(sorted(tokens))][expect_int("labels[...]", label)] += 1
    pairs = conflicting = best = 0
    for counts in groups.values():
        sizes = list(counts.values())
        pairs += (sum(sizes) ** 2 - sum(n * n for n in sizes)) // 2
        conflicting += sum(sizes) if len(sizes) > 1 else 0
        best += max(sizes)
    return BagCap(pairs, conflicting, best / len(labels), len(labels), len(groups))


def _one_token_list(name: str, tokens: object) -> list[str]:
    """``tokens`` as a list of str, or a clear error (a plain string is not a token list)."""
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(f"`{name}` must be a list of str tokens, got {type_name(tokens)}")
    for token in tokens:
        if not isinstance(token, str):
            raise TypeError(f"`{name}` must hold str tokens, got a {type_name(token)}")
    return list(tokens)


def _token_lists(token_lists: object, name: str = "token_lists") -> list[list[str]]:
    """A list of token lists, each checked by `_one_token_list`; ``name`` names the argument."""
    if isinstance(token_lists, str) or not isinstance(token_lists, Iterable):
        raise TypeError(f"`{name}` must be a list of token lists, got {type_name(token_lists)}")
    return [_one_token_list(f"{name}[{i}]", tokens) for i, tokens in enumerate(token_lists)]
