"""ReconstructionDisplay: sequences beside their reconstructions."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae.plotting._common import _as_list, _axes_grid


class ReconstructionDisplay:
    """Sequences beside their reconstructions, one panel per sequence and channel.

    Build it with :meth:`from_estimator` or :meth:`from_predictions`.

    Read more in the :ref:`User Guide <pictures>`.

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
