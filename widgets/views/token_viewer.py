"""What the StateStepper and the GateViewer share: the step and unit they show, jumping to a
token, a click on a heatmap cell, the message line, and the text box that traces the learner's
own sentence through a model (lessons 02-08).

Lessons: 02, 03, 04, 05, 06, 07, 08.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as ipw

from ..arguments import type_name
from ..figures.state import current_token
from ..tracing.text import MAX_TOKENS, TextModel, TextToTrace, Vocabulary, model_text_tracer
from ..tracing.trace_data import Trace
from .static import StaticForm, step_note


class TokenViewer(StaticForm, ipw.VBox):
    """A base class: subclasses set ``trace``, ``direction``, ``controls`` (a `StepControls`),
    ``unit_picker`` and ``message``, and define ``_draw(step)`` (draw one step),
    ``_rebuild()`` (draw a new trace from scratch) and ``static_html()`` (the static form)."""

    trace: Trace
    direction: int

    @classmethod
    def from_model(cls, model: TextModel, text: str, vocab: Vocabulary, *,
                   tokenize: Callable[[str], list[str]] | None = None, unk_index: int = 1,
                   max_tokens: int = MAX_TOKENS, **view) -> TokenViewer:
        """Trace ``text`` through ``model.embedding`` then ``model.rnn`` and show it, with a
        text box for one's own sentences. ``vocab.encode(tokens)`` gives the ids; ids equal
        to ``unk_index`` are unknown words, marked "(unk)". ``tokenize`` defaults to words
        and punctuation, case kept (a word unknown as typed is tried in lower case).
        ``view``: layer, direction, unit."""
        text_to_trace = model_text_tracer(model, vocab, tokenize, unk_index, max_tokens)
        trace, note = text_to_trace(text)
        viewer = cls(trace, max_tokens=max_tokens, text_to_trace=text_to_trace, **view)
        viewer._traced_text = text
        viewer.text_box.value = text
        viewer._set_message(note)
        return viewer

    @property
    def step(self) -> int:
        """The current step (the slider's value); the token read is `current_token`."""
        return self.controls.value

    @property
    def unit(self) -> int:
        """The chosen unit, 0 ... hidden_size-1 (``unit_picker.value``)."""
        return self.unit_picker.value

    @property
    def current_token(self) -> int:
        """Index t of the token read at the current step (T-1-step going backward)."""
        return current_token(self.step, len(self.trace), self.direction)

    def _step_note(self) -> str:
        """The static form's note: the step, token and unit this copy shows (plain text)."""
        t = self.current_token
        return step_note(type(self).__name__, self.step, len(self.trace),
                         f"token t = {t + 1} '{self.trace.tokens[t]}', unit {self.unit}")

    def jump_to_token(self, t: int) -> None:
        """Step to the step at which this direction reads token ``t``."""
        self._go(current_token(t, len(self.trace), self.direction))

    def submit(self, text: str) -> None:
        """Trace ``text`` with the model (the text box calls this on Enter) and restart."""
        if text == self._traced_text:
            return
        try:
            trace, note = self._text_to_trace(text)
            self._check_trace(trace)
        except ValueError as error:
            self._set_message(f"Not traced: {error}", error=True)
            return
        self.trace, self._traced_text = trace, text
        self._set_message(note)
        self.controls.set_tokens(self._labels(), backward=self.direction == 1)
        self._rebuild()

    def _text_box_row(self, text_to_trace: TextToTrace | None) -> ipw.HBox | None:
        """The text box and its button, wired to `submit` (None without ``text_to_trace``)."""
        if text_to_trace is not None and not callable(text_to_trace):
            raise TypeError("`text_to_trace` must be a function text -> (Trace, note) or None, "
                            f"got {type_name(text_to_trace)}")
        self._text_to_trace, self._traced_text = text_to_trace, None
        if text_to_trace is None:
            return None
        self.text_box = ipw.Text(placeholder="type a sentence, then press Enter",
                                 continuous_update=False, layout={"width": "480px"})
        self.run_button = ipw.Button(description="Trace it",
                                     tooltip="trace this sentence through the model (Enter)")
        self.text_box.observe(lambda change: self.submit(change["new"]), names="value")
        self.run_button.on_click(lambda _: self.submit(self.text_box.value))
        return ipw.HBox([self.text_box, self.run_button])

    def _check_trace(self, trace: Trace) -> None:
        """Raise ValueError for a trace this viewer cannot show (subclasses refine it)."""

    def _labels(self) -> list[str]:
        tokens = self.trace.tokens
        return tokens if self.direction == 0 else tokens[::-1]

    def _go(self, step: int) -> None:
        """Show ``step``, redrawing even when the slider is already there."""
        if self.controls.value == step:
            self._draw(step)
        else:
            self.controls.value = step

    def _on_heatmap_click(self, _trace, points, _state) -> None:
        """A click on a cell selects its unit and jumps to its token."""
        if not points.point_inds:
            return
        self.unit_picker.value = int(points.ys[0])
        self.jump_to_token(int(points.xs[0]))

    def _set_message(self, note: str, error: bool = False) -> None:
        colour = "#a00" if error else "#333"
        text = html.escape(note)
        self.message.value = f"<span style='color:{colour}'>{text}</span>" if note else ""
