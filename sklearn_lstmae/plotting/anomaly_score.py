"""AnomalyScoreDisplay: anomaly scores, the threshold, flagged and true anomalies."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae._utils.events import flagged_runs
from sklearn_lstmae.plotting._common import _axes_grid, _one_axes


def _anomaly_flags(y_true):
    """Return True where ``y_true`` marks an anomaly: -1 in {-1, 1} labels, else truthy."""
    y_true = np.asarray(y_true)
    if set(np.unique(y_true).tolist()) <= {-1, 1}:
        return y_true == -1
    return y_true.astype(bool)


class AnomalyScoreDisplay:
    """Anomaly scores with the threshold, flagged points and true anomalies.

    Higher scores are more anomalous (the negated ``score_samples``). Scores
    above the threshold are flagged (red crosses). Given labels, the true
    anomalies are shaded (``kind="line"``) or ringed (``kind="points"``).

    Read more in the :ref:`User Guide <pictures>`.

    Parameters
    ----------
    scores : array-like of shape (n,)
        Anomaly scores: per sequence, or per step of a long series.
    threshold : float, default=None
        Scores above it are flagged; None: no threshold drawn.
    y_true : array-like of shape (n,), default=None
        True anomalies: labels in {-1, 1} (-1 an anomaly, as ``predict``
        returns) or 0/1 (1 an anomaly).
    kind : {"line", "points"}, default="line"
        A line (scores of consecutive steps) or one marker per score (scores
        of separate sequences).
    series : array-like of shape (n,) or (n, n_channels), default=None
        The series the scores belong to (``kind="line"``): drawn in a panel
        above the scores, with flagged ranges (red) and true anomalies
        (orange) shaded.
    flags : array-like of shape (n,), default=None
        Which scores are flagged (nonzero): for a series detector, its
        events (``predict_series``), which also hold the points between
        nearby flags. None: the scores above ``threshold``.

    Attributes
    ----------
    scores_artist_ : matplotlib artist
        The scores' ``Line2D`` (``"line"``) or ``PathCollection``.
    threshold_line_ : matplotlib Line2D or None
    flagged_ : matplotlib PathCollection
        The flagged points.
    ax_ : matplotlib Axes
        The scores' axes.
    series_ax_ : matplotlib Axes or None
        The series' axes, if a series was given.
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_lstmae.plotting import AnomalyScoreDisplay
    >>> scores = np.r_[np.zeros(20), 5.0, 6.0, np.zeros(20)]
    >>> display = AnomalyScoreDisplay.from_predictions(scores, threshold=1.0)
    >>> display.ax_.set_yscale("log")  # for heavy-tailed scores, e.g. Mahalanobis
    >>> len(display.flagged_.get_offsets())
    2
    """

    def __init__(
        self, scores, threshold=None, *, y_true=None, kind="line", series=None, flags=None
    ):
        self.scores = scores
        self.threshold = threshold
        self.y_true = y_true
        self.kind = kind
        self.series = series
        self.flags = flags

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, ax=None, **kwargs):
        """Score with a fitted detector and plot.

        Parameters
        ----------
        estimator : LSTMAutoencoderOutlierDetector or SeriesAnomalyDetector
            A fitted detector. Sequences: one marker per sequence, scores
            ``-score_samples(X)``, threshold ``-offset_``. A series: the
            series above its per-point ``score_series(X)``, threshold
            ``threshold_``, flagged: the events of ``anomaly_ranges(X)``.
        X : array-like or list of array-like
            Sequences in any form ``fit`` accepts, or one series.
        y : array-like, default=None
            True anomalies, if known ({-1, 1} or 0/1 labels): per sequence,
            or per point of the series.
        ax : matplotlib Axes, default=None
            Axes to draw in (two, for a series: the series', the scores');
            default: a new figure.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : AnomalyScoreDisplay
        """
        if hasattr(estimator, "score_series"):
            check_is_fitted(estimator, "threshold_")
            if isinstance(X, list | tuple):
                raise ValueError("Pass one series (not a list) to draw.")
            scores = estimator.score_series(X)
            flags = np.zeros(scores.shape[0], dtype=bool)
            for start, stop in estimator._event_bounds(scores):  # predict_series, not rescored
                flags[start:stop] = True
            display = cls(
                scores, estimator.threshold_, y_true=y, kind="line", series=X, flags=flags
            )
            return display.plot(ax=ax, **kwargs)
        check_is_fitted(estimator, "offset_")
        display = cls(-estimator.score_samples(X), -estimator.offset_, y_true=y, kind="points")
        return display.plot(ax=ax, **kwargs)

    @classmethod
    def from_predictions(cls, scores, threshold=None, *, y_true=None, kind="line", ax=None, **kw):
        """Plot scores you already have, e.g. per step of a long series.

        Parameters
        ----------
        scores : array-like of shape (n,)
            Anomaly scores, higher is more anomalous: e.g. per-step errors
            folded back onto a series with :func:`~sklearn_lstmae.fold_windows`.
        threshold : float, default=None
            Scores above it are flagged.
        y_true : array-like of shape (n,), default=None
            True anomalies ({-1, 1} or 0/1 labels).
        kind : {"line", "points"}, default="line"
            A line, or one marker per score.
        ax : matplotlib Axes, default=None
            Axes to draw in; default: a new figure.
        **kw : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : AnomalyScoreDisplay
        """
        return cls(scores, threshold, y_true=y_true, kind=kind).plot(ax=ax, **kw)

    def plot(self, ax=None, *, scores_kw=None):
        """Draw the scores, the threshold, the flagged points and the true anomalies.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw in; default: a new figure.
        scores_kw : dict, default=None
            Keyword arguments for drawing the scores (``Axes.plot`` or
            ``Axes.scatter``).

        Returns
        -------
        display : AnomalyScoreDisplay
        """
        if self.kind not in ("line", "points"):
            raise ValueError(f'kind must be "line" or "points"; got {self.kind!r}.')
        scores = np.asarray(self.scores, dtype=float).reshape(-1)
        series_ax = None
        if self.series is not None:
            if self.kind != "line":
                raise ValueError('A series is drawn with kind="line" only.')
            figure, axes = _axes_grid(ax, 2, 1, sharex=True, figsize=(10, 5), layout="constrained")
            series_ax, ax = axes[:, 0]
        else:
            figure, ax = _one_axes(ax)
        index = np.arange(scores.size)
        style = {"label": "anomaly score", **(scores_kw or {})}
        if self.kind == "line":
            (self.scores_artist_,) = ax.plot(index, scores, **{"linewidth": 1, **style})
        else:
            self.scores_artist_ = ax.scatter(index, scores, **{"s": 12, **style})
        if self.y_true is not None:
            anomalies = _anomaly_flags(self.y_true).reshape(-1)
            if anomalies.shape != scores.shape:
                raise ValueError("y_true must have one label per score.")
            if self.kind == "line":
                for n, (start, stop) in enumerate(flagged_runs(anomalies)):
                    ax.axvspan(
                        start - 0.5,
                        stop - 0.5,
                        color="tab:orange",
                        alpha=0.25,
                        label="true anomaly" if n == 0 else None,
                    )
            else:
                ax.scatter(
                    index[anomalies],
                    scores[anomalies],
                    s=60,
                    facecolors="none",
                    edgecolors="tab:orange",
                    label="true anomaly",
                )
        self.threshold_line_ = None
        flagged = np.zeros(scores.size, dtype=bool)
        if self.threshold is not None:
            self.threshold_line_ = ax.axhline(
                self.threshold, color="tab:red", linestyle="--", label="threshold"
            )
            flagged = scores > self.threshold
        if self.flags is not None:
            flagged = np.asarray(self.flags).reshape(-1) != 0
            if flagged.shape != scores.shape:
                raise ValueError("flags must have one value per score.")
        if series_ax is not None:
            self._plot_series(series_ax, flagged)
        self.flagged_ = ax.scatter(
            index[flagged], scores[flagged], marker="x", color="tab:red", s=25, label="flagged"
        )
        ax.set_xlabel("time step" if self.kind == "line" else "sequence")
        ax.set_ylabel("anomaly score")
        ax.legend(loc="best", fontsize="small")
        self.ax_, self.series_ax_, self.figure_ = ax, series_ax, figure
        return self

    def _plot_series(self, ax, flagged):
        """Draw the series, flagged ranges (red) and true anomalies (orange) shaded."""
        values = np.asarray(self.series, dtype=float)
        values = values.reshape(values.shape[0], -1)
        if values.shape[0] != flagged.size:
            raise ValueError("series must have one point per score.")
        for c in range(values.shape[1]):
            label = "series" if values.shape[1] == 1 else f"channel {c}"
            ax.plot(np.arange(values.shape[0]), values[:, c], linewidth=1, label=label)
        for n, (start, stop) in enumerate(flagged_runs(flagged)):
            ax.axvspan(
                start - 0.5,
                stop - 0.5,
                color="tab:red",
                alpha=0.3,
                label="flagged" if n == 0 else None,
            )
        if self.y_true is not None:
            for n, (start, stop) in enumerate(
                flagged_runs(_anomaly_flags(self.y_true).reshape(-1))
            ):
                ax.axvspan(
                    start - 0.5,
                    stop - 0.5,
                    color="tab:orange",
                    alpha=0.25,
                    label="true anomaly" if n == 0 else None,
                )
        ax.set_ylabel("value")
        ax.legend(loc="best", fontsize="small")
