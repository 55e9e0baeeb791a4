"""`KeyBridge`: a few lines of front-end code (an anywidget, shipped inline, no network) that
make a stepping widget's keys work in JupyterLab and Notebook 7 (lessons 00-08):

- keys pressed inside the widget never reach the notebook's shortcuts (a keydown listener on
  the window, in the capture phase, stops them before Notebook 7's and JupyterLab's own
  handlers; the root is also marked ``data-lm-suppress-shortcuts``), so stray keys cannot run
  notebook commands;
- ← and → step the widget (they press Prev / Next) when anything in it other than a text box
  has focus, the slider's handle included; the widget's root can take focus;
- in a quiz, the arrow keys move between a question's options (the browser's radio group) and
  Enter in a typed answer presses that question's Check;
- the current token (the button with the class ``rnn-current-token``) is scrolled into view
  inside its scrolling sentence box (``rnn-sentence``) whenever it changes, so a long sentence
  never hides the token being read; the notebook itself does not scroll.

Its stylesheet also hides the ■ button of the step bar's Play (``rnn-play``): ipywidgets' ■
jumps back to the first step, while ▶ turns into ❚❚, which pauses where it is.

The bridge sits inside `StepControls` (and the quiz); a key acts on the outermost enclosing
element with the class ``rnn-keys`` (the stepping widget, or the bar alone), pressing its
``rnn-prev`` / ``rnn-next`` buttons (a quiz question's ``rnn-quiz-check``).

Lessons: 00, 01, 02, 03, 04, 05, 06, 07, 08.
"""

from __future__ import annotations

import anywidget

KEYS_JS = """
const TYPED = "input[type=text], input[type=number], input:not([type]), textarea, select";
function outermost(node) {
  let root = null;
  for (; node; node = node.parentElement) {
    if (node.classList && node.classList.contains("rnn-keys")) root = node;
  }
  return root;
}
function press(root, selector) {
  const button = root.querySelector(selector);
  if (button && !button.disabled) button.click();
}
// On window, in the capture phase: before the notebook's own key handling (Notebook 7 takes
// keys on document in the capture phase). Default actions (a radio group's arrows, Space on a
// button) still happen; text boxes keep every key.
function onKeydown(event) {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const root = outermost(target);
  if (!root) return;
  const typed = target.matches(TYPED);
  const question = target.closest(".rnn-quiz-question");
  if (question && typed && event.key === "Enter") {
    // the text box sends its value on Enter first; the click follows it over the comm
    setTimeout(() => press(question, ".rnn-quiz-check"), 0);
    return;
  }
  if (typed) return;
  if (!question && (event.key === "ArrowLeft" || event.key === "ArrowRight")) {
    event.preventDefault();
    press(root, event.key === "ArrowLeft" ? ".rnn-prev" : ".rnn-next");
  }
  event.stopPropagation();
}
// Scroll the sentence box (not the page) so that the current token is inside it.
function reveal(token) {
  const box = token.closest(".rnn-sentence");
  if (!box) return;
  const outer = box.getBoundingClientRect(), inner = token.getBoundingClientRect();
  if (inner.top < outer.top) box.scrollTop += inner.top - outer.top;
  else if (inner.bottom > outer.bottom) box.scrollTop += inner.bottom - outer.bottom;
}
function followCurrentToken(root) {
  let shown = null;
  const check = () => {
    const token = root.querySelector(".rnn-current-token");
    if (token && token !== shown && token.getBoundingClientRect().height > 0) {
      shown = token;
      reveal(token);
    }
  };
  new MutationObserver(check).observe(root, {subtree: true, childList: true, attributes: true,
                                             attributeFilter: ["class"]});
  check();
}
function attach(el, tries) {
  const root = el.isConnected ? outermost(el.parentElement) : null;
  if (!root) {
    if (tries < 200) setTimeout(() => attach(el, tries + 1), 50);
    return;
  }
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  if (!root.hasAttribute("tabindex")) root.setAttribute("tabindex", "0");
  if (!root.dataset.rnnFollows) {
    root.dataset.rnnFollows = "true";
    followCurrentToken(root);
  }
}
function render({ el }) {
  el.classList.add("rnn-key-bridge");
  if (!window.__rnnKeys) {
    window.__rnnKeys = true;
    window.addEventListener("keydown", onKeydown, true);
  }
  attach(el, 0);
}
export default { render };
"""


class KeyBridge(anywidget.AnyWidget):
    """Invisible; see the module docstring."""

    _esm = KEYS_JS
    _css = """
.rnn-key-bridge { display: none; }
.rnn-play > button:nth-child(2) { display: none; }
.rnn-gate-diagram svg { width: 100%; height: auto; }
"""
