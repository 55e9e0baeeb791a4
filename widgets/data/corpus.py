"""The text lesson 09 learns from: a fixed snapshot of Python standard-library modules.

Nineteen modules of CPython 3.11.7's standard library (PSF licence) are committed under
data/stdlib/ as ``<module>.py.txt`` (the ``.txt`` keeps linters and test runners away from
them), with the licence text and a MANIFEST of sha256 sums. Eighteen are the training text,
one (textwrap) is held out: a whole *file* the model never read, so the held-out perplexity
of lesson 09 measures code it has not seen. Rebuild the snapshot from a Python install with

    python -m widgets.corpus --source /root/.pyenv/versions/3.11.7/lib/python3.11

`load_corpus` reads it back and checks every byte against the MANIFEST.

Lessons: 09.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..arguments import expect_int, expect_type
from ..paths import DATA_DIR

STDLIB_DIR = DATA_DIR / "stdlib"
TRAIN_MODULES = ("abc", "bisect", "calendar", "colorsys", "contextlib", "copy", "csv",
                 "fnmatch", "fractions", "functools", "getopt", "glob", "graphlib", "numbers",
                 "operator", "pprint", "queue", "random")
HELD_OUT_MODULES = ("textwrap",)
SOURCE_VERSION = "CPython 3.11.7"
LICENSE_FILE, MANIFEST_FILE = "LICENSE.txt", "MANIFEST.sha256"
SEPARATOR = "\n\n"
"""Files are joined into one stream with a blank line between them (lesson 09)."""


@dataclass(frozen=True)
class Corpus:
    """The snapshot as text: ``train`` (the 18 training modules joined by `SEPARATOR`),
    ``held_out`` (textwrap.py), ``files`` (module name -> its text) and ``chars`` (the
    vocabulary: every character of the training text, sorted)."""

    train: str
    held_out: str
    files: dict[str, str]
    chars: list[str]


def file_name(module: str) -> str:
    """'abc' -> 'abc.py.txt', the committed name of a module's source."""
    return f"{module}.py.txt"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(folder: Path = STDLIB_DIR) -> dict[str, str]:
    """{file name: sha256} from the committed MANIFEST.sha256 (``sha256sum`` format)."""
    lines = (folder / MANIFEST_FILE).read_text(encoding="utf-8").splitlines()
    return {name.strip(): digest for digest, name in (line.split("  ", 1) for line in lines)}


def load_corpus(folder: str | Path | None = None) -> Corpus:
    """Read the snapshot (data/stdlib by default), check each file's sha256 against the
    MANIFEST (ValueError naming the file if one differs) and return the `Corpus`."""
    folder = STDLIB_DIR if folder is None else Path(folder)
    expect_type("folder", folder, Path, "a folder path")
    if not (folder / MANIFEST_FILE).is_file():
        raise FileNotFoundError(f"no snapshot in {folder}; rebuild it with "
                                "`python -m widgets.corpus --source <python lib folder>`")
    manifest = read_manifest(folder)
    files = {}
    for module in TRAIN_MODULES + HELD_OUT_MODULES:
        data = (folder / file_name(module)).read_bytes()
        if sha256(data) != manifest[file_name(module)]:
            raise ValueError(f"{folder / file_name(module)} differs from its sha256 in "
                             f"{MANIFEST_FILE}: the snapshot must be byte-stable")
        files[module] = data.decode("utf-8")
    train = SEPARATOR.join(files[m] for m in TRAIN_MODULES)
    held_out = SEPARATOR.join(files[m] for m in HELD_OUT_MODULES)
    return Corpus(train=train, held_out=held_out, files=files, chars=sorted(set(train)))


def unigram_perplexity(train_ids, test_ids, vocab_size: int) -> float:
    """Perplexity on ``test_ids`` (N,) of character frequencies counted on ``train_ids`` with
    add-one smoothing: p(c) = (count(c) + 1) / (len(train) + V). Every test character but
    the first is predicted, as the language models do."""
    train, test, vocab_size = _ids(train_ids, test_ids, vocab_size)
    p = (np.bincount(train, minlength=vocab_size) + 1) / (len(train) + vocab_size)
    return float(np.exp(-np.mean(np.log(p[test[1:]]))))


def bigram_perplexity(train_ids, test_ids, vocab_size: int) -> float:
    """Perplexity on ``test_ids`` of p(next | previous character) counted on ``train_ids``
    with add-one smoothing: p(b | a) = (count(a, b) + 1) / (count(a, .) + V), where
    count(a, .) counts the pairs that start with a."""
    train, test, vocab_size = _ids(train_ids, test_ids, vocab_size)
    counts = np.ones((vocab_size, vocab_size))
    np.add.at(counts, (train[:-1], train[1:]), 1)
    p = counts / counts.sum(axis=1, keepdims=True)
    return float(np.exp(-np.mean(np.log(p[test[:-1], test[1:]]))))


def _ids(train_ids, test_ids, vocab_size):
    vocab_size = expect_int("vocab_size", vocab_size, 1)
    arrays = []
    for name, ids in (("train_ids", train_ids), ("test_ids", test_ids)):
        ids = np.asarray(ids)
        if ids.ndim != 1 or len(ids) < 2 or not np.issubdtype(ids.dtype, np.integer):
            raise ValueError(f"`{name}` must be a 1-D array of at least 2 integer ids")
        if ids.min() < 0 or ids.max() >= vocab_size:
            raise ValueError(f"`{name}` must hold ids in [0, {vocab_size - 1}]")
        arrays.append(ids)
    return arrays[0], arrays[1], vocab_size


def build_snapshot(source: Path, folder: Path = STDLIB_DIR) -> list[str]:
    """Copy the chosen modules and LICENSE.txt from the Python library folder ``source``
    into ``folder`` byte for byte and write the MANIFEST; return the MANIFEST lines."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for module in TRAIN_MODULES + HELD_OUT_MODULES:
        shutil.copyfile(source / f"{module}.py", folder / file_name(module))
        lines.append(f"{sha256((folder / file_name(module)).read_bytes())}  "
                     f"{file_name(module)}")
    shutil.copyfile(source / LICENSE_FILE, folder / LICENSE_FILE)
    lines.append(f"{sha256((folder / LICENSE_FILE).read_bytes())}  {LICENSE_FILE}")
    (folder / MANIFEST_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def describe(folder: Path = STDLIB_DIR) -> str:
    """The data/README.md section of the snapshot (widgets.data.make_data writes it)."""
    manifest = read_manifest(folder)
    sizes = "\n".join(f"- `stdlib/{name}`: {(folder / name).stat().st_size} bytes, sha256 "
                      f"`{digest[:16]}…`" for name, digest in manifest.items())
    return (
        "## Python standard-library source (lesson 09)\n\n"
        f"Files (full sha256 sums in `stdlib/{MANIFEST_FILE}`, checked on every load):\n\n"
        f"{sizes}\n\n"
        f"Provenance: copied byte for byte from the standard library of {SOURCE_VERSION} "
        "(`lib/python3.11/<module>.py`), saved as `<module>.py.txt`. Training modules: "
        f"{', '.join(TRAIN_MODULES)}; held out (a whole file the model never reads): "
        f"{', '.join(HELD_OUT_MODULES)}. Not generated by the course.\n\n"
        "License: the Python Software Foundation License Version 2 (see "
        "`stdlib/LICENSE.txt`, copied from the same install), not CC0.\n\n"
        "Rebuild: `python -m widgets.corpus --source /root/.pyenv/versions/3.11.7/lib/"
        "python3.11` (any CPython 3.11.7 library folder; the MANIFEST check fails on "
        "another version)."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m widgets.corpus",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True,
                        help="a CPython 3.11.7 library folder (holds abc.py, LICENSE.txt)")
    parser.add_argument("--out", type=Path, default=STDLIB_DIR)
    args = parser.parse_args(argv)
    for line in build_snapshot(args.source, args.out):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
