"""`SampleStepper`: step through a generation one character at a time (lesson 09).

The bars show the top candidates for the next character and their probabilities, the title
the one drawn, the box below the text so far. A temperature slider, a seed and a prime text
box regenerate; stepping indexes the precomputed `widgets.char_lm.Generation` (one
``batch_update()`` per step). The figures are `widgets.figures_sampling`.

Lessons: 09.
"""

from __future__ import annotations

import html

import ipywidgets as ipw
import plotly.graph_objects as go

from ..arguments import expect_int
from ..char_lm import CharLM, CharVocab, Generation, check_lm, generate
from ..figures.sampling import (
    bar_data,
    candidates_figure,
    generation_summary,
    static_figure,
    text_so_far_html,
    title,
    visible,
)
from .controls import StepControls
from .static import StaticForm, open_at, static_form

MAX_STEPS = 400
"""The widget draws at most this many characters (a step bar longer than this is unusable)."""


class SampleStepper(StaticForm, ipw.VBox):
    """Generate ``length`` characters after ``prime`` and step through them.

    Args:
        model, vocab: a `CharLM` and its `CharVocab` (e.g. ``widgets.load_char_model()``).
        prime: the text the model reads first (the learner may type another one).
        length: characters to draw, 1 ... 400.
        temperature: 0 (greedy) ... 3; seed: the generator's seed.
        top_k: candidates shown per step.

    ``generation`` is the current `Generation`; ``controls.value`` the step.
    """

    def __init__(self, model: CharLM, vocab: CharVocab, prime: str = "def ", length: int = 120,
                 temperature: float = 1.0, seed: int = 0, top_k: int = 5):
        check_lm(model, vocab)
        self.model, self.vocab = model, vocab
        self.length = expect_int("length", length, 1, MAX_STEPS)
        self.top_k = expect_int("top_k", top_k, 1, len(vocab))
        self.generation = self._generate(prime, temperature, expect_int("seed", seed, 0))
        self.prime_box = ipw.Text(value=prime, description="prime",
                                  continuous_update=False, layout={"width": "420px"})
        self.temperature = ipw.FloatSlider(value=self.generation.temperature, min=0.0,
                                           max=3.0, step=0.1, description="temperature",
                                           continuous_update=False, readout_format=".1f")
        self.seed = ipw.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="seed",
                                       layout={"width": "180px"})
        self.figure = go.FigureWidget(candidates_figure(self.generation, 0))
        self.text_view, self.message = ipw.HTML(), ipw.HTML()
        self.controls = StepControls(self._labels(), quote=False)
        self.controls.on_step(self._draw)
        for control in (self.prime_box, self.temperature, self.seed):
            control.observe(lambda _: self.regenerate(), names="value")
        super().__init__([ipw.HBox([self.prime_box, self.seed]), self.temperature,
                          self.figure, self.controls, self.text_view, self.message])
        self.add_class("rnn-sample-stepper")
        self._draw(0)

    def _generate(self, prime: str, temperature: float, seed: int) -> Generation:
        return generate(self.model, self.vocab, prime, self.length, temperature, seed,
                        self.top_k)

    def regenerate(self) -> None:
        """Draw a new generation from the controls' prime, temperature and seed; a prime the
        vocabulary cannot read leaves the old one and says why in the message line."""
        try:
            fresh = self._generate(self.prime_box.value, self.temperature.value,
                                   self.seed.value)
        except ValueError as error:
            self.message.value = f"<span style='color:#b00'>{html.escape(str(error))}</span>"
            return
        self.generation, self.message.value = fresh, ""
        self.controls.set_tokens(self._labels())
        self._draw(0)

    def _labels(self) -> list[str]:
        return [f"'{visible(c)}'" for c in self.generation.chars]

    def _draw(self, step: int) -> None:
        data = bar_data(self.generation, step)
        with self.figure.batch_update():
            bars = self.figure.data[0]
            bars.y, bars.x, bars.text = data["y"], data["x"], data["text"]
            bars.marker.color = data["marker_color"]
            self.figure.layout.title.text = title(self.generation, step)
        self.text_view.value = text_so_far_html(self.generation, step)

    def static_html(self) -> str:
        """The static form: the candidate bars with a slider over every step (opened at the
        current one), the text so far and a summary (HTML, text escaped)."""
        step = self.controls.value
        figure = open_at(static_figure(self.generation), str(step))
        return static_form("SampleStepper", f"A static copy of the sampler at step {step + 1}:"
                           " run the notebook to change the prime, temperature or seed.",
                           figure, generation_summary(self.generation),
                           text_so_far_html(self.generation, step) + self.message.value)
