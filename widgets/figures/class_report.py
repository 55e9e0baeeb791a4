"""The class report's figures and page (``python -m widgets.class_report``).

Figures: Okabe-Ito colours (colour-blind safe) and, besides colour, a bar pattern for the
post-quiz and the number printed on every bar, so no value is read from colour alone. The page
is one self-contained HTML file: plotly.js is inlined from the installed plotly package (works
offline), every text that came from a file is escaped, and each figure's JSON is escaped so no
text in it can end its script. Nothing in it depends on the time or the machine, so the same
files give the same bytes.

Lessons: none.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.utils import PlotlyJSONEncoder

from ..quizzes.class_data import ClassData, not_started, question_rows, score_rows

PRE, POST, OTHER = "#E69F00", "#0072B2", "#999999"  # Okabe-Ito orange, blue, grey
STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:1em auto;padding:0 1em}"
         "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
         "padding:2px 6px;text-align:left;vertical-align:top}.num{text-align:right}")
_DRAW = ('<script>Plotly.newPlot("{key}", JSON.parse(document.getElementById("{key}-json")'
         '.textContent).data, JSON.parse(document.getElementById("{key}-json").textContent)'
         '.layout, {{"displaylogo": false, "responsive": true}});</script>')


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def scores_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Grouped bars: mean first-try score of each lesson's pre- and post-quiz (percent), each
    bar labelled with its value and its number of learners."""
    figure = go.Figure()
    lessons = [r["lesson"] for r in rows]
    for quiz, colour, pattern in (("pre", PRE, ""), ("post", POST, "/")):
        means = [None if r[quiz]["mean"] is None else round(100 * r[quiz]["mean"], 1)
                 for r in rows]
        text = [f"{_percent(r[quiz]['mean'])} (n={r[quiz]['n']})" for r in rows]
        figure.add_bar(x=lessons, y=means, name=f"{quiz}-quiz", text=text,
                       textposition="outside", marker={"color": colour,
                                                       "pattern": {"shape": pattern}})
    figure.update_layout(
        template="simple_white", title="First-try score before (pre-quiz) and after (post-quiz)",
                         barmode="group", yaxis={"title": "mean first-try score (%)",
                                                 "range": [0, 115]},
                         xaxis={"title": "lesson"}, height=480)
    return figure


def questions_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Horizontal bars: each answered question's first-try rate (percent), labelled with the
    rate and the number of learners; pre- and post-quiz questions in two patterns."""
    answered = [r for r in rows if r["answered"]]
    figure = go.Figure()
    for quiz, colour, pattern in (("pre", PRE, ""), ("post", POST, "/")):
        part = [r for r in answered if r["quiz"] == quiz]
        figure.add_bar(y=[r["id"] for r in part], x=[round(100 * r["rate"], 1) for r in part],
                       orientation="h", name=f"{quiz}-quiz questions",
                       text=[f"{_percent(r['rate'])} of {r['answered']}" for r in part],
                       textposition="outside",
                       marker={"color": colour, "pattern": {"shape": pattern}})
    figure.update_layout(
        template="simple_white", title="Each question: share of learners right at the first try",
                         xaxis={"title": "right at the first try (%)", "range": [0, 125]},
                         yaxis={"autorange": "reversed", "type": "category"},
                         height=max(300, 120 + 22 * len(answered)))
    return figure


def started_figure(rows: list[dict[str, Any]]) -> go.Figure:
    """Stacked bars per lesson: learners who started it and learners who have not (counts)."""
    figure = go.Figure()
    lessons = [r["lesson"] for r in rows]
    started = [r["started"] for r in rows]
    missing = [len(r["missing"]) for r in rows]
    figure.add_bar(x=lessons, y=started, name="started", text=started,
                   marker={"color": POST, "pattern": {"shape": "/"}})
    figure.add_bar(x=lessons, y=missing, name="not started", text=missing,
                   marker={"color": OTHER, "pattern": {"shape": ""}})
    figure.update_layout(
        template="simple_white", title="Learners who started each lesson (any quiz answered)",
                         barmode="stack", yaxis={"title": "learners"},
                         xaxis={"title": "lesson"}, height=420)
    return figure


def figure_div(figure: go.Figure, key: str) -> str:
    """A figure as a div and its escaped JSON, drawn by the page's inlined plotly.js."""
    text = json.dumps(figure.to_plotly_json(), cls=PlotlyJSONEncoder, sort_keys=True)
    safe = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return (f'<div class="class-figure" id="{key}"></div>'
            f'<script type="application/json" id="{key}-json">{safe}</script>'
            + _DRAW.format(key=key))


def _table(header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """An HTML table; every cell is escaped here."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f'<td{" class=num" if i in numeric else ""}>{escape(str(c))}</td>'
        for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def scores_section(rows: list[dict[str, Any]]) -> str:
    """The first-try score table (pre and post per lesson)."""
    return _table(["lesson", "pre-quiz mean first-try", "pre learners",
                   "post-quiz mean first-try", "post learners"],
                  [[r["lesson"], _percent(r["pre"]["mean"]), r["pre"]["n"],
                    _percent(r["post"]["mean"]), r["post"]["n"]] for r in rows], {1, 2, 3, 4})


def questions_section(rows: list[dict[str, Any]]) -> str:
    """The per-question table: first-try rate and the most chosen wrong first answer."""
    table_rows = []
    for r in rows:
        wrong = "-" if r["wrong"] is None else f"{r['wrong']} ({r['wrong_count']})"
        if r["unknown_wrong"]:
            wrong += f"; {r['unknown_wrong']} wrong first tries from before answers were kept"
        table_rows.append([r["lesson"], r["quiz"], r["id"], r["question"],
                           f"{r['first_right']}/{r['answered']}", _percent(r["rate"]), wrong])
    return _table(["lesson", "quiz", "question id", "question", "right at first try",
                   "rate", "most chosen wrong first answer (learners)"], table_rows, {4, 5})


def skipped_section(data: ClassData) -> str:
    """The files that were skipped (whole) or read in part, with the reason."""
    rows = [[label, "skipped", why] for label, why in data.skipped]
    rows += [[label, "read in part", f"records dropped: {why}"] for label, why in data.partial]
    if not rows:
        return '<p id="skipped-files">Every file was read in full.</p>'
    return (f'<div id="skipped-files"><p>{len(data.skipped)} file(s) skipped, '
            f"{len(data.partial)} read in part:</p>"
            + _table(["file", "what happened", "why"], sorted(rows)) + "</div>")


def report_html(data: ClassData) -> str:
    """The whole report page for ``data`` (plotly.js inlined)."""
    scores, questions, started = score_rows(data), question_rows(data), not_started(data)
    missing = [[r["lesson"], len(r["missing"]), ", ".join(r["missing"]) or "-"] for r in started]
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        f"<title>Class report</title><style>{STYLE}</style>",
        f"<script>{get_plotlyjs()}</script></head><body>",
        f"<h1>Class report</h1><p>{len(data.learners)} learner file(s) read.</p>",
        "<h2>Files not read in full</h2>", skipped_section(data),
        "<h2>First-try scores before and after each lesson</h2>",
        figure_div(scores_figure(scores), "fig-scores"), scores_section(scores),
        "<h2>Each question</h2>", figure_div(questions_figure(questions), "fig-questions"),
        questions_section(questions),
        "<h2>Learners who have not started a lesson</h2>",
        figure_div(started_figure(started), "fig-started"),
        _table(["lesson", "not started", "learners"], missing, {1}),
        "</body></html>\n"]
    return "".join(parts)
