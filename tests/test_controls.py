"""The step bar: buttons, slider, Play link, readout, callbacks and argument errors."""

import pytest

from widgets.views.controls import MAX_LABEL, StepControls

TOKENS = ["the", "film", "was", "not", "<script>alert(1)</script>", "good"]


def test_next_and_prev_move_one_step_and_stop_at_the_ends():
    controls = StepControls(TOKENS)
    controls.next_button.click()
    controls.next_button.click()
    assert controls.value == controls.slider.value == 2
    controls.prev_button.click()
    assert controls.value == 1
    for _ in range(10):
        controls.next_button.click()
    assert controls.value == len(TOKENS) - 1
    for _ in range(10):
        controls.prev_button.click()
    assert controls.value == 0


def test_buttons_are_disabled_at_the_ends():
    controls = StepControls(TOKENS)
    assert controls.prev_button.disabled and not controls.next_button.disabled
    controls.value = len(TOKENS) - 1
    assert controls.next_button.disabled and not controls.prev_button.disabled


def test_readout_names_the_step_and_the_token():
    controls = StepControls(TOKENS, value=3)
    assert "t = 4 / 6" in controls.readout.value
    assert "not" in controls.readout.value
    controls.slider.value = 1
    assert "t = 2 / 6" in controls.readout.value and "film" in controls.readout.value


def test_readout_escapes_the_token():
    controls = StepControls(TOKENS, value=4)
    assert "<script>" not in controls.readout.value
    assert "&lt;script&gt;" in controls.readout.value


def test_long_tokens_are_shortened_in_the_readout():
    controls = StepControls(["x" * 100])
    assert "x" * MAX_LABEL not in controls.readout.value
    assert "x" * (MAX_LABEL - 1) + "…" in controls.readout.value


def test_unquoted_labels_are_shown_as_given():
    controls = StepControls(["→ 'a' · ← 'b'"], quote=False)
    assert controls.label(0) == "t = 1 / 1 · → &#x27;a&#x27; · ← &#x27;b&#x27;"


def test_callbacks_get_every_new_step_from_every_control():
    controls = StepControls(TOKENS)
    seen = []
    controls.on_step(seen.append)
    controls.next_button.click()
    controls.slider.value = 4
    controls.prev_button.click()
    controls.value = 0
    assert seen == [1, 4, 3, 0]


def test_play_is_linked_to_the_slider_in_the_browser():
    controls = StepControls(TOKENS, interval_ms=250)
    assert controls.link.source == (controls.play, "value")
    assert controls.link.target == (controls.slider, "value")
    assert (controls.play.min, controls.play.max) == (0, len(TOKENS) - 1)
    assert controls.play.interval == 250
    assert "rnn-play" in controls.play._dom_classes     # the key bridge hides its ■ (reset)


def test_help_text_names_the_keyboard_path():
    help_text = StepControls(TOKENS).help.value
    assert "slider" in help_text and "&larr;" in help_text and "&rarr;" in help_text


def test_set_tokens_resets_the_range_without_calling_back():
    controls = StepControls(TOKENS, value=5)
    seen = []
    controls.on_step(seen.append)
    controls.set_tokens(["a", "b"])
    assert seen == []
    assert controls.value == 0 and controls.slider.max == controls.play.max == 1
    assert controls.tokens == ["a", "b"]
    assert "t = 1 / 2" in controls.readout.value
    controls.next_button.click()
    assert seen == [1]


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"tokens": "not a list"}, TypeError, "`tokens` must be a list of strings"),
    ({"tokens": []}, ValueError, "at least one"),
    ({"tokens": ["a", 2]}, TypeError, "`tokens[i]` must be a string"),
    ({"tokens": ["a", "b"], "value": 2}, ValueError, "`value` must be in [0, 1]"),
    ({"tokens": ["a"], "interval_ms": 0}, ValueError, "`interval_ms`"),
])
def test_bad_arguments_get_clear_errors(kwargs, error, words):
    tokens = kwargs.pop("tokens")
    with pytest.raises(error) as info:
        StepControls(tokens, **kwargs)
    assert words in str(info.value)


def test_bad_step_and_callback_get_clear_errors():
    controls = StepControls(TOKENS)
    with pytest.raises(ValueError, match=r"`step` must be in \[0, 5\], got 6"):
        controls.value = 6
    with pytest.raises(TypeError, match="`callback` must be callable"):
        controls.on_step("print")


def test_the_readout_names_t_from_one_also_reading_backward_or_a_plain_step():
    forward = StepControls(["the", "film", "was"], value=1)
    assert forward.label(1) == "t = 2 / 3 · &#x27;film&#x27;"
    backward = StepControls(["was", "film", "the"], value=0, backward=True)
    assert backward.label(0) == "t = 3 / 3 · &#x27;was&#x27;"       # reads the last token first
    backward.set_tokens(["a", "b"], backward=False)
    assert backward.label(1) == "t = 2 / 2 · &#x27;b&#x27;"
    steps = StepControls(["→ 'a' · ← 'b'"], quote=False, index="step")
    assert steps.label(0).startswith("step 1 / 1 · ")
    with pytest.raises(ValueError, match="`index` must be one of"):
        StepControls(["a"], index="position")
