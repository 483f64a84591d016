"""Displays of what the estimators learn, after scikit-learn's Display objects.

Each display is built by ``from_estimator`` (or ``from_predictions``, from
arrays you already have), draws with ``plot(ax=None, ...)``, and keeps the
figure in ``figure_``, its axes in ``ax_`` and the drawn artists in attributes
ending in ``_``, for changing afterwards. They need matplotlib: ``pip install
"sklearn-lstmae[plot]"``.

- :class:`ReconstructionDisplay`: sequences beside their reconstructions, one
  panel per sequence and channel, the composite model's predicted steps marked;
- :class:`LossCurveDisplay`: ``loss`` and ``val_loss`` per epoch, the best
  epoch marked;
- :class:`AnomalyScoreDisplay`: anomaly scores (per sequence, or per point of a
  long series), the threshold, flagged points and, given labels, the true
  anomalies; for a :class:`~sklearn_lstmae.SeriesAnomalyDetector`, the series
  above its scores, with flagged and true ranges shaded.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae._series import _runs
from sklearn_lstmae._validation import check_sequences

__all__ = ["AnomalyScoreDisplay", "LossCurveDisplay", "ReconstructionDisplay"]


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # pragma: no cover - depends on the environment
        raise ImportError(
            'The displays need matplotlib: pip install "sklearn-lstmae[plot]"'
        ) from error
    return plt


def _axes_grid(ax, n_rows, n_cols, **subplots):
    """Return ``(figure, axes of shape (n_rows, n_cols))``: new, or ``ax`` reshaped."""
    if ax is None:
        return _pyplot().subplots(n_rows, n_cols, squeeze=False, **subplots)
    axes = np.asarray(ax, dtype=object).reshape(-1)
    if axes.size != n_rows * n_cols:
        raise ValueError(
            f"ax must hold {n_rows * n_cols} Axes ({n_rows} sequences x {n_cols} channels); "
            f"got {axes.size}."
        )
    return axes[0].figure, axes.reshape(n_rows, n_cols)


def _one_axes(ax):
    if ax is None:
        return _pyplot().subplots()
    return ax.figure, ax


def _as_list(X):
    """Sequences in any accepted form as a list of ``(length, n_channels)`` arrays."""
    sequences = check_sequences(X, input_name="X")
    pairs = zip(sequences.values, sequences.lengths, strict=True)
    return [values[:length] for values, length in pairs]


class ReconstructionDisplay:
    """Sequences beside their reconstructions, one panel per sequence and channel.

    Build it with :meth:`from_estimator` or :meth:`from_predictions`.

    Parameters
    ----------
    sequences : list of ndarray of shape (length_i, n_channels)
        The sequences.
    reconstructions : list of ndarray of shape (length_i, n_channels)
        Their reconstructions (the composite model's last ``future_steps``
        steps are its predictions).
    future_steps : int, default=0
        Steps at the end of each sequence that the model predicted rather
        than reconstructed; they are shaded.
    channel_names : list of str, default=None
        Column titles; default ``"channel 0"``, ``"channel 1"``, ...

    Attributes
    ----------
    lines_ : ndarray of shape (n_sequences, n_channels, 2), dtype object
        Per panel, the sequence's and the reconstruction's ``Line2D``.
    ax_ : ndarray of shape (n_sequences, n_channels) of matplotlib Axes
        The panels.
    figure_ : matplotlib Figure
        The figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklearn_lstmae import LSTMAutoencoderTransformer
    >>> from sklearn_lstmae.plotting import ReconstructionDisplay
    >>> X = np.sin(np.linspace(0, 6, 20) + np.arange(8)[:, None])
    >>> ae = LSTMAutoencoderTransformer(units=4, epochs=2, random_state=0).fit(X)
    >>> display = ReconstructionDisplay.from_estimator(ae, X[:2])
    >>> display.ax_.shape
    (2, 1)
    """

    def __init__(self, sequences, reconstructions, *, future_steps=0, channel_names=None):
        self.sequences = sequences
        self.reconstructions = reconstructions
        self.future_steps = future_steps
        self.channel_names = channel_names

    @classmethod
    def from_estimator(cls, estimator, X, *, channel_names=None, ax=None, **kwargs):
        """Reconstruct ``X`` with a fitted estimator and plot it.

        Parameters
        ----------
        estimator : LSTMAutoencoderTransformer or LSTMAutoencoderOutlierDetector
            A fitted estimator.
        X : array-like or list of array-like
            A few sequences, in any form ``fit`` accepts.
        channel_names : list of str, default=None
            Column titles.
        ax : matplotlib Axes or array-like of them, default=None
            ``n_sequences * n_channels`` axes to draw in; default: a new figure.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ReconstructionDisplay
        """
        check_is_fitted(estimator)
        return cls.from_predictions(
            X,
            estimator.reconstruct(X),
            future_steps=estimator.network_params_["future_steps"],
            channel_names=channel_names,
            ax=ax,
            **kwargs,
        )

    @classmethod
    def from_predictions(
        cls, X, X_reconstructed, *, future_steps=0, channel_names=None, ax=None, **kwargs
    ):
        """Plot sequences beside reconstructions you already have.

        Parameters
        ----------
        X : array-like or list of array-like
            The sequences.
        X_reconstructed : array-like or list of array-like
            Their reconstructions, in the same form (e.g. from ``reconstruct``).
        future_steps : int, default=0
            Predicted steps at the end of each sequence (composite model).
        channel_names : list of str, default=None
            Column titles.
        ax : matplotlib Axes or array-like of them, default=None
            Axes to draw in; default: a new figure.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ReconstructionDisplay
        """
        sequences, reconstructions = _as_list(X), _as_list(X_reconstructed)
        if [s.shape for s in sequences] != [r.shape for r in reconstructions]:
            raise ValueError("X_reconstructed must have the shape of X, sequence by sequence.")
        display = cls(
            sequences, reconstructions, future_steps=future_steps, channel_names=channel_names
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, sequence_kw=None, reconstruction_kw=None):
        """Draw the panels.

        Parameters
        ----------
        ax : matplotlib Axes or array-like of them, default=None
            ``n_sequences * n_channels`` axes; default: a new figure.
        sequence_kw, reconstruction_kw : dict, default=None
            Keyword arguments for ``Axes.plot`` of the sequences and the
            reconstructions.

        Returns
        -------
        display : ReconstructionDisplay
        """
        n_sequences, n_channels = len(self.sequences), self.sequences[0].shape[1]
        figure, axes = _axes_grid(
            ax,
            n_sequences,
            n_channels,
            sharex=True,
            figsize=(4 * n_channels, 1.8 * n_sequences + 0.8),
            layout="constrained",
        )
        names = self.channel_names or [f"channel {c}" for c in range(n_channels)]
        lines = np.empty((n_sequences, n_channels, 2), dtype=object)
        for i, (sequence, reconstruction) in enumerate(
            zip(self.sequences, self.reconstructions, strict=True)
        ):
            steps = np.arange(sequence.shape[0])
            for c in range(n_channels):
                panel = axes[i, c]
                (lines[i, c, 0],) = panel.plot(
                    steps, sequence[:, c], **{"label": "sequence", **(sequence_kw or {})}
                )
                (lines[i, c, 1],) = panel.plot(
                    steps,
                    reconstruction[:, c],
                    **{"linestyle": "--", "label": "reconstruction", **(reconstruction_kw or {})},
                )
                if self.future_steps:
                    start = sequence.shape[0] - self.future_steps - 0.5
                    panel.axvspan(
                        start, sequence.shape[0] - 0.5, color="0.85", zorder=0, label="predicted"
                    )
                if i == 0:
                    panel.set_title(names[c])
                if c == 0:
                    panel.set_ylabel(f"sequence {i}")
            axes[-1, 0].set_xlabel("time step")
        if ax is None:  # our own figure: one legend above the panels
            figure.legend(
                *axes[0, 0].get_legend_handles_labels(), loc="outside upper center", ncol=3
            )
        else:
            axes[0, 0].legend(loc="best", fontsize="small")
        self.lines_, self.ax_, self.figure_ = lines, axes, figure
        return self


class LossCurveDisplay:
    """Training ``loss`` (and ``val_loss``) per epoch, the best epoch marked.

    The best epoch is the one with the lowest monitored loss: ``val_loss``
    where there is one, else ``loss`` (as early stopping monitors).

    Parameters
    ----------
    loss : array-like of shape (n_epochs,)
        Training loss per epoch.
    val_loss : array-like of shape (n_epochs,), default=None
        Validation loss per epoch.

    Attributes
    ----------
    best_epoch_ : int
        The best epoch, counted from 1.
    lines_ : dict of str to matplotlib Line2D
        ``"loss"`` and, if given, ``"val_loss"``.
    best_marker_ : matplotlib Line2D
        The vertical line at the best epoch.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn_lstmae.plotting import LossCurveDisplay
    >>> display = LossCurveDisplay(loss=[3.0, 2.0, 1.5], val_loss=[3.1, 2.2, 2.4]).plot()
    >>> display.best_epoch_
    2
    """

    def __init__(self, loss, val_loss=None):
        self.loss = loss
        self.val_loss = val_loss

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot a fitted estimator's ``history_``.

        Parameters
        ----------
        estimator : LSTMAutoencoderTransformer or LSTMAutoencoderOutlierDetector
            A fitted estimator.
        ax : matplotlib Axes, default=None
            Axes to draw in; default: a new figure.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LossCurveDisplay
        """
        check_is_fitted(estimator)
        history = estimator.history_
        return cls(history["loss"], history.get("val_loss")).plot(ax=ax, **kwargs)

    def plot(self, ax=None, *, loss_kw=None, val_loss_kw=None):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw in; default: a new figure.
        loss_kw, val_loss_kw : dict, default=None
            Keyword arguments for ``Axes.plot`` of each curve.

        Returns
        -------
        display : LossCurveDisplay
        """
        loss = np.asarray(self.loss, dtype=float)
        if loss.ndim != 1 or loss.size == 0:
            raise ValueError("loss must hold one value per epoch, at least one.")
        figure, ax = _one_axes(ax)
        epochs = np.arange(1, loss.size + 1)
        lines = {}
        (lines["loss"],) = ax.plot(epochs, loss, **{"label": "loss", **(loss_kw or {})})
        monitored = loss
        if self.val_loss is not None:
            monitored = np.asarray(self.val_loss, dtype=float)
            (lines["val_loss"],) = ax.plot(
                epochs, monitored, **{"label": "val_loss", **(val_loss_kw or {})}
            )
        finite = np.where(np.isfinite(monitored), monitored, np.inf)
        self.best_epoch_ = int(np.argmin(finite)) + 1
        self.best_marker_ = ax.axvline(
            self.best_epoch_,
            color="0.5",
            linestyle=":",
            label=f"best epoch ({self.best_epoch_})",
        )
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.legend(loc="best")
        self.lines_, self.ax_, self.figure_ = lines, ax, figure
        return self


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

    def __init__(self, scores, threshold=None, *, y_true=None, kind="line", series=None):
        self.scores = scores
        self.threshold = threshold
        self.y_true = y_true
        self.kind = kind
        self.series = series

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, ax=None, **kwargs):
        """Score with a fitted detector and plot.

        Parameters
        ----------
        estimator : LSTMAutoencoderOutlierDetector or SeriesAnomalyDetector
            A fitted detector. Sequences: one marker per sequence, scores
            ``-score_samples(X)``, threshold ``-offset_``. A series: the
            series above its per-point ``score_series(X)``, threshold
            ``threshold_``.
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
            display = cls(scores, estimator.threshold_, y_true=y, kind="line", series=X)
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
                for n, (start, stop) in enumerate(_runs(anomalies)):
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
        for n, (start, stop) in enumerate(_runs(flagged)):
            ax.axvspan(
                start - 0.5,
                stop - 0.5,
                color="tab:red",
                alpha=0.3,
                label="flagged" if n == 0 else None,
            )
        if self.y_true is not None:
            for n, (start, stop) in enumerate(_runs(_anomaly_flags(self.y_true).reshape(-1))):
                ax.axvspan(
                    start - 0.5,
                    stop - 0.5,
                    color="tab:orange",
                    alpha=0.25,
                    label="true anomaly" if n == 0 else None,
                )
        ax.set_ylabel("value")
        ax.legend(loc="best", fontsize="small")
