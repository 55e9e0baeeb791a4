"""Benchmark rows measured inside a real Jupyter kernel (run by nbclient): each lesson's fresh
execution time and peak memory, and the kernel-side time of one widget step.

A widget step is timed in the kernel that displays the widget, so the time includes building
and serialising the update messages sent to the front end (nbclient plays the front end).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
PEAK_MEMORY_CELL = """
import json, resource
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("BENCHMARK " + json.dumps({"peak_mib": peak_mib}))
"""

STEP_CELLS = [
    """
import json, statistics, time
import ipywidgets
import torch
from IPython import get_ipython
from IPython.display import display
import widgets
from widgets.tracing.gradients import gradient_flow
widgets.set_seed(0)
steps, hidden = {steps}, {hidden}
lstm = torch.nn.LSTM(16, hidden, num_layers=2, bidirectional=True)
inputs, tokens = torch.randn(steps, 16), [f"w{{t}}" for t in range(steps)]
trace = widgets.trace(lstm, inputs, tokens=tokens)
flow = widgets.GradientFlow(gradient_flow(torch.nn.RNN(16, hidden), inputs, tokens, label="RNN"),
                            gradient_flow(torch.nn.LSTM(16, hidden), inputs, tokens, label="LSTM"))
viewers = {{"StateStepper": widgets.StateStepper(trace), "GateViewer": widgets.GateViewer(trace),
           "LayerStepper": widgets.LayerStepper(trace), "GradientFlow": flow}}
sliders = {{name: viewer.token_slider if name == "GradientFlow" else viewer.controls.slider
           for name, viewer in viewers.items()}}
formatter = get_ipython().display_formatter

def display_ms(viewer, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        formatter.format(viewer)          # every registered formatter, as display() does
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)

overhead = {{name: display_ms(viewer) for name, viewer in viewers.items()}}
for viewer in viewers.values():
    display(viewer)
""",
    """
sent = []
original_send = ipywidgets.Widget._send

def counting_send(self, msg, buffers=None):
    sent.append(len(json.dumps(msg, default=str)) + sum(len(b) for b in buffers or []))
    return original_send(self, msg, buffers)

def step_costs(slider, repeats=50):
    times, sizes = [], []
    ipywidgets.Widget._send = counting_send
    try:
        for index in range(repeats):
            sent.clear()
            start = time.perf_counter()
            slider.value = 1 + index % (steps - 1)
            times.append((time.perf_counter() - start) * 1e3)
            sizes.append(sum(sent))
    finally:
        ipywidgets.Widget._send = original_send
    return statistics.median(times), statistics.median(sizes)

result = {{name: [overhead[name], *step_costs(sliders[name])] for name in viewers}}
print("BENCHMARK " + json.dumps(result))
""",
]


def run_cells(notebook, cwd: Path, timeout: int = 600) -> tuple[list[dict], float]:
    """Execute ``notebook`` on a fresh kernel; return the BENCHMARK payloads and the seconds."""
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}},
                            store_widget_state=False)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    payloads = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith("BENCHMARK "):
                    payloads.append(json.loads(line.removeprefix("BENCHMARK ")))
    return payloads, seconds


def lesson_rows(row_type) -> list:
    """Each lesson executed top to bottom on a fresh kernel: seconds (kernel start included)
    and the kernel's peak resident memory."""
    rows, total = [], 0.0
    for path in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        notebook.cells.append(nbformat.v4.new_code_cell(PEAK_MEMORY_CELL))
        payloads, seconds = run_cells(notebook, path.parent)
        total += seconds
        rows.append(row_type(f"lesson {path.stem}", "fresh kernel, nbclient, top to bottom",
                             f"{seconds:.1f} s, peak {payloads[-1]['peak_mib']:.0f} MiB",
                             "<= 45 s", seconds <= 45))
    rows.append(row_type("whole course (all lessons, one after the other)", "sum of the above",
                         f"{total:.0f} s", "<= 240 s (aim 180 s)", total <= 240))
    return rows


def widget_step_rows(row_type, quick: bool) -> list:
    """Per widget, in a real kernel: the display overhead (IPython's formatters: the widget
    view and its static copy), and one step's kernel time and bytes sent to the front end."""
    steps, hidden = (12, 8) if quick else (50, 32)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(cell.format(steps=steps, hidden=hidden))
                      for cell in STEP_CELLS]
    (result,), _ = run_cells(notebook, ROOT)
    shape = f"LSTM 2 layers, bidirectional, T = {steps}, hidden {hidden}"
    rows = []
    for name, (display_ms, step_ms, step_bytes) in result.items():
        rows += [row_type(f"{name} display overhead ({shape})",
                          "median of 5 calls of IPython's display formatters in a kernel",
                          f"{display_ms:.1f} ms", "<= 30 ms", display_ms <= 30),
                 row_type(f"{name} step ({shape})", "median of 50 slider moves in a kernel "
                          "(nbclient); bytes: the widget messages the step sends",
                          f"{step_ms:.1f} ms, {step_bytes / 1024:.1f} KiB", "<= 5 ms",
                          step_ms <= 5)]
    return rows
