"""SeriesStream: a fitted SeriesAnomalyDetector's scores of one series, chunk by chunk."""

from __future__ import annotations

import numpy as np

from sklearn_lstmae._utils.windows import sliding_windows


class SeriesStream:
    """Score one long series chunk by chunk, with memory bounded by the chunk.

    A point's score depends on the windows that cover it, so it is final only
    once ``window_ - 1`` later points (or the end) have arrived. Each
    :meth:`update` returns the scores that became final; :meth:`finish`
    returns the rest. Concatenated, they equal
    :meth:`SeriesAnomalyDetector.score_series` of the whole series. The
    stream keeps only the last window or so of points and their partial sums
    (and minima).

    Get one from :meth:`SeriesAnomalyDetector.stream`.

    Read more in the :ref:`User Guide <streaming>`.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import IsolationForest
    >>> from sklearn_lstmae import SeriesAnomalyDetector
    >>> series = np.sin(np.arange(3000) / 8)
    >>> detector = SeriesAnomalyDetector(IsolationForest(random_state=0), window=50).fit(series)
    >>> stream = detector.stream()
    >>> parts = [stream.update(series[i : i + 700]) for i in range(0, 3000, 700)]
    >>> scores = np.concatenate([*parts, stream.finish()])
    >>> bool(np.allclose(scores, detector.score_series(series)))
    True
    """

    def __init__(self, detector, *, output="scores"):
        self._detector = detector
        self._output = output
        self._width = detector.window_
        self._stride = detector.scoring_stride_
        n_values = {"reconstruction": 0, "window": 1, "either": 1}[detector.point_scores_]
        n_values += 0 if detector.point_scores_ == "window" else detector.n_channels_
        self._tail = np.empty((0, detector.n_channels_), np.float32)
        self._sums = np.empty((0, n_values))
        self._counts = np.empty(0)
        # point_scores_="either": each channel's smallest squared error over the covering
        # windows, for the reconstruction part (see SeriesAnomalyDetector._points).
        # (No columns where the part is the mean.)
        pools_minima = detector.point_scores_ == "either" and detector._error_pooling == "min"
        self._minima = np.empty((0, detector.n_channels_ if pools_minima else 0))
        self._offset = 0  # index in the series of the tail's first point
        self._next_start = 0  # index of the next window to score
        self._finished = False

    def _add_windows(self, data, starts):
        """Add the values of the windows at ``starts`` (indices into ``data``)."""
        if starts.size == 0:
            return
        windows = sliding_windows(data, self._width)[starts]
        values = self._detector._window_values(windows)
        n_channels = self._minima.shape[1]
        for step in range(self._width):
            points = starts + step  # distinct: one window each
            self._sums[points] += values[:, step]
            self._counts[points] += 1
            if n_channels:
                self._minima[points] = np.minimum(
                    self._minima[points], values[:, step, :n_channels]
                )

    def _emit(self, n):
        means = self._sums[:n] / self._counts[:n, None]
        minima = self._minima[:n] if self._minima.shape[1] else None
        return self._detector._points(means, self._output, minima=minima)

    def update(self, chunk):
        """Add the next points; return the scores that became final.

        Parameters
        ----------
        chunk : array-like of shape (n_points,) or (n_points, n_channels)
            The series' next points; an empty chunk gives no scores.

        Returns
        -------
        scores : ndarray of shape (n_final,)
            Scores of the points before the last window or so, in order.
        """
        (chunk,), _ = self._detector._check_series([chunk], fitted=True, min_points=0)
        return self._update(chunk)

    def _update(self, chunk):
        if self._finished:
            raise ValueError("The stream is finished; start a new one with detector.stream().")
        data = np.concatenate([self._tail, chunk])
        self._sums = np.concatenate([self._sums, np.zeros((chunk.shape[0], self._sums.shape[1]))])
        self._counts = np.concatenate([self._counts, np.zeros(chunk.shape[0])])
        self._minima = np.concatenate(
            [self._minima, np.full((chunk.shape[0], self._minima.shape[1]), np.inf)]
        )
        end = self._offset + data.shape[0]
        starts = np.arange(self._next_start, end - self._width + 1, self._stride)
        self._add_windows(data, starts - self._offset)
        if starts.size:
            self._next_start = int(starts[-1]) + self._stride
        # Later windows start at next_start or later; keep one window's points for the
        # window that finish() may add at the end.
        keep_from = max(self._offset, min(self._next_start, end - self._width))
        n_final = keep_from - self._offset
        scores = self._emit(n_final)
        self._tail, self._sums, self._counts, self._minima = (
            data[n_final:],
            self._sums[n_final:],
            self._counts[n_final:],
            self._minima[n_final:],
        )
        self._offset = keep_from
        return scores

    def finish(self):
        """Return the scores of the remaining points; the stream ends.

        Returns
        -------
        scores : ndarray of shape (n_remaining,)
        """
        if self._finished:
            raise ValueError("The stream is already finished.")
        n = self._tail.shape[0]
        if self._offset + n < self._width:
            raise ValueError(
                f"The series has {self._offset + n} points, fewer than one window "
                f"(window_={self._width})."
            )
        if n and self._counts[-1] == 0:  # the last points: one more window, ending there
            self._add_windows(self._tail, np.array([n - self._width]))
        self._finished = True
        return self._emit(n)
