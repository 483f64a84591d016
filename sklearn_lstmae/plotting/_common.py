"""What the displays share: matplotlib on demand, axes grids, sequences as a list."""

from __future__ import annotations

import numpy as np

from sklearn_lstmae._utils.validation import check_sequences


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            'The displays need matplotlib: pip install "sklearn-lstmae[plot]"'
        ) from error
    return plt


def _axes_grid(ax, n_rows, n_cols, **subplots):
    """Return ``(figure, axes of shape (n_rows, n_cols))``: new, or ``ax`` reshaped."""
    if ax is None:
        return _pyplot().subplots(n_rows, n_cols, squeeze=False, **subplots)
    axes = np.asarray(ax, dtype=object).reshape(-1)
    if axes.size != n_rows * n_cols:
        raise ValueError(
            f"ax must hold {n_rows * n_cols} Axes ({n_rows} sequences x {n_cols} channels); "
            f"got {axes.size}."
        )
    return axes[0].figure, axes.reshape(n_rows, n_cols)


def _one_axes(ax):
    if ax is None:
        return _pyplot().subplots()
    return ax.figure, ax


def _as_list(X):
    """Sequences in any accepted form as a list of ``(length, n_channels)`` arrays."""
    sequences = check_sequences(X, input_name="X")
    pairs = zip(sequences.values, sequences.lengths, strict=True)
    return [values[:length] for values, length in pairs]
