"""Static forms: every widget's display bundle carries a text/html copy of its current state
(widgets/views/static.py). Every lesson, executed and exported with nbconvert, is checked in
test_lesson_runs.py with static_pages.check_exported."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import ipywidgets as ipw
import nbformat
import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from IPython.core.formatters import DisplayFormatter
from nbconvert import HTMLExporter
from torch import nn

from widgets.data.vocab import Vocab
from widgets.quizzes.progress import progress_widget
from widgets.quizzes.store import record_answer
from widgets.quizzes.widget import quiz
from widgets.tracing.record import trace
from widgets.views.controls import StepControls
from widgets.views.gate_viewer import GateViewer
from widgets.views.gradient_flow import DecayDemo, GradientFlow
from widgets.views.layer_stepper import LayerStepper
from widgets.views.static import (
    FIGURE_CLASS,
    NO_PLOTLYJS,
    figure_html,
    inline_plotlyjs,
    open_at,
    register_formatters,
    static_form,
)
from widgets.views.stepper import StateStepper

from figure_policy import figure_problems
from readme_blocks import readme_block
from static_pages import PLOTLYJS_BANNER, WIDGET_VIEW, figures

torch.set_num_threads(1)
ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
EVIL = "<img src=x onerror=alert(1)>"
SENTENCE = f"the plot was {EVIL} not good"          # typed by a learner, split on spaces
WORDS = ["the", "plot", "was", "not", "good"]


class TinyModel(nn.Module):
    def __init__(self, cls, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.embedding = nn.Embedding(len(WORDS) + 2, 3)
        self.rnn = cls(3, 4)


VOCAB = Vocab(["<pad>", "<unk>", *WORDS])


def assert_escaped(html: str) -> None:
    assert "<img" not in html.lower() and "&lt;img" in html


def assert_opens_at(html: str, step: int, total: int) -> None:
    """The note names the step and the figure opens there: slider and shapes of that frame."""
    assert f"at step {step + 1} of {total}" in html
    (fig,) = figures(html)
    assert fig["layout"]["sliders"][0]["active"] == step
    frame = next(f for f in fig["frames"] if f["name"] == str(step))
    assert fig["layout"]["shapes"] == frame["layout"]["shapes"]


def bundle_html(widget) -> str:
    bundle = widget._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and "text/plain" in bundle     # ipywidgets' bundle is kept
    html = bundle["text/html"]
    assert html.count('class="rnn-static-form"') == 1
    return html


# ---- each widget's bundle ------------------------------------------------------------------

@pytest.mark.parametrize(("cls", "rnn"), [(StateStepper, nn.RNN), (StateStepper, nn.LSTM),
                                          (GateViewer, nn.LSTM), (GateViewer, nn.GRU)])
def test_token_viewers_show_the_typed_sentence_escaped_at_the_current_step(cls, rnn):
    viewer = cls.from_model(TinyModel(rnn), "the plot was good", VOCAB, tokenize=str.split)
    viewer.text_box.value = SENTENCE                        # what Enter sends
    assert viewer.trace.tokens[3] == "<img (unk)"
    viewer.controls.value = 4
    viewer.unit_picker.value = 2
    html = bundle_html(viewer)
    assert_escaped(html)
    assert_opens_at(html, 4, len(SENTENCE.split()))
    assert "token t = 5 &#x27;src=x (unk)&#x27;, unit 2" in html
    assert viewer.readout.value in html                      # the current values, as shown live


def test_state_stepper_backward_direction_opens_at_its_step():
    torch.manual_seed(0)
    module = nn.GRU(3, 4, bidirectional=True)
    stepper = StateStepper(trace(module, torch.randn(5, 3), SENTENCE.split()[:5]), direction=1)
    stepper.controls.value = 1                               # backward: reads token 3
    html = bundle_html(stepper)
    assert_opens_at(html, 1, 5)
    assert "token t = 4 &#x27;&lt;img&#x27;" in html


def test_layer_stepper_form_follows_the_step_and_the_output_token():
    torch.manual_seed(0)
    module = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    tokens = SENTENCE.split()
    stepper = LayerStepper(trace(module, torch.randn(len(tokens), 3), tokens), output_token=3)
    stepper.controls.value = 2
    html = bundle_html(stepper)
    assert_escaped(html)
    assert_opens_at(html, 2, len(tokens))
    (fig,) = figures(html)
    dashed = [s for s in fig["layout"]["shapes"] if s.get("line", {}).get("dash") == "dash"]
    assert dashed and all(s["x0"] == 2.5 for s in dashed)   # output[3], boxed in the top layer
    assert "h_n[" in html and "output[3]" in html


def test_gradient_flow_form_escapes_tokens_and_labels_and_opens_at_the_token():
    flow = GradientFlow.from_models(TinyModel(nn.RNN), TinyModel(nn.LSTM, 1), SENTENCE, VOCAB,
                                    tokenize=str.split, labels=(EVIL, "LSTM"))
    flow.token_slider.value = 3
    html = bundle_html(flow)
    assert_escaped(html)
    assert "at step 4 of 8" in html
    (fig,) = figures(html)
    assert fig["layout"]["sliders"][0]["active"] == 3
    assert fig["layout"]["shapes"][0]["x0"] == 3
    assert "token k = 3" in fig["layout"]["title"]["text"]


def test_decay_demo_form_opens_at_the_current_radius_and_forget_bias():
    demo = DecayDemo(T=10, hidden_size=4, num_sequences=1)
    demo.radius_slider.value, demo.bias_slider.value = 1.25, 3.0   # 1.25 is not on the grid
    html = bundle_html(demo)
    assert "spectral radius 1.25 (tanh), LSTM forget bias 3, T = 10" in html
    (fig,) = figures(html)
    rnn_slider, lstm_slider = fig["layout"]["sliders"]
    assert rnn_slider["steps"][rnn_slider["active"]]["label"] == "1.25"
    assert lstm_slider["steps"][lstm_slider["active"]]["label"] == "3"
    assert fig["data"][0]["name"].startswith("tanh RNN (spectral radius 1.25)")
    assert fig["data"][1]["name"].startswith("LSTM (forget bias 3)")
    assert "tanh RNN (spectral radius 1.25): " in html


@pytest.mark.parametrize("make", [
    lambda tr: StateStepper(tr), lambda tr: GateViewer(tr), lambda tr: LayerStepper(tr),
    lambda tr: DecayDemo(hidden_size=4, T=10)], ids=["StateStepper", "GateViewer",
                                                   "LayerStepper", "DecayDemo"])
def test_static_figures_keep_the_colour_policy_as_plotlyjs_reads_them(make):
    """A static figure goes to plotly.js as JSON: a scale named "RdBu" there is plotly.js's
    own, which runs the other way (blue below 0), so a name is a problem."""
    torch.manual_seed(0)
    tr = trace(nn.LSTM(3, 4, num_layers=2, bidirectional=True), torch.randn(5, 3))
    shown = figures(bundle_html(make(tr)))
    assert shown and [p for fig in shown for p in figure_problems(fig)] == []
    scales = [axis["colorscale"] for fig in shown for key, axis in fig["layout"].items()
              if key.startswith("coloraxis")] + [t["colorscale"] for fig in shown
                                                  for t in fig["data"] if "colorscale" in t]
    assert all(isinstance(scale, list) for scale in scales)

def test_step_controls_and_progress_table_forms(tmp_path):
    controls = StepControls(["the", EVIL, "good"], value=1)
    html = bundle_html(controls)
    assert_escaped(html)
    assert "t = 2 / 3" in html and "<b>[&lt;img" in html
    record_answer(EVIL, "pre", "q1", "a", True, total=2, path=tmp_path / "progress.json")
    html = bundle_html(progress_widget(tmp_path / "progress.json"))
    assert_escaped(html)
    assert "1/2" in html and "02_rnn_cell_anatomy" in html


def test_quiz_keeps_its_own_static_form():
    bundle = quiz("02_rnn_cell_anatomy", "pre")._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and 'class="rnn-quiz-static"' in bundle["text/html"]


# ---- the shared helpers --------------------------------------------------------------------

def test_figure_json_cannot_end_its_script_and_round_trips():
    fig = go.Figure(go.Bar(y=[1, 2], name="</script><script>alert(1)</script>"),
                    layout_title_text=EVIL)
    html = figure_html(fig)
    assert "</script><script>alert" not in html and "<img" not in html
    assert figures(html) == [json.loads(fig.to_json())]
    assert html.count(f'class="{FIGURE_CLASS}"') == 1 and NO_PLOTLYJS in html


def test_static_form_escapes_plain_texts_but_not_the_packages_html():
    html = static_form(EVIL, EVIL, summary=EVIL, extra_html="<b>bold</b>")
    assert html.lower().count("<img") == 0 and html.count("&lt;img") == 3
    assert "<b>bold</b>" in html


def test_bad_arguments_are_named():
    fig = go.Figure(go.Scatter(y=[1]), frames=[go.Frame(name="0")])
    with pytest.raises(ValueError, match="`names` must name frames of the figure, got '7'"):
        open_at(fig, "7")
    with pytest.raises(TypeError, match="`figure` must be a plotly figure .* got str"):
        figure_html("<svg></svg>")
    with pytest.raises(TypeError, match="`display_formatter` must be IPython's .* got str"):
        register_formatters("text/html")
    assert register_formatters() is False                   # no IPython shell runs here


def test_registered_formatter_covers_plain_widgets_and_leaves_the_packages_alone():
    formatter = DisplayFormatter()
    assert register_formatters(formatter)
    figure = go.FigureWidget(go.Figure(go.Bar(y=[1, 2]), layout_title_text=EVIL))
    bar = ipw.HBox([ipw.IntProgress(value=3, max=4), ipw.Label(f"rnn {EVIL}: 3/4 steps")])
    shown = {name: formatter.format(widget)[0] for name, widget in [
        ("figure", figure), ("bar", bar), ("slider", ipw.IntSlider(3, description="drag me")),
        ("html", ipw.HTML("<i>as the lesson wrote it</i>")),
        ("quiz", quiz("02_rnn_cell_anatomy", "pre")),
        ("controls", StepControls(["a", "b"], value=1))]}
    assert all(WIDGET_VIEW in data and "text/html" in data for data in shown.values())
    assert figures(shown["figure"]["text/html"])[0]["data"][0]["y"] == [1, 2]
    assert '<progress value="3" max="4">' in shown["bar"]["text/html"]
    assert_escaped(shown["bar"]["text/html"])
    assert "drag me: 3" in shown["slider"]["text/html"]
    assert "<i>as the lesson wrote it</i>" in shown["html"]["text/html"]
    assert 'class="rnn-quiz-static"' in shown["quiz"]["text/html"]          # its own, kept
    assert "t = 2 / 2" in shown["controls"]["text/html"]
    assert DisplayFormatter().format(figure)[0].keys() == {WIDGET_VIEW, "text/plain"}


def test_plotlyjs_is_inlined_once_into_the_first_figure_output():
    def output(html):
        return nbformat.v4.new_output("display_data", {"text/html": html})

    figure = static_form("F", "", go.Figure(go.Bar(y=[1])))
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(outputs=[output("<p>no figure</p>")]),
        nbformat.v4.new_code_cell(outputs=[output(figure), output(figure)])])
    exporter = HTMLExporter()
    exporter.register_preprocessor(inline_plotlyjs, enabled=True)
    page, _ = exporter.from_notebook_node(notebook)
    assert page.count(PLOTLYJS_BANNER) == 1
    assert page.index(PLOTLYJS_BANNER) < page.index(f'class="{FIGURE_CLASS}"')
    twice, _ = inline_plotlyjs(*inline_plotlyjs(notebook, {}))
    assert sum(PLOTLYJS_BANNER in o.data["text/html"] for c in twice.cells for o in c.outputs) == 1
    notebook.cells = notebook.cells[:1]
    page, _ = exporter.from_notebook_node(notebook)
    assert PLOTLYJS_BANNER not in page


@pytest.mark.slow
def test_the_readmes_export_command_writes_a_page_with_static_forms(tmp_path):
    words = shlex.split(readme_block("Read without a kernel"))
    assert words[:2] == ["jupyter", "nbconvert"]
    words[words.index("--output-dir") + 1] = str(tmp_path)
    words[-1] = "lessons/02_rnn_cell_anatomy.ipynb"
    subprocess.run([sys.executable, "-m", "jupyter", *words[1:]], cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    page = (tmp_path / "02_rnn_cell_anatomy.html").read_text(encoding="utf-8")
    assert page.count(PLOTLYJS_BANNER) == 1
    assert page.count('class="rnn-static-form"') >= 3
    assert "Loading widget" not in page and "Traceback" not in page


def test_a_figure_dict_is_written_as_plain_json_with_the_offline_config():
    z = np.array([[0.5, np.nan], [np.inf, -1.0]])
    text = figure_html({"data": [{"type": "heatmap", "z": z, "name": "</script>"}],
                        "layout": {"height": np.int64(300)}})
    payload = re.search(r'<script type="application/json" id="([^"]+)-json">(.*?)</script>',
                        text, re.S).group(2)
    assert "</script>" not in payload
    figure = json.loads(payload)
    assert figure["data"][0]["z"] == [[0.5, None], [None, -1.0]]
    assert figure["layout"]["height"] == 300 and figure["data"][0]["name"] == "</script>"
    assert '"displaylogo": false' in text and "sendDataToCloud" in text
