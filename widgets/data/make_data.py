"""Build every committed data file in data/ (lessons 01, 03, 05, 08), or check them.

    python -m widgets.data.make_data            # write data/*.tsv, data/*.csv and data/README.md
    python -m widgets.data.make_data --check    # exit 1, naming the file, if any committed file
                                           # differs from what the generators make

The generators are seeded (one fixed ``numpy.random.default_rng`` seed per data set) and write
the same bytes on every run; data/README.md is generated too, so its row and byte counts are
always those of the files.

Lessons: 01, 03, 05, 08, 09.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..char_training import HELD_OUT_PERPLEXITY, PRECOMPUTED
from ..paths import DATA_DIR
from . import corpus
from .generators import agreement, negation, topics
from .generators.common import LICENSE, REBUILD, count_rows

README = "README.md"
DATA_SETS = (  # (title, lessons, generator module)
    ("Negation sentiment", "lessons 01 and 03", negation),
    ("Number agreement", "lesson 05", agreement),
    ("Topic classification", "lesson 08", topics),
)


def build_all() -> dict[str, str]:
    """{file name: text} of every data file and of README.md, built in memory."""
    files: dict[str, str] = {}
    sections = []
    for title, lessons, module in DATA_SETS:
        built = module.build()
        files.update(built)
        sections.append(_section(title, lessons, module.describe(), built))
    files[README] = _readme(sections)
    return files


def write_all(data_dir: Path = DATA_DIR) -> list[Path]:
    """Write every built file into ``data_dir`` (UTF-8, "\\n" line ends); return the paths."""
    data_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in build_all().items():
        path = data_dir / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def check_all(data_dir: Path = DATA_DIR) -> list[str]:
    """Names of the files in ``data_dir`` that are missing or differ from a fresh build."""
    differing = []
    for name, text in build_all().items():
        path = data_dir / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            differing.append(name)
    return differing


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: write (default) or ``--check``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m widgets.data.make_data", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="regenerate in memory and compare with the committed files")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR,
                        help=f"folder of the data files (default: {DATA_DIR})")
    args = parser.parse_args(argv)
    if args.check:
        differing = check_all(args.data_dir)
        for name in differing:
            print(f"{args.data_dir / name} differs from the generator's output; "
                  f"rebuild with `{REBUILD}`", file=sys.stderr)
        if not differing:
            print(f"all data files in {args.data_dir} match the generators")
        return 1 if differing else 0
    for path in write_all(args.data_dir):
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


def _section(title: str, lessons: str, body: str, built: dict[str, str]) -> str:
    """One data set's README section: files with rows and bytes, then the description."""
    sizes = "\n".join(
        f"- `{name}`: {count_rows(text)} rows plus a header line, "
        f"{len(text.encode('utf-8'))} bytes"
        for name, text in built.items()
    )
    return (f"## {title} ({lessons})\n\nFiles:\n\n{sizes}\n\n{body}\n\n"
            f"License: {LICENSE}.\n\nRebuild: `{REBUILD}`")


CHARACTERS = PRECOMPUTED["steps"] * PRECOMPUTED["batch_size"] * PRECOMPUTED["seq_len"]
"""Characters the lesson 09 model reads in training (data/README.md)."""
EXPERIMENTS = (
    "## Precomputed experiments (lessons 04, 05 and 09)\n\n"
    "- `experiments/latching.json`: test accuracy on the latching task (one bit, then T - 1 "
    "zeros) of a tanh RNN, a GRU, an LSTM with torch's default init and an LSTM with forget "
    "bias 1, at distances 5 to 100, seeds 0, 1 and 2; 500 Adam steps each (hidden size 32, "
    "batches of 64). Made by the course's own code, no outside data.\n\n"
    f"License: {LICENSE}.\n\n"
    "Rebuild (about 8 minutes on 2 cores): "
    "`python -m widgets.experiments latching --seeds 3 --out data/experiments/latching.json`. "
    "`make_data` does not rebuild it; `tests/test_experiments.py` reruns a reduced version "
    "and checks the lessons' claims against the committed file.\n\n"
    "- `experiments/SHA256SUMS`: the sha256 of every file in `experiments/`, checked by "
    "`tests/test_experiments.py` (or `sha256sum -c SHA256SUMS` in that folder), so no record "
    "changes unnoticed. After a rebuild: `cd data/experiments && sha256sum char_lm.pt "
    "latching.json > SHA256SUMS`.\n\n"
    "- `experiments/char_lm.pt`: lesson 09's character-level LSTM (embedding {embedding_dim}, "
    "hidden {hidden_size}, forget bias {forget_bias:g}; {params} parameters, a plain "
    "state_dict with its vocabulary, loaded with `torch.load(..., weights_only=True)` by "
    "`widgets.load_char_model`), trained on the training modules of `stdlib/` for {steps} "
    "Adam steps (learning rate {lr:g}, gradients clipped to norm {clip:g}, batches of "
    "{batch_size} rows x {seq_len} characters, truncated BPTT, seed {seed}, one thread): "
    "held-out perplexity {perplexity} on textwrap.py. Trained by the course's own code on "
    "the PSF-licensed text above.\n\n"
    "Rebuild ({millions:.1f} million characters: about {minutes:.1f} minutes at the 71 000 "
    "characters per second measured on one quiet thread; several times longer on a busy "
    "machine): "
    "`python -m widgets.experiments char-lm --steps {steps} --seed {seed} --out "
    "data/experiments/char_lm.pt`. `tests/test_char_lm.py` reruns it for a few steps and "
    "checks the committed model's settings and perplexity."
).format(**PRECOMPUTED, params="98,883", perplexity=HELD_OUT_PERPLEXITY,
         millions=CHARACTERS / 1e6, minutes=CHARACTERS / 71_000 / 60)


def _readme(sections: list[str]) -> str:
    """The whole data/README.md text."""
    intro = (
        "# The course's data\n\n"
        "Every data file here is small, plain UTF-8 text with a header line, and generated: "
        "`widgets/data/make_data.py` runs one seeded generator per data set (a hand-written "
        "grammar, `numpy.random.default_rng(seed)`) and writes the same bytes on every run; "
        "the check below would notice if a new numpy ever drew different numbers. Nothing "
        "is downloaded. This README is generated too.\n\n"
        f"- Rebuild everything: `{REBUILD}`\n"
        f"- Check the committed files (CI, tests): `{REBUILD} --check`\n"
        f"- License of every generated file here: {LICENSE}. The Python source in `stdlib/` "
        "is copied, not generated: PSF License (its section below).\n"
        "- Load them with `widgets.data.loaders` (`load_negation`, `load_agreement`, "
        "`load_topics`, `load_ag_news_csv`).\n\n"
        "Long-range tasks (the adding problem, latching, recall the first token) are not "
        "stored: `widgets.data.tasks` generates them on the fly (lessons 04 and 05)."
    )
    return "\n\n".join([intro, *sections, corpus.describe(), EXPERIMENTS]) + "\n"


if __name__ == "__main__":
    sys.exit(main())
