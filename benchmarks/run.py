"""The course's speed and memory report: prints a Markdown table (copied into the README).

    python benchmarks/run.py              # the full report (lessons included, ~3 min)
    python benchmarks/run.py --browser    # also click-to-repaint in JupyterLab + Chromium
    python benchmarks/run.py --quick      # tiny sizes, no lessons: checks the script works
    python benchmarks/run.py --install    # also a fresh install into two new venvs (~5 min)
    python benchmarks/run.py --only install   # only the fresh-install rows
    python benchmarks/run.py --hub        # also learners on a real JupyterHub (root, ~10 min)
    python benchmarks/run.py --only hub   # only the hub rows (see benchmarks/hub_rows.py)

Each row names what is measured, how, the result and the target. Times are medians over
repeated runs on one thread unless stated; the machine is printed above the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

import widgets

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import char_lm_rows  # noqa: E402  (sibling modules of this script)
import install_rows  # noqa: E402
import kernel_rows  # noqa: E402


@dataclass
class Row:
    name: str
    method: str
    result: str
    target: str
    met: bool | None  # None: no target

    def cells(self) -> list[str]:
        verdict = {True: "yes", False: "**no**", None: "-"}[self.met]
        return [self.name, self.method, self.result, self.target, verdict]


def median_ms(function: Callable[[], object], repeats: int) -> float:
    """Median wall-clock time of ``function()`` in milliseconds, after two warm-up calls."""
    function(), function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def paired_medians_ms(first: Callable[[], object], second: Callable[[], object],
                      repeats: int) -> tuple[float, float]:
    """Median times (ms) of ``first()`` and ``second()`` called in turn, ``repeats`` pairs
    after two warm-up pairs: on a shared machine whose speed drifts, both see the same drift."""
    first(), second(), first(), second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for function, kept in zip((first, second), times, strict=True):
            start = time.perf_counter()
            function()
            kept.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times[0]), statistics.median(times[1])


def _forward(module: torch.nn.Module, inputs: torch.Tensor) -> None:
    with torch.no_grad():
        module(inputs.unsqueeze(1))


def trace_rows(quick: bool) -> list[Row]:
    """`widgets.trace` on a 2-layer bidirectional LSTM against the module's own forward, with
    one thread (the target) and with two (torch's default on a 2-core machine, for
    information: trace's batched products use the second core, the forward's loop hardly)."""
    steps, hidden = (20, 16) if quick else (200, 128)
    repeats = 5 if quick else 100
    torch.manual_seed(0)
    module = torch.nn.LSTM(hidden, hidden, num_layers=2, bidirectional=True).eval()
    inputs = torch.randn(steps, hidden)
    shape = f"LSTM 2 layers, bidirectional, T = {steps}, hidden {hidden}"
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        forward, traced = paired_medians_ms(lambda: _forward(module, inputs),
                                            lambda: widgets.trace(module, inputs), repeats)
        ratio = traced / forward
        rows.append(Row(f"trace vs forward ({shape})",
                        f"medians of {repeats} calls of each, in turn, "
                        f"{threads} thread{'s' * (threads > 1)}",
                        f"{traced:.1f} ms vs {forward:.1f} ms = {ratio:.2f}x",
                        "<= 2x" if threads == 1 else "-", ratio <= 2.0 if threads == 1 else None))
    torch.set_num_threads(1)
    result = widgets.trace(module, inputs)
    arrays = [result.hidden, result.cell, result.output, result.inputs, *result.gates.values(),
              *result.input_terms.values(), *result.hidden_terms.values()]
    size = sum(array.nbytes for array in arrays if array is not None) / 2**20
    return rows + [Row(f"trace memory ({shape})", "the Trace's arrays (sum of their nbytes)",
                       f"{size:.1f} MiB", "-", None)]


def display_size_rows(quick: bool) -> list[Row]:
    """What displaying a StateStepper of lesson 09's size sends: the widget messages (comm
    opens and updates, counted through `comm.create_comm`, the hook the comm package offers
    for this) and the static form's HTML, which goes with every display and into a saved
    notebook."""
    import comm

    steps, hidden = (24, 16) if quick else (240, 128)
    sent: list[int] = []

    class CountingComm(comm.base_comm.BaseComm):
        def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            sent.append(len(json.dumps(data, default=str)) + sum(len(b) for b in buffers or []))

    original, comm.create_comm = comm.create_comm, CountingComm
    try:
        widgets.set_seed(0)
        trace = widgets.trace(torch.nn.LSTM(16, hidden), torch.randn(steps, 16),
                              tokens=[f"w{t}" for t in range(steps)])
        stepper = widgets.StateStepper(trace)
        static = len(stepper.static_html().encode())
    finally:
        comm.create_comm = original
    return [Row(f"StateStepper display (LSTM hidden {hidden}, T = {steps}, lesson 09's window)",
                "widget messages made by building it (comm opens + updates); its static form "
                "(text/html, sent with every display and saved in the notebook)",
                f"{len(sent):,} messages, {sum(sent) / 2**20:.1f} MiB; static form "
                f"{static / 2**20:.1f} MiB", "-", None)]


def repaint_rows() -> list[Row]:
    """Click-to-repaint in a real browser, measured by tests/browser/test_repaint_browser.py
    (JupyterLab + headless Chromium; a MutationObserver on the widget): a row per widget and
    the 200-token sentence. The load average is printed with the rows: a loaded machine slows
    the browser's repaint, not the bytes a step sends (see the kernel rows)."""
    artifact = ROOT / "test-artifacts" / "repaint.json"
    artifact.unlink(missing_ok=True)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(ROOT / "tests" / "browser" / "test_repaint_browser.py")],
                            cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError("the repaint browser test failed:\n" + result.stdout[-2000:])
    load = os.getloadavg()[0]
    rows = []
    for case, measured in json.loads(artifact.read_text()).items():
        long = "200-token" in case
        target = "<= 150 ms median" if long else "<= 100 ms median, <= 150 ms p90"
        met = measured["median_ms"] <= (150 if long else 100) and \
            (long or measured["p90_ms"] <= 150)
        rows.append(Row(f"click-to-repaint: {case}",
                        f"click -> last DOM change of the widget, {len(measured['delays_ms'])} "
                        f"clicks, headless Chromium, load average {load:.1f}",
                        f"median {measured['median_ms']:.0f} ms, p90 {measured['p90_ms']:.0f} "
                        f"ms (max {measured['max_ms']:.0f} ms)", target, met))
    return rows


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"torch {torch.__version__}, {platform.system()} {platform.release()}")


def table(rows: list[Row]) -> str:
    header = ["what", "how", "result", "target", "met"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to test the script")
    parser.add_argument("--browser", action="store_true",
                        help="also measure click-to-repaint in JupyterLab + Chromium")
    parser.add_argument("--install", action="store_true",
                        help="also time a fresh install into new venvs and measure their size")
    parser.add_argument("--hub", action="store_true",
                        help="also 1-16 learners running a lesson at once on a real JupyterHub")
    parser.add_argument("--only", choices=["install", "hub"], help="measure only these rows")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    rows = []
    if args.only is None:
        rows = trace_rows(args.quick) + kernel_rows.widget_step_rows(Row, args.quick)
        rows += display_size_rows(args.quick)
        rows += char_lm_rows.rows(Row, args.quick)
        if not args.quick:
            rows += kernel_rows.lesson_rows(Row)
        if args.browser:
            rows += repaint_rows()
    if args.install or args.only == "install":
        rows += install_rows.install_rows(Row)
    if args.hub or args.only == "hub":
        import hub_rows  # needs root and JupyterHub: imported only when asked for

        rows += hub_rows.hub_rows(Row, hub_rows.COUNTS)
    print(f"Machine: {machine()}\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
