"""Events from per-point flags: runs of flagged points as ``(start, stop)`` ranges."""

from __future__ import annotations

import numpy as np


def flagged_runs(flags):
    """``(start, stop)`` of each run of nonzero values in a 1-D array."""
    edges = np.diff(np.r_[0, (np.asarray(flags) != 0).astype(np.int8), 0])
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]
