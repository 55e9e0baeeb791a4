"""User text stays text in a real browser.

One notebook builds every widget that shows user- or data-provided text, with markup payloads
as tokens, typed sentences, model labels, quiz texts, typed answers, a quiz title and lesson
names in the progress file; the test types payloads into the text boxes, steps through every
token and checks answers. Then: no alert dialog opened, no payload set its window flag, no
request for the payloads' image "x" was made, no injected element (img[src=x], script, on*
attribute, javascript: link) exists in any output, and every payload is shown literally as
text in each widget (HTML text, plotly's SVG labels, dropdown options).

The DecayDemo is not built: it shows no user- or data-provided text (its labels and readouts
come from its own numeric sliders).

The Quiz class refuses a bank whose texts contain "<" or "&" (tests/test_safety.py checks it),
so payload questions go through `QuestionView`, the part of the Quiz that renders a question,
and through `quiz_html`, the Quiz's static form, here shown as trusted HTML output (which
JupyterLab would run scripts in).
"""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

TIMEOUT_MS = 60_000
ALERTS = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
          '"><svg onload=alert(3)>']
FLAGS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>",
         '"><svg onload="window.__xss=3">']
PLOTLY_MARKUP = ['<a href="javascript:alert(4)">x</a>', "<b>bold</b>"]
PAYLOADS = ALERTS + FLAGS + PLOTLY_MARKUP
ALL = " ".join(PAYLOADS)

SETUP = '''
import json
import os
from pathlib import Path

import ipywidgets as ipw
import torch
from IPython.display import HTML, display

import widgets
from widgets.figures.state import sentence_html, state_figure_static
from widgets.quizzes.progress import progress_widget
from widgets.quizzes.store import record_answer
from widgets.quizzes.bank import load_bank, questions_for
from widgets.quizzes.grading import grade
from widgets.quizzes.widget import QuestionView, Quiz, quiz_html

P = json.loads(Path("xss_payloads.json").read_text(encoding="utf-8"))
ALL = " ".join(P)
PROGRESS = Path(os.environ["RNN_COURSE_DATA_DIR"]) / "xss_progress.json"
torch.manual_seed(0)
vocab = widgets.Vocab(["<pad>", "<unk>", "good", "not"])
rnn_model = widgets.RecurrentClassifier(len(vocab), 4, 3, 2, kind="rnn")
lstm_model = widgets.RecurrentClassifier(len(vocab), 4, 3, 2, kind="lstm")


def whole(text):
    """'|'-separated tokens, so each payload stays one token (the default tokenizer would cut
    it into harmless pieces)."""
    return [piece for piece in text.split("|") if piece]


def choice(kind, correct):
    return {"id": f"xss-{kind}", "quiz": "post", "type": kind, "question": ALL, "code": ALL,
            "explanation": f"why {ALL}",
            "answers": [{"answer": p, "correct": correct(i), "feedback": f"feedback {p}"}
                        for i, p in enumerate(P)]}


QUESTIONS = [choice("multiple_choice", lambda i: i == 0), choice("many_choice", lambda i: i < 2),
             {"id": "xss-numeric", "quiz": "post", "type": "numeric", "question": ALL,
              "code": ALL, "explanation": f"why {ALL}",
              "answers": [{"type": "value", "value": 1, "correct": True,
                           "feedback": f"right {ALL}"},
                          {"type": "default", "feedback": f"default {ALL}"}]}]
'''
CELLS = {
    "setup": SETUP,
    "state": 'widgets.StateStepper.from_model(rnn_model, "good|not", vocab, tokenize=whole)',
    "gates": 'widgets.GateViewer.from_model(lstm_model, "good|not", vocab, tokenize=whole)',
    "layers": ("bi = torch.nn.LSTM(4, 3, num_layers=2, bidirectional=True)\n"
               "widgets.LayerStepper(widgets.trace(bi, torch.randn(len(P), 4), tokens=P))"),
    "gradients": ('widgets.GradientFlow.from_models(rnn_model, lstm_model, "|".join(P), vocab, '
                  'tokenize=whole, labels=(f"RNN {ALL}", f"LSTM {ALL}"))'),
    "quiz": ('numeric = next(q for q in questions_for(load_bank("02_rnn_cell_anatomy"), "post")\n'
             '               if q["type"] == "numeric")\n'
             'Quiz([numeric], lesson=ALL, which="post", title=f"Quiz {ALL}", '
             "progress_path=PROGRESS)"),
    "questions": ("views = [QuestionView(q, n, list(range(len(q['answers']))))\n"
                  "         for n, q in enumerate(QUESTIONS, start=1)]\n"
                  "for view in views:\n"
                  "    view.check_button.on_click(\n"
                  "        lambda _b, v=view: v.show(grade(v.question, v.response)))\n"
                  "ipw.VBox(views)"),
    "static": ("display(HTML(quiz_html(QUESTIONS, title=f'Static {ALL}')))\n"
               "rnn_trace = widgets.trace(torch.nn.RNN(4, 3), torch.randn(len(P), 4), tokens=P)\n"
               "display(HTML(sentence_html(rnn_trace, unit=0)))\n"
               "state_figure_static(rnn_trace)"),
    "sampler": ("char_model, char_vocab = widgets.load_char_model()\n"
                "widgets.SampleStepper(char_model, char_vocab, prime=ALL, length=8)"),
    "progress": ("for p in P:\n"
                 '    record_answer(p, "pre", "xss-q", p, True, total=1, path=PROGRESS)\n'
                 "progress_widget(PROGRESS)"),
}
ORDER = list(CELLS)

TEXT_OF = """root => {
    const parts = [root.innerText];
    root.querySelectorAll('svg text, option').forEach(e => parts.push(e.textContent));
    return parts.join('\\n').replace(/\\u00a0/g, ' ');
}"""
INJECTED = """() => {
    const found = [];
    const note = e => found.push(e.outerHTML.slice(0, 160));
    document.querySelectorAll('img[src="x"], svg[onload], a[href^="javascript"]').forEach(note);
    for (const area of document.querySelectorAll('.jp-OutputArea')) {
        // A JSON data script (a quiz's questions for the static site) is inert, as long as
        // its text holds no '<' that could end it early; every other script is injected.
        area.querySelectorAll('script, iframe, object, embed').forEach(e => {
            const data = e.tagName === 'SCRIPT' && e.type === 'application/json';
            if (!data || e.textContent.includes('<')) note(e);
        });
        for (const e of area.querySelectorAll('*')) {
            if ([...e.attributes].some(a => a.name.toLowerCase().startsWith('on'))) note(e);
        }
    }
    return found;
}"""


def _output(page, cell: str):
    """The output area of the notebook cell named ``cell`` (see CELLS)."""
    return page.locator(".jp-Notebook .jp-CodeCell").nth(ORDER.index(cell)).locator(
        ".jp-OutputArea")


def _step_through(widget, length: int) -> None:
    """Press Next until the last of ``length`` steps is shown."""
    controls = widget.locator(".rnn-step-controls")
    def shown(step):  # "t = 3 / 9" (a token viewer) or "step 3 / 9" (the LayerStepper)
        return re.compile(rf"(t = |step ){step} / {length}\b")

    expect(controls).to_contain_text(shown(1), timeout=TIMEOUT_MS)
    for step in range(2, length + 1):
        widget.get_by_role("button", name="Next ▶").click()
        expect(controls).to_contain_text(shown(step), timeout=TIMEOUT_MS)


def _type_sentence(widget, length: int) -> None:
    box = widget.get_by_placeholder("type a sentence, then press Enter")
    box.fill("good|" + "|".join(PAYLOADS))
    box.press("Enter")
    _step_through(widget, length)


def _press_check(block, expected: str, tries: int = 3) -> None:
    """Press Check until the feedback shows ``expected``. ipywidgets may hold back a changed
    value while the kernel is busy but sends a click at once, so a click right after typing
    can be graded on the previous value; pressing again grades the value the kernel now has."""
    feedback = block.locator(".rnn-quiz-feedback")
    for _ in range(tries - 1):
        block.get_by_role("button", name="Check").click()
        try:
            expect(feedback).to_contain_text(expected, timeout=TIMEOUT_MS // 6)
            return
        except AssertionError:
            continue
    block.get_by_role("button", name="Check").click()
    expect(feedback).to_contain_text(expected, timeout=TIMEOUT_MS)


def _check(block, answer: str, expected: str) -> None:
    """Type ``answer`` into a numeric question, press Check, wait for ``expected``."""
    block.get_by_role("textbox").fill(answer)
    _press_check(block, expected)


def _drive_quizzes(page) -> None:
    quiz = _output(page, "quiz").locator(".rnn-quiz")
    _check(quiz, ALL, "Could not read")
    _check(quiz, "640", "Correct")
    blocks = _output(page, "questions").locator(".rnn-quiz-question")
    single, many, numeric = blocks.nth(0), blocks.nth(1), blocks.nth(2)
    for payload in PAYLOADS[:2]:
        single.get_by_role("radio", name=payload, exact=True).check()
        _press_check(single, f"feedback {payload}")
    for box in many.get_by_role("checkbox").all():
        box.check()
    _press_check(many, f"feedback {PAYLOADS[-1]}")
    _check(numeric, ALL, "Could not read")
    _check(numeric, "2", f"default {ALL}")
    progress = _output(page, "progress")
    progress.get_by_role("button", name="Refresh").click()
    expect(progress.locator("table")).to_contain_text(ALL, timeout=TIMEOUT_MS)


@pytest.mark.browser
def test_payloads_in_every_widget_are_shown_as_text_and_never_run(lab):
    page = lab.page
    dialogs, image_requests = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: image_requests.append(request.url)
            if urlsplit(request.url).path.endswith("/x") else None)
    (lab.server.root / "xss_payloads.json").write_text(json.dumps(PAYLOADS), encoding="utf-8")
    lab.open_notebook(lab.write_notebook("xss.ipynb", list(CELLS.values())))
    lab.run_all()
    assert lab.error_texts() == []
    length = 1 + len(PAYLOADS)
    for cell, root in (("state", ".rnn-state-stepper"), ("gates", ".rnn-gate-viewer")):
        widget = _output(page, cell).locator(root)
        expect(widget.locator(".js-plotly-plot")).to_be_visible(timeout=TIMEOUT_MS)
        _type_sentence(widget, length)
    layers = _output(page, "layers").locator(".rnn-layer-stepper")
    _step_through(layers, len(PAYLOADS))
    picker = layers.locator("select")
    for index in range(len(PAYLOADS)):
        picker.select_option(index=index)
        expect(layers).to_contain_text(f"output[{index}] ('{PAYLOADS[index]}')",
                                       timeout=TIMEOUT_MS)
    expect(_output(page, "gradients").locator(".legendtext").first).to_be_visible(
        timeout=TIMEOUT_MS)
    sampler = _output(page, "sampler").locator(".rnn-sample-stepper")
    expect(sampler.locator(".js-plotly-plot")).to_be_visible(timeout=TIMEOUT_MS)
    prime = sampler.get_by_role("textbox").first
    prime.fill(ALL + " ")
    prime.press("Enter")
    _step_through(sampler, 8)
    _drive_quizzes(page)
    page.wait_for_timeout(1000)  # let any late onerror/onload handler fire

    assert dialogs == [], f"an alert ran: {dialogs}"
    assert page.evaluate("() => window.__xss === undefined"), "a payload set window.__xss"
    assert image_requests == [], f"a payload's <img src=x> was created: {image_requests}"
    assert page.evaluate(INJECTED) == []
    assert lab.error_texts() == []
    for cell in ORDER[1:]:
        text = _output(page, cell).evaluate(TEXT_OF)
        missing = [p for p in PAYLOADS if p not in text]
        assert missing == [], f"cell {cell!r} does not show these payloads as text: {missing}"
    legend = " ".join(_output(page, "gradients").locator(".legendtext").all_text_contents())
    assert all(f"{model} {ALL}" in legend for model in ("RNN", "LSTM")), legend
    ticks = _output(page, "state").locator(".xtick text").all_text_contents()
    labels = ["good"] + [f"{p} (unk)" for p in PAYLOADS]  # ticks show a label's first 12
    assert ticks == [label[:12] for label in labels], ticks  # characters, as text
