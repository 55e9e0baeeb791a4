"""Load on a real JupyterHub: N learners run lesson 00_start_here at the same moment.

    python benchmarks/hub_rows.py [--counts 1,2,4,8,12,16]  # as root on Linux; prints rows
    python benchmarks/run.py --only hub                     # the same rows, run.py's table

The set-up is the class test's (tests/hub_tools.py): a read-only course, JupyterHub with its
proxy on loopback, one system user and one single-user server per learner. For each N the
learners' servers are started, then each runs every code cell of the lesson in a new kernel
through the hub's own API, all N at once. Measured: the wall time until the last learner
finished, each kernel's CPU seconds and peak resident memory (getrusage in the kernel) and
each learner's server's peak resident memory (VmHWM in /proc). Learners are removed after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import hub_tools  # noqa: E402  (the class test's hub set-up)

LESSON = "00_start_here"
COUNTS = [1, 2, 4, 8, 12, 16]  # learners at once; the first is the baseline
USAGE_CELL = """
import json, resource
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"peak_mib": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime}))
"""


def server_peak_mib(name: str) -> float:
    """Peak resident memory (VmHWM) of ``name``'s single-user server process, in MiB."""
    uid = int(hub_tools.run_as(name, ["id", "-u"]).stdout)
    peak = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or proc.stat().st_uid != uid:
                continue
            if b"jupyterhub.singleuser" not in (proc / "cmdline").read_bytes():
                continue
            status = (proc / "status").read_text()
        except OSError:
            continue
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def one_round(hub, env, learners: list[tuple[str, str]]) -> dict:
    """All ``learners`` (name, token) run the lesson at once; returns wall time (s), per
    learner kernel peak MiB, kernel CPU s and server peak MiB."""
    import json

    cells = hub_tools.lesson_code_cells(env.course / "lessons" / f"{LESSON}.ipynb") + [USAGE_CELL]
    start = time.perf_counter()
    with ThreadPoolExecutor(len(learners)) as pool:
        runs = list(pool.map(lambda nt: hub_tools.run_cells(hub, nt[0], nt[1], cells, 3600),
                             learners))
    wall = time.perf_counter() - start
    for (name, _), run in zip(learners, runs, strict=True):
        if len(run) != len(cells) or run[-1]["status"] != "ok":
            raise RuntimeError(f"{name}: the lesson failed: {run[-1]['error'][-2000:]}")
    usage = [json.loads(run[-1]["stdout"]) for run in runs]
    return {"wall": wall, "kernel_mib": [u["peak_mib"] for u in usage],
            "cpu_s": [u["cpu_s"] for u in usage],
            "server_mib": [server_peak_mib(name) for name, _ in learners]}


def measure(counts: list[int]) -> list[tuple[int, dict]]:
    """Start a hub and, for each count N, N learners running the lesson together."""
    problems = hub_tools.missing_requirements()
    if problems:
        raise RuntimeError("cannot run JupyterHub here: missing " + "; ".join(problems))
    folder = Path(tempfile.mkdtemp(prefix="rnn-hub-bench-", dir="/tmp"))
    os.chmod(folder, 0o755)
    names, hub, results = [], None, []
    try:
        env = hub_tools.make_learner_env(folder / "env")
        names = hub_tools.create_learners(max(counts))
        hub = hub_tools.start_hub(env, folder / "hub")
        tokens = {n: hub_tools.user_token(hub, hub_tools.login(hub, n), n) for n in names}
        for count in counts:
            group = names[:count]
            with ThreadPoolExecutor(count) as pool:  # a fresh server per learner and round
                list(pool.map(hub.start_server, group))
            results.append((count, one_round(hub, env, [(n, tokens[n]) for n in group])))
            with ThreadPoolExecutor(count) as pool:
                list(pool.map(hub.stop_server, group))
    finally:
        hub_tools.tear_down(names, hub, folder)
    return results


def hub_rows(row_type, counts: list[int]) -> list:
    """Benchmark rows (``row_type`` is run.py's Row): one per count, then the sizing."""
    results = measure(counts)
    alone = results[0][1]["wall"]
    rows = []
    for count, r in results:
        per = [k + s for k, s in zip(r["kernel_mib"], r["server_mib"], strict=True)]
        rows.append(row_type(
            f"hub: {count} learner{'s' * (count > 1)} running lesson {LESSON} at once",
            "JupyterHub + LocalProcessSpawner, kernels through /user/NAME/api/kernels; "
            "memory: kernel getrusage peak + server VmHWM per learner",
            f"{r['wall']:.1f} s = {r['wall'] / alone:.1f}x one learner; per learner: "
            f"{statistics.median(r['cpu_s']):.1f} CPU s, peak {statistics.median(per):.0f} MiB "
            f"(max {max(per):.0f})", "<= 45 s per lesson", r["wall"] <= 45))
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the hub rows as run.py's table."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default=",".join(map(str, COUNTS)),
                        help="learner counts, comma-separated, the first the baseline")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",")]
    print(f"Machine: {run.machine()}\n")
    print(run.table(hub_rows(run.Row, counts)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
