"""`KeyBridge`: a few lines of front-end code (an anywidget, shipped inline, no network) that
make a stepping widget's keys work in JupyterLab and Notebook 7 (lessons 00-08):

- keys pressed inside the widget never reach the notebook's shortcuts (its root is marked
  ``data-lm-suppress-shortcuts``, which Lumino's key handling honours, and keydown stops
  there), so ← / → on the slider step it instead of moving the active cell, and stray keys
  cannot run notebook commands;
- ← and → step the widget when anything in it other than a text box or the slider has focus
  (the slider's handle takes its own arrow keys); the widget's root can take focus.

The bridge sits inside `StepControls`; it acts on the outermost enclosing element with the
class ``rnn-keys`` (the stepping widget, or the bar alone) and presses its ``rnn-prev`` /
``rnn-next`` buttons.
"""

from __future__ import annotations

import anywidget

KEYS_JS = """
function outermost(el) {
  let root = null;
  for (let node = el.parentElement; node; node = node.parentElement) {
    if (node.classList.contains("rnn-keys")) root = node;
  }
  return root;
}
function attach(el, tries) {
  const root = el.isConnected ? outermost(el) : null;
  if (!root) {
    if (tries < 200) setTimeout(() => attach(el, tries + 1), 50);
    return;
  }
  if (root.dataset.rnnKeys === "1") return;
  root.dataset.rnnKeys = "1";
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "0");
  root.addEventListener("keydown", (event) => {
    event.stopPropagation();
    const target = event.target;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (target.closest("input, textarea, select, .widget-slider")) return;
    event.preventDefault();
    const which = event.key === "ArrowLeft" ? ".rnn-prev" : ".rnn-next";
    const button = root.querySelector(which);
    if (button && !button.disabled) button.click();
  });
}
function render({ el }) {
  el.classList.add("rnn-key-bridge");
  attach(el, 0);
}
export default { render };
"""


class KeyBridge(anywidget.AnyWidget):
    """Invisible; see the module docstring. Lesson 00_start_here explains the keys."""

    _esm = KEYS_JS
    _css = """
.rnn-key-bridge { display: none; }
.rnn-gate-diagram svg { width: 100%; height: auto; }
"""
