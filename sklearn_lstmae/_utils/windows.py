"""Long series to overlapping windows and back."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from sklearn_lstmae._utils.validation import check_positive_int

__all__ = ["fold_windows", "sliding_windows"]


def sliding_windows(series, window, *, stride=1):
    """Cut one long series into overlapping windows, without copying.

    Read more in the :ref:`User Guide <windows>`.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_channels)
        The series.
    window : int
        Length of each window.
    stride : int, default=1
        Steps between the starts of consecutive windows. Steps after the last
        full window are left out (see :func:`fold_windows`).

    Returns
    -------
    windows : ndarray of shape (n_windows, window) or (n_windows, window, n_channels)
        A read-only view of ``series`` (for an ndarray input), with
        ``n_windows = (n_timesteps - window) // stride + 1``. The layout follows
        ``series``: 1-D gives 2-D rows of univariate windows, 2-D gives 3-D.

    Raises
    ------
    ValueError
        If ``series`` is not 1-D or 2-D or is shorter than ``window``.

    See Also
    --------
    fold_windows : Average per-window values back onto the series.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lstmae import sliding_windows
    >>> sliding_windows(np.arange(7), 3, stride=2)
    array([[0, 1, 2],
           [2, 3, 4],
           [4, 5, 6]])
    """
    check_positive_int("window", window)
    check_positive_int("stride", stride)
    series = np.asarray(series)
    if series.ndim not in (1, 2):
        raise ValueError(
            "series must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_channels); got shape "
            f"{series.shape}."
        )
    if series.shape[0] < window:
        raise ValueError(f"series has {series.shape[0]} time steps, fewer than window={window}.")
    windows = sliding_window_view(series, window, axis=0)[::stride]
    # sliding_window_view puts the window axis last: (n_windows, [n_channels,] window).
    return windows if series.ndim == 1 else np.moveaxis(windows, -1, 1)


def fold_windows(values, *, stride=1, n_timesteps=None):
    """Average per-window, per-step values back onto the series they came from.

    The inverse of :func:`sliding_windows` for anything computed per window
    and step: reconstructions, squared errors, anomaly scores. Each time step
    of the series gets the mean of the values of every window covering it.

    Read more in the :ref:`User Guide <windows>`.

    Parameters
    ----------
    values : array-like of shape (n_windows, window) or (n_windows, window, n_channels)
        One value (or one per channel) per window and step.
    stride : int, default=1
        The stride the windows were cut with.
    n_timesteps : int, default=None
        Length of the original series. Steps no window covers (after the last
        window) are NaN. Default: the end of the last window.

    Returns
    -------
    folded : ndarray of shape (n_timesteps,) or (n_timesteps, n_channels), dtype float64
        The per-step mean over the covering windows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lstmae import fold_windows, sliding_windows
    >>> series = np.arange(7.0)
    >>> fold_windows(sliding_windows(series, 3, stride=2), stride=2)
    array([0., 1., 2., 3., 4., 5., 6.])
    >>> fold_windows(np.ones((3, 3)), stride=2, n_timesteps=8)
    array([ 1.,  1.,  1.,  1.,  1.,  1.,  1., nan])
    """
    check_positive_int("stride", stride)
    values = np.asarray(values, dtype=np.float64)
    if values.ndim not in (2, 3):
        raise ValueError(
            "values must be 2-D (n_windows, window) or 3-D (n_windows, window, n_channels); "
            f"got shape {values.shape}."
        )
    n_windows, window = values.shape[:2]
    covered = (n_windows - 1) * stride + window
    if n_timesteps is None:
        n_timesteps = covered
    elif n_timesteps < covered:
        raise ValueError(
            f"n_timesteps={n_timesteps} is shorter than the {covered} steps the windows cover."
        )
    mean = np.full((n_timesteps, *values.shape[2:]), np.nan)
    count = np.zeros(n_timesteps)
    # One pass per offset within a window, vectorised over windows (the indices
    # of one pass are distinct). A running mean, rather than sum / count, gives
    # back identical values exactly: windows of an unchanged series fold back
    # to the series bit for bit.
    starts = np.arange(n_windows) * stride
    for offset in range(window):
        index = starts + offset
        count[index] += 1
        first = count[index] == 1
        previous = np.where(first.reshape(-1, *([1] * (values.ndim - 2))), 0.0, mean[index])
        weight = count[index].reshape(-1, *([1] * (values.ndim - 2)))
        mean[index] = previous + (values[:, offset] - previous) / weight
    return mean
