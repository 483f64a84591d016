"""Reconstructions and their errors: what every autoencoder estimator can tell of sequences.

A mixin of the autoencoder estimators (after :class:`.sequence_layout.SequenceLayoutMixin`):
inference in bounded batches, large arrays in chunks of rows sized by
scikit-learn's ``working_memory``, and the public ``reconstruction_error``,
``reconstruct`` and ``score_samples``.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import gen_batches
from sklearn.utils._chunking import get_chunk_n_rows
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae._autoencoder.sequence_layout import in_input_form
from sklearn_lstmae._engine.inference import predict


def worst_if_not_finite(errors):
    """Return ``errors`` (per sequence, lower is better) with NaN replaced by +inf."""
    return np.where(np.isnan(errors), np.inf, errors)


def mean_squared_errors(errors, sequences):
    """Return the mean squared error over the real steps and channels of each sequence.

    A non-finite output at a real step (a model that overflowed) gives an
    infinite error, never a small one.
    """
    real = np.arange(errors.shape[1]) < sequences.lengths[:, None]
    squared_sum = np.sum(np.square(errors), axis=(1, 2), where=real[:, :, None])
    return worst_if_not_finite(squared_sum / (sequences.lengths * sequences.n_channels))


class ReconstructionMixin:
    """Run the fitted network on sequences; their reconstructions, errors and scores."""

    # Bytes of memory per value (step and channel) of a sequence that inference
    # uses at once: float32 copies of the input, the network's input and
    # output, float64 errors and their squares.
    _BYTES_PER_VALUE = 48

    def _predict(self, model, x):
        """Run ``model`` (``model_`` or one of its views) on ``x`` in bounded batches."""
        return predict(model, x, jit=self.xla_inference)

    def _in_chunks(self, compute, X):
        """Return ``compute(X, first_row=0)``; for large arrays, one chunk of rows at a time.

        Chunks hold as many rows as fit in scikit-learn's ``working_memory``
        (``sklearn.set_config`` or ``config_context``; at least one row). Each
        chunk is validated, converted and processed alone, so the memory
        used besides the result does not grow with the data (a
        ``numpy.memmap`` larger than memory, say). Lists are processed whole.
        """
        shape = () if isinstance(X, list | tuple) else tuple(getattr(X, "shape", ()))
        if len(shape) < 2:
            return compute(X, 0)
        check_is_fitted(self)
        values_per_row = int(np.prod(shape[1:]))
        if len(shape) == 2:
            values_per_row *= self.n_channels_  # univariate: 1 channel; else a wrong width
        chunk_rows = get_chunk_n_rows(row_bytes=max(1, self._BYTES_PER_VALUE * values_per_row))
        if chunk_rows >= shape[0]:
            return compute(X, 0)
        rows = X.iloc if hasattr(X, "iloc") else X
        result = None
        for chunk in gen_batches(shape[0], chunk_rows):
            part = compute(rows[chunk], chunk.start)
            if result is None:  # allocated once: no list of parts to concatenate
                result = np.empty((shape[0], *part.shape[1:]), dtype=part.dtype)
            result[chunk] = part
        return result

    def _errors(self, sequences):
        """Return signed errors, float64 (n, width, c); NaN after each sequence's end."""
        return self._outputs(sequences).astype(np.float64) - sequences.values

    def reconstruction_error(self, X):
        """Squared reconstruction error of every time step and channel.

        Shows *where* a sequence is badly reconstructed (for the composite
        model, its last ``future_steps`` steps are prediction errors). For one
        long series, cut it with :func:`~sklearn_lstmae.sliding_windows`, pass
        the windows here, and fold the result back onto the series with
        :func:`~sklearn_lstmae.fold_windows`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count, no longer than
            ``n_timesteps_``.

        Returns
        -------
        errors : ndarray or list of ndarray, dtype float64
            Squared errors in the form of ``X``: an array of its shape (NaN
            where ``X`` is padding) or a list of per-sequence arrays.
        """
        return self._in_chunks(self._reconstruction_error, X)

    def _reconstruction_error(self, X, first_row):
        sequences = self._check_fitted_sequences(X, first_row)
        return in_input_form(np.square(self._errors(sequences)), sequences)

    def reconstruct(self, X):
        """Reconstruct sequences: encode, then decode, in one pass.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count, no longer than
            ``n_timesteps_``.

        Returns
        -------
        reconstruction : ndarray or list of ndarray, dtype float32
            In the form of ``X``. For the composite model, the reconstruction
            of each observed window followed by the prediction of the
            ``future_steps`` after it.
        """
        return self._in_chunks(self._reconstruct, X)

    def _reconstruct(self, X, first_row):
        sequences = self._check_fitted_sequences(X, first_row)
        return in_input_form(self._outputs(sequences), sequences)

    def score_samples(self, X):
        """Negative mean squared reconstruction error of each sequence.

        Padding does not count. For the composite model the error covers the
        whole sequence: the reconstruction of the observed steps and the
        prediction of the ``future_steps`` that follow.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count, no longer than
            ``n_timesteps_``.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Greater is better (0 is a perfect reconstruction).
        """
        return self._in_chunks(self._score_samples, X)

    def _score_samples(self, X, first_row):
        sequences = self._check_fitted_sequences(X, first_row)
        return -mean_squared_errors(self._errors(sequences), sequences)
