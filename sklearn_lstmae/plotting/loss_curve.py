"""LossCurveDisplay: the training and validation loss per epoch."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae.plotting._common import _one_axes


class LossCurveDisplay:
    """Training ``loss`` (and ``val_loss``) per epoch, the best epoch marked.

    The best epoch is the one with the lowest monitored loss: ``val_loss``
    where there is one, else ``loss`` (as early stopping monitors).

    Read more in the :ref:`User Guide <pictures>`.

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
