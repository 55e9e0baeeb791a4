"""Loaders, the AG News reader, the tokenizer, Vocab, padding and the bag cap."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from widgets.data.loaders import (
    DATA_DIR,
    PAD_ID,
    UNK_ID,
    Vocab,
    ag_news_tokens,
    bag_cap,
    load_ag_news_csv,
    load_agreement,
    load_negation,
    load_topics,
    pad_batch,
    tokenize,
)

AG_NEWS_ROWS = (
    '"3","Wall St. Bears Claw Back","Reuters - Short-sellers, Wall Street\'s dwindling band, '
    'are seeing green again."\n'
    '"2","Phelps, Thorpe Advance","Michael Phelps and Ian Thorpe won their heats, '
    'and ""both"" looked strong."\n'
)


def test_loaders_find_data_relative_to_the_package():
    assert DATA_DIR == Path(__file__).resolve().parent.parent / "data"
    negation = load_negation("test")
    assert negation.label_names == ("negative", "positive")
    assert len(negation.tokens) == len(negation.labels) == len(negation.columns["kind"])
    agreement = load_agreement("train", data_dir=DATA_DIR)
    assert set(agreement.columns) == {"subject", "distance", "attractors"}
    assert all(isinstance(d, int) for d in agreement.columns["distance"])
    topics = load_topics("test", data_dir=str(DATA_DIR))
    assert len(topics) == len(topics.labels) and topics.label_names[3] == "Sci/Tech"


@pytest.mark.parametrize("loader", [load_negation, load_agreement, load_topics])
def test_loaders_reject_a_bad_split_and_name_a_missing_file(loader, tmp_path):
    with pytest.raises(ValueError, match=r"`split` must be one of 'train', 'test', got 'dev'"):
        loader("dev")
    with pytest.raises(FileNotFoundError, match=r"not found at .*python -m widgets.data.make_data"):
        loader("train", data_dir=tmp_path)
    with pytest.raises(TypeError, match="`data_dir` must be a folder path"):
        loader("train", data_dir=3)


def test_ag_news_reader_handles_quotes_commas_and_no_header(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text(AG_NEWS_ROWS, encoding="utf-8")
    data = load_ag_news_csv(path)
    assert data.labels == [2, 1]
    assert data.columns["title"] == ["Wall St. Bears Claw Back", "Phelps, Thorpe Advance"]
    assert data.columns["description"][1] == (
        'Michael Phelps and Ian Thorpe won their heats, and "both" looked strong.')
    assert data.tokens[1][:5] == ["phelps", ",", "thorpe", "advance", "."]
    assert data.tokens[0][-3:] == ["green", "again", "."]


def test_ag_news_reader_skips_a_header_row(tmp_path):
    path = tmp_path / "with_header.csv"
    path.write_text('"class","title","description"\n' + AG_NEWS_ROWS, encoding="utf-8")
    assert load_ag_news_csv(str(path)).labels == [2, 1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"5","Title","Text"\n', r"line 1: class must be 1, 2, 3 or 4, got '5'"),
        ('"1","T","D"\n"World","T","D"\n', r"line 2: class must be 1, 2, 3 or 4, got 'World'"),
        ('"1","Title only"\n', r"line 1: expected 3 fields \(class,title,description\), got 2"),
        ("", "holds no rows"),
    ],
)
def test_ag_news_reader_errors_name_the_line(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_ag_news_csv(path)


def test_ag_news_reader_rejects_a_missing_file_and_a_bad_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="no AG News style CSV file at .*nothing.csv"):
        load_ag_news_csv(tmp_path / "nothing.csv")
    with pytest.raises(TypeError, match="`path` must be a file path"):
        load_ag_news_csv(None)


def test_tokenizer_lowercases_and_splits_punctuation():
    assert tokenize("The Bank's rates, UP 2%!") == ["the", "bank's", "rates", ",", "up", "2",
                                                    "%", "!"]
    assert ag_news_tokens("Striker Scores", "The striker scored.") == [
        "striker", "scores", ".", "the", "striker", "scored", "."]


# Vocab, padding, bag cap ---------------------------------------------------------------


def test_vocab_ids_encode_decode_and_unknown_words():
    vocab = Vocab.build([["b", "a", "b"], ["c", "b", "a"]])
    assert vocab.itos == ["<pad>", "<unk>", "b", "a", "c"]  # by count, ties alphabetical
    assert (PAD_ID, UNK_ID) == (vocab["<pad>"], vocab["<unk>"]) == (0, 1)
    assert len(vocab) == 5 and "a" in vocab and "zebra" not in vocab
    assert vocab.encode(["a", "zebra", "c"]) == [3, 1, 4]
    assert vocab.decode([3, 1, 4]) == ["a", "<unk>", "c"]
    assert vocab.decode(torch.tensor([2, 0])) == ["b", "<pad>"]
    assert Vocab.build([["b", "a", "b"], ["c", "b", "a"]], min_count=2).itos[2:] == ["b", "a"]


def test_vocab_errors():
    with pytest.raises(ValueError, match="must start with '<pad>', '<unk>'"):
        Vocab(["a", "b"])
    with pytest.raises(ValueError, match="must not repeat"):
        Vocab(["<pad>", "<unk>", "a", "a"])
    with pytest.raises(ValueError, match=r"`min_count` must be in \[1, ...\], got 0"):
        Vocab.build([["a"]], min_count=0)
    vocab = Vocab.build([["a"]])
    with pytest.raises(ValueError, match=r"`ids\[...\]` must be in \[0, 2\], got 3"):
        vocab.decode([3])
    with pytest.raises(TypeError, match="`tokens` must be a list of str tokens, got str"):
        vocab.encode("a b")
    with pytest.raises(TypeError, match="`tokens` must hold str tokens, got a int"):
        vocab.encode(["a", 1])
    with pytest.raises(TypeError, match="`token_lists` must be a list of token lists"):
        Vocab.build("abc")


def test_pad_batch_pads_on_the_right_and_returns_lengths():
    vocab = Vocab.build([["x", "y", "z"]])
    ids, lengths = pad_batch([["x"], ["y", "z", "new"]], vocab)
    assert ids.dtype == lengths.dtype == torch.long
    assert ids.tolist() == [[vocab["x"], 0, 0], [vocab["y"], vocab["z"], 1]]
    assert lengths.tolist() == [1, 3]
    with pytest.raises(ValueError, match="at least one token list"):
        pad_batch([], vocab)
    with pytest.raises(ValueError, match=r"`token_lists\[1\]` is empty"):
        pad_batch([["x"], []], vocab)
    with pytest.raises(TypeError, match="`vocab` must be a Vocab, got dict"):
        pad_batch([["x"]], {"x": 2})
    with pytest.raises(TypeError, match=r"`token_lists\[0\]` must be a list of str tokens"):
        pad_batch(["x y"], vocab)


def test_bag_cap_counts_same_bag_pairs_with_other_labels():
    tokens = [["not", "good"], ["good", "not"], ["not", "good"], ["bad"], ["good"]]
    cap = bag_cap(tokens, [0, 1, 1, 0, 1])
    # One bag {not, good} with labels 0, 1, 1: two conflicting pairs, majority 2 of 3.
    assert cap.conflicting_pairs == 2 and cap.conflicting_examples == 3
    assert cap.num_bags == 3 and cap.num_examples == 5
    assert cap.cap == pytest.approx(4 / 5)
    assert bag_cap([["a", "b"], ["b", "a"]], [1, 1]).cap == 1.0
    with pytest.raises(ValueError, match=r"one label per token list \(2\)"):
        bag_cap([["a"], ["b"]], [0])
    with pytest.raises(TypeError, match=r"`labels\[...\]` must be an integer, got str"):
        bag_cap([["a"]], ["positive"])
