"""Figures of a generation (lesson 09_generating_text): pure functions from a
`widgets.char_lm.Generation` to a plotly figure or HTML; the `SampleStepper` draws with them.

Step n (0-based) is the draw of the (n+1)-th new character: the bars show the ``top_k``
candidates and their probabilities, the drawn one marked "▶"; the text so far shows the
prime, then the characters drawn up to step n (the last one boxed).

Lessons: 09.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

from ..arguments import expect_int, expect_type
from ..char_lm import Generation
from .state import plot_text

VISIBLE = {"\n": "⏎", " ": "·", "\t": "⇥"}
"""How invisible characters are shown as labels (newline, space, tab)."""
COLOUR_SCALE = "Viridis"


def visible(char: str) -> str:
    """A character as a readable label: '⏎' for a newline, '·' for a space, '⇥' for a tab."""
    return VISIBLE.get(char, char)


def check_step(generation: Generation, step: int) -> int:
    expect_type("generation", generation, Generation, "a widgets.char_lm.Generation")
    if not generation.chars:
        raise ValueError("`generation` holds no drawn characters (length 0): nothing to show")
    return expect_int("step", step, 0, len(generation.chars) - 1)


def bar_data(generation: Generation, step: int) -> dict:
    """The bar trace's fields at ``step``: labels (most probable at the top), probabilities,
    their texts and hover texts. Labels are escaped for plotly."""
    step = check_step(generation, step)
    chars = generation.top_chars[step]
    probs = [float(p) for p in generation.top_probs[step]]
    drawn = generation.chars[step]
    labels = [("▶ " if c == drawn else "") + plot_text(visible(c)) + f" ({k + 1})"
              for k, c in enumerate(chars)]
    return dict(y=labels[::-1], x=probs[::-1], text=[f"{p:.3f}" for p in probs[::-1]],
                marker_color=probs[::-1])


def candidates_figure(generation: Generation, step: int = 0) -> go.Figure:
    """Horizontal bars: the ``top_k`` candidates for the next character at ``step`` with
    their probabilities (Viridis, the number on each bar and in the hover)."""
    data = bar_data(generation, step)
    figure = go.Figure(go.Bar(
        orientation="h", y=data["y"], x=data["x"], text=data["text"], textposition="auto",
        marker=dict(color=data["marker_color"], colorscale=COLOUR_SCALE, cmin=0, cmax=1),
        hovertemplate="%{y}: p = %{x:.4f}<extra></extra>"))
    figure.update_layout(title=title(generation, step), height=260, width=520,
                         margin=dict(l=90, r=20, t=50, b=40),
                         xaxis=dict(range=[0, 1], title="probability"))
    return figure


def title(generation: Generation, step: int) -> str:
    drawn = generation.chars[step]
    return (f"step {step + 1} / {len(generation.chars)}: drew "
            f"'{plot_text(visible(drawn))}' (p = {generation.drawn_probs[step]:.3f}) · "
            f"temperature {generation.temperature:g}")


def static_figure(generation: Generation) -> go.Figure:
    """`candidates_figure` with one frame per step and a slider: the static form."""
    figure = candidates_figure(generation, 0)
    frames, steps = [], []
    for step in range(len(generation.chars)):
        data = bar_data(generation, step)
        frames.append(go.Frame(name=str(step), data=[go.Bar(orientation="h",
            y=data["y"], x=data["x"], text=data["text"],
            marker=dict(color=data["marker_color"], colorscale=COLOUR_SCALE, cmin=0,
                        cmax=1))], layout=dict(title_text=title(generation, step))))
        steps.append(dict(method="animate", label=str(step + 1), args=[
            [str(step)], dict(mode="immediate", frame=dict(duration=0, redraw=True))]))
    figure.frames = frames
    figure.update_layout(sliders=[dict(steps=steps, currentvalue=dict(prefix="step "))],
                         height=330)
    return figure


def text_so_far_html(generation: Generation, step: int) -> str:
    """HTML: the prime (grey) and the characters drawn up to ``step``, the last one boxed;
    whitespace kept, every character escaped."""
    step = check_step(generation, step)
    before = html.escape(generation.text[:step])
    last = html.escape(generation.chars[step])
    shown = "⏎\n" if last == "\n" else last
    return ("<pre style='white-space:pre-wrap;font-size:12px;max-height:220px;"
            "overflow:auto'><span style='color:#666'>" + html.escape(generation.prime) +
            "</span>" + before + "<b style='outline:2px solid black'>" + shown + "</b></pre>")


def generation_summary(generation: Generation) -> str:
    """Plain text: the settings, the mean probability of the drawn characters and the text."""
    check_step(generation, 0)
    return (f"{len(generation.chars)} characters after the prime {generation.prime!r} at "
            f"temperature {generation.temperature:g}, seed {generation.seed}; mean probability "
            f"of the drawn character {generation.drawn_probs.mean():.3f}.\n"
            f"{generation.prime}{generation.text}")
