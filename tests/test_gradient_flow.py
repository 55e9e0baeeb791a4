"""The GradientFlow and DecayDemo widgets and their pure figures: drive the controls from
Python and check the figure's data, the log axes, the labels and the readouts."""

import numpy as np
import pytest
import torch
from torch import nn

from widgets.data.vocab import Vocab
from widgets.figures.gradients import (
    SYMBOLS,
    decay_figure,
    decay_summary,
    gradient_figure,
    gradient_figure_static,
    gradient_summary,
    log_values,
)
from widgets.tracing.gradients import decay_with_distance, gradient_flow
from widgets.views.gradient_flow import DecayDemo, GradientFlow, decay_demo_static

from support import shapes_on_screen

torch.set_num_threads(1)
TOKENS = ["the", "<b>film</b>", "was", "not", "good"]


def traces(tokens=TOKENS):
    torch.manual_seed(0)
    x = torch.randn(len(tokens), 3)
    return (gradient_flow(nn.RNN(3, 4), x, tokens, label="RNN"),
            gradient_flow(nn.LSTM(3, 4), x, tokens, label="LSTM"))


def test_figure_has_log_axes_named_traces_and_distinct_markers():
    rnn, lstm = traces()
    fig = gradient_figure(rnn, lstm)
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    names = [t.name for t in fig.data]
    assert names == ["RNN ‖∂L/∂h_k‖", "RNN saliency", "LSTM ‖∂L/∂h_k‖", "LSTM ‖∂L/∂c_k‖",
                     "LSTM saliency"]
    lines = [t for t in fig.data if t.type == "scatter"]
    assert len({(t.marker.symbol, t.line.dash) for t in lines}) == 3   # not colour alone
    assert fig.data[0].marker.symbol == SYMBOLS[0] and fig.data[2].marker.symbol == SYMBOLS[1]
    bars = [t for t in fig.data if t.type == "bar"]
    assert bars[0].marker.pattern.shape != bars[1].marker.pattern.shape
    np.testing.assert_allclose(fig.data[0].y, rnn.hidden_grad)
    np.testing.assert_allclose(fig.data[4].y, lstm.input_grad)
    assert "&lt;b&gt;film&lt;/b&gt;" in fig.layout.xaxis2.ticktext
    assert "RNN vs LSTM" in fig.layout.title.text


def test_log_values_hide_zeros_and_relative_divides_by_the_maximum():
    assert log_values(np.array([0.0, 2.0, 4.0])) == [None, 2.0, 4.0]
    assert log_values(np.array([1.0, 2.0, 4.0]), relative=True) == [0.25, 0.5, 1.0]
    _, lstm = traces()
    assert gradient_figure(lstm).data[1].y[-1] is None    # ∂L/∂c_{T-1} = 0 is a gap


def test_gradient_flow_widget_step_slider_and_readout():
    rnn, lstm = traces()
    widget = GradientFlow(rnn, lstm)
    assert widget.token_slider.max == len(TOKENS) - 1
    assert shapes_on_screen(widget)[0].x0 == len(TOKENS) - 1
    widget.token_slider.value = 1
    assert shapes_on_screen(widget)[0].x0 == 1 == shapes_on_screen(widget)[0].x1
    readout = widget.readout.value
    assert "&#x27;&lt;b&gt;film&lt;/b&gt;&#x27;" in readout and "<b>film" not in readout
    assert f"‖∂L/∂h‖ = {rnn.hidden_grad[1]:.2e}" in readout
    assert f"‖∂L/∂c‖ = {lstm.cell_grad[1]:.2e}" in readout
    assert f"saliency ‖∂L/∂x‖ = {lstm.input_grad[1]:.2e}" in readout
    assert "RNN: the gradient at the first token" in widget.summary.value
    widget.token_slider.value = len(TOKENS) - 1   # the last c_k feeds no later step
    assert lstm.cell_grad[-1] == 0
    assert "‖∂L/∂c‖: none (no later step reads the last c_k)" in widget.readout.value


def test_relative_checkbox_divides_each_curve_by_its_maximum():
    rnn, lstm = traces()
    widget = GradientFlow(rnn, lstm)
    widget.relative_box.value = True
    np.testing.assert_allclose(widget.figure.data[0].y, rnn.hidden_grad / rnn.hidden_grad.max())
    assert max(widget.figure.data[4].y) == pytest.approx(1.0)
    assert "maximum" in widget.figure.layout.yaxis.title.text
    widget.relative_box.value = False
    np.testing.assert_allclose(widget.figure.data[0].y, rnn.hidden_grad)


def test_gradient_flow_argument_errors():
    rnn, _ = traces()
    _, other = traces(["a", "b", "c", "d", "e"])
    with pytest.raises(ValueError, match="same tokens"):
        GradientFlow(rnn, other)
    with pytest.raises(TypeError, match="`right` must be a GradientTrace"):
        GradientFlow(rnn, "LSTM")
    with pytest.raises(TypeError, match="`left` must be a GradientTrace"):
        gradient_figure(None)


class TinyModel(nn.Module):
    def __init__(self, rnn_class, seed):
        super().__init__()
        torch.manual_seed(seed)
        self.embedding = nn.Embedding(8, 3)
        self.rnn = rnn_class(3, 4)


VOCAB = Vocab(["<pad>", "<unk>", "the", "film", "was", "not", "good"])


def test_from_models_embeds_the_text_and_follows_each_model():
    rnn_model, lstm_model = TinyModel(nn.RNN, 0), TinyModel(nn.LSTM, 1)
    widget = GradientFlow.from_models(rnn_model, lstm_model, "The film was not great", VOCAB)
    left, right = widget.traces
    assert left.tokens == ["The", "film", "was", "not", "great (unk)"]
    assert (left.label, right.label, right.kind) == ("RNN", "LSTM", "lstm")
    ids = torch.tensor(VOCAB.encode(["the", "film", "was", "not", "great"]))
    direct = gradient_flow(lstm_model.rnn, lstm_model.embedding(ids).detach())
    np.testing.assert_allclose(right.hidden_grad, direct.hidden_grad, rtol=1e-6)

    def model_loss(model, output):
        return output[-1].sum() * (2.0 if isinstance(model.rnn, nn.LSTM) else 1.0)

    widget = GradientFlow.from_models(rnn_model, lstm_model, "the film", VOCAB,
                                      model_loss=model_loss, labels=("tanh", "lstm"))
    direct = gradient_flow(lstm_model.rnn, lstm_model.embedding(ids[:2]).detach(),
                           loss=lambda output: 2.0 * output[-1].sum())
    np.testing.assert_allclose(widget.traces[1].input_grad, direct.input_grad, rtol=1e-6)
    assert widget.traces[1].loss == "model_loss" and widget.traces[0].label == "tanh"
    with pytest.raises(TypeError, match="`model_loss` must be callable"):
        GradientFlow.from_models(rnn_model, lstm_model, "the", VOCAB, model_loss="mse")
    with pytest.raises(ValueError, match="`labels` must be two names"):
        GradientFlow.from_models(rnn_model, lstm_model, "the", VOCAB, labels="RNN")


def test_static_gradient_figure_has_a_frame_per_token():
    rnn, lstm = traces()
    fig = gradient_figure_static(rnn, lstm)
    assert len(fig.frames) == len(TOKENS)
    assert [step.label for step in fig.layout.sliders[0].steps][1] == "&lt;b&gt;film&lt;/b&gt;"
    assert f"{rnn.hidden_grad[3]:.2e}" in fig.frames[3].layout.title.text
    assert fig.frames[3].layout.shapes[0].x0 == 3
    assert "LSTM" in gradient_summary(rnn, lstm).splitlines()[1]


def test_decay_demo_sliders_recompute_the_curves():
    demo = DecayDemo(recurrent_scale=0.9, forget_bias=0.0, T=50, hidden_size=16)
    assert demo.figure.layout.yaxis.type == "log"
    assert all(not s.continuous_update for s in (demo.radius_slider, demo.bias_slider,
                                                 demo.distance_slider))
    before = demo.figure.data[0].y[-1]
    demo.radius_slider.value = 0.5
    expected = decay_with_distance("rnn", hidden_size=16, T=50, recurrent_scale=0.5)
    assert demo.figure.data[0].x[-1] == 50
    assert demo.figure.data[0].y[-1] == pytest.approx(expected.at(50))
    assert demo.figure.data[0].y[-1] < 1e-3 * before
    assert "spectral radius 0.50" in demo.figure.data[0].name
    lstm_before = demo.figure.data[1].y[-1]
    demo.bias_slider.value = 3.0
    assert demo.figure.data[1].y[-1] > 1e4 * lstm_before
    assert "forget bias 3" in demo.readout.value and f"{expected.at(50):.1e}" in demo.readout.value
    assert demo.last_update_seconds > 0
    demo.distance_slider.value = 20
    assert len(demo.figure.data[0].x) == len(demo.figure.data[1].y) == 21
    assert "At distance 20" in demo.readout.value
    demo.nonlinearity.value = "relu"
    assert demo.figure.data[0].name.startswith("relu RNN")
    demo.nonlinearity.value = "tanh"
    demo.radius_slider.value = demo.radius_slider.max
    assert demo.radius_slider.max >= 3  # lesson 04: the tanh RNN explodes at radius 2 to 3
    assert demo.figure.data[0].y[-1] > 1.0
    assert isinstance(GradientFlow.demo(hidden_size=4, T=10), DecayDemo)


def test_decay_demo_recomputes_only_the_curve_whose_settings_changed():
    demo = DecayDemo(recurrent_scale=0.9, forget_bias=0.0, T=20, hidden_size=8)
    rnn, lstm = demo.curves
    demo.bias_slider.value = 2.0                               # the LSTM's knob
    assert demo.curves[0] is rnn and demo.curves[1] is not lstm
    assert demo.curves[1].at(20) == pytest.approx(decay_with_distance(
        "lstm", hidden_size=8, T=20, forget_bias=2.0).at(20))
    rnn, lstm = demo.curves
    demo.nonlinearity.value = "relu"                           # the RNN's
    assert demo.curves[1] is lstm and demo.curves[0] is not rnn
    assert demo.figure.data[0].name.startswith("relu RNN")
    demo.distance_slider.value = 30                            # both
    assert all(new is not old for new, old in zip(demo.curves, (rnn, lstm), strict=True))
    assert len(demo.figure.data[0].x) == len(demo.figure.data[1].x) == 31


def test_decay_demo_argument_errors():
    with pytest.raises(ValueError, match=r"`recurrent_scale` must be in \[0.5, 3\]"):
        DecayDemo(recurrent_scale=3.5)
    with pytest.raises(ValueError, match=r"`forget_bias` must be in \[-2, 5\]"):
        DecayDemo(forget_bias=7)
    with pytest.raises(ValueError, match="`T` must be in"):
        DecayDemo(T=5)
    with pytest.raises(ValueError, match="`nonlinearity` must be one of"):
        DecayDemo(nonlinearity="sigmoid")
    with pytest.raises(TypeError, match="`forget_bias` must be a number"):
        DecayDemo(forget_bias="1")


def test_decay_static_form_and_summary():
    fig, summary = decay_demo_static(radii=(0.5, 1.2), forget_biases=(0.0, 3.0), T=20,
                                     hidden_size=8)
    assert len(fig.frames) == 4 and len(fig.layout.sliders) == 2
    assert [f.traces for f in fig.frames] == [(0,), (0,), (1,), (1,)]
    assert [s.label for s in fig.layout.sliders[1].steps] == ["0", "3"]
    assert fig.layout.yaxis.type == "log"
    rnn = decay_with_distance("rnn", hidden_size=8, T=20, recurrent_scale=1.2)
    assert f"tanh RNN (spectral radius 1.20): {rnn.at(20):.1e}" in summary
    assert fig.frames[1].data[0].y[-1] == pytest.approx(rnn.at(20))
    text = decay_summary([rnn], distance=10)
    assert text.startswith("At distance 10") and f"{rnn.at(10):.1e} for the tanh RNN" in text
    with pytest.raises(TypeError, match="`curves` must be a non-empty list"):
        decay_figure([])
    with pytest.raises(ValueError, match="`distance` must be in"):
        decay_summary([rnn], distance=21)
