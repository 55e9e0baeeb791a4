"""`trace`: record every step of a torch RNN, LSTM or GRU on one sequence (lesson 02 shows how
it is used; lessons 02-07 step through its output with the widgets).

The recurrence is recomputed from the module's own parameters: torch runs the layers (its loop
is fast), then every gate of every step is one vectorized expression of x_t and h_{t-1}, and
only the LSTM's c_t = f_t * c_{t-1} + i_t * g_t needs a loop over time. The recomputed h_t, c_t
and the final states are checked against torch's; a trace that does not match raises
`TraceMismatchError` instead of being returned. For a plain nn.RNN/LSTM/GRU, torch's loop is
exactly what the module's forward runs, so it runs once; a subclass, or a module with hooks or
parametrizations, is called itself and checked against its own output.

Lessons: 02, 03, 04, 05, 06, 07.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from ..arguments import expect_at_most, expect_finite, finite_sum, type_name
from .recurrence import recompute_layers, torch_layers
from .trace_data import Trace

KINDS = {nn.LSTM: "lstm", nn.GRU: "gru", nn.RNN: "rnn"}
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}
MAX_NUMBERS = 2**24
"""The most numbers one recorded array (num_layers × num_directions × T × hidden_size) may
hold; a trace keeps about a dozen such arrays. Longer sequences get a clear error."""


class TraceMismatchError(RuntimeError):
    """The recomputed recurrence differs from what the module returned."""


def trace(module: nn.Module, inputs: torch.Tensor, tokens: Sequence[str] | None = None,
          h0=None) -> Trace:
    """Run ``module`` on one sequence and record every layer, direction and step.

    Args:
        module: a ``torch.nn.RNN`` (tanh or relu), ``torch.nn.LSTM`` (no ``proj_size``) or
            ``torch.nn.GRU``; any ``num_layers``, ``bidirectional``, ``batch_first``, ``bias``;
            float32 or float64.
        inputs: one sequence, (T, input_size), or a batch of one in the module's layout:
            (T, 1, input_size), or (1, T, input_size) when ``batch_first``.
        tokens: T labels for the steps (default "0", "1", ...).
        h0: initial state in torch's shape (num_layers * num_directions, hidden_size) or
            (num_layers * num_directions, 1, hidden_size); for an LSTM a tuple ``(h0, c0)``.
            Default zeros.

    Returns:
        A `Trace` (see `widgets.tracing.trace_data`): ``hidden`` is (num_layers, num_directions, T,
        hidden_size), ``output`` is (T, num_directions * hidden_size), equal to the module's.
    """
    kind = module_kind(module)
    dtype = module_dtype(module)
    x = one_sequence(module, inputs, dtype)
    directions = 2 if module.bidirectional else 1
    expect_at_most(f"`inputs`' T = {x.shape[0]} steps × num_layers × num_directions × "
                   "hidden_size", x.shape[0] * module.num_layers * directions *
                   module.hidden_size, MAX_NUMBERS)
    tokens = token_labels(tokens, x.shape[0])
    h_init, c_init = _initial_states(module, kind, h0, dtype)
    with torch.no_grad():
        if runs_as_torch_functional(module):
            outputs, h_n, c_n = torch_layers(module, kind, x, h_init, c_init, module.num_layers)
            output = outputs[-1]
        else:
            output, h_n, c_n = _module_forward(module, kind, x, h_init, c_init)
            outputs = torch_layers(module, kind, x, h_init, c_init, module.num_layers - 1)[0]
            outputs.append(output)
        layers = recompute_layers(module, kind, x, h_init, c_init, outputs)
    _expect_finite(module, layers)
    result = _assemble(module, kind, tokens, x, h_init, c_init, layers)
    _check(result, output, h_n, c_n, layers, TOLERANCE[dtype])
    return result


def runs_as_torch_functional(module: nn.Module) -> bool:
    """True for a plain ``nn.RNN``/``LSTM``/``GRU`` (not a subclass, no hooks, no
    parametrizations): its forward is exactly torch's functional loop over its layers, so
    `trace` runs that loop once instead of calling the module and then the loop again."""
    hooks = (module._forward_hooks, module._forward_pre_hooks,
             nn.modules.module._global_forward_hooks,
             nn.modules.module._global_forward_pre_hooks)
    return (type(module) in KINDS and not any(hooks)
            and not nn.utils.parametrize.is_parametrized(module))


def module_kind(module: nn.Module) -> str:
    """"rnn", "lstm" or "gru" for a module `trace` supports; else a clear error."""
    kind = next((k for cls, k in KINDS.items() if isinstance(module, cls)), None)
    if kind is None:
        raise TypeError("`module` must be a torch.nn.RNN, torch.nn.LSTM or torch.nn.GRU, "
                        f"got {type_name(module)}")
    if getattr(module, "proj_size", 0) > 0:
        raise ValueError(f"`module` is an LSTM with proj_size={module.proj_size}; trace does "
                         "not support projections (proj_size must be 0)")
    if module.training and module.dropout > 0 and module.num_layers > 1:
        raise ValueError(f"`module` applies dropout={module.dropout} between layers in "
                         "training mode, so its output is random; call module.eval() first")
    return kind


def module_dtype(module: nn.Module) -> torch.dtype:
    """The module's float dtype (float32 or float64); else a clear error."""
    dtype = module.weight_ih_l0.dtype
    if dtype not in TOLERANCE:
        raise TypeError(f"`module` must be float32 or float64, got {dtype}")
    return dtype


def check_parameters(module: nn.Module) -> None:
    """Raise ValueError naming the first parameter of ``module`` that holds NaN or inf."""
    for name, parameter in module.named_parameters():
        expect_finite(f"module.{name}", parameter)


def one_sequence(module: nn.Module, inputs, dtype: torch.dtype) -> torch.Tensor:
    """`inputs` in any accepted layout -> (T, input_size) tensor of the module's dtype."""
    if isinstance(inputs, nn.utils.rnn.PackedSequence):
        raise TypeError("`inputs` is a PackedSequence; trace takes one unpadded sequence, "
                        "e.g. inputs[:length] of a padded batch")
    if not isinstance(inputs, torch.Tensor):
        raise TypeError(f"`inputs` must be a torch.Tensor, got {type_name(inputs)}; "
                        "wrap it with torch.as_tensor(...)")
    if not inputs.is_floating_point():
        raise TypeError(f"`inputs` must be floating point, got {inputs.dtype}; "
                        "pass token ids through the embedding first")
    x = _unbatch(module, inputs)
    if x.shape[0] == 0:
        raise ValueError("`inputs` is an empty sequence (T = 0); give at least one step")
    if x.shape[1] != module.input_size:
        raise ValueError(f"`inputs` must have input_size = {module.input_size} features per "
                         f"step, got {x.shape[1]} (shape {tuple(inputs.shape)})")
    if not finite_sum(x) and not torch.isfinite(x).all():
        raise ValueError("`inputs` contains NaN or inf values; it must hold finite numbers")
    return x.detach().to(dtype=dtype, device=module.weight_ih_l0.device)


def _unbatch(module: nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    if inputs.dim() == 2:
        return inputs
    if inputs.dim() != 3:
        raise ValueError("`inputs` must be (T, input_size) or a batch of one sequence, got "
                         f"{inputs.dim()} dimensions (shape {tuple(inputs.shape)})")
    batch_dim = 0 if module.batch_first else 1
    if inputs.shape[batch_dim] != 1:
        layout = "(batch, T, input_size)" if module.batch_first else "(T, batch, input_size)"
        raise ValueError(f"`inputs` holds a batch of {inputs.shape[batch_dim]} sequences in "
                         f"the layout {layout}; trace takes one sequence at a time: expected "
                         "a batch of one")
    return inputs.select(batch_dim, 0)


def token_labels(tokens, length: int) -> list[str]:
    """``tokens`` as T strings ("0", "1", ... by default); else a clear error."""
    if tokens is None:
        return [str(t) for t in range(length)]
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(f"`tokens` must be a list of strings, got {type_name(tokens)}")
    if len(tokens) != length:
        raise ValueError(f"`tokens` has {len(tokens)} entries but the sequence has "
                         f"T = {length} steps; expected one token per step")
    return [str(t) for t in tokens]


def _initial_states(module: nn.Module, kind: str, h0, dtype: torch.dtype):
    """`h0` as given by the learner -> (h_init, c_init), each (L * D, H) or c_init None."""
    if kind == "lstm" and h0 is not None:
        if not (isinstance(h0, tuple | list) and len(h0) == 2):
            raise TypeError("`h0` of an LSTM must be a tuple (h0, c0), "
                            f"got {type_name(h0)}")
        return (_state(module, h0[0], "h0[0]", dtype), _state(module, h0[1], "h0[1]", dtype))
    c_init = _state(module, None, "c0", dtype) if kind == "lstm" else None
    return _state(module, h0, "h0", dtype), c_init


def _state(module: nn.Module, value, name: str, dtype: torch.dtype) -> torch.Tensor:
    rows = module.num_layers * (2 if module.bidirectional else 1)
    shape = (rows, module.hidden_size)
    device = module.weight_ih_l0.device
    if value is None:
        return torch.zeros(shape, dtype=dtype, device=device)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"`{name}` must be a torch.Tensor, got {type_name(value)}")
    if tuple(value.shape) not in (shape, (rows, 1, module.hidden_size)):
        raise ValueError(f"`{name}` must have shape (num_layers * num_directions, hidden_size)"
                         f" = {shape}, or with a batch of one {(rows, 1, module.hidden_size)},"
                         f" got {tuple(value.shape)}")
    expect_finite(name, value)
    return value.detach().reshape(shape).to(dtype=dtype, device=device)


def _module_forward(module, kind, x, h_init, c_init):
    """Call the module itself, in its own layout, on a batch of one."""
    batch = x.unsqueeze(0 if module.batch_first else 1)
    hx = (h_init.unsqueeze(1), c_init.unsqueeze(1)) if kind == "lstm" else h_init.unsqueeze(1)
    output, final = module(batch, hx)
    output = output.squeeze(0 if module.batch_first else 1)
    if kind == "lstm":
        return output, final[0].squeeze(1), final[1].squeeze(1)
    return output, final.squeeze(1), None


def _expect_finite(module: nn.Module, layers) -> None:
    """Raise unless the recomputed arrays are finite. The inputs and initial states were
    checked already; a NaN or inf weight or bias always reaches its gate's term (times a
    nonzero number it stays inf or NaN, times 0 it is NaN), so finite terms prove finite
    parameters, and the gates of finite terms are finite. States that overflowed (a relu RNN
    with large weights) reach the next step's hidden term, and the last step's h_t is a
    bounded function of its finite terms (c_t grows by at most 1 a step), so finite terms
    prove finite states too. The named parameter is looked for only when something is not
    finite."""
    if layers.finite:
        return
    check_parameters(module)
    raise ValueError("the recomputed states overflowed to inf or NaN (e.g. a relu RNN whose "
                     "recurrent weights are large); `module` must keep its states finite on "
                     "`inputs`")


def _assemble(module, kind, tokens, x, h_init, c_init, layers) -> Trace:
    num_layers = module.num_layers
    num_directions = 2 if module.bidirectional else 1
    shape = (num_layers, num_directions, module.hidden_size)
    return Trace(
        kind=kind,
        tokens=tokens,
        hidden=layers.hidden,
        cell=layers.cell,
        gates=layers.gates,
        output=layers.output,
        inputs=x.cpu().numpy(),
        h0=h_init.cpu().numpy().reshape(shape),
        c0=None if c_init is None else c_init.cpu().numpy().reshape(shape),
        input_terms=layers.input_terms,
        hidden_terms=layers.hidden_terms,
        nonlinearity=getattr(module, "nonlinearity", None) if kind == "rnn" else None,
        check_numbers=False,  # proven finite by _expect_finite
    )


def _check(result: Trace, output, h_n, c_n, layers, tol: float) -> None:
    """Raise TraceMismatchError unless the recomputation equals the module's own results."""
    pairs = [("output", result.output, output), ("h_n", result.h_n, h_n)]
    if c_n is not None:
        pairs.append(("c_n", result.c_n, c_n))
    pairs += layers.torch_hidden_pairs
    for name, ours, theirs in pairs:
        theirs = theirs.cpu().numpy() if isinstance(theirs, torch.Tensor) else theirs
        if not theirs.size or np.abs(ours - theirs).max() <= tol:
            continue  # within the absolute part of the tolerance: no need to look closer
        excess = np.abs(ours - theirs) - tol * (1.0 + np.abs(theirs))
        if excess.max() > 0:
            diff = float(np.abs(ours - theirs).max())
            raise TraceMismatchError(
                f"trace: the recomputed {name} differs from the module's by {diff:.3g} "
                f"(tolerance {tol:g}); is `module` a subclass with its own forward()?")
