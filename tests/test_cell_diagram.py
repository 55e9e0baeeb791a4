"""The SVG cell diagrams: well-formed, self-contained, escaped, and showing the selected unit's
current values (equal to the trace's) as numbers and as colours."""

import xml.etree.ElementTree as ET
from functools import partial

import numpy as np
import plotly.colors as pcolors
import pytest
from torch import nn

from widgets.figures.cell_diagram import (
    cell_svg,
    colour,
    colour_key,
    gru_cell_svg,
    lstm_cell_svg,
)
from widgets.figures.equations import unit_step

from support import torch_trace

SCRIPT = "<script>alert(1)</script>"
TOKENS = ["alice", "and", SCRIPT, "tom", "are"]
SVG = "{http://www.w3.org/2000/svg}"


make_trace = partial(torch_trace, tokens=TOKENS, input_scale=2)


def texts(svg):
    """Every <text> element's full text (tspans joined), in document order."""
    return ["".join(element.itertext()) for element in ET.fromstring(svg).iter(SVG + "text")]


def blocks(svg):
    """(fill, value shown) of each layer block: a rect at y=202 then its two texts."""
    elements = list(ET.fromstring(svg))
    found = []
    for k, element in enumerate(elements):
        if element.tag == SVG + "rect" and element.get("y") == "202":
            value = "".join(elements[k + 2].itertext())
            found.append((element.get("fill"), float(value.replace("−", "-"))))
    return found


def shown(value):
    return f"{value:.3f}".replace("-", "−")


@pytest.mark.parametrize("step", [0, 2, 4])
@pytest.mark.parametrize("unit", [0, 3])
def test_lstm_diagram_shows_the_units_current_values(step, unit):
    tr = make_trace(nn.LSTM)
    svg = cell_svg(unit_step(tr, step, unit=unit))
    where = (0, 0, step, unit)
    f, i, g, o = (tr.gates[k][where] for k in ("forget", "input", "candidate", "output"))
    c, h = tr.cell[where], tr.hidden[where]
    c_prev = 0.0 if step == 0 else tr.cell[0, 0, step - 1, unit]
    h_prev = 0.0 if step == 0 else tr.hidden[0, 0, step - 1, unit]
    labels = texts(svg)
    for expected in (f"c t−1 = {shown(c_prev)}", f"h t−1 = {shown(h_prev)}",
                     f"c t = {shown(c)}", f"h t = {shown(h)}", f"tanh(c t) = {shown(np.tanh(c))}",
                     f"f t·c t−1 = {shown(f * c_prev)}", f"i t·g t = {shown(i * g)}"):
        assert expected.replace(" ", "") in [text.replace(" ", "") for text in labels]
    assert [value for _, value in blocks(svg)] == pytest.approx([f, i, g, o], abs=5e-4)
    assert [fill for fill, _ in blocks(svg)] == [colour(f, True), colour(i, True),
                                                colour(g, False), colour(o, True)]
    token = TOKENS[step] if len(TOKENS[step]) <= 24 else TOKENS[step][:23] + "…"
    assert f"unit {unit} · t = {step + 1} · x_t = '{token}'" in labels


@pytest.mark.parametrize("step", [0, 3])
def test_gru_diagram_shows_torchs_equations_values(step):
    tr = make_trace(nn.GRU, layers=2, bidirectional=True)
    v = unit_step(tr, step, layer=1, direction=1, unit=2)
    svg = cell_svg(v)
    t = len(TOKENS) - 1 - step
    where = (1, 1, t, 2)
    r, z, n = (tr.gates[k][where] for k in ("reset", "update", "new"))
    hn, xn = tr.hidden_terms["new"][where], tr.input_terms["new"][where]
    h_prev = 0.0 if step == 0 else tr.hidden[1, 1, t + 1, 2]
    joined = [text.replace(" ", "") for text in texts(svg)]
    for expected in (f"ht−1={shown(h_prev)}", f"ht={shown(tr.hidden[where])}",
                     f"1−zt={shown(1 - z)}", f"(1−zt)·nt={shown((1 - z) * n)}",
                     f"zt·ht−1={shown(z * h_prev)}", f"rt·(…)={shown(r * hn)}",
                     f"Win·xt+bin={shown(xn)}"):
        assert expected in joined
    assert [value for _, value in blocks(svg)] == pytest.approx([z, r, hn, n], abs=5e-4)
    assert blocks(svg)[0][0] == colour(z, True) and blocks(svg)[3][0] == colour(n, False)


def test_numbers_follow_the_step_and_the_unit():
    tr = make_trace(nn.LSTM)
    first, later = (cell_svg(unit_step(tr, s, unit=1)) for s in (1, 3))
    other_unit = cell_svg(unit_step(tr, 3, unit=2))
    assert blocks(first) != blocks(later) != blocks(other_unit)


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
def test_svg_is_self_contained_and_escapes_the_token(cls):
    svg = cell_svg(unit_step(make_trace(cls), 2, unit=0))
    root = ET.fromstring(svg)                         # well-formed XML
    assert root.tag == SVG + "svg"
    assert "<script" not in svg and "&lt;script&gt;" in svg
    cut = SCRIPT[:23] + "…"                           # tokens longer than 24 characters are cut
    assert f"unit 0 · t = 3 · x_t = '{cut}'" in texts(svg)     # the reader sees the token
    for word in ("href", "@import", "url(", "<image", "<foreignObject", "font-face"):
        assert word not in svg
    title = root.find(SVG + "title").text
    assert title.startswith(f"{cls.__name__} cell, unit 0 · t = 3")
    assert "Olah" in svg


def test_colours_are_the_colour_blind_safe_scales():
    cividis = pcolors.get_colorscale("Cividis")
    rdbu = pcolors.get_colorscale("RdBu")
    assert colour(0.0, True) == pcolors.sample_colorscale(cividis, [0.0])[0]
    assert colour(1.0, True) == colour(7.0, True) == pcolors.sample_colorscale(cividis, [1.0])[0]
    assert colour(-1.0, False) == colour(-3.0, False) == pcolors.sample_colorscale(rdbu, [0.0])[0]
    assert colour(0.0, False) == pcolors.sample_colorscale(rdbu, [0.5])[0]
    assert colour(0.3, True) == pcolors.sample_colorscale(cividis, [0.3])[0]


def test_wrong_values_are_refused():
    gru = unit_step(make_trace(nn.GRU), 0)
    with pytest.raises(ValueError, match="UnitStep of a LSTM"):
        lstm_cell_svg(gru)
    with pytest.raises(ValueError, match="UnitStep of a GRU"):
        gru_cell_svg(unit_step(make_trace(nn.LSTM), 0))
    with pytest.raises(TypeError, match="`values` must be a UnitStep"):
        cell_svg(make_trace(nn.LSTM))


def test_the_diagram_keys_its_colours():
    key = colour_key()
    assert "gates σ" in key and "tanh, c, h" in key
    assert f'fill="{colour(0.0, True)}"' in key and f'fill="{colour(1.0, True)}"' in key
    assert f'fill="{colour(-1.0, False)}"' in key and f'fill="{colour(1.0, False)}"' in key
    assert "0 … 1" in key and "−1 … 1" in key
    assert key in cell_svg(unit_step(make_trace(nn.GRU), 1))
