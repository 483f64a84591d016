""":class:`~sklearn_lstmae.WindowCodeTransformer`'s windows and pooled codes as ONNX nodes.

The estimator cuts each sequence of ``L`` real steps into windows of ``w``
steps every ``stride`` steps, plus one ending at its last step where the
regular ones leave steps after them (one window of its own length where
``L <= w``), encodes them and pools each sequence's codes (mean, then
maximum). The graph cuts every regular window the input's width allows, for
every row, and the one that ends each row's last step; a window counts for a
row where the estimator would cut it, and the others take no part in the
pooling.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto


def window_starts(width, window, stride):
    """Return the regular starts the input's ``width`` allows: ``0, stride, ...``."""
    return list(range(0, max(width - window, 0) + 1, stride))


def cut_windows(ops, x, lengths, *, width, n_channels, window, stride):
    """Return every candidate window of ``x`` ``(batch, width, channels)``, window by window.

    Returns the windows ``(n_windows * batch, min(window, width), channels)``,
    their lengths ``(n_windows * batch,)`` and whether each counts for its row
    ``(n_windows, batch)`` (bool).
    """
    size = min(window, width)
    pieces, piece_lengths, counts = [], [], []
    for start in window_starts(width, window, stride):
        pieces.append(ops.slice(x, start, start + size, axis=1))
        piece_lengths.append(
            ops(
                "Clip",
                ops("Sub", lengths, np.array(start, np.float32)),
                np.array(1, np.float32),
                np.array(size, np.float32),
            )
        )
        if start == 0:  # every sequence has its first window (its own length if short)
            counts.append(ops("GreaterOrEqual", lengths, np.array(0, np.float32)))
        else:
            counts.append(ops("GreaterOrEqual", lengths, np.array(start + window, np.float32)))
    # The window that ends at each row's last step, where the regular ones miss it.
    last_start = ops("Sub", lengths, np.array(window, np.float32))
    steps = ops("Add", ops.unsqueeze(last_start, [1]), np.arange(size, dtype=np.float32)[None])
    steps = ops("Clip", steps, np.array(0, np.float32), np.array(width - 1, np.float32))
    index = ops.unsqueeze(ops("Cast", steps, to=TensorProto.INT64), [2])
    index = ops("Expand", index, np.array([1, 1, n_channels], np.int64))
    pieces.append(ops("GatherElements", x, index, axis=1))
    piece_lengths.append(ops("Clip", lengths, np.array(1, np.float32), np.array(size, np.float32)))
    quotient = ops("Div", last_start, np.array(stride, np.float32))
    off_grid = ops("Greater", ops("Sub", quotient, ops("Floor", quotient)), np.array(0, np.float32))
    longer = ops("Greater", lengths, np.array(window, np.float32))
    counts.append(ops("And", longer, off_grid))
    windows = ops("Concat", *pieces, axis=0)
    window_lengths = ops("Concat", *piece_lengths, axis=0)
    counted = ops("Concat", *[ops.unsqueeze(c, [0]) for c in counts], axis=0)
    return windows, window_lengths, counted


def pooled_codes(ops, codes, counted):
    """Return, per row, the mean then the maximum of the codes of its counted windows (float32).

    ``codes`` is ``(n_windows * batch, code_size)``, window by window;
    ``counted`` ``(n_windows, batch)``.
    """
    n_windows = ops.slice(ops("Shape", counted), 0, 1, axis=0)
    shape = ops(
        "Concat",
        n_windows,
        np.array([-1], np.int64),
        ops.slice(ops("Shape", codes), 1, 2, axis=0),
        axis=0,
    )
    codes = ops("Reshape", codes, shape)  # (n_windows, batch, code_size)
    mask = ops.unsqueeze(counted, [2])
    total = ops.reduce(
        "Sum", ops("Where", mask, ops("Cast", codes, to=TensorProto.DOUBLE), np.array(0.0)), [0]
    )
    count = ops.reduce("Sum", ops("Cast", counted, to=TensorProto.DOUBLE), [0], keepdims=0)
    means = ops("Cast", ops("Div", total, ops.unsqueeze(count, [1])), to=TensorProto.FLOAT)
    maxima = ops.reduce("Max", ops("Where", mask, codes, np.array(-np.inf, np.float32)), [0])
    return ops("Concat", means, maxima, axis=1)
