"""The name-tagging task of lesson 07: tags recomputed from the grammar, determinism, the
left context deciding nothing without a cue, batches, loss and predictions."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from widgets.data.tagging import (
    CUES,
    FILLERS,
    IGNORE_INDEX,
    NAMES,
    OPENINGS,
    OTHER,
    PERSON,
    PLACE,
    PREDICATES,
    TAG_NAMES,
    TaggedData,
    name_tagging,
    predict_tags,
    tag_batches,
    tagging_loss,
)
from widgets.data.vocab import Vocab

DATA = name_tagging(600, seed=3)


def test_same_seed_same_sentences_other_seed_other_sentences():
    again = name_tagging(600, seed=3)
    assert again.tokens == DATA.tokens and again.tags == DATA.tags
    assert again.columns == DATA.columns
    assert name_tagging(600, seed=4).tokens != DATA.tokens


def test_names_are_tagged_by_the_predicate_and_everything_else_is_other():
    predicate_tag = {tuple(p.split()): tag for tag, ps in PREDICATES.items() for p in ps}
    for tokens, tags, start in zip(DATA.tokens, DATA.tags, DATA.columns["predicate_start"],
                                   strict=True):
        assert len(tokens) == len(tags)
        tag = predicate_tag[tuple(tokens[start:])]
        for token, token_tag in zip(tokens, tags, strict=True):
            assert token_tag == (tag if token in NAMES else OTHER)
        assert all(token not in NAMES for token in tokens[start:])


def test_columns_count_names_and_mark_the_cue_before_them():
    cues = {tuple(c.split()): (tag, several) for tag, pair in CUES.items()
            for several, c in enumerate(pair)}
    for i, tokens in enumerate(DATA.tokens):
        names = [t for t in tokens if t in NAMES]
        assert len(names) == DATA.columns["num_names"][i] == len(set(names))
        first = tokens.index(names[0])
        found = [cue for cue in cues if tuple(tokens[first - len(cue):first]) == cue]
        assert bool(found) == DATA.columns["cue"][i]
        if found:
            assert cues[found[0]] == (max(DATA.tags[i]), len(names) > 1)


def test_without_a_cue_the_words_before_the_predicate_do_not_decide_the_tag():
    data = name_tagging(3000, seed=0)
    shared = {w for text in OPENINGS + FILLERS for w in text.split()} | {"and", ","}
    tags_with_word = {}
    for tokens, tags, start, cue in zip(data.tokens, data.tags,
                                        data.columns["predicate_start"], data.columns["cue"],
                                        strict=True):
        if not cue:
            for word in tokens[:start]:
                tags_with_word.setdefault(word, set()).add(max(tags))
    assert set(tags_with_word) == shared | set(NAMES)
    assert all(tags == {PERSON, PLACE} for tags in tags_with_word.values())
    assert 0.45 < sum(max(tags) == PERSON for tags in data.tags) / len(data) < 0.55
    assert 0.2 < sum(data.columns["cue"]) / len(data) < 0.3
    assert set(data.columns["num_names"]) == {1, 2, 3}


def test_batches_pad_ids_with_zero_and_tags_with_the_ignore_index():
    vocab = Vocab.build(DATA.tokens)
    batches = tag_batches(DATA, vocab, batch_size=64, shuffle=False)
    assert len(batches) == 10
    (ids, lengths), tags = batches[1]
    assert ids.shape == tags.shape == (64, int(lengths.max()))
    for row in range(64):
        n = int(lengths[row])
        assert tags[row, :n].tolist() == DATA.tags[64 + row]
        assert vocab.decode(ids[row, :n]) == DATA.tokens[64 + row]
        assert (ids[row, n:] == 0).all() and (tags[row, n:] == IGNORE_INDEX).all()
    shuffled = tag_batches(DATA, vocab, batch_size=64, seed=1)
    assert torch.equal(shuffled[0][1], tag_batches(DATA, vocab, batch_size=64, seed=1)[0][1])
    assert sum(len(b[1]) for b in shuffled) == len(DATA)


def test_loss_skips_padding():
    torch.manual_seed(0)
    logits = torch.randn(2, 4, 3)
    tags = torch.tensor([[1, 0, 2, IGNORE_INDEX], [2, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]])
    real = F.cross_entropy(torch.stack([logits[0, 0], logits[0, 1], logits[0, 2], logits[1, 0]]),
                           torch.tensor([1, 0, 2, 2]))
    torch.testing.assert_close(tagging_loss(logits, tags), real)
    with pytest.raises(ValueError, match="logits"):
        tagging_loss(logits[0], tags)


class Echo(torch.nn.Module):
    """Predicts the tag whose id is ids % 3: a model with a known answer."""

    def forward(self, ids, lengths):
        return F.one_hot(ids % 3, 3).float()


def test_predictions_have_each_sentences_length_in_batch_order():
    vocab = Vocab.build(DATA.tokens)
    batches = tag_batches(DATA, vocab, batch_size=50, shuffle=False)
    predicted = predict_tags(Echo(), batches)
    assert [len(p) for p in predicted] == [len(t) for t in DATA.tokens]
    assert predicted[7] == [i % 3 for i in vocab.encode(DATA.tokens[7])]


def test_bad_arguments_name_themselves():
    with pytest.raises(ValueError, match="num_sentences"):
        name_tagging(0)
    with pytest.raises(ValueError, match="seed"):
        name_tagging(5, seed=-1)
    with pytest.raises(TypeError, match="data"):
        tag_batches(DATA.tokens, Vocab.build(DATA.tokens))
    with pytest.raises(TypeError, match="vocab"):
        tag_batches(DATA, {"a": 2})
    assert isinstance(DATA, TaggedData) and DATA.tag_names == TAG_NAMES == (
        "other", "person", "place")
