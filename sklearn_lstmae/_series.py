"""Where the anomalies are in long series: a detector of windows, scored per point."""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context, clone
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, column_or_1d

from sklearn_lstmae._engine.progress import Progress
from sklearn_lstmae._outlier import LSTMAutoencoderOutlierDetector
from sklearn_lstmae._persistence.archive import SaveMixin
from sklearn_lstmae._persistence.registry import register_savable
from sklearn_lstmae._series_stream import SeriesStream
from sklearn_lstmae._utils.events import AnomalyRange, merged_runs
from sklearn_lstmae._utils.periods import dominant_period
from sklearn_lstmae._utils.rollback import restore_on_failure
from sklearn_lstmae._utils.thresholds import (
    extremal_index,
    fit_tail,
    tail_threshold,
    threshold_from_labels,
)
from sklearn_lstmae._utils.validation import (
    StrictInterval,
    check_finite_float,
    check_fitted_array,
    check_positive_int,
    check_series,
)
from sklearn_lstmae._utils.window_estimators import (
    as_estimator_input,
    clone_with_random_state,
    epochs_for_steps,
    takes_sequences,
)
from sklearn_lstmae._utils.windows import sliding_windows

# Points per chunk when a whole series is scored: bounds the windows held at once.
CHUNK_POINTS = 32768
# stride=None: the smallest stride that gives at most this many training windows.
MAX_TRAINING_WINDOWS = 10_000
# The default window detector trains for about this many mini-batch steps, whatever
# the amount of data (a short series gets many epochs, a long one few).
TRAINING_STEPS, BATCH_SIZE = 1500, 32
# The largest point score: a point infinitely far from what calibration saw scores this.
MAX_SCORE = 1e300
# POT models the tail of the calibration scores above this quantile (as SPOT does), or
# their top POT_MIN_EXCESSES where that is more (at most a quarter of them).
POT_INITIAL_QUANTILE, POT_MIN_EXCESSES = 0.98, 60
# Calibration windows whose scores give the window part's tail: every window up to this many
# (every few beyond, never sparser than the scoring stride).
MAX_CALIBRATION_WINDOWS = 10_000
# fit warns where the calibration points hold fewer than this many windows end to end: the
# thresholds then rest on a couple of cycles (docs/design.md, "Short calibration stretches").
MIN_CALIBRATION_WINDOWS = 10
# Windows per call to the window detector when calibration windows are scored.
CHUNK_WINDOWS = 2048
# window="auto": the dominant period (at least MIN_WINDOW), else FALLBACK_WINDOW.
MIN_WINDOW, FALLBACK_WINDOW = 8, 125


def _stacked_windows(series, window, stride):
    """Return the windows of every series, every ``stride`` points: ``(n, window, channels)``."""
    return np.concatenate([sliding_windows(s, window, stride=stride) for s in series])


def _default_window_detector(n_windows, random_state, scoring="auto", verbose=0):
    # verbose=2 prints a line per epoch; 1 would draw a bar per batch, which runs the
    # batches one call at a time (slower).
    return LSTMAutoencoderOutlierDetector(
        units=32,
        code="states_and_means",
        n_neighbors=5,
        epochs=epochs_for_steps(n_windows, steps=TRAINING_STEPS, batch_size=BATCH_SIZE),
        batch_size=BATCH_SIZE,
        standardize=True,
        scoring=scoring,
        random_state=random_state,
        verbose=2 if verbose else 0,
    )


@register_savable
class SeriesAnomalyDetector(SaveMixin, BaseEstimator):
    """Find anomalies in long series: per-point scores, flags and ranges.

    It cuts the training series into overlapping windows, fits a window-level
    outlier detector on them (by default an LSTM autoencoder), and scores
    every point of a series by the windows that cover it, in two parts: the
    point's squared reconstruction error (per channel, the smallest over
    those windows, then the mean over channels), which finds odd points such
    as spikes, and the mean of the windows' anomaly scores, which finds odd
    patterns (a missing cycle, a changed frequency) whose points are each
    easy to reconstruct. By default
    a point scores the larger of the two, each put on the scale of its own
    alert threshold, fitted on calibration scores (the held-out end of each
    training series): a point scoring above 1 is beyond one part's threshold.
    Training data is assumed to be mostly normal.

    Read more in the :ref:`User Guide <long_series>`.

    Parameters
    ----------
    estimator : estimator with ``fit`` and ``score_samples``, default=None
        The window-level detector, cloned in ``fit``. None: an
        :class:`LSTMAutoencoderOutlierDetector` (32 units,
        ``standardize=True``, ``code="states_and_means"``,
        ``n_neighbors=5``, its default ``scoring``, or ``"mse"`` for
        ``point_scores="reconstruction"``) trained for about 1,500
        mini-batch steps of 32 windows: many epochs on a short series, few
        on a long one. A detector that does not take 3-D input (e.g.
        ``IsolationForest``) gets each window flattened.
    window : int >= 2 or "auto", default="auto"
        Points per window. "auto": the series' dominant period (the highest
        peak of the autocorrelation between lags 3 and 400, if at least 0.2),
        at least 8, or 125 where there is no clear period. Choose a window that holds one
        cycle of the normal pattern, or the time an anomaly needs to show.
    stride : int >= 1, default=None
        Points between training windows. None: the smallest stride that
        gives at most 10,000 windows (1, every window, for series up to
        about 10,000 points), so the detector sees the pattern at every
        phase.
    scoring_stride : int >= 1, default=None
        Points between scored windows. None: ``window // 16`` (at least 1),
        so every point is scored by about 16 windows. 1 scores every window:
        finest, slowest. At most ``window``.
    point_scores : {"auto", "either", "reconstruction", "window"}, default="auto"
        "reconstruction": per-step squared reconstruction errors, the mean
        over the covering windows (the estimator needs
        ``reconstruction_error``; channel attribution with
        :meth:`score_channels`). "window": the windows' anomaly scores
        (``-score_samples``), the mean over the covering windows. "either":
        per point, the larger of two parts, each rescaled so that 0 is a
        calibration median and 1 a POT threshold at ``risk / 2`` (a point is
        anomalous if either part is beyond its threshold; their false alarms
        together stay within the budget of ``risk``). The window part is the
        window scores' mean, on its own scale; its budget counts runs of
        windows, not windows (see ``threshold``). The reconstruction part
        is, per channel, the point's smallest squared error over the
        covering windows, then the mean over channels: a window that holds
        an anomaly rebuilds its normal points badly too, and the window
        that rebuilds a point best holds the least of the anomaly. Its
        scale is that of the mean over the covering windows (median and
        threshold fitted on the calibration points' means), which is never
        below the smallest, so it flags no point that the mean would not
        (its own calibration median lies below 0).
        "auto": "either" where the estimator has ``reconstruction_error``,
        else "window".
    center_windows : bool, default=True
        Subtract each window's mean (per channel) before the window detector
        sees it, in training and in scoring, so that windows are compared by
        their shape and not by their level. A series that drifts (a trend, a
        wandering baseline) then keeps looking like its training stretch. A
        shift of level shows only in the windows that straddle it, not in
        those after it: where the level itself matters (a value out of its
        normal range for good), pass False.
    calibration_fraction : float in [0, 1), default=0.2
        The share of each training series, at its end, held out from the
        window detector: its points' scores (the calibration scores) set the
        threshold and the scales of ``point_scores="either"``. Unseen normal
        points score higher than the points a detector was fitted on (a
        window is its own nearest neighbour), so thresholds set on training
        points flag too much. A series shorter than two windows is all used
        for training. 0: fit and calibrate on all the points. ``fit`` warns
        where the calibration points hold fewer than 10 windows end to end.
    refit : bool, default=False
        True: after calibration, fit the window detector again on all the
        training points, the held-out ones included, and keep that one; the
        scales and the threshold stay those of the first fit. It doubles
        the fit time. The kept detector has learnt the newest points, which
        helps where a series drifts, but its scores are not on the scale
        of the first fit's: the threshold and the balance of
        ``point_scores="either"`` can be off (see :ref:`long_series`). Ignored with
        ``calibration_fraction=0``.
    threshold : {"pot", "quantile"} or float, default="pot"
        How the calibration scores set ``threshold_``: "pot", peaks over
        threshold (a generalized Pareto tail fitted to their top 2%, or to
        their top 60 where that is more, at most a quarter of them,
        extrapolated to probability ``risk``): for
        ``point_scores_="window"`` the tail of the calibration windows'
        own scores (every window, or every few beyond 10,000), for ``"either"`` 1, each
        part's own threshold at ``risk / 2``. Overlapping windows exceed a
        threshold in runs, and a run is one event: a window tail is cut at
        ``risk / theta`` per window (``risk / 2 / theta`` for ``"either"``),
        ``theta`` the extremal index of the calibration windows' scores (in
        time order, from the gaps within each calibration series) above
        the tail's start, 1 for lone exceedances and about ``1 / k`` for
        runs of ``k`` (see :ref:`alert_budget`). "quantile": the calibration
        points' ``quantile``; a float, that value (finite; not a bool).
        :meth:`set_threshold_from_labels` picks one from labels.
    quantile : float in (0, 1), default=0.99
        The quantile for ``threshold="quantile"``.
    risk : float in (0, 1), default=1e-4
        The alert budget, for ``threshold="pot"``: on ``n`` normal points,
        at most about ``risk * n`` false alarms (events on normal data), so
        1e-4 is at most one per 10,000 points. Point scores (the
        reconstruction part) are allowed above their threshold on a share
        ``risk`` of normal points (``risk / 2`` for each part of
        ``"either"``), each false alarm holding at least one; window scores,
        which exceed theirs in runs of overlapping windows, are allowed
        ``risk`` runs per scored calibration window (``risk / 2`` for
        ``"either"``; see ``threshold``). This holds as far as new normal
        data scores like the calibration points, the fitted tail is right
        beyond the scores seen, and runs at the threshold are as long as at
        the tail's start, where they are measured (higher up they are
        shorter, so there can be a few times more); none of it is
        guaranteed (see :ref:`alert_budget`).
    merge_gap : int >= 0, default=None
        Flagged points at most this many points apart belong to one event:
        :meth:`anomaly_ranges` merges their runs, and :meth:`predict_series`
        flags the points between them too. None: ``window_`` (a score that
        dips below the threshold inside one odd window does not split it).
        0 merges nothing: an event is a run of points above the threshold.
    min_duration : int >= 1, default=1
        Events (after merging) shorter than this many points are dropped,
        and their points not flagged.
    verbose : int, default=0
        0: silent. Otherwise, the default window detector prints a line per
        training epoch (a given ``estimator`` keeps its own ``verbose``), and
        a progress bar counts the points scored (the calibration points in
        ``fit``, the series in the scoring methods).
    random_state : int, RandomState instance or None, default=None
        Passed to the estimator (its ``random_state``, where it has one).

    Attributes
    ----------
    estimator_ : estimator
        The fitted window-level detector: fitted on all the training points
        with ``refit=True``, else on all but the calibration points.
    window_, stride_, scoring_stride_ : int
        The resolved window and strides.
    point_scores_ : {"either", "reconstruction", "window"}
        The resolved ``point_scores``.
    part_offsets_, part_scales_ : ndarray of shape (2,)
        For ``point_scores_="either"`` only: the calibration median of the
        reconstruction error (its mean over the covering windows) and of the
        window score, and their distance to each one's POT threshold at
        ``risk / 2`` (the window part's per run of windows, see
        ``threshold``), which put both parts on one scale. A saved detector
        keeps its own, and the pooling they were fitted for (one saved by
        version 0.1.0: distances to the 99% quantile; one saved before
        2026-12-08: the reconstruction part is the mean over the covering
        windows).
    extremal_index_ : float
        Only where a tail of window scores is cut (the window part of
        ``point_scores_="either"``, and ``point_scores_="window"`` with
        ``threshold="pot"``): ``theta``, the extremal index of the
        calibration windows' scores above the tail's start, in (0, 1]. The
        tail is cut at ``risk / theta`` per window (``risk / 2 / theta`` for
        ``"either"``): ``1 / theta`` is the mean run of exceeding windows
        that counts as one alert (see ``threshold``); a threshold set
        later (:meth:`set_threshold_from_labels`) does not use it. Absent
        in a detector saved before 2026-12-08.
    n_channels_ : int
        Channels of the training series.
    n_features_in_ : int
        The same count, as scikit-learn names the columns of ``X`` (each row
        of a series is one time point).
    threshold_ : float
        Points scoring above it are anomalies.
    calibration_scores_ : ndarray of shape (n_calibration_points,)
        The per-point scores of the calibration points (the held-out end of
        each training series, concatenated) under the first fit, which never
        saw them; they set the threshold.

    See Also
    --------
    LSTMAutoencoderOutlierDetector : The default window-level detector.
    sklearn_lstmae.sliding_windows : The windows, by hand.

    Notes
    -----
    Points near the ends of a series are covered by fewer windows (the first
    and last points by one); their scores come from the windows that do
    cover them, so they are noisier. The means stay on the same scale; the
    smallest error of ``"either"``'s reconstruction part, taken over fewer
    windows, runs higher there (never above the mean). With
    ``scoring_stride > 1`` one extra window ends at the last point, so every
    point is covered. NaN gaps are refused: fill them, or split the series
    at the gap and pass a list.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import IsolationForest
    >>> from sklearn_lstmae import SeriesAnomalyDetector
    >>> t = np.arange(3000)  # its last 600 points calibrate: 12 windows
    >>> series = np.sin(2 * np.pi * t / 50)
    >>> test = series.copy()
    >>> test[1200:1260] = 0.0  # a flat stretch where a wave should be
    >>> detector = SeriesAnomalyDetector(
    ...     IsolationForest(random_state=0), window=50, random_state=0
    ... ).fit(series)
    >>> detector.score_series(test).shape
    (3000,)
    >>> ranges = detector.anomaly_ranges(test)
    >>> any(event.start < 1260 and event.stop > 1200 for event in ranges)
    True
    """

    # Fitted state with a default: how point_scores_="either"'s reconstruction part pools
    # the windows that cover a point. fit sets "min" for "either" ("mean" otherwise); a
    # detector fitted before 2026-12-08 (a file or a pickle without it) pools by the mean,
    # as its scales were fitted.
    _error_pooling = "mean"

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "score_samples"]), None],
        "window": [Interval(Integral, 2, None, closed="left"), StrOptions({"auto"})],
        "stride": [Interval(Integral, 1, None, closed="left"), None],
        "scoring_stride": [Interval(Integral, 1, None, closed="left"), None],
        "point_scores": [StrOptions({"auto", "either", "reconstruction", "window"})],
        "threshold": [
            StrOptions({"pot", "quantile"}),
            StrictInterval(Real, -np.inf, np.inf, closed="neither"),
        ],
        "center_windows": ["boolean"],
        "calibration_fraction": [Interval(Real, 0, 1, closed="left")],
        "refit": ["boolean"],
        "quantile": [Interval(Real, 0, 1, closed="neither")],
        "risk": [Interval(Real, 0, 1, closed="neither")],
        "merge_gap": [Interval(Integral, 0, None, closed="left"), None],
        "min_duration": [Interval(Integral, 1, None, closed="left")],
        "verbose": ["verbose"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        window="auto",
        stride=None,
        scoring_stride=None,
        point_scores="auto",
        center_windows=True,
        calibration_fraction=0.2,
        refit=False,
        threshold="pot",
        quantile=0.99,
        risk=1e-4,
        merge_gap=None,
        min_duration=1,
        verbose=0,
        random_state=None,
    ):
        self.estimator = estimator
        self.window = window
        self.stride = stride
        self.scoring_stride = scoring_stride
        self.point_scores = point_scores
        self.center_windows = center_windows
        self.calibration_fraction = calibration_fraction
        self.refit = refit
        self.threshold = threshold
        self.quantile = quantile
        self.risk = risk
        self.merge_gap = merge_gap
        self.min_duration = min_duration
        self.verbose = verbose
        self.random_state = random_state

    # ------------------------------------------------------------ validation
    def _check_series(self, X, *, fitted=False, min_length=None, min_points=1):
        """Return ``(list of 2-D float32 series, whether X was a list)``: see ``check_series``."""
        return check_series(
            X, self if fitted else None, min_length=min_length, min_points=min_points
        )

    def _resolve_window(self, series):
        if self.window != "auto":
            return int(self.window)
        period = dominant_period(series[0])
        return FALLBACK_WINDOW if period is None else max(MIN_WINDOW, period)

    # ------------------------------------------------------------ fitting
    @_fit_context(prefer_skip_nested_validation=False)  # the estimator is validated in its fit
    def fit(self, X, y=None):
        """Fit the window-level detector and set the threshold on held-out points.

        The detector is fitted on all but the calibration points (the end of
        each series), whose scores set the threshold; with ``refit=True`` it
        is then fitted again on all the points.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_channels), or list
            One series, or a list of series (recordings, of any lengths) with
            the same channels; mostly normal.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted detector.
        """
        series, _ = self._check_series(X)
        window = self._resolve_window(series)
        short = [i for i, s in enumerate(series) if s.shape[0] < window]
        if short:
            raise ValueError(
                f"Series {short[0]} has {series[short[0]].shape[0]} points "
                f"(n_samples={series[short[0]].shape[0]}), fewer than one "
                f"window ({window}); pass longer series or a smaller window."
            )
        scoring_stride = self.scoring_stride or max(1, window // 16)
        if scoring_stride > window:
            raise ValueError(f"scoring_stride={scoring_stride} must not exceed window={window}.")
        training, calibration = self._split_for_calibration(series, window)
        n_windows = sum(s.shape[0] - window + 1 for s in training)
        stride = self.stride or max(1, -(-n_windows // MAX_TRAINING_WINDOWS))
        windows = self._centered(_stacked_windows(training, window, stride))
        estimator, point_scores = self._window_detector(windows.shape[0])
        self._warn_if_short(calibration, window, point_scores)
        three_d = takes_sequences(estimator)
        estimator.fit(as_estimator_input(windows, three_d))
        # Scoring the training series needs the new state: a failure restores the old one.
        with restore_on_failure(self):
            self.estimator_ = estimator
            self.window_, self.stride_, self.scoring_stride_ = window, stride, scoring_stride
            self.point_scores_ = point_scores
            self.n_channels_ = series[0].shape[1]
            self.n_features_in_ = self.n_channels_  # a row of a series is a time point
            self._three_d = three_d
            self._calibrate(calibration)
            if self.refit and self.calibration_fraction > 0:
                # The final detector learns every training point, the newest too; the
                # scales and the threshold stay those of unseen points, set above.
                everything = self._centered(_stacked_windows(series, window, stride))
                final = clone(estimator)
                if self.estimator is None:  # its training steps stay about the same
                    final.set_params(
                        epochs=epochs_for_steps(
                            everything.shape[0], steps=TRAINING_STEPS, batch_size=BATCH_SIZE
                        )
                    )
                self.estimator_ = final.fit(as_estimator_input(everything, three_d))
        return self

    def _window_detector(self, n_windows):
        """Return the unfitted window detector and the resolved ``point_scores``."""
        point_scores = self.point_scores
        if self.estimator is None:
            point_scores = "either" if point_scores == "auto" else point_scores
            # Window scores of scoring="combined" (k-NN codes and error Gaussian) where they
            # are used; the reconstruction errors alone need none of it.
            scoring = "mse" if point_scores == "reconstruction" else "auto"
            estimator = _default_window_detector(
                n_windows, self.random_state, scoring, self.verbose
            )
        else:
            estimator = clone_with_random_state(self.estimator, self.random_state)
        has_errors = hasattr(estimator, "reconstruction_error")
        if point_scores == "auto":
            point_scores = "either" if has_errors else "window"
        elif point_scores in ("reconstruction", "either") and not has_errors:
            raise ValueError(
                f"point_scores={point_scores!r} needs an estimator with reconstruction_error; "
                f"{type(estimator).__name__} has none. Use point_scores='window'."
            )
        return estimator, point_scores

    def _calibrate(self, calibration):
        """Set the scales, ``calibration_scores_`` and ``threshold_`` from ``calibration``.

        Also ``extremal_index_``, where a tail of window scores is cut (the
        window part of ``point_scores_="either"``, and ``"window"`` with
        ``threshold="pot"``), and the pooling of reconstruction errors.
        """
        point_scores = self.point_scores_
        # How reconstruction errors pool the covering windows: "either"'s part by their
        # minimum, on the scale of their mean (never below it); see point_scores.
        self._error_pooling = "min" if point_scores == "either" else "mean"
        for name in ("part_offsets_", "part_scales_", "extremal_index_"):
            vars(self).pop(name, None)  # a previous fit's, where this one sets none
        if point_scores == "either":
            parts = np.concatenate([self._score_one(s, output="fit parts") for s in calibration])
            window_scores = self._calibration_window_scores(calibration)
            _check_finite_calibration(parts, window_scores)
            window_tail, self.extremal_index_ = _window_tail(window_scores)
            self.part_offsets_, self.part_scales_ = self._part_scaling(
                parts[:, 2], window_tail, np.median(parts[:, [2, 1]], axis=0)
            )
            self.calibration_scores_ = self._combine(parts[:, :2])
            self.threshold_ = self._threshold(self.calibration_scores_)
            return
        self.calibration_scores_ = np.concatenate([self._score_one(s) for s in calibration])
        if point_scores == "window" and self.threshold == "pot":
            # One score per window, not the points' runs of equal ones, cut per run.
            window_scores = self._calibration_window_scores(calibration)
            _check_finite_calibration(self.calibration_scores_, window_scores)
            window_tail, self.extremal_index_ = _window_tail(window_scores)
            self.threshold_ = tail_threshold(window_tail, self.risk / self.extremal_index_)
            return
        self.threshold_ = self._threshold(self.calibration_scores_)

    def _split_for_calibration(self, series, window):
        """Return ``(training, calibration)`` series: the last points of each held out.

        A series gives its last ``calibration_fraction`` of points (at least
        one window) to calibration if at least one window remains to train
        on; else it all trains. With ``calibration_fraction=0``, every series
        does both.
        """
        if self.calibration_fraction == 0:
            return series, series
        training, calibration = [], []
        for values in series:
            held = max(window, round(self.calibration_fraction * values.shape[0]))
            if values.shape[0] - held < window:
                training.append(values)
                continue
            training.append(values[:-held])
            calibration.append(values[-held:])
        if not calibration:
            raise ValueError(
                f"No training series is long enough to hold out calibration points: each needs "
                f"at least two windows ({2 * window} points). Pass longer series, a smaller "
                "window, or calibration_fraction=0 (threshold on the training points' own "
                "scores, which are lower than new normal points' scores)."
            )
        return training, calibration

    def _warn_if_short(self, calibration, window, point_scores):
        """Warn where thresholds or scales rest on fewer than ``MIN_CALIBRATION_WINDOWS``."""
        n_points = sum(s.shape[0] for s in calibration)
        needed = MIN_CALIBRATION_WINDOWS * window
        if n_points >= needed or (point_scores != "either" and not isinstance(self.threshold, str)):
            return
        fraction = self.calibration_fraction or 1.0
        warnings.warn(
            f"The calibration points hold {n_points / window:.1f} windows of {window} points, "
            f"fewer than {MIN_CALIBRATION_WINDOWS}: the threshold rests on a few cycles, so "
            "normal data may exceed it far more often than risk allows, or anomalies stay "
            f"below it. Pass a training series of at least {int(np.ceil(needed / fraction))} "
            "points at this calibration_fraction, a larger calibration_fraction, or set the "
            "threshold from labels (set_threshold_from_labels).",
            UserWarning,
            stacklevel=4,  # the caller of fit
        )

    def _calibration_window_scores(self, calibration):
        """Return the window scores (``-score_samples``) of calibration windows, one per window.

        A list with one array per calibration series, in time order. Every
        window of each calibration series, or every few where there are
        more than ``MAX_CALIBRATION_WINDOWS`` (never sparser than
        ``scoring_stride_``, so a long stretch can give more). Windows are
        centered and scored ``CHUNK_WINDOWS`` at a time.
        """
        n_windows = sum(s.shape[0] - self.window_ + 1 for s in calibration)
        stride = min(self.scoring_stride_, max(1, -(-n_windows // MAX_CALIBRATION_WINDOWS)))
        per_series = []
        for values in calibration:
            windows = sliding_windows(values, self.window_, stride=stride)  # a view
            scores = []
            for batch in gen_batches(windows.shape[0], CHUNK_WINDOWS):
                flat = as_estimator_input(self._centered(windows[batch]), self._three_d)
                scores.append(-np.asarray(self.estimator_.score_samples(flat), np.float64))
            per_series.append(np.concatenate(scores))
        return per_series

    def _threshold(self, scores):
        """``threshold_`` from the calibration points' ``scores``, but for window tails.

        ``threshold="pot"`` fits its tail to ``scores``, or for
        ``point_scores_="either"`` (whose parts are each on the scale of
        their own threshold) is 1; ``point_scores_="window"``'s POT threshold
        is cut from the windows' tail in :meth:`_calibrate`.
        """
        _check_finite_calibration(scores)
        if self.threshold == "pot":
            if self.point_scores_ == "either":
                return 1.0
            return tail_threshold(_tail(scores), self.risk)
        if self.threshold == "quantile":
            return float(np.quantile(scores, self.quantile))
        return float(self.threshold)

    # ------------------------------------------------------------ scoring
    def _centered(self, windows):
        """``windows`` less each one's per-channel mean, with ``center_windows``."""
        if not self.center_windows:
            return windows
        return windows - windows.mean(axis=1, keepdims=True, dtype=np.float64).astype(np.float32)

    def _window_values(self, windows):
        """Per window and step, the values a point averages: ``(n, window, k)``.

        The squared errors of every channel (``k = n_channels_``), the window's
        anomaly score (``k = 1``), or both, the score last.
        """
        windows = self._centered(windows)
        if self.point_scores_ == "either" and hasattr(self.estimator_, "_score_samples_and_errors"):
            # The library's detector: both from one pass of the network, not two.
            scores, errors = self.estimator_._score_samples_and_errors(windows)
            scores = np.broadcast_to(-scores[:, None, None], (*windows.shape[:2], 1))
            return np.concatenate([errors, scores], axis=2)
        columns = []
        if self.point_scores_ != "window":
            columns.append(np.asarray(self.estimator_.reconstruction_error(windows), np.float64))
        if self.point_scores_ != "reconstruction":
            flat = as_estimator_input(windows, self._three_d)
            scores = -np.asarray(self.estimator_.score_samples(flat), dtype=np.float64)
            columns.append(np.broadcast_to(scores[:, None, None], (*windows.shape[:2], 1)))
        return columns[0] if len(columns) == 1 else np.concatenate(columns, axis=2)

    def _points(self, values, output="scores", minima=None):
        """Per-point scores from the window-averaged ``values`` of ``_window_values``.

        ``minima``: for ``point_scores_="either"`` (fitted with ``_error_pooling
        = "min"``), each channel's smallest squared error over the windows that
        cover the point, which the reconstruction part and the channels' errors
        then are instead of the means. ``output``: "scores", the point scores;
        "channels", the squared errors of every channel; "parts", for
        ``point_scores_="either"``, the reconstruction and window scores,
        before they are put on one scale; "fit parts", those and the mean
        reconstruction error after them (the scale's, see ``fit``); "events",
        the scores and (where there are reconstruction errors) every channel's
        errors after them, as columns.
        """
        if self.point_scores_ == "window":
            return values[:, :1] if output == "events" else values[:, 0]
        means = values[:, : self.n_channels_]
        errors = means if minima is None else minima
        if output == "channels":
            return errors
        if self.point_scores_ == "reconstruction":
            scores = errors.mean(axis=1)
        else:
            parts = np.column_stack([errors.mean(axis=1), values[:, -1]])
            if output == "parts":
                return parts
            if output == "fit parts":
                return np.column_stack([parts, means.mean(axis=1)])
            scores = self._combine(parts)
        return np.column_stack([scores, errors]) if output == "events" else scores

    def _combine(self, parts):
        """``point_scores_="either"``: the larger of the two scores, on one scale.

        Scores stay finite where the calibration points did not vary (a constant
        training series): the scale is floored, and a point beyond ``MAX_SCORE``
        scores ``MAX_SCORE``.
        """
        with np.errstate(over="ignore"):
            scaled = (parts - self.part_offsets_) / self.part_scales_
        return np.minimum(scaled, MAX_SCORE).max(axis=1)

    def _part_scaling(self, reconstruction, window_tail, medians):
        """Return offsets and scales that map each part's median to 0, its threshold to 1.

        Each part's threshold is the POT threshold of its tail at ``risk / 2``
        (the reconstruction part's from the calibration points, the window
        part's ``window_tail``, one score per calibration window, cut per run
        of windows at ``risk / 2 / extremal_index_``: see
        :func:`_window_threshold`), so that a point scores above 1 where
        either part is beyond its own threshold, and the two together stay
        within ``risk`` (for events: a point's window part is the mean over
        the windows that cover it, not one window's score).
        """
        highs = [
            tail_threshold(_tail(reconstruction), self.risk / 2),
            tail_threshold(window_tail, self.risk / 2 / self.extremal_index_),
        ]
        scales = np.maximum(np.asarray(highs) - medians, np.finfo(np.float64).tiny)
        return np.asarray(medians, np.float64), scales

    def _score_one(self, series, output="scores"):
        stream = SeriesStream(self, output=output)
        progress = Progress(series.shape[0], verbose=self.verbose, unit_name="point")
        parts = []
        for start in range(0, series.shape[0], CHUNK_POINTS):
            chunk = series[start : start + CHUNK_POINTS]
            parts.append(stream._update(chunk))
            progress.add(chunk.shape[0])
        return np.concatenate([*parts, stream.finish()])

    def _each(self, X, output="scores"):
        check_is_fitted(self)
        series, is_list = self._check_series(X, fitted=True, min_length=self.window_)
        scores = [self._score_one(s, output) for s in series]
        return scores if is_list else scores[0]

    def score_series(self, X):
        """Return the anomaly score of every point: higher is more anomalous.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_channels), or list
            One series (at least ``window_`` points), or a list of them.

        Returns
        -------
        scores : ndarray of shape (n_timesteps,), or a list of them for a list
        """
        return self._each(X)

    def score_channels(self, X):
        """Return each channel's squared reconstruction error at every point.

        ``score_channels(X).argmax(axis=1)`` names the channel most to blame.
        With ``point_scores_="reconstruction"`` a point's score is the mean of
        its channels' values (each the mean over the covering windows); with
        ``"either"`` (each the smallest over the covering windows; the mean
        for a detector saved before 2026-12-08) they split the reconstruction
        part of the score (a whole window's score cannot be split by
        channel). Not available for ``point_scores_="window"``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_channels), or list
            One series, or a list of them.

        Returns
        -------
        scores : ndarray of shape (n_timesteps, n_channels), or a list of them
        """
        check_is_fitted(self)
        if self.point_scores_ == "window":
            raise ValueError(
                "Channel scores come from per-channel reconstruction errors; this detector "
                f"scores whole windows (point_scores_={self.point_scores_!r})."
            )
        return self._each(X, output="channels")

    def predict_series(self, X):
        """Flag every point: 1 inside an event of :meth:`anomaly_ranges`, 0 elsewhere.

        A point is flagged if its score exceeds ``threshold_``, or if it lies
        between two such points at most ``merge_gap`` apart; events shorter
        than ``min_duration`` are not flagged. With ``merge_gap=0`` and
        ``min_duration=1``, the flags are ``score_series(X) > threshold_``.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_channels), or list
            One series, or a list of them.

        Returns
        -------
        flags : ndarray of shape (n_timesteps,), dtype int, or a list of them
        """
        scores = self.score_series(X)
        each = [scores] if not isinstance(scores, list) else scores
        flags = []
        for values in each:
            flagged = np.zeros(values.shape[0], dtype=int)
            for start, stop in self._event_bounds(values):
                flagged[start:stop] = 1
            flags.append(flagged)
        return flags if isinstance(scores, list) else flags[0]

    def anomaly_ranges(self, X):
        """Return the anomalous events: where they are, their peaks, the channel to blame.

        An event is a run of points scoring above ``threshold_``; runs at most
        ``merge_gap`` points apart (default: one window) are one event, and
        events shorter than ``min_duration`` points are dropped.
        :meth:`predict_series` flags exactly the events' points.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_channels), or list
            One series, or a list of them.

        Returns
        -------
        ranges : list of AnomalyRange, or a list of such lists for a list
            In order. Each is a named tuple ``(start, stop, peak_index,
            peak_score, channel, p_value)``; ``stop`` is exclusive, as in
            ``range`` and slices, so ``series[event.start:event.stop]`` is
            the event. ``pandas.DataFrame(ranges)`` makes a table of them.
        """
        columns = self._each(X, output="events")
        each = [columns] if not isinstance(columns, list) else columns
        ranges = [self._events(values) for values in each]
        return ranges if isinstance(columns, list) else ranges[0]

    def _event_bounds(self, scores):
        """``(start, stop)`` of each event of one series' ``scores``."""
        merge_gap = self.window_ if self.merge_gap is None else self.merge_gap
        return merged_runs(
            scores > self.threshold_, max_gap=merge_gap, min_duration=self.min_duration
        )

    def _events(self, columns):
        """Return the events of one series, from its ``output="events"`` columns."""
        scores = columns[:, 0]
        calibration = np.sort(self.calibration_scores_)
        events = []
        for start, stop in self._event_bounds(scores):
            peak = start + int(np.argmax(scores[start:stop]))
            channel = None
            if columns.shape[1] > 1:
                channel = int(np.argmax(columns[start:stop, 1:].sum(axis=0)))
            at_least = calibration.size - np.searchsorted(calibration, scores[peak], "left")
            p_value = (1 + at_least) / (1 + calibration.size)
            events.append(
                AnomalyRange(start, stop, peak, float(scores[peak]), channel, float(p_value))
            )
        return events

    def set_threshold_from_labels(self, X, y, *, max_false_positive_rate=None):
        """Choose ``threshold_`` on a labelled series: best F1, or best recall at a bound.

        Parameters
        ----------
        X : array-like of shape (n_timesteps,) or (n_timesteps, n_channels), or list
            Validation series, not used in training.
        y : array-like of shape (n_timesteps,), or a list of them
            Per point, 1 for an anomaly and 0 for normal; both must occur.
        max_false_positive_rate : float in [0, 1], default=None
            None: maximise F1 of the anomalous points. Else: flag as many
            anomalous points as possible with at most this share of normal
            points flagged.

        Returns
        -------
        self : object
            The detector with its new ``threshold_``; nothing else changes.
        """
        scores = self.score_series(X)
        if isinstance(scores, list):
            if not isinstance(y, list | tuple) or len(y) != len(scores):
                raise ValueError("For a list of series, y must be a list of as many label arrays.")
            scores, y = np.concatenate(scores), np.concatenate([column_or_1d(v) for v in y])
        y = column_or_1d(y)
        if y.shape != scores.shape:
            raise ValueError(f"X has {scores.shape[0]} points but y has {y.shape[0]} labels.")
        if set(np.unique(y).tolist()) != {0, 1}:
            raise ValueError("y must hold 1 (anomaly) and 0 (normal) per point, both present.")
        threshold = threshold_from_labels(
            scores, y == 1, max_false_positive_rate=max_false_positive_rate
        )
        # predict_series flags scores > threshold_; the chosen threshold is inclusive.
        self.threshold_ = float(np.nextafter(threshold, -np.inf))
        return self

    def _check_loaded_state(self):
        """Check fitted state read from a file: its types and ranges."""
        for name in ("window_", "stride_", "scoring_stride_", "n_channels_"):
            check_positive_int(name, getattr(self, name))
        if self.scoring_stride_ > self.window_:
            raise ValueError("scoring_stride_ exceeds window_.")
        if self.point_scores_ not in ("either", "reconstruction", "window"):
            raise ValueError(f"point_scores_ must be resolved; got {self.point_scores_!r}.")
        check_finite_float("threshold_", self.threshold_)
        check_fitted_array("calibration_scores_", self.calibration_scores_, (None,))
        if not isinstance(self._error_pooling, str) or self._error_pooling not in ("mean", "min"):
            raise ValueError(f"_error_pooling is 'mean' or 'min', not {self._error_pooling!r}.")
        if hasattr(self, "extremal_index_"):
            check_finite_float("extremal_index_", self.extremal_index_)
            if not 0 < self.extremal_index_ <= 1:
                raise ValueError(f"extremal_index_ must be in (0, 1]; got {self.extremal_index_}.")
        if self.point_scores_ == "either":
            check_fitted_array("part_offsets_", self.part_offsets_, (2,))
            check_fitted_array("part_scales_", self.part_scales_, (2,), positive=True)
        fitted_channels = getattr(self.estimator_, "n_channels_", self.n_channels_)
        if not hasattr(self.estimator_, "score_samples") or fitted_channels != self.n_channels_:
            raise ValueError("estimator_ is not a window detector of this detector's channels.")
        if not isinstance(self._three_d, bool):
            raise ValueError("_three_d must be a bool.")

    def stream(self):
        """Return a :class:`SeriesStream` that scores one series chunk by chunk.

        Returns
        -------
        stream : SeriesStream
        """
        check_is_fitted(self)
        return SeriesStream(self)

    def __setstate__(self, state):
        # A pickle of version 0.1.0 lacks the parameters added since: they get their defaults.
        added = {"merge_gap": None, "min_duration": 1, "verbose": 0}
        super().__setstate__({**added, **state})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        tags.input_tags.allow_nan = False
        return tags


def _check_finite_calibration(*scores):
    """Raise where any of ``scores`` (arrays, or lists of them: one per series) is not finite."""
    arrays = [a for values in scores for a in (values if isinstance(values, list) else [values])]
    if not all(np.all(np.isfinite(values)) for values in arrays):
        raise ValueError("The calibration points' scores are not all finite; no threshold.")


def _tail(scores):
    """Return the POT tail of calibration scores, as ``threshold="pot"`` fits it."""
    return fit_tail(scores, initial_quantile=POT_INITIAL_QUANTILE, min_excesses=POT_MIN_EXCESSES)


def _window_tail(window_scores):
    """Return the POT tail of calibration window scores and their extremal index above it.

    ``window_scores``: one array per calibration series, in time order; the
    gaps between exceedances are read within each series.
    """
    tail = _tail(np.concatenate(window_scores))
    return tail, extremal_index(window_scores, tail.start)


def _window_threshold(window_scores, risk):
    """Return the POT threshold of calibration window scores for ``risk`` runs per window.

    ``window_scores``: one array per calibration series, in time order.
    Windows that overlap exceed a threshold in runs, and a run of windows is
    one event: the tail (of all the scores) is cut at ``risk / theta`` per
    window, ``theta`` the extremal index above the tail's start from the
    gaps within each series, so that runs, not windows, come about ``risk``
    per window.
    """
    tail, theta = _window_tail(window_scores)
    return tail_threshold(tail, risk / theta)
