"""Precomputed evidence: long-range memory against distance, over several seeds (lessons 04-05).

Lesson 04 runs a reduced version live and plots these results from the committed file; lesson
05 adds the LSTM to the same plot. Rebuild the file (about five minutes on 2 cores):

    python -m widgets.experiments latching --seeds 3 --out data/experiments/latching.json

Lesson 09's character language model (`widgets.char_training.train_precomputed`):

    python -m widgets.experiments char-lm --steps 2000 --seed 0 --out data/experiments/char_lm.pt

The task is latching (`widgets.tasks.latching`): one bit at step 0, then T - 1 zeros; the
model reads its last state and must name the bit. Chance is 50 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import torch
from torch import nn

from .char_training import PRECOMPUTED, train_precomputed
from .models import LongRangeModel
from .tasks import latching
from .training import fit, set_seed

MODELS = {
    "rnn": dict(kind="rnn"),
    "gru": dict(kind="gru"),
    "lstm": dict(kind="lstm"),
    "lstm, forget bias 1": dict(kind="lstm", forget_bias=1.0),
}
"""The models compared: a tanh RNN, a GRU, an LSTM with torch's default init, and an LSTM
whose forget gate starts open (bias 1, as Jozefowicz et al. 2015 recommend)."""
DISTANCES = (5, 10, 20, 30, 40, 50, 75, 100)
HIDDEN_SIZE, BATCH_SIZE, STEPS, LEARNING_RATE, TEST_SIZE = 32, 64, 500, 1e-3, 1000


def latching_accuracy(model_name: str, seq_len: int, seed: int, steps: int = STEPS) -> float:
    """Train one model on latching at distance ``seq_len`` and return its test accuracy.

    Adam (lr 1e-3), batches of 64 fresh sequences per step, hidden_size 32; the test set is
    1000 sequences drawn with a separate seed."""
    set_seed(seed)
    model = LongRangeModel(input_size=1, hidden_size=HIDDEN_SIZE, **MODELS[model_name])
    generator = torch.Generator().manual_seed(seed)
    fit(model, lambda step: latching(seq_len, BATCH_SIZE, generator),
        nn.BCEWithLogitsLoss(), torch.optim.Adam(model.parameters(), lr=LEARNING_RATE),
        steps=steps, progress=False)
    inputs, target = latching(seq_len, TEST_SIZE, 10_000 + seed)
    with torch.no_grad():
        return float(((model(inputs) > 0).float() == target).float().mean())


def latching_vs_distance(models: Sequence[str] = tuple(MODELS),
                         distances: Sequence[int] = DISTANCES, seeds: Sequence[int] = (0, 1, 2),
                         steps: int = STEPS) -> dict:
    """Accuracy of every model at every distance for every seed.

    Returns a JSON-ready dict: the settings and ``results``, a list of
    {"model", "distance", "seed", "accuracy"} records."""
    unknown = [name for name in models if name not in MODELS]
    if unknown:
        raise ValueError(f"`models` must be names from {list(MODELS)}, got {unknown}")
    records = [dict(model=name, distance=int(distance), seed=int(seed),
                    accuracy=round(latching_accuracy(name, distance, seed, steps), 3))
               for name in models for distance in distances for seed in seeds]
    return dict(task="latching", hidden_size=HIDDEN_SIZE, batch_size=BATCH_SIZE, steps=steps,
                learning_rate=LEARNING_RATE, test_size=TEST_SIZE, results=records)


def mean_accuracy(results: dict, model: str, distance: int) -> float:
    """The accuracy of ``model`` at ``distance``, averaged over the seeds in ``results``."""
    values = [r["accuracy"] for r in results["results"]
              if r["model"] == model and r["distance"] == distance]
    if not values:
        raise ValueError(f"no result for model={model!r} at distance={distance}")
    return sum(values) / len(values)


def load_results(path: str | Path | None = None) -> dict:
    """The committed results (data/experiments/latching.json by default)."""
    path = Path(path) if path else Path(__file__).resolve().parent.parent / "data" / \
        "experiments" / "latching.json"
    if not path.is_file():
        raise FileNotFoundError(f"no results at {path}; rebuild them with "
                                "`python -m widgets.experiments latching`")
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m widgets.experiments",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["latching", "char-lm"],
                        help="char-lm: the lesson 09 model (see widgets.char_training)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 .. N-1 (default 3)")
    parser.add_argument("--distances", type=int, nargs="+", default=list(DISTANCES))
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--steps", type=int, help=f"training steps (default: {STEPS} for "
                        f"latching, {PRECOMPUTED['steps']} for char-lm)")
    parser.add_argument("--seed", type=int, default=PRECOMPUTED["seed"], help="char-lm only")
    parser.add_argument("--out", type=Path, help="write JSON (char-lm: the model) here "
                        "(default: print it)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.task == "char-lm":
        info = train_precomputed(args.steps or PRECOMPUTED["steps"], args.seed, args.out)
        print(json.dumps(info), file=sys.stdout)
        print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
        return 0
    args.steps = args.steps or STEPS
    results = latching_vs_distance(args.models, args.distances, range(args.seeds), args.steps)
    text = json.dumps(results, indent=1) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(results['results'])} runs, "
              f"{time.perf_counter() - start:.0f} s)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
