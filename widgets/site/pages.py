"""The pages of the course site (`widgets.site` builds it): one HTML page per executed lesson,
a home page from the README and a page of the benchmark and quality tables, each rendered by
nbconvert with the template in ``assets/templates/rnn_site`` (JupyterLab's look plus the
site's navigation; MathJax, plotly.js and the quiz script from the site's ``_static/``).

A Markdown page (the README, docs/*.md) is rendered as a one-cell notebook, so every page
has the same look and math. Links are rewritten for the site: a lesson's ``.ipynb`` becomes
its page, docs/images/ the site's images/, docs/benchmarks.md its page; any other relative
link (a file of the repository the site does not carry) becomes plain text.

Lessons: none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
from nbconvert import HTMLExporter

from .mathjax import NO_SCRIPT, mathjax_url

ASSETS = Path(__file__).resolve().parent / "assets"
TEMPLATE = "rnn_site"
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^()\s]+)\)")
HEADING = re.compile(r"^#\s+(.+?)\s*$", re.M)


@dataclass(frozen=True)
class Page:
    """One page of the site: its file name (e.g. "02_rnn_cell_anatomy.html") and title."""

    file: str
    title: str


def lesson_title(notebook, fallback: str) -> str:
    """The first level-1 heading of the lesson's first Markdown cell, else ``fallback``."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            match = HEADING.search(cell.source)
            return match[1] if match else fallback
    return fallback


def rewrite_links(markdown: str, base: Path, targets: dict[Path, str]) -> str:
    """``markdown`` with its relative links resolved against the folder ``base``: a file in
    ``targets`` (resolved path -> site URL) links to its URL, any other relative link becomes
    its text (an image its alt text); absolute URLs and #anchors stay."""
    def replace(match: re.Match) -> str:
        bang, text, target = match.groups()
        if urlsplit(target).scheme or target.startswith("#"):
            return match[0]
        path, _, anchor = target.partition("#")
        url = targets.get((base / path).resolve())
        if url is None:
            return text
        return f"{bang}[{text}]({url}{'#' + anchor if anchor else ''})"
    return LINK.sub(replace, markdown)


def nav_html(pages: list[Page], index: int | None, where: str) -> str:
    """The navigation bar: home, previous and next page (``index`` in ``pages``; None for a
    page outside the sequence), escaped."""
    links = ['<a class="home" href="index.html">Recurrent neural networks, step by step</a>']
    if index is not None and index > 0:
        before = pages[index - 1]
        links.append(f'<a class="prev" href="{escape(before.file)}">← {escape(before.title)}</a>')
    if index is not None and index + 1 < len(pages):
        after = pages[index + 1]
        links.append(f'<a class="next" href="{escape(after.file)}">{escape(after.title)} →</a>')
    links.append('<a href="benchmarks.html">Benchmarks and checks</a>')
    return f'<nav class="rnn-site-nav {where}">{"".join(links)}</nav>'


def exporter() -> HTMLExporter:
    """nbconvert's HTML exporter with the site's template (JupyterLab's, light theme), MathJax
    from the site's ``_static/mathjax`` and no require.js (a CDN link; only stored widget state
    needs it, and the course stores none)."""
    return HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[str(ASSETS / "templates")],
                        mathjax_url=mathjax_url("_static/mathjax/"), require_js_url=NO_SCRIPT)


def render(notebook, title: str, header: str, footer: str) -> str:
    """One page: ``notebook`` rendered with the site's template, ``header`` and ``footer``
    (HTML, already escaped) around its cells."""
    notebook = nbformat.from_dict(notebook)
    notebook.metadata["title"] = title
    notebook.metadata.pop("widgets", None)
    html, _ = exporter().from_notebook_node(
        notebook, resources={"rnn_site": {"header": header, "footer": footer}})
    return html


def markdown_page(markdown: str, title: str, header: str, footer: str) -> str:
    """A Markdown text as a one-cell page (the home page, the benchmark page)."""
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown)])
    return render(notebook, title, header, footer)
