"""Events from per-point flags: runs of flagged points, merged across short gaps."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class AnomalyRange(NamedTuple):
    """One anomalous event of a series, as ``SeriesAnomalyDetector.anomaly_ranges`` finds it.

    Attributes
    ----------
    start : int
        Its first point.
    stop : int
        One past its last point, as in ``range`` and slices.
    peak_index : int
        The point with the highest score.
    peak_score : float
        That score.
    channel : int or None
        The channel with the largest squared reconstruction error summed over
        the event: the one most to blame. None where the detector scores
        whole windows (``point_scores_="window"``), which no channel splits.
    p_value : float
        The peak's conformal p-value among the calibration points' scores:
        ``(1 + number of calibration scores >= peak_score) / (1 +
        number of calibration scores)``. Small is unusual; it is not
        corrected for the event being chosen as the series' highest
        stretch.
    """

    start: int
    stop: int
    peak_index: int
    peak_score: float
    channel: int | None
    p_value: float


def flagged_runs(flags):
    """``(start, stop)`` of each run of nonzero values in a 1-D array."""
    edges = np.diff(np.r_[0, (np.asarray(flags) != 0).astype(np.int8), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def merged_runs(flags, *, max_gap, min_duration):
    """Return the runs of flagged points, merged where at most ``max_gap`` points part them.

    Two runs ``(a, b)`` and ``(c, d)`` with ``c - b <= max_gap`` become
    ``(a, d)`` (the gap's points join the event); merged runs shorter than
    ``min_duration`` points are then dropped.
    """
    merged = []
    for start, stop in flagged_runs(flags):
        if merged and start - merged[-1][1] <= max_gap:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return [(a, b) for a, b in merged if b - a >= min_duration]
