"""The estimators' input in the graph: NaN right padding, lengths, standardization, windows.

What :mod:`sklearn_lstmae._autoencoder.sequence_layout` does to the user's
arrays before the network, as ONNX nodes: a step that is NaN in every channel
is padding (a sequence's length is its count of other steps), each channel is
standardized with the fitted statistics, and the composite model's encoder
reads all but the last ``future_steps`` steps.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto


def as_sequences(ops, X, rank):
    """``X`` as float32 sequences ``(batch, time, channels)``: 2-D rows get one channel."""
    x = ops("Cast", X, to=TensorProto.FLOAT)
    return ops.unsqueeze(x, [2]) if rank == 2 else x


def lengths_of(ops, x):
    """Real steps of each sequence of ``x`` ``(batch, time, channels)``, float32 ``(batch,)``.

    A step that is NaN in every channel is padding; as the estimators check
    that NaN is only right padding, the count of other steps is the length.
    """
    nan = ops("Cast", ops("IsNaN", x), to=TensorProto.FLOAT)
    padding = ops.reduce("Min", nan, [2])  # 1 where every channel is NaN
    return ops.reduce("Sum", ops("Sub", np.array(1, np.float32), padding), [1])


def step_mask(ops, x, lengths, time_axis=1):
    """1.0 at the real steps of ``x`` and 0.0 at padding: ``(batch, time)`` or ``(time, batch)``.

    ``time_axis`` is the time axis of ``x``; the mask has the same layout.
    """
    width = ops("Cast", ops.squeeze(ops.shape_of(x, time_axis), [0]), to=TensorProto.FLOAT)
    steps = ops("Range", np.array(0, np.float32), width, np.array(1, np.float32))
    if time_axis == 1:  # (batch, time)
        real = ops("Less", ops.unsqueeze(steps, [0]), ops.unsqueeze(lengths, [1]))
    else:  # (time, batch)
        real = ops("Less", ops.unsqueeze(steps, [1]), ops.unsqueeze(lengths, [0]))
    return ops("Cast", real, to=TensorProto.FLOAT)


def standardized(ops, x, mean, scale):
    """``(x - mean) / scale`` per channel, as ``fit`` standardized (None: unchanged)."""
    if mean is None:
        return x
    return ops("Div", ops("Sub", x, mean.astype(np.float32)), scale.astype(np.float32))


def destandardized(ops, x, mean, scale):
    """``x * scale + mean`` per channel: network outputs in the units of the data."""
    if mean is None:
        return x
    return ops("Add", ops("Mul", x, scale.astype(np.float32)), mean.astype(np.float32))


def observed(ops, x, lengths, future_steps):
    """Return the composite model's encoder input: each sequence without its future steps.

    Returns the array cut by ``future_steps`` steps and the shorter lengths;
    steps after a shorter window's end are beyond its length, so no part of
    the graph reads them.
    """
    if not future_steps:
        return x, lengths
    return (
        ops.slice(x, 0, -future_steps, axis=1),
        ops("Sub", lengths, np.array(future_steps, np.float32)),
    )


def without_nan(ops, x):
    """``x`` with NaN replaced by 0 (what the network's ``NaNMask`` feeds its LSTMs)."""
    return ops("Where", ops("IsNaN", x), np.array(0, np.float32), x)
