"""The LSTM and GRU cells as SVG diagrams whose gates and wires show one unit's current values,
as colour and as numbers (lessons 05_lstm_gates and 06_gru; the GateViewer redraws them at
every step).

The drawings follow the spirit of Christopher Olah's LSTM and GRU figures in "Understanding
LSTM Networks" (2015): the cell state c runs along the top, through × (forget) and +
(input ⊙ candidate); the σ σ tanh σ layers sit below; tanh(c_t) is gated by o_t into h_t. The
GRU drawing follows torch's equations (r_t multiplies W_hn·h_{t-1} + b_hn, and
h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}), which differ from that post's GRU figure.

Colours: sigmoid gates in Cividis on [0, 1]; the candidate, states and products in RdBu on
[-1, 1] (beyond saturates; the number is exact). Self-contained SVG: no fonts, scripts or
links; every text is escaped.

Lessons: 05, 06.
"""

from __future__ import annotations

import functools
import html
import re

import numpy as np
import plotly.colors as pcolors

from ..tracing.trace_data import GATE_NAMES
from .colours import DIVERGING, SEQUENTIAL
from .equations import UnitStep, check_values, number

WIDTH, HEIGHT = 660, 400
NODE_FILL = "#f9d9e3"
NOTE = "colours and numbers: this unit; every layer reads all of h_{t-1} and x_t"
_CIVIDIS = pcolors.sample_colorscale(SEQUENTIAL, list(np.linspace(0, 1, 201)))
_RDBU = pcolors.sample_colorscale(DIVERGING, list(np.linspace(0, 1, 201)))
_SUB = re.compile(r"_\{([^}]*)\}|_(\w)")


def cell_svg(values: UnitStep) -> str:
    """The cell diagram (660 × 400 SVG string) of one unit at one step: `lstm_cell_svg` or
    `gru_cell_svg` by ``values.kind``; ``values = unit_step(trace, step, layer, direction,
    unit)``."""
    values = check_values(values)
    return lstm_cell_svg(values) if values.kind == "lstm" else gru_cell_svg(values)


def lstm_cell_svg(v: UnitStep) -> str:
    """The LSTM cell for one unit (a `UnitStep` of an LSTM) in the spirit of Olah's figure:
    c_{t-1} → ×f_t → + i_t·g_t → c_t along the top, h_t = o_t·tanh(c_t) on the right,
    h_{t-1} and x_t entering at the bottom."""
    _expect_kind(v, "lstm")
    i, f, g, o = (v.gates[name] for name in GATE_NAMES["lstm"])
    tanh_c = float(np.tanh(v.c))
    parts = [_bus([175, 255, 335, 415], 275, 130), _wire([(15, 275), (130, 275)], v.h_prev),
             _wire([(15, 75), (163, 75)], v.c_prev),
             _wire([(187, 75), (323, 75)], f * v.c_prev),
             _wire([(347, 75), (645, 75)], v.c),
             _wire([(495, 75), (495, 131)], v.c), _wire([(495, 159), (495, 210)], tanh_c),
             _wire([(175, 202), (175, 87)], f, sigmoid=True),
             _wire([(255, 202), (255, 145), (323, 145)], i, sigmoid=True),
             _wire([(335, 202), (335, 157)], g), _wire([(335, 133), (335, 87)], i * g),
             _wire([(441, 222), (483, 222)], o, sigmoid=True),
             _wire([(507, 222), (600, 222), (600, 275), (645, 275)], v.h),
             _wire([(600, 222), (600, 14)], v.h)]
    parts += [_node(175, 75, "×"), _node(335, 75, "+"), _node(335, 145, "×"),
              _node(495, 222, "×"), _oval(495, 145, "tanh")]
    parts += [_block(175, "σ", f, True), _block(255, "σ", i, True),
              _block(335, "tanh", g, False), _block(415, "σ", o, True)]
    parts += [_label(20, 62, "c_{t-1}", v.c_prev), _label(255, 62, "f_t·c_{t-1}", f * v.c_prev,
                                                          "middle"),
              _label(420, 62, "c_t", v.c, "middle"), _label(343, 112, "i_t·g_t", i * g),
              _label(167, 150, "f_t", None, "end"), _label(247, 175, "i_t", None, "end"),
              _label(327, 185, "g_t", None, "end"), _label(462, 212, "o_t", None, "middle"),
              _label(487, 185, "tanh(c_t)", tanh_c, "end"), _label(645, 295, "h_t", v.h, "end"),
              _label(592, 22, "h_t (output)", None, "end"), _label(20, 267, "h_{t-1}", v.h_prev)]
    return _svg("LSTM", v, parts, [("i_t", i), ("f_t", f), ("g_t", g), ("o_t", o),
                                   ("c_t", v.c), ("h_t", v.h)])


def gru_cell_svg(v: UnitStep) -> str:
    """The GRU cell for one unit (a `UnitStep` of a GRU), torch's equations drawn in the
    spirit of Olah's figures: h_{t-1} → ×z_t → + (1−z_t)·n_t → h_t along the top; r_t gates
    W_hn·h_{t-1} + b_hn inside the candidate's tanh."""
    _expect_kind(v, "gru")
    r, z, n = (v.gates[name] for name in GATE_NAMES["gru"])
    hn, xn = v.hidden_terms["new"], v.input_terms["new"]
    parts = [_bus([175, 255, 330, 410], 290, 110), _wire([(60, 75), (60, 290), (110, 290)],
                                                         v.h_prev),
             _wire([(15, 75), (163, 75)], v.h_prev), _wire([(187, 75), (468, 75)], z * v.h_prev),
             _wire([(492, 75), (645, 75)], v.h), _wire([(600, 75), (600, 14)], v.h),
             _wire([(175, 202), (175, 87)], z, sigmoid=True),
             _wire([(175, 130), (318, 130)], z, sigmoid=True),
             _wire([(342, 130), (468, 130)], 1 - z, sigmoid=True),
             _wire([(480, 118), (480, 87)], (1 - z) * n),
             _wire([(436, 222), (480, 222), (480, 142)], n),
             _wire([(255, 202), (255, 165), (318, 165)], r, sigmoid=True),
             _wire([(330, 202), (330, 177)], hn),
             _wire([(342, 165), (410, 165), (410, 202)], r * hn)]
    parts += [_node(175, 75, "×"), _node(480, 75, "+"), _node(330, 130, "1−"),
              _node(480, 130, "×"), _node(330, 165, "×")]
    parts += [_block(175, "σ", z, True), _block(255, "σ", r, True),
              _block(330, "W_{hn}·h+b_{hn}", hn, False, width=72), _block(410, "tanh", n, False)]
    parts += [_label(20, 62, "h_{t-1}", v.h_prev), _label(320, 62, "z_t·h_{t-1}", z * v.h_prev,
                                                          "middle"),
              _label(545, 62, "h_t", v.h, "middle"), _label(592, 22, "h_t (output)", None, "end"),
              _label(167, 160, "z_t", None, "end"), _label(247, 185, "r_t", None, "end"),
              _label(405, 122, "1−z_t", 1 - z, "middle"), _label(488, 104, "(1−z_t)·n_t",
                                                                  (1 - z) * n),
              _label(488, 190, "n_t", None), _label(346, 156, "r_t·(…)", r * hn),
              _label(418, 272, "W_{in}·x_t+b_{in}", xn)]
    return _svg("GRU", v, parts, [("r_t", r), ("z_t", z), ("n_t", n), ("h_t", v.h)])


def colour(value: float, sigmoid: bool) -> str:
    """'rgb(r, g, b)' of ``value``: Cividis on [0, 1] if ``sigmoid``, else RdBu on [-1, 1]
    (values beyond saturate), to 1/200 of the range."""
    value = float(value)
    if sigmoid:
        return _CIVIDIS[int(round(min(max(value, 0.0), 1.0) * 200))]
    return _RDBU[int(round((min(max(value, -1.0), 1.0) + 1) * 100))]


def _expect_kind(values, kind: str) -> None:
    if check_values(values).kind != kind:
        raise ValueError(f"`values` must be a UnitStep of a {kind.upper()}, got "
                         f"kind={values.kind!r}; cell_svg picks the right drawing")


def _ink(fill: str) -> str:
    red, green, blue = (int(float(c)) for c in fill[4:-1].split(","))
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 140 else "white"


def _rich(text: str) -> str:
    """Escaped text with '_t' / '_{t-1}' as subscript tspans."""
    out, pos, lowered = [], 0, False
    for match in _SUB.finditer(text):
        out.append(f'<tspan dy="{-3 if lowered else 0}">{html.escape(text[pos:match.start()])}'
                   "</tspan>")
        sub = (match.group(1) or match.group(2)).replace("-", "−")
        out.append(f'<tspan dy="3" font-size="75%">{html.escape(sub)}</tspan>')
        pos, lowered = match.end(), True
    out.append(f'<tspan dy="{-3 if lowered else 0}">{html.escape(text[pos:])}</tspan>')
    return "".join(out)


def _label(x, y, name: str, value: float | None, anchor: str = "start") -> str:
    text = _rich(name + ("" if value is None else " = ")) + ("" if value is None else
                                                             html.escape(number(value)))
    return (f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-size="12" paint-order="stroke"'
            f' stroke="white" stroke-width="3" stroke-linejoin="round">{text}</text>')


def _wire(points, value: float, sigmoid: bool = False) -> str:
    path = " ".join(f"{x},{y}" for x, y in points)
    (x0, y0), (x1, y1) = points[-2], points[-1]
    dx, dy = np.sign(x1 - x0), np.sign(y1 - y0)
    head = [(x1, y1), (x1 - 8 * dx - 4 * dy, y1 - 8 * dy - 4 * dx),
            (x1 - 8 * dx + 4 * dy, y1 - 8 * dy + 4 * dx)]
    fill = colour(value, sigmoid)
    return (f'<polyline points="{path}" fill="none" stroke="#333" stroke-width="7"/>'
            f'<polyline points="{path}" fill="none" stroke="{fill}" stroke-width="4"/>'
            f'<polygon points="{" ".join(f"{x},{y}" for x, y in head)}" fill="#333"/>')


def _bus(columns, y: int, x_in: int) -> str:
    """The grey bus carrying [h_{t-1}, x_t] to every layer, with x_t entering from below."""
    drops = "".join(f'<polyline points="{x},{y} {x},242" fill="none" stroke="#888" '
                    f'stroke-width="3"/>' for x in columns)
    return (f'<polyline points="{x_in},{HEIGHT - 40} {x_in},{y} {columns[-1]},{y}" fill="none" '
            f'stroke="#888" stroke-width="3"/>{drops}' + _label(x_in + 8, HEIGHT - 44, "x_t", None))


def _node(x, y, op: str) -> str:
    return (f'<circle cx="{x}" cy="{y}" r="12" fill="{NODE_FILL}" stroke="#333"/>'
            f'<text x="{x}" y="{y + 5}" text-anchor="middle" font-size="14">{op}</text>')


def _oval(x, y, op: str) -> str:
    return (f'<ellipse cx="{x}" cy="{y}" rx="26" ry="14" fill="{NODE_FILL}" stroke="#333"/>'
            f'<text x="{x}" y="{y + 4}" text-anchor="middle" font-size="12">{op}</text>')


def _block(x, function: str, value: float, sigmoid: bool, width: int = 52) -> str:
    """A layer block (y 202-242) coloured by its output, with its function and value."""
    fill = colour(value, sigmoid)
    ink = _ink(fill)
    size = 14 if len(function) <= 4 else 9
    return (f'<rect x="{x - width / 2}" y="202" width="{width}" height="40" rx="6" '
            f'fill="{fill}" stroke="#333"/><text x="{x}" y="218" text-anchor="middle" '
            f'font-size="{size}" fill="{ink}">{_rich(function)}</text>'
            f'<text x="{x}" y="236" text-anchor="middle" font-size="12" font-weight="bold" '
            f'fill="{ink}">{html.escape(number(value))}</text>')


@functools.lru_cache(maxsize=8)
def colour_key(x: int = 300, y: int = 352) -> str:
    """The key of the diagram's colours (SVG): five swatches from 0 to 1 for the sigmoid gates
    (Cividis) and from −1 to +1 for the tanh values and the states (RdBu)."""
    parts = []
    for row, (label, low, high, sigmoid) in enumerate((("gates σ", 0.0, 1.0, True),
                                                        ("tanh, c, h", -1.0, 1.0, False))):
        top = y + 18 * row
        parts.append(f'<text x="{x - 6}" y="{top + 11}" font-size="10" text-anchor="end">'
                     f"{html.escape(label)}</text>")
        for k, value in enumerate(np.linspace(low, high, 5)):
            parts.append(f'<rect x="{x + 16 * k}" y="{top}" width="16" height="13" '
                         f'fill="{colour(float(value), sigmoid)}" stroke="#666" '
                         'stroke-width="0.5"/>')
        parts.append(f'<text x="{x + 84}" y="{top + 11}" font-size="10">'
                     f"{html.escape(number(low, 0))} … {html.escape(number(high, 0))}</text>")
    return "".join(parts)


def _svg(kind: str, v: UnitStep, parts: list[str], summary: list[tuple[str, float]]) -> str:
    token = v.token if len(v.token) <= 24 else v.token[:23] + "…"
    caption = f"unit {v.unit} · t = {v.t + 1} · x_t = '{token}'"
    values = ", ".join(f"{name} = {number(value)}" for name, value in summary)
    title = f"{kind} cell, {caption}: {values}"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" role="img">'
            f"<title>{html.escape(title)}</title>"
            f'<rect x="90" y="40" width="460" height="290" rx="14" fill="#f2f2f2" '
            f'stroke="#999"/>{"".join(parts)}{colour_key()}'
            f'<text x="15" y="{HEIGHT - 8}" font-size="12">{html.escape(caption)}</text>'
            f'<text x="15" y="20" font-size="11">{_rich(NOTE)}</text>'
            f'<text x="{WIDTH - 10}" y="{HEIGHT - 8}" font-size="10" fill="#666" '
            'text-anchor="end">after C. Olah, 2015</text></svg>')
