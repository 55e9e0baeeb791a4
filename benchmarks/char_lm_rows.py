"""Benchmark rows of lesson 09's character language model: training speed (characters per
second at 1 and 2 threads, the lesson's settings), sampling time per character as the
SampleStepper regenerates, and one SampleStepper step inside a real kernel."""

from __future__ import annotations

import time
from pathlib import Path

import kernel_rows
import nbformat
import torch

import widgets
from widgets.char_lm import CharLM, CharVocab
from widgets.char_training import PRECOMPUTED, train_char_lm
from widgets.data.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
STEP_CELL = """
import json, statistics, time
from IPython.display import display
import widgets
widgets.set_seed(0)
model, vocab = widgets.load_char_model()
stepper = widgets.SampleStepper(model, vocab, prime="def ", length={length})
display(stepper)
times = []
for index in range(50):
    start = time.perf_counter()
    stepper.controls.value = 1 + index % ({length} - 1)
    times.append((time.perf_counter() - start) * 1e3)
print("BENCHMARK " + json.dumps({{"step_ms": statistics.median(times)}}))
"""


def training_rows(row_type, quick: bool) -> list:
    """Characters per second of `train_char_lm` with the precomputed model's settings."""
    corpus = load_corpus()
    vocab = CharVocab(corpus.chars)
    ids = vocab.encode(corpus.train)
    steps = 3 if quick else 30
    rows = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        torch.manual_seed(0)
        model = CharLM(len(vocab), PRECOMPUTED["embedding_dim"], PRECOMPUTED["hidden_size"])
        start = time.perf_counter()
        log = train_char_lm(model, ids, steps=steps, batch_size=PRECOMPUTED["batch_size"],
                            seq_len=PRECOMPUTED["seq_len"])
        rate = log.characters / (time.perf_counter() - start)
        rows.append(row_type(f"char LM training, {threads} thread(s) (LSTM hidden 128, batches "
                             "32 x 100)", f"{steps} Adam steps of train_char_lm, wall clock",
                             f"{rate:,.0f} characters/s", "-", None))
    torch.set_num_threads(1)
    return rows


def sampling_rows(row_type, quick: bool) -> list:
    """Regenerating in the SampleStepper: milliseconds per drawn character."""
    model, vocab = widgets.load_char_model()
    length = 20 if quick else 200
    stepper = widgets.SampleStepper(model, vocab, prime="def ", length=length)
    repeats, start = 3, time.perf_counter()
    for seed in range(1, repeats + 1):
        stepper.seed.value = seed  # regenerates: a forward step and a top-5 per character
    per_char = (time.perf_counter() - start) * 1e3 / (repeats * length)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(STEP_CELL.format(length=length))]
    (result,), _ = kernel_rows.run_cells(notebook, ROOT)
    return [row_type(f"SampleStepper sampling ({length} characters, precomputed model)",
                     "regenerate (seed changed) / characters, mean of 3",
                     f"{per_char:.2f} ms per character", "-", None),
            row_type(f"SampleStepper step ({length} characters)",
                     "median of 50 steps in a kernel (nbclient)",
                     f"{result['step_ms']:.1f} ms", "<= 5 ms", result["step_ms"] <= 5)]


def rows(row_type, quick: bool) -> list:
    return training_rows(row_type, quick) + sampling_rows(row_type, quick)
