"""Every figure the `widgets` package draws keeps the colour policy (figure_policy.py): safe
colour scales, values readable as numbers, traces that differ in more than colour. The lessons'
own figures are checked on the executed lessons in test_lesson_runs.py."""

import plotly.graph_objects as go
import pytest
import torch
from torch import nn

from widgets.experiments import load_results
from widgets.figures.gates import gate_heatmaps, gates_figure_static
from widgets.figures.gradients import (
    decay_figure,
    decay_figure_static,
    gradient_figure,
    gradient_figure_static,
)
from widgets.figures.latching import latching_figure
from widgets.figures.layers import layer_grid_figure, layer_grid_static
from widgets.figures.state import state_figure_static, state_heatmap
from widgets.tracing.gradients import decay_with_distance, gradient_flow
from widgets.tracing.record import trace

from figure_policy import figure_problems, scale_name

torch.set_num_threads(1)
TOKENS = ["the", "film", "was", "not", "good"]


def module_trace(cls, **kwargs):
    torch.manual_seed(0)
    module = cls(3, 4, **kwargs).double()
    return trace(module, torch.randn(len(TOKENS), 3, dtype=torch.float64), tokens=TOKENS)


def gradient_traces():
    torch.manual_seed(0)
    x = torch.randn(len(TOKENS), 3)
    return (gradient_flow(nn.RNN(3, 4), x, TOKENS, label="RNN"),
            gradient_flow(nn.LSTM(3, 4), x, TOKENS, label="LSTM"))


def decay_curves():
    return ([decay_with_distance("rnn", hidden_size=8, T=10, recurrent_scale=r) for r in (0.5, 1)],
            [decay_with_distance("lstm", hidden_size=8, T=10, forget_bias=b) for b in (0, 1)])


FIGURES = {
    "state_heatmap": lambda: state_heatmap(module_trace(nn.RNN), step=2),
    "state_figure_static": lambda: state_figure_static(module_trace(nn.GRU)),
    "gate_heatmaps lstm": lambda: gate_heatmaps(module_trace(nn.LSTM), step=3),
    "gate_heatmaps gru": lambda: gate_heatmaps(module_trace(nn.GRU), step=1),
    "gates_figure_static": lambda: gates_figure_static(module_trace(nn.LSTM)),
    "layer_grid_figure": lambda: layer_grid_figure(
        module_trace(nn.LSTM, num_layers=2, bidirectional=True), step=2),
    "layer_grid_static": lambda: layer_grid_static(
        module_trace(nn.GRU, num_layers=2, bidirectional=True)),
    "gradient_figure": lambda: gradient_figure(*gradient_traces()),
    "gradient_figure_static": lambda: gradient_figure_static(*gradient_traces()),
    "decay_figure": lambda: decay_figure(sum(decay_curves(), [])),
    "decay_figure_static": lambda: decay_figure_static(*decay_curves()),
    "latching_figure": lambda: latching_figure(load_results(),
                                               ["rnn", "gru", "lstm, forget bias 1"]),
}


@pytest.mark.parametrize("name", FIGURES)
def test_the_package_figures_keep_the_colour_policy(name):
    fig = FIGURES[name]()
    assert len(fig.data) > 0
    assert figure_problems(fig.to_plotly_json()) == []


@pytest.mark.parametrize("scale, name", [
    ("RdBu", "RdBu"), ("cividis", "Cividis"), ("PuOr_r", "PuOr_r"), ("Jet", None),
    ("Plotly3", None), ([[0, "rgb(5,48,97)"], [1, "rgb(103,0,31)"]], None),
])
def test_scale_names(scale, name):
    assert scale_name(scale) == name


def test_the_checker_finds_each_kind_of_problem():
    fig = go.Figure([go.Heatmap(z=[[0, 1]], colorscale="Jet"),
                     go.Heatmap(z=[[0, 1]], colorscale="RdBu", hoverinfo="skip"),
                     go.Heatmap(z=[[0, 1]], coloraxis="coloraxis", hovertemplate="%{x}"),
                     go.Scatter(y=[1, 2], name="a", mode="lines"),
                     go.Scatter(y=[2, 3], name="b", mode="lines"),
                     go.Box(x=["u", "u"], y=[1, 2], name="c"),
                     go.Box(x=["u", "u"], y=[1, 3], name="d")],
                    layout={"coloraxis": {"colorscale": "Rainbow"}})
    problems = figure_problems(fig.to_plotly_json())
    assert len(problems) == 6, problems
    assert sum("is not one of" in p for p in problems) == 2
    assert sum("values only as colour" in p for p in problems) == 2
    assert problems[-2:] == ["traces 'a' and 'b' differ only in colour",
                             "traces 'c' and 'd' differ only in colour"]


def test_traces_that_differ_in_dash_symbol_or_panel_pass():
    fig = go.Figure([go.Scatter(y=[1, 2], name="a", mode="lines"),
                     go.Scatter(y=[1, 2], name="b", mode="lines", line_dash="dash"),
                     go.Scatter(y=[1, 2], name="c", mode="markers", marker_symbol="square"),
                     go.Scatter(y=[1, 2], name="d", mode="markers", marker_symbol="circle"),
                     go.Scatter(y=[1, 2], name="e", mode="lines", xaxis="x2", yaxis="y2"),
                     go.Box(y=[1, 2], name="f"), go.Box(y=[1, 3], name="g"),
                     go.Heatmap(z=[[0, 1]], colorscale="Viridis",
                                hovertemplate="%{z:.2f}")])
    assert figure_problems(fig.to_plotly_json()) == []
