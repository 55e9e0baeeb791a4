"""Helpers shared by the tests: small Traces to feed figures and widgets, and JupyterLab
started in isolation (tests/browser/conftest.py for the browser tests, tests/test_safety.py
for the README's own launch command)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from widgets.tracing.record import trace
from widgets.tracing.trace_data import Trace

# ------------------------------------------------------------------------------ Traces


def torch_trace(cls=nn.LSTM, layers=1, bidirectional=False, seed=0, *, tokens: Sequence[str],
                hidden=4, input_scale=1.0, weight_scale=1.0, random_h0=False) -> Trace:
    """`trace` of a seeded ``cls(3, hidden, ...)`` on len(tokens) random inputs (times
    ``input_scale``); ``weight_scale`` multiplies every parameter (larger values exercise signs
    and saturation); ``random_h0`` starts from a random h0 (and c0 for an LSTM)."""
    torch.manual_seed(seed)
    module = cls(3, hidden, num_layers=layers, bidirectional=bidirectional)
    if weight_scale != 1.0:
        with torch.no_grad():
            for parameter in module.parameters():
                parameter.mul_(weight_scale)
    h0 = None
    if random_h0:
        h0 = torch.randn(layers * (2 if bidirectional else 1), hidden)
        h0 = (h0, torch.randn_like(h0)) if cls is nn.LSTM else h0
    return trace(module, input_scale * torch.randn(len(tokens), 3), list(tokens), h0=h0)


def random_trace(*, tokens: Sequence[str], layers=2, directions=2, size=5, kind="lstm", seed=0,
                 input_size=3, dtype=np.float32) -> Trace:
    """A Trace of small random arrays with the documented shapes (no torch, no gates): states
    in (-1, 1) as ``dtype``, a cell state for an LSTM."""
    rng = np.random.default_rng(seed)
    shape = (layers, directions, len(tokens), size)

    def states():
        return np.tanh(rng.normal(size=shape)).astype(dtype)

    return Trace(kind=kind, tokens=list(tokens), hidden=states(),
                 cell=states() if kind == "lstm" else None, gates={},
                 output=rng.normal(size=(len(tokens), directions * size)),
                 inputs=rng.normal(size=(len(tokens), input_size)),
                 h0=np.zeros(shape[:2] + (size,)))


# -------------------------------------------------------------------------- JupyterLab

JUPYTER_FOLDERS = {"HOME": "home", "JUPYTER_CONFIG_DIR": "jupyter-config",
                   "JUPYTER_DATA_DIR": "jupyter-data", "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
                   "IPYTHONDIR": "ipython", "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
                   "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces"}


def shapes_on_screen(viewer) -> list:
    """The shapes a stepping widget has sent to the browser (its `ShapeSync`), as plotly Shape
    objects (``.x0``, ``.line.dash``, ...)."""
    import plotly.graph_objects as go

    return [go.layout.Shape(shape) for shape in viewer.shape_sync.shapes]


def isolated_jupyter_env(base: Path, **extra: str) -> dict[str, str]:
    """This environment minus every JUPYTER*/IPYTHON* variable (so no token or config leaks
    in), with empty Jupyter, IPython and home folders under ``base`` and BROWSER set to `true`
    (a no-op command, so no browser opens); then ``extra``. Neither touches the address or
    the token JupyterLab uses."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON"))}
    for variable, name in JUPYTER_FOLDERS.items():
        (base / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(base / name)
    env.update(JUPYTER_PLATFORM_DIRS="1", BROWSER=shutil.which("true") or "true", **extra)
    return env


@contextlib.contextmanager
def running_lab(arguments: Sequence[str], *, cwd: Path, env: dict[str, str], log: Path,
                prefix: Sequence[str] = (), app: str = "lab") -> Iterator[subprocess.Popen]:
    """``[*prefix] jupyter {app} [arguments]`` (JupyterLab, or Notebook 7 with app="notebook")
    started in ``cwd``, its output in ``log``; terminated (killed after 30 s) at the end if it
    is still running."""
    jupyter = Path(sys.executable).with_name("jupyter")
    program = [str(jupyter)] if jupyter.exists() else [sys.executable, "-m", "jupyter"]
    with open(log, "wb") as sink:
        process = subprocess.Popen([*prefix, *program, app, *arguments], cwd=cwd, env=env,
                                   stdout=sink, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def log_tail(log: Path, characters: int = 3000) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-characters:]
