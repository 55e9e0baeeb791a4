"""Batches, accuracy and predictions for the text classifiers."""

import pytest
import torch

from widgets.data.batching import accuracy, make_batches, parameter_count, predict
from widgets.data.loaders import TokenData, Vocab, load_negation
from widgets.models import BagOfEmbeddings, RecurrentClassifier


def small_data():
    return TokenData(tokens=[["a", "b"], ["c"], ["a", "b", "c"], ["b"], ["c", "a"]],
                     labels=[0, 1, 1, 0, 1], label_names=("no", "yes"))


def test_batches_cover_every_example_once_and_are_padded_per_batch():
    data = small_data()
    vocab = Vocab.build(data.tokens)
    batches = make_batches(data, vocab, batch_size=2, shuffle=True, seed=3)
    assert [len(labels) for _, labels in batches] == [2, 2, 1]
    seen = sorted(tuple(vocab.decode(ids[i, :n].tolist()))
                  for (ids, lengths), _ in batches for i, n in enumerate(lengths.tolist()))
    assert seen == sorted(tuple(t) for t in data.tokens)
    for (ids, lengths), _ in batches:
        assert ids.shape[1] == int(lengths.max())
    again = make_batches(data, vocab, batch_size=2, shuffle=True, seed=3)
    assert all(torch.equal(a[0][0], b[0][0]) for a, b in zip(batches, again, strict=True))


def test_accuracy_and_predict_agree_with_a_direct_computation():
    torch.manual_seed(0)
    data = load_negation("test")
    vocab = Vocab.build(load_negation("train").tokens)
    batches = make_batches(data, vocab, batch_size=64, shuffle=False)
    model = RecurrentClassifier(len(vocab), 8, 8, 2, kind="gru")
    predicted = predict(model, batches)
    assert predicted.shape == (len(data),)
    expected = sum(int(p) == y for p, y in zip(predicted, data.labels, strict=True)) / len(data)
    assert accuracy(model, batches) == pytest.approx(expected)


def test_parameter_count():
    model = BagOfEmbeddings(vocab_size=10, embedding_dim=4, num_classes=3)
    assert parameter_count(model) == 10 * 4 + 4 * 3 + 3


def test_errors():
    with pytest.raises(TypeError, match="`data` must be a widgets.TokenData"):
        make_batches([["a"]], Vocab.build([["a"]]))
    with pytest.raises(ValueError, match="`batch_size`"):
        make_batches(small_data(), Vocab.build(small_data().tokens), batch_size=0)
    with pytest.raises(ValueError, match="`batches` is empty"):
        accuracy(BagOfEmbeddings(4, 2, 2), [])
