"""Weighted statistics: percentiles and a Ledoit-Wolf Gaussian, with optional row weights."""

from __future__ import annotations

import numpy as np
from sklearn.covariance import LedoitWolf


def weighted_percentile(values, q, weights=None):
    """``np.percentile`` (linear interpolation), with optional positive weights.

    With weights, the ``i``-th smallest value sits at the midpoint of its
    weight, ``S_i - w_i / 2`` (``S``: the cumulative weights), and these
    midpoints are mapped linearly onto [0, 1], the first to 0 and the last
    to 1. For equal weights this gives numpy's positions ``(i - 1) / (n - 1)``.
    """
    if weights is None:
        return np.percentile(values, q)
    order = np.argsort(values, kind="stable")
    values, weights = np.asarray(values)[order], weights[order]
    if values.size == 1:
        return np.full(np.shape(q), values[0]) if np.ndim(q) else values[0]
    cumulative = np.cumsum(weights)
    midpoints = cumulative - weights / 2
    positions = (midpoints - midpoints[0]) / (midpoints[-1] - midpoints[0])
    return np.interp(np.asarray(q) / 100.0, positions, values)


def weighted_ledoit_wolf(vectors, weights=None):
    """Ledoit-Wolf shrunk Gaussian of ``vectors``, optionally weighted per row.

    Weighted: centred on the weighted mean, with each row scaled by the square
    root of its weight (relative to the mean weight), so that the empirical
    covariance Ledoit-Wolf shrinks is the weighted covariance.
    """
    if weights is None:
        return LedoitWolf().fit(vectors)
    location = np.average(vectors, axis=0, weights=weights)
    scale = np.sqrt(weights * (weights.size / weights.sum()))[:, None]
    gaussian = LedoitWolf(assume_centered=True).fit((vectors - location) * scale)
    gaussian.location_ = location
    return gaussian
