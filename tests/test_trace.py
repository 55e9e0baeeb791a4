"""`widgets.trace` against torch: every option combination, every gate, every error path."""

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from widgets.tracing.record import TraceMismatchError, runs_as_torch_functional, trace
from widgets.tracing.trace_data import GATE_NAMES

INPUT_SIZE, HIDDEN_SIZE, T = 3, 4, 6
KINDS = [("rnn", dict(nonlinearity="tanh")), ("rnn", dict(nonlinearity="relu")),
         ("lstm", {}), ("gru", {})]
CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
TOL = {torch.float32: 1e-5, torch.float64: 1e-10}


def make(kind, extra=None, dtype=torch.float64, seed=0, **options):
    torch.manual_seed(seed)
    module = CLASSES[kind](INPUT_SIZE, HIDDEN_SIZE, **(extra or {}), **options)
    return module.to(dtype)


def step_by_step(module, kind, x, h0=None, c0=None):
    """An independent per-step loop in torch: (L, D, T, H) states and gates per layer."""
    num_directions = 2 if module.bidirectional else 1
    shape = (module.num_layers, num_directions, len(x), module.hidden_size)
    hidden = torch.zeros(shape, dtype=x.dtype)
    cell = torch.zeros(shape, dtype=x.dtype)
    gates = {name: torch.zeros(shape, dtype=x.dtype) for name in GATE_NAMES[kind]}
    layer_input = x
    for layer, d in itertools.product(range(module.num_layers), range(num_directions)):
        if d == 0 and layer > 0:
            layer_input = torch.cat(list(hidden[layer - 1]), dim=1)
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        w_ih, w_hh = getattr(module, "weight_ih" + sfx), getattr(module, "weight_hh" + sfx)
        b_ih = getattr(module, "bias_ih" + sfx, torch.zeros(w_ih.shape[0], dtype=x.dtype))
        b_hh = getattr(module, "bias_hh" + sfx, torch.zeros(w_ih.shape[0], dtype=x.dtype))
        row = layer * num_directions + d
        h = torch.zeros(module.hidden_size, dtype=x.dtype) if h0 is None else h0[row]
        c = torch.zeros(module.hidden_size, dtype=x.dtype) if c0 is None else c0[row]
        order = range(len(x)) if d == 0 else reversed(range(len(x)))
        for t in order:
            a, b = w_ih @ layer_input[t] + b_ih, w_hh @ h + b_hh
            if kind == "rnn":
                h = torch.tanh(a + b) if module.nonlinearity == "tanh" else torch.relu(a + b)
                values = {}
            elif kind == "lstm":
                i, f, g, o = (a + b).chunk(4)
                i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
                c = f * c + i * g
                h = o * torch.tanh(c)
                values = dict(input=i, forget=f, candidate=g, output=o)
                cell[layer, d, t] = c
            else:
                (a_r, a_z, a_n), (b_r, b_z, b_n) = a.chunk(3), b.chunk(3)
                r, z = torch.sigmoid(a_r + b_r), torch.sigmoid(a_z + b_z)
                n = torch.tanh(a_n + r * b_n)
                h = (1 - z) * n + z * h
                values = dict(reset=r, update=z, new=n)
            hidden[layer, d, t] = h
            for name, value in values.items():
                gates[name][layer, d, t] = value
    return hidden.detach().numpy(), cell.detach().numpy(), {
        k: v.detach().numpy() for k, v in gates.items()}


COMBOS = list(itertools.product(range(len(KINDS)), [1, 2, 3, 4], [False, True],
                                [False, True], [True, False], [torch.float32, torch.float64]))


@pytest.mark.parametrize("k, num_layers, bidirectional, batch_first, bias, dtype", COMBOS)
def test_trace_equals_torch(k, num_layers, bidirectional, batch_first, bias, dtype):
    kind, extra = KINDS[k]
    module = make(kind, extra, dtype, num_layers=num_layers, bidirectional=bidirectional,
                  batch_first=batch_first, bias=bias)
    x = torch.randn(T, INPUT_SIZE, dtype=dtype)
    result = trace(module, x)
    with torch.no_grad():
        batch = x.unsqueeze(0 if batch_first else 1)
        output, final = module(batch)
    h_n = final[0] if kind == "lstm" else final
    tol = TOL[dtype]
    np.testing.assert_allclose(result.output, output.squeeze(0 if batch_first else 1),
                               atol=tol, rtol=tol)
    np.testing.assert_allclose(result.h_n, h_n.squeeze(1), atol=tol, rtol=tol)
    num_directions = 2 if bidirectional else 1
    assert result.hidden.shape == (num_layers, num_directions, T, HIDDEN_SIZE)
    assert result.output.shape == (T, num_directions * HIDDEN_SIZE)
    assert set(result.gates) == set(GATE_NAMES[kind])
    hidden, cell, gates = step_by_step(module, kind, x.double() if dtype == torch.float64 else x)
    np.testing.assert_allclose(result.hidden, hidden, atol=10 * tol, rtol=10 * tol)
    for name in GATE_NAMES[kind]:
        np.testing.assert_allclose(result.gates[name], gates[name], atol=10 * tol, rtol=10 * tol)
    if kind == "lstm":
        np.testing.assert_allclose(result.cell, cell, atol=10 * tol, rtol=10 * tol)
        np.testing.assert_allclose(result.c_n, final[1].squeeze(1), atol=tol, rtol=tol)
    else:
        assert result.cell is None and result.c_n is None


@pytest.mark.parametrize("kind, extra", KINDS)
def test_terms_add_up_to_the_gates(kind, extra):
    module = make(kind, extra, num_layers=2, bidirectional=True)
    result = trace(module, torch.randn(T, INPUT_SIZE, dtype=torch.float64))
    if kind == "rnn":
        pre = result.input_terms["h"] + result.hidden_terms["h"]
        act = np.tanh(pre) if extra["nonlinearity"] == "tanh" else np.maximum(pre, 0)
        np.testing.assert_allclose(act, result.hidden, atol=1e-12)
        return
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for name in result.gates:
        pre = result.input_terms[name] + result.hidden_terms[name]
        if name == "new":
            pre = result.input_terms[name] + result.gates["reset"] * result.hidden_terms[name]
        act = np.tanh(pre) if name in ("candidate", "new") else sigmoid(pre)
        np.testing.assert_allclose(act, result.gates[name], atol=1e-12)


@pytest.mark.parametrize("kind, extra", KINDS)
def test_initial_state_is_used(kind, extra):
    module = make(kind, extra, num_layers=2, bidirectional=True)
    x = torch.randn(T, INPUT_SIZE, dtype=torch.float64)
    h0 = torch.randn(4, HIDDEN_SIZE, dtype=torch.float64)
    c0 = torch.randn(4, 1, HIDDEN_SIZE, dtype=torch.float64)
    hx = (h0, c0) if kind == "lstm" else h0
    result = trace(module, x, h0=hx)
    with torch.no_grad():
        expected = (h0.unsqueeze(1), c0) if kind == "lstm" else h0.unsqueeze(1)
        output, _ = module(x.unsqueeze(1), expected)
    np.testing.assert_allclose(result.output, output.squeeze(1), atol=1e-10)
    np.testing.assert_allclose(result.h0.reshape(4, HIDDEN_SIZE), h0, atol=0)
    if kind == "lstm":
        np.testing.assert_allclose(result.c0.reshape(4, HIDDEN_SIZE), c0.squeeze(1), atol=0)


@pytest.mark.parametrize("batch_first", [False, True])
def test_batch_of_one_in_the_module_layout_equals_the_plain_sequence(batch_first):
    module = make("lstm", batch_first=batch_first)
    x = torch.randn(T, INPUT_SIZE, dtype=torch.float64)
    batched = x.unsqueeze(0 if batch_first else 1)
    np.testing.assert_array_equal(trace(module, x).hidden, trace(module, batched).hidden)


def test_tokens_default_and_given():
    module = make("gru")
    x = torch.randn(3, INPUT_SIZE, dtype=torch.float64)
    assert trace(module, x).tokens == ["0", "1", "2"]
    assert trace(module, x, tokens=["not", "so", "good"]).tokens == ["not", "so", "good"]


def test_float32_inputs_are_cast_to_a_float64_module():
    module = make("rnn", dict(nonlinearity="tanh"))
    result = trace(module, torch.randn(T, INPUT_SIZE))
    assert result.hidden.dtype == np.float64


def test_a_module_whose_forward_differs_is_refused():
    class Shifted(nn.LSTM):
        def forward(self, inputs, hx=None):
            output, state = super().forward(inputs, hx)
            return output + 0.5, state

    torch.manual_seed(0)
    module = Shifted(INPUT_SIZE, HIDDEN_SIZE)
    with pytest.raises(TraceMismatchError, match="output differs"):
        trace(module, torch.randn(T, INPUT_SIZE))


def test_a_forward_hook_that_changes_the_output_is_refused():
    torch.manual_seed(0)
    module = nn.GRU(INPUT_SIZE, HIDDEN_SIZE)
    module.register_forward_hook(lambda mod, args, out: (out[0] * 2, out[1]))
    assert not runs_as_torch_functional(module)
    with pytest.raises(TraceMismatchError, match="output differs"):
        trace(module, torch.randn(T, INPUT_SIZE))


@pytest.mark.parametrize("kind, extra", [("lstm", {}), ("gru", {}),
                                         ("rnn", dict(nonlinearity="tanh"))])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_self_check_tolerance_is_pinned(kind, extra, dtype):
    """A module whose output is shifted by 10x the tolerance (TOL, written here, not read
    from the package) is refused; shifted by half of it, accepted. Outputs lie in [-1, 1], so
    the allowed difference tol * (1 + |output|) is at most 2 * tol."""
    tol = TOL[dtype]
    x = torch.randn(T, INPUT_SIZE, generator=torch.Generator().manual_seed(1), dtype=dtype)
    for factor, refused in ((10.0, True), (0.5, False)):
        module = make(kind, extra, dtype=dtype)
        module.register_forward_hook(
            lambda mod, args, out, shift=factor * tol: (out[0] + shift, out[1]))
        if refused:
            with pytest.raises(TraceMismatchError, match="output differs"):
                trace(module, x)
        else:
            assert trace(module, x).output.shape == (T, HIDDEN_SIZE)


def test_only_plain_modules_skip_calling_the_module():
    class Same(nn.RNN):
        pass

    torch.manual_seed(0)
    plain, hooked = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE), nn.LSTM(INPUT_SIZE, HIDDEN_SIZE)
    hooked.register_forward_pre_hook(lambda mod, args: None)
    assert runs_as_torch_functional(plain)
    assert not runs_as_torch_functional(hooked) and not runs_as_torch_functional(Same(3, 4))
    x = torch.randn(T, INPUT_SIZE)
    hooked.load_state_dict(plain.state_dict())
    np.testing.assert_array_equal(trace(plain, x).output, trace(hooked, x).output)


def test_h_n_layout_is_torchs():
    module = make("gru", num_layers=3, bidirectional=True)
    x = torch.randn(T, INPUT_SIZE, dtype=torch.float64)
    result = trace(module, x)
    with torch.no_grad():
        _, h_n = module(x)
    np.testing.assert_allclose(result.h_n, h_n, atol=1e-12)
    np.testing.assert_array_equal(result.h_n[3], result.hidden[1, 1, 0])
    np.testing.assert_array_equal(result.h_n[4], result.hidden[2, 0, -1])


ERRORS = [
    ("proj", lambda: (nn.LSTM(3, 4, proj_size=2), torch.randn(5, 3)), {}, "proj_size"),
    ("batch", lambda: (make("lstm"), torch.randn(5, 2, 3)), {}, "batch of 2 sequences"),
    ("batch_first", lambda: (make("gru", batch_first=True), torch.randn(2, 5, 3)), {},
     r"batch of 2 sequences in the layout \(batch, T, input_size\)"),
    ("packed", lambda: (make("lstm"), nn.utils.rnn.pack_sequence([torch.randn(5, 3)])), {},
     "PackedSequence"),
    ("empty", lambda: (make("rnn"), torch.randn(0, 3)), {}, "empty sequence"),
    ("input_size", lambda: (make("rnn"), torch.randn(5, 7)), {}, "input_size = 3"),
    ("tokens", lambda: (make("rnn"), torch.randn(5, 3)), {"tokens": ["a", "b"]},
     "`tokens` has 2 entries but the sequence has T = 5"),
    ("tokens_str", lambda: (make("rnn"), torch.randn(5, 3)), {"tokens": "abcde"},
     "`tokens` must be a list"),
    ("numpy", lambda: (make("rnn"), np.zeros((5, 3))), {}, "`inputs` must be a torch.Tensor"),
    ("list", lambda: (make("rnn"), [[0.0] * 3] * 5), {}, "`inputs` must be a torch.Tensor"),
    ("ints", lambda: (make("rnn"), torch.zeros(5, 3, dtype=torch.long)), {}, "floating point"),
    ("dims", lambda: (make("rnn"), torch.zeros(5)), {}, "got 1 dimensions"),
    ("nan", lambda: (make("rnn"), torch.full((5, 3), float("nan"))), {}, "NaN or inf"),
    ("module", lambda: (nn.Linear(3, 4), torch.randn(5, 3)), {}, "torch.nn.RNN, torch.nn.LSTM"),
    ("cell", lambda: (nn.LSTMCell(3, 4), torch.randn(5, 3)), {}, "got LSTMCell"),
    ("half", lambda: (nn.GRU(3, 4).half(), torch.randn(5, 3)), {}, "float32 or float64"),
    ("h0_shape", lambda: (make("gru"), torch.randn(5, 3)), {"h0": torch.zeros(2, 4)},
     r"`h0` must have shape .* = \(1, 4\)"),
    ("h0_type", lambda: (make("gru"), torch.randn(5, 3)), {"h0": np.zeros((1, 4))},
     "`h0` must be a torch.Tensor"),
    ("lstm_h0", lambda: (make("lstm"), torch.randn(5, 3)), {"h0": torch.zeros(1, 4)},
     r"`h0` of an LSTM must be a tuple \(h0, c0\)"),
    ("lstm_c0", lambda: (make("lstm"), torch.randn(5, 3)),
     {"h0": (torch.zeros(1, 4), torch.zeros(3))}, r"`h0\[1\]` must have shape"),
]


@pytest.mark.parametrize("name, build, kwargs, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_clear_errors(name, build, kwargs, message):
    module, inputs = build()
    with pytest.raises((TypeError, ValueError), match=message):
        trace(module, inputs, **kwargs)


def test_dropout_in_training_mode_is_refused_and_eval_works():
    module = make("lstm", num_layers=2, dropout=0.5)
    x = torch.randn(T, INPUT_SIZE, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"module.eval\(\)"):
        trace(module, x)
    assert trace(module.eval(), x).hidden.shape == (2, 1, T, HIDDEN_SIZE)


def test_trace_does_not_touch_autograd_state():
    module = make("lstm")
    x = torch.randn(T, INPUT_SIZE, dtype=torch.float64, requires_grad=True)
    trace(module, x)
    assert all(p.grad is None for p in module.parameters())
    assert module.training


def test_states_that_overflow_are_refused():
    """A relu RNN with large recurrent weights overflows to inf: trace says so instead of
    returning a Trace of inf (its parameters are finite, so none is named)."""
    torch.manual_seed(0)
    rnn = nn.RNN(2, 3, nonlinearity="relu")
    with torch.no_grad():
        rnn.weight_hh_l0.fill_(1e30)
        rnn.weight_ih_l0.fill_(1e30)
    with pytest.raises(ValueError, match="overflowed to inf or NaN"):
        trace(rnn, torch.ones(40, 2))


def test_a_nan_parameter_is_named_after_the_run():
    rnn = nn.GRU(2, 3, num_layers=2)
    with torch.no_grad():
        rnn.bias_hh_l1[4] = float("nan")
    with pytest.raises(ValueError, match=r"`module.bias_hh_l1` must hold finite numbers"):
        trace(rnn, torch.ones(5, 2))
