"""Where the course's files are: the repository root and its data, lessons and quiz folders.

Every module that reads a committed file finds it from here, never from its own location.

Lessons: none.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The course repository (the folder holding ``widgets/``, ``lessons/`` and ``data/``)."""
DATA_DIR = REPO_ROOT / "data"
"""The committed data sets and precomputed results (``data/README.md`` lists them)."""
LESSONS_DIR = REPO_ROOT / "lessons"
"""The lesson notebooks."""
QUIZ_DIR = LESSONS_DIR / "quizzes"
"""The quiz banks, one JSON file per lesson."""
EXPERIMENTS_DIR = DATA_DIR / "experiments"
"""Precomputed multi-seed results (``python -m widgets.experiments``)."""
