"""A tagging task whose answer lies to the right: is each name a person or a place? (lesson
07_bidirectional_and_multilayer).

Sentences come from a small seeded grammar: "yesterday , Paris and Jordan waved at us" or
"Paris and Jordan flooded". Every name can be a person or a place; only the predicate after
the names says which ("waved at us": person, "flooded": place). So at a name, a forward
(left-to-right) state has not seen the deciding words yet, while a backward state has. In a
quarter of the sentences a cue before the names also decides it ("my friends Paris and
Jordan ...", "the cities of Paris and Jordan ..."): there the left context suffices.

Tags per token: 0 "other", 1 "person", 2 "place". `tag_batches` pads the tags with
``IGNORE_INDEX`` so that `tagging_loss` and the accuracies skip the padding.

Lessons: 07.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from ..arguments import expect_int, expect_type
from .batching import batch_rows
from .generators.common import chance, pick
from .vocab import Vocab, pad_batch

TAG_NAMES = ("other", "person", "place")
OTHER, PERSON, PLACE = 0, 1, 2
IGNORE_INDEX = -100
"""The tag of padding positions; ``F.cross_entropy``'s default ``ignore_index``."""
NAMES = ("Austin", "Charlotte", "Chelsea", "Dallas", "Florence", "Georgia", "Jordan",
         "Lincoln", "Madison", "Paris", "Sydney", "Victoria")
"""Each one is both a first name and a place name."""
PREDICATES = {  # past tense, so one form fits one name or several
    PERSON: ("laughed", "smiled", "waved at us", "sang a song", "wrote a letter",
             "said hello"),
    PLACE: ("flooded", "hosted the games", "lay by the sea", "built a new harbour",
            "elected a mayor", "had a big port"),
}
CUES = {PERSON: ("my friend", "my friends"), PLACE: ("the city of", "the cities of")}
"""(before one name, before several): a left context that decides the tag."""
OPENINGS = ("", "", "yesterday ,", "last week ,", "in the end ,")
FILLERS = ("", "", "also", "often", "then")
CUE_PROBABILITY = 0.25
MAX_NAMES = 3


@dataclass(frozen=True)
class TaggedData:
    """N sentences tagged token by token.

    Attributes:
        tokens: N token lists (list of list of str).
        tags: N tag lists of the same lengths, ids into ``tag_names``.
        tag_names: ("other", "person", "place").
        columns: per-sentence facts, name -> N values: "cue" (bool, a cue before the names
            decides the tag), "predicate_start" (int, the index of the predicate's first
            token), "num_names" (int, 1 to 3).
    """

    tokens: list[list[str]]
    tags: list[list[int]]
    tag_names: tuple[str, ...] = TAG_NAMES
    columns: dict[str, list] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.tokens)


def name_tagging(num_sentences: int, seed: int = 0) -> TaggedData:
    """``num_sentences`` tagged sentences from the grammar above, the same for the same
    ``seed``. Persons and places are equally likely, and the names are drawn
    independently of the tag, so without a cue no left context can tell them apart."""
    num_sentences = expect_int("num_sentences", num_sentences, low=1)
    rng = np.random.default_rng(expect_int("seed", seed, low=0))
    data = TaggedData([], [], TAG_NAMES, {"cue": [], "predicate_start": [], "num_names": []})
    for _ in range(num_sentences):
        tokens, tags, facts = _sentence(rng)
        data.tokens.append(tokens)
        data.tags.append(tags)
        for name, value in facts.items():
            data.columns[name].append(value)
    return data


def _sentence(rng: np.random.Generator) -> tuple[list[str], list[int], dict]:
    """One sentence: opening, optional cue, 1-3 names, optional filler, predicate."""
    tag = PERSON if chance(rng, 0.5) else PLACE
    names = [NAMES[i] for i in rng.permutation(len(NAMES))[: 1 + int(rng.integers(MAX_NAMES))]]
    cue = chance(rng, CUE_PROBABILITY)
    tokens, tags = [], []

    def add(words: str | list[str], word_tag: int = OTHER) -> None:
        words = words.split() if isinstance(words, str) else words
        tokens.extend(words)
        tags.extend([word_tag] * len(words))

    add(pick(rng, OPENINGS))
    if cue:
        add(CUES[tag][len(names) > 1])
    for index, name in enumerate(names):
        if index > 0:
            add("and" if index == len(names) - 1 else ",")
        add([name], tag)
    add(pick(rng, FILLERS))
    start = len(tokens)
    add(pick(rng, PREDICATES[tag]))
    return tokens, tags, {"cue": cue, "predicate_start": start, "num_names": len(names)}


def tag_batches(data: TaggedData, vocab: Vocab, batch_size: int = 32, shuffle: bool = True,
                seed: int = 0) -> list:
    """Cut ``data`` into batches ``((ids (B, T), lengths (B,)), tags (B, T))``.

    ids are right-padded with ``<pad>`` = 0 and tags with ``IGNORE_INDEX``; each batch is
    padded only to its own longest sentence. ``shuffle`` orders the sentences with a generator
    seeded by ``seed``; with ``shuffle=False`` the batches keep the data's order."""
    expect_type("data", data, TaggedData, "a widgets.data.tagging.TaggedData")
    expect_type("vocab", vocab, Vocab, "a widgets.Vocab")
    batches = []
    for rows in batch_rows(len(data), batch_size, shuffle, seed):
        ids, lengths = pad_batch([data.tokens[i] for i in rows], vocab)
        tags = torch.full(ids.shape, IGNORE_INDEX, dtype=torch.long)
        for row, i in enumerate(rows):
            tags[row, : len(data.tags[i])] = torch.tensor(data.tags[i], dtype=torch.long)
        batches.append(((ids, lengths), tags))
    return batches


def tagging_loss(logits: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the real tokens of a batch.

    logits (B, T, num_tags), tags (B, T) with ``IGNORE_INDEX`` at padding positions."""
    if logits.dim() != 3 or tags.shape != logits.shape[:2]:
        raise ValueError("`logits` must be (B, T, num_tags) and `tags` (B, T), got "
                         f"{tuple(logits.shape)} and {tuple(tags.shape)}")
    return F.cross_entropy(logits.flatten(0, 1), tags.flatten(), ignore_index=IGNORE_INDEX)


@torch.no_grad()
def predict_tags(model: torch.nn.Module, batches: Sequence) -> list[list[int]]:
    """The predicted tag of every token, one list per sentence (its own length), in the
    batches' order. ``model(ids, lengths)`` must return (B, T, num_tags)."""
    model.eval()
    predicted = []
    for (ids, lengths), _ in batches:
        best = model(ids, lengths).argmax(dim=-1)
        predicted.extend(best[row, :length].tolist() for row, length in enumerate(lengths))
    return predicted
