"""The quiz's Check button (lesson 00_start_here): it grades exactly what the page shows.

A plain ``ipywidgets.Button`` sends its click at once, while ipywidgets may hold back a changed
radio button, checkbox or text box until the kernel is free; the kernel could then grade the
previous choice. This button is a small anywidget instead: on click, its JavaScript reads the
question's controls *in the page* (which radio button is checked, which checkboxes, the typed
text) and sends them **with** the click, in one message. The kernel grades that choice. Until
the kernel has answered, the button reads "checking…", so a learner sees that the answer waits
for the kernel (for example while another cell runs).

Lessons: 00.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

CHECKING = "checking\u2026"

ESM = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button mod-primary rnn-quiz-check";
  let waiting = null;  // the token of the latest click the kernel has not answered yet
  const idle = () => {
    button.textContent = model.get("description");
    button.title = model.get("tooltip") || "";
    button.classList.remove("rnn-quiz-checking");
  };
  idle();
  button.addEventListener("click", (event) => {
    event.stopPropagation();
    const block = el.closest(".rnn-quiz-question") || el.parentElement || el;
    const radios = [...block.querySelectorAll('input[type="radio"]')];
    const boxes = [...block.querySelectorAll('input[type="checkbox"]')];
    const text = block.querySelector('input[type="text"]');
    waiting = Math.random().toString(36).slice(2) + Date.now().toString(36);
    button.textContent = model.get("checking");
    button.classList.add("rnn-quiz-checking");
    model.send({
      event: "check", token: waiting,
      radio: radios.length ? radios.findIndex((r) => r.checked) : null,
      boxes: boxes.map((b, i) => (b.checked ? i : -1)).filter((i) => i >= 0),
      text: text ? text.value : null,
    });
  });
  model.on("change:answered", () => {
    if (model.get("answered") === waiting) { waiting = null; idle(); }
  });
  model.on("change:description", () => { if (waiting === null) idle(); });
  el.appendChild(button);
}
export default { render };
"""


class CheckButton(anywidget.AnyWidget):
    """A Check button whose click carries what the page shows selected (see the module).

    ``on_shown(shown)`` is called with {"radio": position or -1 or None, "boxes": [positions],
    "text": str or None} (positions in display order) before the click handlers run; from
    Python, ``click()`` runs the handlers without it (the controls' kernel values count)."""

    _esm = ESM
    description = traitlets.Unicode("Check").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    checking = traitlets.Unicode(CHECKING).tag(sync=True)
    answered = traitlets.Unicode("").tag(sync=True)  # token of the latest graded page click
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, on_shown: Callable[[dict[str, Any] | None], None] | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        self._handlers: list[Callable[[CheckButton], Any]] = []
        self._on_shown = on_shown
        self.on_msg(self._from_page)

    def on_click(self, callback: Callable[[CheckButton], Any]) -> None:
        """Call ``callback(button)`` on every click (in the page or via `click`)."""
        self._handlers.append(callback)

    def click(self) -> None:
        """Press the button from Python: run the click handlers."""
        for handler in self._handlers:
            handler(self)

    def _from_page(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "check":
            return
        shown = {"radio": content.get("radio"), "boxes": content.get("boxes") or [],
                 "text": content.get("text")}
        try:
            if self._on_shown is not None:
                self._on_shown(shown)
            self.click()
        finally:
            if self._on_shown is not None:
                self._on_shown(None)
            self.answered = str(content.get("token", ""))
