"""The learner's quiz scores as a small widget: first-try score of every lesson's pre- and
post-quiz, read from the progress store (lesson 08_capstone_text_classification shows it).

Lessons: 08.
"""

from __future__ import annotations

import os
from html import escape
from typing import Any

import ipywidgets as w

from ..views.static import StaticForm, static_form
from .store import progress_summary


def summary_html(rows: list[dict[str, Any]]) -> str:
    """The summary as an HTML table: first-try score of each lesson's pre and post quiz."""
    def cell(score: dict[str, int] | None) -> str:
        return "&mdash;" if score is None else f"{score['first_try']}/{score['total']}"
    body = "".join(f"<tr><td>{escape(r['lesson'])}</td><td>{cell(r['pre'])}</td>"
                   f"<td>{cell(r['post'])}</td></tr>" for r in rows)
    return ("<table><thead><tr><th>Lesson</th><th>Pre-quiz (first try)</th>"
            f"<th>Post-quiz (first try)</th></tr></thead><tbody>{body}</tbody></table>")


class ProgressTable(StaticForm, w.VBox):
    """The widget `progress_widget` returns; its static form is the title and the table."""

    def static_html(self) -> str:
        """The title and the table as they stood when shown (HTML, lesson names escaped)."""
        return static_form("progress_widget", "Your quiz scores when this notebook ran.",
                           extra_html=self.children[0].value + self.children[1].value)


def progress_widget(path: str | os.PathLike | None = None) -> w.VBox:
    """A small widget: the summary table and a Refresh button."""
    table = w.HTML(summary_html(progress_summary(path)))
    refresh = w.Button(description="Refresh", tooltip="Read the progress file again")
    refresh.on_click(lambda _b: setattr(table, "value", summary_html(progress_summary(path))))
    return ProgressTable([w.HTML("<h4>Your quiz scores</h4>"), table, refresh])
