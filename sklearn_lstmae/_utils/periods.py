"""The dominant period of a series, from the peaks of its autocorrelation."""

from __future__ import annotations

import numpy as np

# The autocorrelation's highest peak between these lags (as TSB-AD's find_length) ...
PERIOD_LAGS = (3, 400)
# ... and only a peak of at least this autocorrelation (white noise stays near 0).
MIN_PEAK_AUTOCORRELATION = 0.2


def dominant_period(series):
    """Return the lag of the highest autocorrelation peak of ``series`` (2-D), or None.

    The channels are z-normalized and averaged; peaks are searched between
    ``PERIOD_LAGS``, and only a peak of autocorrelation at least
    ``MIN_PEAK_AUTOCORRELATION`` counts.
    """
    values = series - series.mean(axis=0)
    scale = values.std(axis=0)
    values = (values / np.where(scale > 0, scale, 1.0)).mean(axis=1)
    n = values.size
    spectrum = np.fft.rfft(values, 2 * n)
    autocorrelation = np.fft.irfft(spectrum * np.conj(spectrum))[:n]
    if autocorrelation[0] <= 0:
        return None
    autocorrelation = autocorrelation / autocorrelation[0]
    low, high = PERIOD_LAGS[0], min(PERIOD_LAGS[1], n // 2)
    if high - low < 3:
        return None
    lags = np.arange(low, high)
    middle = autocorrelation[low:high]
    before, after = autocorrelation[low - 1 : high - 1], autocorrelation[low + 1 : high + 1]
    peaks = lags[(middle > before) & (middle > after) & (middle >= MIN_PEAK_AUTOCORRELATION)]
    if peaks.size == 0:
        return None
    return int(peaks[np.argmax(autocorrelation[peaks])])
