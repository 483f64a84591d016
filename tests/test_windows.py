"""Sliding windows over a long series, and folding per-window values back."""

import numpy as np
import pytest

from sklearn_lstmae import fold_windows, sliding_windows


@pytest.fixture
def series(basic_motions):
    """A long multichannel series: BasicMotions recordings laid end to end."""
    return basic_motions[0][:5].reshape(-1, 6)  # (500, 6)


@pytest.mark.parametrize("window, stride", [(50, 1), (50, 10), (64, 7), (497, 1), (500, 3)])
def test_windows_fold_back_to_the_series(series, window, stride):
    windows = sliding_windows(series, window, stride=stride)
    n_windows = (series.shape[0] - window) // stride + 1
    assert windows.shape == (n_windows, window, 6)
    np.testing.assert_array_equal(windows[-1], series[(n_windows - 1) * stride :][:window])
    folded = fold_windows(windows, stride=stride, n_timesteps=series.shape[0])
    covered = (n_windows - 1) * stride + window
    np.testing.assert_array_equal(folded[:covered], series[:covered])
    assert np.isnan(folded[covered:]).all()


def test_windows_are_views_not_copies(series):
    windows = sliding_windows(series, 100, stride=5)
    assert np.shares_memory(windows, series)
    assert not windows.flags.writeable


def test_univariate_layout(series):
    x = series[:, 0]
    windows = sliding_windows(x, 10, stride=4)
    assert windows.ndim == 2 and windows.shape[1] == 10
    np.testing.assert_array_equal(
        fold_windows(windows, stride=4), x[: fold_windows(windows, stride=4).shape[0]]
    )


def test_fold_averages_overlaps():
    # Window i holds the constant i: a step covered by windows 1 and 2 gets 1.5.
    values = np.repeat(np.arange(3.0)[:, None], 4, axis=1)
    np.testing.assert_allclose(fold_windows(values, stride=2), [0, 0, 0.5, 0.5, 1.5, 1.5, 2, 2])


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s: sliding_windows(s, 0), "window must be a positive int"),
        (lambda s: sliding_windows(s, 5, stride=0), "stride must be a positive int"),
        (lambda s: sliding_windows(s, 1000), "fewer than window=1000"),
        (lambda s: sliding_windows(s[None], 5), "must be 1-D .* or 2-D"),
        (lambda s: fold_windows(s[0]), "values must be 2-D"),
        (lambda s: fold_windows(s[:10, :5], n_timesteps=4), "shorter than the 14 steps"),
    ],
)
def test_bad_arguments_are_named(series, call, message):
    with pytest.raises(ValueError, match=message):
        call(series)
