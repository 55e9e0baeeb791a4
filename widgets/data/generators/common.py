"""Pieces shared by the data generators (lessons 01, 03, 05, 08): seeded picks, the train/test
split by group, and the TSV text writer.

The generators use only ``Generator.integers``, ``Generator.random`` and
``Generator.permutation`` of ``numpy.random.default_rng(seed)``, so every run writes the same
bytes; ``python -m widgets.data.make_data --check`` verifies that the committed files still do.

Lessons: 01, 02, 03, 04, 05, 06, 07, 08.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Sequence
from typing import TypeVar

import numpy as np

from ...arguments import expect_type

T = TypeVar("T")

LICENSE = "CC0 1.0 (public domain dedication), like every data file the course generates"
REBUILD = "python -m widgets.data.make_data"
_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")


def split_words(text: str) -> list[str]:
    """Word and punctuation tokens, case kept: "Alice, hi." -> ["Alice", ",", "hi", "."]."""
    return _TOKEN.findall(text)


def tokenize(text: str) -> list[str]:
    """Lower-case word and punctuation tokens: "Bank's rates, up." -> ["bank's", "rates",
    ",", "up", "."]. Shared by the topic data and the AG News reader."""
    expect_type("text", text, str, "a string")
    return _TOKEN.findall(text.lower())


def ag_news_tokens(title: str, description: str) -> list[str]:
    """The tokens of a news item: the title's, a "." and the description's."""
    return [*tokenize(title), ".", *tokenize(description)]


def pick(rng: np.random.Generator, options: Sequence[T]) -> T:
    """One item of ``options``, uniformly at random."""
    return options[int(rng.integers(len(options)))]


def chance(rng: np.random.Generator, probability: float) -> bool:
    """True with the given probability."""
    return bool(rng.random() < probability)


def split_by_group(
    keys: Sequence[Hashable], test_fraction: float, rng: np.random.Generator
) -> list[str]:
    """"train" or "test" for each row, so that rows with equal keys share one split.

    Groups (rows with the same key) are visited in a seeded random order and sent to the test
    split until it holds at least ``test_fraction`` of the rows.
    """
    sizes = Counter(keys)
    groups = list(sizes)  # first-seen order: deterministic
    wanted = round(test_fraction * len(keys))
    test, count = set(), 0
    for index in rng.permutation(len(groups)):
        if count >= wanted:
            break
        test.add(groups[index])
        count += sizes[groups[index]]
    return ["test" if key in test else "train" for key in keys]


def train_first(rows: list[tuple]) -> list[tuple]:
    """Rows whose first field is the split, train rows first (stable within a split)."""
    return [row for row in rows if row[0] == "train"] + [row for row in rows if row[0] == "test"]


def tsv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Tab-separated text with a header line and "\\n" line ends; fields may not hold tabs."""
    lines = []
    for row in [header, *rows]:
        fields = [str(value) for value in row]
        if any("\t" in field or "\n" in field for field in fields):
            raise ValueError(f"a TSV field holds a tab or a newline: {fields!r}")
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def count_rows(text: str, header: bool = True) -> int:
    """Number of data rows in a generated text file (one row per line)."""
    return text.count("\n") - int(header)


def columns_markdown(columns: Sequence[tuple[str, str]]) -> str:
    """A markdown list ``- `name`: meaning`` for a data file's README section."""
    return "\n".join(f"- `{name}`: {meaning}" for name, meaning in columns)
