"""A bounded, uniform sample of the training sequences, for calibrating detectors.

``partial_fit`` sees the training data one chunk at a time. A detector's
threshold and error model must reflect all of it, but the chunks cannot be
kept. :class:`CalibrationSample` keeps a uniform random sample of every
sequence seen, at most ``capacity`` of them (reservoir sampling, Vitter's
algorithm R): while fewer than ``capacity`` sequences have been seen, it holds
all of them. Each kept sequence keeps its weight (``sample_weight``), so the
sample gives weighted estimates over everything seen. Updates return a new
sample; the old one is unchanged.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from sklearn_lstmae._persistence.registry import register_plain_object
from sklearn_lstmae._utils.validation import Sequences

CAPACITY = 1000


@register_plain_object
@dataclass(frozen=True)
class CalibrationSample:
    """Sequences padded with NaN to ``width`` steps, their lengths and weights, the count seen."""

    values: np.ndarray  # (n_kept, width, n_channels), float32
    lengths: np.ndarray  # (n_kept,), int64
    n_seen: int
    random_state: np.random.RandomState
    weights: np.ndarray  # (n_kept,), float64
    capacity: int = CAPACITY

    @classmethod
    def empty(cls, width: int, n_channels: int, seed: int, capacity: int = CAPACITY):
        """Return a sample of nothing, drawing its choices from ``seed``."""
        return cls(
            values=np.empty((0, width, n_channels), dtype=np.float32),
            lengths=np.empty(0, dtype=np.int64),
            n_seen=0,
            random_state=np.random.RandomState(seed),
            capacity=capacity,
            weights=np.empty(0),
        )

    def add(self, sequences: Sequences, weights: np.ndarray | None = None) -> CalibrationSample:
        """Return the sample after seeing ``sequences`` (no longer than ``width``).

        ``weights``: one per sequence (None: ones).
        """
        if weights is None:
            weights = np.ones(sequences.n_samples)
        width = self.values.shape[1]
        new = np.full((sequences.n_samples, width, self.values.shape[2]), np.nan, np.float32)
        new[:, : sequences.max_length] = sequences.values
        # Algorithm R: the i-th sequence seen (from 0) enters while i < capacity,
        # then replaces a uniformly drawn slot with probability capacity / (i + 1).
        n_free = min(self.capacity - self.values.shape[0], sequences.n_samples)
        values = np.concatenate([self.values, new[:n_free]])
        lengths = np.concatenate([self.lengths, sequences.lengths[:n_free]])
        kept_weights = np.concatenate([self.weights, weights[:n_free]])
        random_state = copy.deepcopy(self.random_state)
        seen = self.n_seen + np.arange(n_free, sequences.n_samples)
        slots = random_state.randint(0, seen + 1) if seen.size else seen
        for j, slot in zip(
            n_free + np.flatnonzero(slots < self.capacity),
            slots[slots < self.capacity],
            strict=True,
        ):
            values[slot], lengths[slot] = new[j], sequences.lengths[j]
            kept_weights[slot] = weights[j]
        return CalibrationSample(
            values=values,
            lengths=lengths,
            n_seen=self.n_seen + sequences.n_samples,
            random_state=random_state,
            weights=kept_weights,
            capacity=self.capacity,
        )

    def sequences(self) -> Sequences:
        """Return the kept sequences as validated :class:`Sequences`."""
        return Sequences(self.values, self.lengths, is_list=False, univariate_input=False)

    def sequence_weights(self) -> np.ndarray | None:
        """Return the kept sequences' weights, or None where they are all equal."""
        weights = self.weights
        if weights.size == 0 or np.all(weights == weights[0]):
            return None
        return weights
