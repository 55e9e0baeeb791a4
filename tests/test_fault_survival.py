"""What a classroom throws at the course: a kernel killed while it saves quiz progress, and a
lesson interrupted in the middle of training, then run again from the top.

(Corrupted and truncated progress files are in test_progress.py.)
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

from widgets.quizzes.store import FILE_NAME, ProgressWarning, load_progress, record_answer

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "lessons" / "08_capstone_text_classification.ipynb"
TRAINING_CELL = "def make_models("  # the lesson's longest cell (about 12 s): it trains 4 models

KILL_BETWEEN_WRITE_AND_RENAME = """
    def killed(src, dst):
        os.kill(os.getpid(), signal.SIGKILL)
    progress.os.replace = killed
"""
KILL_HALFWAY_THROUGH_WRITING = """
    def killed(data, handle, **kwargs):
        handle.write('{"lessons": {"05_lstm')
        handle.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    progress.json.dump = killed
"""


def killed_writer(path: Path, crash: str) -> subprocess.CompletedProcess:
    """A separate Python process (a kernel, as far as the file is concerned) records an answer
    to lesson 05 and is killed (SIGKILL: no clean-up runs) at the point ``crash`` sets up."""
    code = textwrap.dedent("""
        import os, signal, sys
        from widgets.quizzes import store as progress
    """) + textwrap.dedent(crash) + textwrap.dedent(f"""
        progress.record_answer("05_lstm_gates", "post", "q1", ["an answer"], True, total=3,
                               path={str(path)!r})
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("crash", [KILL_BETWEEN_WRITE_AND_RENAME, KILL_HALFWAY_THROUGH_WRITING],
                         ids=["between-write-and-rename", "halfway-through-writing"])
def test_progress_survives_a_kernel_killed_while_saving(tmp_path, crash):
    path = tmp_path / FILE_NAME
    for lesson in ("01_why_order_matters", "02_rnn_cell_anatomy"):
        record_answer(lesson, "pre", "q1", ["an answer"], True, total=2, path=path)
    before = path.read_bytes()

    result = killed_writer(path, crash)

    assert result.returncode == -signal.SIGKILL, result.stderr
    assert path.read_bytes() == before
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProgressWarning)
        assert set(load_progress(path)["lessons"]) == {"01_why_order_matters",
                                                       "02_rnn_cell_anatomy"}
    record_answer("05_lstm_gates", "post", "q1", ["an answer"], True, total=3, path=path)
    saved = json.loads(path.read_text(encoding="utf-8"))["lessons"]
    assert set(saved) == {"01_why_order_matters", "02_rnn_cell_anatomy", "05_lstm_gates"}


def execute(client, source: str, timeout: float = 300) -> dict:
    """Run ``source`` in the kernel; the reply's content plus the text the cell printed."""
    printed = []

    def keep(message):
        content = message["content"]
        if message["msg_type"] == "stream":
            printed.append(content["text"])
        elif message["msg_type"] in ("execute_result", "display_data"):
            printed.append(content["data"].get("text/plain", ""))

    reply = client.execute_interactive(source, timeout=timeout, output_hook=keep,
                                       store_history=True)
    return {**reply["content"], "printed": "".join(printed)}


def test_a_lesson_interrupted_while_training_runs_again_from_the_top():
    sources = [cell.source for cell in nbformat.read(LESSON, as_version=4).cells
               if cell.cell_type == "code"]
    training = next(i for i, source in enumerate(sources) if TRAINING_CELL in source)
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(LESSON.parent))
    try:
        first = [execute(client, source) for source in sources[:training]]
        assert [reply["status"] for reply in first] == ["ok"] * training

        client.execute(sources[training])
        reply = wait_then_interrupt(manager, client, after_s=3)
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply

        again = [execute(client, source) for source in sources]
        errors = [(i, r.get("ename"), r.get("evalue")) for i, r in enumerate(again)
                  if r["status"] != "ok"]
        assert errors == []
        assert [r["printed"] for r in again[:training]] == [r["printed"] for r in first]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def wait_then_interrupt(manager, client, after_s: float) -> dict:
    """Interrupt the running cell after ``after_s`` seconds (SIGINT, as the stop button does)
    and return its execute reply."""
    with pytest.raises(queue.Empty):  # still training
        client.get_shell_msg(timeout=after_s)
    manager.interrupt_kernel()
    return client.get_shell_msg(timeout=60)["content"]
