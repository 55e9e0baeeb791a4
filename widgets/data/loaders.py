"""Loaders for the course's data sets in data/ (lessons 01, 03, 05, 08) and the AG News reader.

Each loader returns a `TokenData`: token lists, integer labels, the label names and any extra
columns. The files are written by ``python -m widgets.data.make_data`` (see data/README.md); the
vocabulary, padding and bag-of-words cap live in `widgets.data.vocab` and are re-exported here.

Lessons: 01, 03, 05, 08.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..arguments import expect_choice, expect_int, expect_type
from ..paths import DATA_DIR
from .generators import agreement, negation, topics
from .generators.common import REBUILD, ag_news_tokens, tokenize
from .vocab import PAD, PAD_ID, UNK, UNK_ID, BagCap, Vocab, _token_lists, bag_cap, pad_batch

__all__ = [
    "DATA_DIR", "PAD", "PAD_ID", "UNK", "UNK_ID", "BagCap", "TokenData", "Vocab",
    "ag_news_tokens", "bag_cap", "load_ag_news_csv", "load_agreement", "load_negation",
    "load_topics", "pad_batch", "tokenize",
]

"""The repository's data/ folder, found relative to this package."""
SPLITS = ("train", "test")


@dataclass(frozen=True)
class TokenData:
    """A labelled token data set of N examples.

    Attributes:
        tokens: N token lists (list of list of str).
        labels: N integer labels, 0 ... len(label_names) - 1.
        label_names: the name of each label id.
        columns: extra per-example columns, name -> list of N values (e.g. "distance").
    """

    tokens: list[list[str]]
    labels: list[int]
    label_names: tuple[str, ...]
    columns: dict[str, list] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _check_token_data(self)

    def __len__(self) -> int:
        return len(self.labels)


def load_negation(split: str = "train", data_dir: str | Path | None = None) -> TokenData:
    """The negation sentiment reviews of one split.

    Labels 0 negative, 1 positive; column "kind" ("single" or "contrast"). Sentences are at
    most 13 tokens long.
    """
    rows = _read_tsv(negation.FILE_NAME, split, data_dir)
    return TokenData(
        tokens=[row["text"].split(" ") for row in rows],
        labels=[int(row["label"]) for row in rows],
        label_names=negation.LABEL_NAMES,
        columns={"kind": [row["kind"] for row in rows]},
    )


def load_agreement(split: str = "train", data_dir: str | Path | None = None) -> TokenData:
    """Sentence beginnings up to the verb, labelled 0 singular ("is") or 1 plural ("are").
    Columns: "subject" (str), "distance" and "attractors" (int)."""
    rows = _read_tsv(agreement.FILE_NAME, split, data_dir)
    return TokenData(
        tokens=[row["text"].split(" ") for row in rows],
        labels=[int(row["label"]) for row in rows],
        label_names=agreement.LABEL_NAMES,
        columns={
            "subject": [row["subject"] for row in rows],
            "distance": [int(row["distance"]) for row in rows],
            "attractors": [int(row["attractors"]) for row in rows],
        },
    )


def load_topics(split: str = "train", data_dir: str | Path | None = None) -> TokenData:
    """The course's topic data: data/topics_train.csv or topics_test.csv, read by
    `load_ag_news_csv`. Labels 0 World, 1 Sports, 2 Business, 3 Sci/Tech."""
    expect_choice("split", split, SPLITS)
    return load_ag_news_csv(_data_file(topics.FILE_NAMES[split], data_dir))


def load_ag_news_csv(path: str | Path) -> TokenData:
    """Read a CSV in the public AG News layout: ``"class","title","description"`` per row,
    class 1-4 (World, Sports, Business, Sci/Tech), an optional header row.

    Labels are class - 1 (0 ... 3); tokens are `ag_news_tokens(title, description)`;
    columns "title" and "description" hold the raw text.
    """
    expect_type("path", path, (str, Path), "a file path (str or pathlib.Path)")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` must be an existing CSV file: no AG News style CSV file "
                                f"at {path}")
    labels, titles, descriptions = [], [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if line == 1 and [field.strip().lower() for field in row] == list(topics.HEADER):
                continue
            labels.append(_ag_news_class(row, path, line) - 1)
            titles.append(row[1])
            descriptions.append(row[2])
    if not labels:
        raise ValueError(f"`path` {path} holds no rows: expected at least one row in the AG News "
                         "layout (class,title,description)")
    return TokenData(
        tokens=[ag_news_tokens(t, d) for t, d in zip(titles, descriptions, strict=True)],
        labels=labels,
        label_names=topics.CLASS_NAMES,
        columns={"title": titles, "description": descriptions},
    )


def _ag_news_class(row: list[str], path: Path, line: int) -> int:
    """The class (1-4) of one AG News row, or a ValueError naming the file and line."""
    if len(row) != 3:
        raise ValueError(f"`path` {path}, line {line}: expected 3 fields "
                         f"(class,title,description), got {len(row)}: {row!r}")
    text = row[0].strip()
    if text not in ("1", "2", "3", "4"):
        raise ValueError(f"`path` {path}, line {line}: class must be 1, 2, 3 or 4, got {row[0]!r}")
    return int(text)


def _data_file(name: str, data_dir: str | Path | None) -> Path:
    """The path of a course data file, or FileNotFoundError naming it and the fix."""
    if data_dir is not None:
        expect_type("data_dir", data_dir, (str, Path), "a folder path (str or pathlib.Path)")
    path = (DATA_DIR if data_dir is None else Path(data_dir)) / name
    if not path.is_file():
        where = "" if data_dir is None else "`data_dir` must hold it: "
        raise FileNotFoundError(f"data file {name!r} not found at {path}; {where}rebuild the "
                                f"course's data with `{REBUILD}`")
    return path


def _read_tsv(name: str, split: str, data_dir: str | Path | None) -> list[dict[str, str]]:
    """The rows of one split of a course TSV file, as dicts keyed by the header."""
    expect_choice("split", split, SPLITS)
    path = _data_file(name, data_dir)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or "split" not in lines[0].split("\t"):
        raise ValueError(f"{path} (from `data_dir`) must start with a header line naming the "
                         f"columns, with a `split` column; rebuild it with `{REBUILD}`")
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            raise ValueError(f"{path} (from `data_dir`), line {number}: expected "
                             f"{len(header)} tab-separated fields, got {len(fields)}; rebuild "
                             f"it with `{REBUILD}`")
        rows.append(dict(zip(header, fields, strict=True)))
    return [row for row in rows if row["split"] == split]


def _check_token_data(data: TokenData) -> None:
    """Every field of a `TokenData` as documented: N token lists, N labels in range, names."""
    expect_type("label_names", data.label_names, (tuple, list), "a tuple of label names")
    expect_type("labels", data.labels, (list, tuple), "a list of integer labels")
    tokens = _token_lists(data.tokens, "tokens")
    if len(tokens) != len(data.labels):
        raise ValueError(f"`labels` must hold one label per token list ({len(tokens)}), got "
                         f"{len(data.labels)}")
    top = len(data.label_names) - 1
    for label in data.labels:
        expect_int("labels[...]", label, 0, top)
    expect_type("columns", data.columns, dict, "a dict of name -> per-example list")
    for name, values in data.columns.items():
        if len(values) != len(tokens):
            raise ValueError(f"`columns[{name!r}]` must hold one value per example "
                             f"({len(tokens)}), got {len(values)}")
