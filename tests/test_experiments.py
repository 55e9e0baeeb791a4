"""The precomputed long-range evidence: the committed file says what the lessons claim, and a
reduced rerun of the same command still shows it."""

import hashlib
import json

import pytest

from widgets import experiments
from widgets.experiments import load_results, mean_accuracy
from widgets.paths import EXPERIMENTS_DIR

CHANCE_BAND = 0.65  # accuracy below this over 1000 test sequences: the bit was not learnt
LEARNT = 0.95


def reach(results, model):
    """The longest distance at which ``model`` learnt the bit on average over the seeds."""
    distances = sorted({r["distance"] for r in results["results"]})
    return max(d for d in distances if mean_accuracy(results, model, d) > LEARNT)


def test_committed_results_support_the_lessons_claims():
    results = load_results()
    seeds = {r["seed"] for r in results["results"]}
    assert len(seeds) >= 3
    for distance in (5, 10):
        assert mean_accuracy(results, "rnn", distance) > LEARNT
    for distance in (50, 75, 100):
        assert mean_accuracy(results, "rnn", distance) < CHANCE_BAND
        assert mean_accuracy(results, "lstm", distance) < CHANCE_BAND
    assert mean_accuracy(results, "lstm, forget bias 1", 50) > LEARNT
    assert reach(results, "lstm, forget bias 1") >= 2 * reach(results, "rnn")
    every_seed = [r["accuracy"] for r in results["results"]
                  if r["model"] == "lstm, forget bias 1" and r["distance"] == 50]
    assert min(every_seed) > LEARNT


def test_committed_files_match_their_recorded_sha256():
    """Every record of every committed result file is covered: SHA256SUMS (sha256sum's
    format, documented in data/README.md) lists each file in data/experiments/ with its hash.
    A file changed by hand (one accuracy edited) no longer matches; a rerun of the command
    updates the file and, as data/README.md says, SHA256SUMS with it."""
    sums = {}
    for line in (EXPERIMENTS_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest
    files = {p.name for p in EXPERIMENTS_DIR.iterdir() if p.name != "SHA256SUMS"}
    assert set(sums) == files and files
    for name, digest in sums.items():
        actual = hashlib.sha256((EXPERIMENTS_DIR / name).read_bytes()).hexdigest()
        assert actual == digest, (f"data/experiments/{name} differs from the file its command "
                                  "wrote (see data/README.md to rebuild it)")


def test_reduced_rerun_of_the_command(tmp_path):
    out = tmp_path / "latching.json"
    experiments.main(["latching", "--seeds", "1", "--distances", "10", "50",
                      "--models", "rnn", "lstm, forget bias 1", "--out", str(out)])
    results = json.loads(out.read_text())
    assert mean_accuracy(results, "rnn", 10) > LEARNT
    assert mean_accuracy(results, "rnn", 50) < CHANCE_BAND
    assert mean_accuracy(results, "lstm, forget bias 1", 50) > LEARNT
    committed = {(r["model"], r["distance"], r["seed"]): r["accuracy"]
                 for r in load_results()["results"]}
    for record in results["results"]:
        key = (record["model"], record["distance"], record["seed"])
        assert abs(record["accuracy"] - committed[key]) <= 0.05, (key, record["accuracy"])


def test_errors(tmp_path):
    with pytest.raises(ValueError, match="`models` must be names from"):
        experiments.latching_vs_distance(models=["transformer"])
    with pytest.raises(FileNotFoundError, match="python -m widgets.experiments latching"):
        load_results(tmp_path / "missing.json")
    with pytest.raises(ValueError, match=r"`model` must be one of \[\], got 'gru'"):
        mean_accuracy({"results": []}, "gru", 7)
    with pytest.raises(ValueError, match=r"`distance` must be one of \[5, 10, .*got 7"):
        mean_accuracy(load_results(), "gru", 7)


def test_mean_accuracy_is_the_table_row_mean_of_the_records():
    """One results table: `mean_accuracy` reads `accuracy_table`, and both equal the records."""
    results = load_results()
    for model in {r["model"] for r in results["results"]}:
        distances, seeds, table = experiments.accuracy_table(results, model)
        for i, distance in enumerate(distances):
            records = [r["accuracy"] for r in results["results"]
                       if r["model"] == model and r["distance"] == distance]
            assert len(records) == len(seeds)
            assert mean_accuracy(results, model, distance) == pytest.approx(
                sum(records) / len(records), abs=1e-12)
            assert sorted(table[i].tolist()) == sorted(records)


def test_the_exploding_run_spikes_without_clipping_and_trains_with_it():
    unclipped, accuracy = experiments.exploding_run()
    first = unclipped.loss[0]
    assert max(unclipped.loss) > 2 * first and not experiments.trained(unclipped, accuracy)
    clipped, clipped_accuracy = experiments.exploding_run(max_norm=1.0)
    assert max(clipped.loss) < 1.2 * first and experiments.trained(clipped, clipped_accuracy)
    assert experiments.exploding_run(max_norm=1.0)[0].loss == clipped.loss  # seeded


@pytest.mark.parametrize("choice, start, words", [
    (lambda: 1.0, "✓ it trains", "max_norm = 1 "),
    (lambda: 1000.0, "✗ mismatch", "rarely reaches"),
    (lambda: -1, "✗ error", "positive finite number"),
    (lambda: "1", "✗ error", "got '1'"),
    (lambda: 1 / 0, "✗ error", "ZeroDivisionError"),
])
def test_check_max_norm_runs_the_learners_choice(choice, start, words):
    result = experiments.check_max_norm(choice)
    assert str(result).startswith(start) and words in str(result)
    assert bool(result) == start.startswith("✓")


def test_check_max_norm_says_not_attempted():
    def choose_max_norm():
        raise NotImplementedError

    assert "not attempted yet: choose_max_norm" in str(experiments.check_max_norm(choose_max_norm))
