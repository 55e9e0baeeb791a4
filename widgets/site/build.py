"""The course site: every lesson, executed, as a static web page that works offline, from disk
(file://) or any static host. Build it with

    python -m widgets.site --out DIR [--executed FOLDER]

DIR must lie outside the course repository (the course writes nothing into it). The site has
a home page (the README: what the course is, who it is for, the lesson map, how to install),
one page per lesson in order with previous/next links, the README's widget pictures, and a page
with the benchmark and quality tables. On a lesson page the math is rendered by MathJax from
the installed `jupyter_server_mathjax` package (`widgets.site.mathjax`), every widget shows its
static copy (a plotly figure whose slider moves the figure and the text beside it), each quiz is
answerable with feedback (``assets/quiz.js``), exercise cells are marked as exercises, and
solutions stay in lessons/solutions/ (the site does not carry them).

Executing the lessons is the slow part (about 100 s for all nine on 2 cores). ``--executed``
names a folder of already executed lessons (same file names; nbclient with
``store_widget_state=False``, e.g. saved by tests/test_lesson_runs.py); a lesson missing there,
or whose cells differ from the lesson's, is executed afresh.

The pages are nbconvert's (JupyterLab's template plus the site's navigation), not a site tool's:
Jupyter Book 2 (mystmd, on Node.js) downloads its theme on the first build, so it cannot build
offline; Jupyter Book 1 / Sphinx with MyST-NB would add about forty packages, and links
require.js and the widget manager from a CDN for pages with widget outputs, for what nbconvert,
already used by the tests, does here.

Lessons: none.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path

import nbformat

from ..paths import LESSONS_DIR, REPO_ROOT
from .mathjax import copy_mathjax
from .pages import ASSETS, Page, lesson_title, markdown_page, nav_html, render, rewrite_links

DOCS_DIR = REPO_ROOT / "docs"
MARKER = ".rnn-course-site"
STATIC_FILES = ("site.css", "quiz.js")
TIMEOUT_S = 300
# nbclient waits 4 s (its default) after a cell's reply for the rest of the cell's output, then
# drops what has not come with only a warning. A cell that displays a large widget sends a few
# thousand messages; on a busy machine they can take longer, and a page (or a test comparing
# two runs) would silently miss an output. Wait longer, and fail rather than lose output.
OUTPUT_WAIT = {"iopub_timeout": 120, "raise_on_iopub_timeout": True}


def lessons() -> list[Path]:
    """The lessons, in order (lessons/NN_*.ipynb)."""
    return sorted(LESSONS_DIR.glob("[0-9][0-9]_*.ipynb"))


def check_out(out: Path | str) -> Path:
    """The output folder, resolved: outside the repository, and either new, empty or a site
    built before (it holds `MARKER`); otherwise a ValueError naming the problem."""
    folder = Path(out).expanduser().resolve()
    if folder.is_relative_to(REPO_ROOT):
        raise ValueError(f"`--out` must be outside the course repository {REPO_ROOT} (the course "
                         f"writes nothing into it), got {folder}")
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"`--out` must be a folder, got the file {folder}")
    if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise ValueError(f"`--out` {folder} is not empty and holds no course site built before; "
                         "choose a new or empty folder")
    return folder


def same_cells(executed, lesson) -> bool:
    """True when ``executed`` has the lesson's cells (type and source) and ran to the end."""
    if len(executed.cells) != len(lesson.cells):
        return False
    return all(a.cell_type == b.cell_type and a.source == b.source
               for a, b in zip(executed.cells, lesson.cells, strict=True)) and all(
        a.get("execution_count") for a in executed.cells if a.cell_type == "code" and a.source)


def execute(path: Path):
    """The lesson at ``path`` executed on a fresh kernel in its folder, as the tests run it."""
    return run_notebook(nbformat.read(path, as_version=4), path.parent)


def run_notebook(notebook, folder: Path, timeout: int = TIMEOUT_S):
    """Execute ``notebook`` in place on a fresh kernel started in ``folder``, every cell within
    ``timeout`` s, no widget state stored, no output dropped (`OUTPUT_WAIT`); returns it. The
    site's build and the tests' lesson runs share it."""
    from nbclient import NotebookClient

    NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}},
                   store_widget_state=False, **OUTPUT_WAIT).execute()
    return notebook


def executed_lesson(path: Path, executed: Path | None, say=print):
    """The executed lesson: from the folder ``executed`` when it holds an up-to-date run of
    it, else executed now."""
    lesson = nbformat.read(path, as_version=4)
    copy = executed / path.name if executed is not None else None
    if copy is not None and copy.is_file():
        notebook = nbformat.read(copy, as_version=4)
        if same_cells(notebook, lesson):
            return notebook
        say(f"{copy} is not a complete run of the current {path.name}: executing it")
    say(f"executing {path.name}")
    return execute(path)


def build(out: Path | str, executed: Path | str | None = None, say=print) -> Path:
    """Build the site into ``out`` (see the module docstring); returns the folder."""
    folder = check_out(out)
    executed = Path(executed).resolve() if executed is not None else None
    if executed is not None and not executed.is_dir():
        raise ValueError(f"`--executed` must be a folder of executed lessons, got {executed}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("A course site built by python -m widgets.site\n")
    write_static(folder)
    notebooks = [executed_lesson(path, executed, say) for path in lessons()]
    pages = [Page(path.with_suffix(".html").name, lesson_title(nb, path.stem))
             for path, nb in zip(lessons(), notebooks, strict=True)]
    links = site_links(pages)
    for k, (page, notebook) in enumerate(zip(pages, notebooks, strict=True)):
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                cell.source = rewrite_links(cell.source, LESSONS_DIR, links)
        html = render(notebook, page.title, nav_html(pages, k, "top"),
                      nav_html(pages, k, "bottom"))
        (folder / page.file).write_text(html, encoding="utf-8")
    write_markdown_pages(folder, pages)
    say(f"course site written to {folder / 'index.html'}")
    return folder


def write_static(folder: Path) -> None:
    """_static/ (plotly.js from the plotly package, MathJax, the site's CSS and quiz script)
    and images/ (the README's widget pictures)."""
    from plotly.offline import get_plotlyjs

    static = folder / "_static"
    static.mkdir(exist_ok=True)
    (static / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    for name in STATIC_FILES:
        shutil.copyfile(ASSETS / name, static / name)
    copy_mathjax(static / "mathjax")
    images = folder / "images"
    images.mkdir(exist_ok=True)
    for picture in sorted((DOCS_DIR / "images").glob("*.png")):
        shutil.copyfile(picture, images / picture.name)


def site_links(pages: Iterable[Page]) -> dict[Path, str]:
    """Repository files the site carries -> their URL in the site."""
    links = {(LESSONS_DIR / p.file).with_suffix(".ipynb").resolve(): p.file for p in pages}
    links[(DOCS_DIR / "benchmarks.md").resolve()] = "benchmarks.html"
    links[(DOCS_DIR / "quality.md").resolve()] = "benchmarks.html"
    links.update({picture.resolve(): f"images/{picture.name}"
                  for picture in (DOCS_DIR / "images").glob("*.png")})
    return links


def write_markdown_pages(folder: Path, pages: list[Page]) -> None:
    """index.html from the README (its lesson table links to the lesson pages);
    benchmarks.html from docs/benchmarks.md and quality.md."""
    links = site_links(pages)
    readme = rewrite_links((REPO_ROOT / "README.md").read_text(encoding="utf-8"), REPO_ROOT,
                           links)
    (folder / "index.html").write_text(markdown_page(
        readme, "Recurrent neural networks, step by step", nav_html(pages, None, "top"),
        nav_html(pages, None, "bottom")), encoding="utf-8")
    tables = "\n\n".join(rewrite_links((DOCS_DIR / name).read_text(encoding="utf-8"), DOCS_DIR,
                                       links) for name in ("benchmarks.md", "quality.md"))
    (folder / "benchmarks.html").write_text(markdown_page(
        tables, "Benchmarks and quality checks", nav_html(pages, None, "top"),
        nav_html(pages, None, "bottom")), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m widgets.site", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the site's folder, outside the repository")
    parser.add_argument("--executed", help="a folder of executed lessons to reuse")
    arguments = parser.parse_args(argv)
    try:
        build(arguments.out, arguments.executed)
    except (ValueError, ModuleNotFoundError, FileNotFoundError) as error:
        print(f"python -m widgets.site: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
