"""The class report opened in headless Chromium: served from loopback, its
three plots render from the inlined plotly.js with no console error and no request to another
host, the numbers are on the bars, the skipped files are listed, and a hostile file name and
answer stay text."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from widgets import class_report
from widgets.quizzes.store import record_answer

from class_fixtures import make_class

EVIL = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def served_report(tmp_path):
    """A generated class with bad files, its report written and served on 127.0.0.1."""
    learners = tmp_path / "learners"
    learners.mkdir()
    make_class(learners, learners=8, seed=3)
    (learners / "broken.json").write_bytes(b"{half a file")
    (learners / "notes.json").write_text('{"title": "not progress"}')
    record_answer("00_start_here", "pre", "00-pre-mean-order", [EVIL], False, total=4,
                  path=learners / f"{EVIL}.json")
    out = class_report.write_report([learners], tmp_path / "report")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{out.name}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
def test_the_report_renders_its_plots_and_lists_skipped_files(browser_session, served_report):
    context, guard = browser_session
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(served_report)
        page.wait_for_function("document.querySelectorAll('.class-figure .main-svg').length >= 3",
                               timeout=60_000)
        assert page.locator(".js-plotly-plot").count() == 3
        bars = page.locator("#fig-scores .bartext").all_text_contents()
        assert any("(n=" in text for text in bars), bars
        assert page.locator("#fig-questions .bartext").count() > 0
        assert page.locator("#fig-started .bartext").count() > 0
        skipped = page.locator("#skipped-files")
        assert skipped.is_visible()
        text = skipped.inner_text()
        assert "broken.json" in text and "notes.json" in text and "not a quiz progress" in text
        assert EVIL in page.locator("body").inner_text()  # shown as text, not an element
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator("img").count() == 0
        assert errors == [] and guard.blocked == []
    finally:
        page.close()
