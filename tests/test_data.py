"""The committed data files: generated exactly, deterministic, and teaching what they claim."""

from __future__ import annotations

import re

import pytest

from widgets.data import make_data
from widgets.data.generators import agreement as data_agreement
from widgets.data.generators import negation as data_negation
from widgets.data.generators import topics as data_topics
from widgets.data.generators.common import count_rows
from widgets.data.loaders import (
    DATA_DIR,
    bag_cap,
    load_ag_news_csv,
    load_agreement,
    load_negation,
    load_topics,
)


@pytest.fixture(scope="module")
def built():
    return make_data.build_all()


def test_committed_files_are_what_the_generators_make(capsys):
    assert make_data.DATA_DIR == DATA_DIR
    assert make_data.main(["--check"]) == 0
    assert "match the generators" in capsys.readouterr().out


def test_check_names_a_changed_and_a_missing_file(tmp_path, capsys):
    make_data.write_all(tmp_path)
    assert make_data.main(["--check", "--data-dir", str(tmp_path)]) == 0
    changed = tmp_path / data_negation.FILE_NAME
    changed.write_bytes(changed.read_bytes().replace(b"the plot", b"the PLOT", 1))
    (tmp_path / data_topics.FILE_NAMES["test"]).unlink()
    assert make_data.main(["--check", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert data_negation.FILE_NAME in err and data_topics.FILE_NAMES["test"] in err
    assert data_agreement.FILE_NAME not in err


def test_generation_is_deterministic_and_seeded(built):
    assert make_data.build_all() == built
    assert data_negation.build(seed=data_negation.SEED + 1) != data_negation.build()
    assert data_agreement.build(seed=data_agreement.SEED + 1) != data_agreement.build()


def test_files_are_small_text_with_a_header(built):
    for name, text in built.items():
        assert len(text.encode("utf-8")) < 700_000, name
        assert text.endswith("\n") and "\r" not in text, name
    assert built[data_negation.FILE_NAME].split("\n")[0].split("\t") == list(data_negation.HEADER)
    assert built[data_agreement.FILE_NAME].startswith("\t".join(data_agreement.HEADER) + "\n")
    for name in data_topics.FILE_NAMES.values():
        assert built[name].startswith('"class","title","description"\n')


def test_readme_states_each_files_rows_bytes_license_and_command(built):
    readme = built[make_data.README]
    for name, text in built.items():
        if name == make_data.README:
            continue
        stated = re.search(rf"`{re.escape(name)}`: (\d+) rows plus a header line, (\d+) bytes",
                           readme)
        assert stated, name
        assert int(stated.group(1)) == count_rows(text)
        assert int(stated.group(2)) == len(text.encode("utf-8"))
    assert readme.count("License: CC0 1.0") == len(make_data.DATA_SETS) + 1  # + experiments
    assert "MIT" not in readme
    assert "python -m widgets.data.make_data --check" in readme
    for module in (data_negation, data_agreement, data_topics):
        assert f"seed {module.SEED}" in readme


# Negation --------------------------------------------------------------------------------


def _clause_label(tokens: list[str]) -> int:
    """The label the grammar gives a clause, recomputed from its tokens."""
    positive = tokens[-1] in data_negation.POSITIVE
    assert positive or tokens[-1] in data_negation.NEGATIVE
    negated = any(token in data_negation.NEGATORS for token in tokens)
    return int(positive != negated)


def test_negation_labels_follow_the_clause_after_but():
    for split in ("train", "test"):
        data = load_negation(split)
        for tokens, label, kind in zip(data.tokens, data.labels, data.columns["kind"],
                                       strict=True):
            clauses = " ".join(tokens).split(" but ")
            assert kind == ("single" if len(clauses) == 1 else "contrast")
            assert label == _clause_label(clauses[-1].split())
            if kind == "contrast":
                assert _clause_label(clauses[0].split()) != label
            assert len(tokens) <= 16


def test_negation_has_conflicting_bags_and_a_cap_in_the_aimed_range():
    train, test = load_negation("train"), load_negation("test")
    assert len(train) + len(test) >= 2000
    assert 0.15 <= len(test) / (len(train) + len(test)) <= 0.25
    for data in (train, test):
        cap = bag_cap(data.tokens, data.labels)
        assert cap.conflicting_pairs >= 0.15 * len(data)
        assert 0.75 <= cap.cap <= 0.85
        assert 0.4 <= sum(data.labels) / len(data) <= 0.6


def test_negation_splits_share_no_sentence_and_no_bag():
    train, test = load_negation("train"), load_negation("test")
    train_texts = [" ".join(t) for t in train.tokens]
    assert len(set(train_texts)) == len(train_texts)
    assert not set(train_texts) & {" ".join(t) for t in test.tokens}
    assert not {tuple(sorted(t)) for t in train.tokens} & {tuple(sorted(t)) for t in test.tokens}


# Agreement -------------------------------------------------------------------------------

NOUNS = data_agreement.PEOPLE + data_agreement.ANIMALS + data_agreement.PLACES
PLURALS = tuple(data_agreement.plural(noun) for noun in NOUNS)
STARTERS = data_agreement.PREPOSITIONS + data_agreement.RELATIVE_VERBS


def _phrase_number(tokens: list[str]) -> int:
    """0 singular or 1 plural, read off a noun phrase's tokens."""
    if "and" in tokens:
        return 1
    assert tokens[-1] in PLURALS + NOUNS + data_agreement.NAMES, tokens
    return int(tokens[-1] in PLURALS)


def _modifier_phrases(tokens: list[str]) -> list[list[str]]:
    """The noun phrases after each preposition or relative-clause verb."""
    phrases: list[list[str]] = []
    for token in tokens:
        if token in STARTERS:
            phrases.append([])
        elif token in (",", "who", "that"):
            continue
        else:
            phrases[-1].append(token)
    return phrases


def test_agreement_labels_distance_and_attractors_follow_the_grammar():
    seen_and = 0
    for split in ("train", "test"):
        data = load_agreement(split)
        columns = data.columns
        for i, tokens in enumerate(data.tokens):
            subject = columns["subject"][i].split(" ")
            assert tokens[: len(subject)] == subject
            if "and" in subject:
                seen_and += 1
                assert data.labels[i] == 1, subject
            if len(subject) == 1:
                assert subject[0] in data_agreement.NAMES and data.labels[i] == 0
            assert data.labels[i] == _phrase_number(subject)
            between = tokens[len(subject):]
            assert columns["distance"][i] == len(between)
            numbers = [_phrase_number(p) for p in _modifier_phrases(between)]
            assert columns["attractors"][i] == sum(n != data.labels[i] for n in numbers)
            assert len(tokens) <= 20
    assert seen_and > 500


def test_agreement_file_columns_and_balance(built):
    lines = built[data_agreement.FILE_NAME].splitlines()[1:]
    for line in lines:
        split, label, verb, *_ = line.split("\t")
        assert verb == data_agreement.VERB_FOR_LABEL[int(label)] and split in ("train", "test")
    train, test = load_agreement("train"), load_agreement("test")
    assert len(train) + len(test) == len(lines) >= 2000
    assert not {" ".join(t) for t in train.tokens} & {" ".join(t) for t in test.tokens}
    for data in (train, test):
        assert 0.4 <= sum(data.labels) / len(data) <= 0.6
        assert max(data.columns["distance"]) >= 12 and max(data.columns["attractors"]) >= 2
        assert sum(a > 0 for a in data.columns["attractors"]) >= 0.6 * len(data)


# Topics ----------------------------------------------------------------------------------


def test_topic_files_read_back_through_the_ag_news_reader():
    files = {split: load_ag_news_csv(DATA_DIR / name)
             for split, name in data_topics.FILE_NAMES.items()}
    for split, data in files.items():
        same = load_topics(split)
        assert same.tokens == data.tokens and same.labels == data.labels
        assert data.label_names == ("World", "Sports", "Business", "Sci/Tech")
        assert set(data.labels) == {0, 1, 2, 3}
        assert all(len(tokens) <= data_topics.MAX_TOKENS for tokens in data.tokens)
        for description in data.columns["description"]:
            assert description[0].isupper() and description.endswith(".")
    items = {split: set(zip(d.columns["title"], d.columns["description"], strict=True))
             for split, d in files.items()}
    assert not items["train"] & items["test"]
    assert len(files["train"]) + len(files["test"]) >= 2000


def test_topic_items_mostly_mix_two_topics():
    data = load_topics("train")
    links = {link.split()[0] for link in data_topics.DESCRIPTION_LINKS}
    mixed = sum(bool(links & set(tokens)) for tokens in data.tokens)
    assert 0.45 <= mixed / len(data) <= 0.75
