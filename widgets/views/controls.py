"""`StepControls`: the Prev / Play / Next / slider bar every stepping widget shares.

Lesson 00_start_here teaches how to step; lessons 02-07 use the bar inside the StateStepper,
GateViewer and LayerStepper. The step lives in ``slider.value`` (0 ... T-1); ``Play`` is
jslinked to the slider in the browser, so playing costs the kernel nothing but the redraws.

Keyboard: click the slider's handle, then Left / Right move one step (ipywidgets' slider takes
the arrow keys while its handle has focus).

Lessons: 00, 02, 03, 04, 05, 06, 07.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

import ipywidgets as ipw

from ..arguments import expect_choice, expect_int, expect_type, type_name
from .keys import KeyBridge
from .static import StaticForm, static_form

HELP_TEXT = (
    "<b>Prev</b> / <b>Next</b> step one token, &#9654; plays, &#10074;&#10074; pauses. "
    "Keyboard: click the slider's handle (or anywhere in the widget), then &larr; / &rarr; "
    "step one token."
)
MAX_LABEL = 24
"""Labels longer than this many characters are cut with '…' in the readout."""


class StepControls(StaticForm, ipw.VBox):
    """A step bar: Prev, Play, Next, a slider and a readout such as "t = 3 / 7 · 'not'".

    Args:
        tokens: one label per step (T >= 1), usually the tokens in reading order.
        value: the first step shown, in [0, T-1].
        interval_ms: milliseconds per step while playing.
        quote: show the label in quotes (tokens) or as is (e.g. "→ 'a' · ← 'b'").
        index: "t" (the readout names the token's position t = 1..T, the course's
            convention) or "step" (e.g. the LayerStepper, whose step reads two tokens).
        backward: the labels run backward (step s reads token t = T - s).

    Attributes: ``slider`` (IntSlider, the step), ``play`` (Play, jslinked to the slider),
    ``prev_button``, ``next_button``, ``readout`` (HTML), ``help`` (HTML, how to step).
    Use ``value`` to read or set the step and ``on_step(callback)`` to hear about changes.
    """

    def __init__(self, tokens: Sequence[str], *, value: int = 0, interval_ms: int = 600,
                 quote: bool = True, index: str = "t", backward: bool = False):
        self._tokens = _labels(tokens)
        self._quote = bool(quote)
        self._index = expect_choice("index", index, ["t", "step"])
        self._backward = bool(backward)
        self._callbacks: list[Callable[[int], None]] = []
        self._quiet = False
        last = len(self._tokens) - 1
        value = expect_int("value", value, 0, last)
        interval_ms = expect_int("interval_ms", interval_ms, 20)
        self.slider = ipw.IntSlider(value=value, min=0, max=last, readout=False,
                                    description=self._index,
                                    layout=ipw.Layout(width="320px"))
        self.play = ipw.Play(value=value, min=0, max=last, interval=interval_ms,
                             show_repeat=False, description="play",
                             layout=ipw.Layout(width="auto", flex="0 0 auto"))
        self.play.add_class("rnn-play")  # its stop button (back to step 1) is hidden: keys.py
        self.link = ipw.jslink((self.play, "value"), (self.slider, "value"))
        self.prev_button = ipw.Button(description="◀ Prev", tooltip="previous token (←)",
                                      layout=ipw.Layout(width="80px"))
        self.next_button = ipw.Button(description="Next ▶", tooltip="next token (→)",
                                      layout=ipw.Layout(width="80px"))
        self.prev_button.add_class("rnn-prev")
        self.next_button.add_class("rnn-next")
        self.readout = ipw.HTML()
        self.readout.add_class("rnn-step-readout")
        self.help = ipw.HTML(f"<small>{HELP_TEXT}</small>")
        self.prev_button.on_click(lambda _: self._move(-1))
        self.next_button.on_click(lambda _: self._move(+1))
        self.slider.observe(self._on_value, names="value")
        self._refresh()
        bar = ipw.HBox([self.prev_button, self.play, self.next_button, self.slider,
                        self.readout], layout=ipw.Layout(align_items="center"))
        super().__init__([bar, self.help, KeyBridge()])
        self.add_class("rnn-step-controls")
        self.add_class("rnn-keys")

    @property
    def value(self) -> int:
        """The current step, 0 ... T-1 (the slider's value)."""
        return self.slider.value

    @value.setter
    def value(self, step: int) -> None:
        self.slider.value = expect_int("step", step, 0, self.slider.max)

    @property
    def tokens(self) -> list[str]:
        """The T step labels, in step order."""
        return list(self._tokens)

    def on_step(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(step)`` after every change of the step (buttons, slider, play)."""
        if not callable(callback):
            raise TypeError(f"`callback` must be callable, got {type_name(callback)}")
        self._callbacks.append(callback)

    def set_tokens(self, tokens: Sequence[str], backward: bool = False) -> None:
        """Switch to a new sequence (read ``backward`` or not) and go back to step 0, WITHOUT
        calling the callbacks (the owner redraws itself once after swapping its data)."""
        self._tokens = _labels(tokens)
        self._backward = bool(backward)
        last = len(self._tokens) - 1
        self._quiet = True
        try:
            self.slider.value = 0
            self.slider.max = self.play.max = last
            self.play.value = 0
        finally:
            self._quiet = False
        self._refresh()

    def label(self, step: int) -> str:
        """The readout's text (HTML-escaped) for ``step``: "t = 3 / 7 · 'not'" (t = 1..T,
        the token's position, counted from the end's side when reading backward), or
        "step 3 / 7 · ..." with ``index="step"``."""
        token = self._tokens[step]
        if len(token) > MAX_LABEL:
            token = token[: MAX_LABEL - 1] + "…"
        shown = f"'{token}'" if self._quote else token
        length = len(self._tokens)
        if self._index == "step":
            return f"step {step + 1} / {length} · {html.escape(shown)}"
        t = length - step if self._backward else step + 1
        return f"t = {t} / {length} · {html.escape(shown)}"

    def static_html(self) -> str:
        """The static form: the readout and every label, the current one in bold and brackets
        (HTML, labels escaped)."""
        labels = " · ".join(f"<b>[{html.escape(label)}]</b>" if step == self.value
                            else html.escape(label) for step, label in enumerate(self._tokens))
        return static_form("StepControls", "A static copy of the step bar: run the notebook "
                           "to step.", extra_html=f"<p><code>{self.label(self.value)}</code></p>"
                           f"<p>{labels}</p>")

    def _move(self, delta: int) -> None:
        self.slider.value = min(max(self.slider.value + delta, 0), self.slider.max)

    def _on_value(self, change) -> None:
        self._refresh()
        if not self._quiet:
            for callback in self._callbacks:
                callback(change["new"])

    def _refresh(self) -> None:
        step = self.slider.value
        self.readout.value = f"<code>{self.label(step)}</code>"
        self.prev_button.disabled = step == 0
        self.next_button.disabled = step == self.slider.max


def _labels(tokens) -> list[str]:
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(f"`tokens` must be a list of strings, got {type_name(tokens)}")
    if len(tokens) == 0:
        raise ValueError("`tokens` must hold at least one label (T >= 1), got an empty list")
    for token in tokens:
        expect_type("tokens[i]", token, str, "a string")
    return list(tokens)
