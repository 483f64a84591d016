"""Between the user's sequences and the network's arrays, for a fitted autoencoder.

The user gives 2-D rows, NaN-padded 3-D arrays or lists of any lengths
(:func:`~sklearn_lstmae._utils.validation.check_sequences` makes them
:class:`~sklearn_lstmae._utils.validation.Sequences`); the network takes
standardized float32 arrays, the composite model's observed windows apart
from the future steps it predicts, and gives outputs that go back in the
user's form. A mixin of the autoencoder estimators: it reads their fitted
attributes (``network_params_``, ``n_timesteps_``, ``n_channels_``,
``channel_mean_``, ``channel_scale_``, ``input_ndim_``).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_lstmae._utils.validation import check_n_channels, check_sequences


def channel_statistics(sequences, weights=None):
    """Per-channel (weighted) mean and standard deviation of the real steps (float32)."""
    real_steps = ~np.isnan(sequences.values[:, :, 0])
    real = sequences.values[real_steps]  # (n_real_steps, c)
    if weights is None:
        mean = real.mean(axis=0, dtype=np.float64)
        std = real.std(axis=0, dtype=np.float64)
    else:  # each step weighs what its sequence weighs
        step_weights = np.broadcast_to(weights[:, None], real_steps.shape)[real_steps]
        mean = np.average(real, axis=0, weights=step_weights)
        std = np.sqrt(np.average((real - mean) ** 2, axis=0, weights=step_weights))
    scale = np.where(std > np.finfo(np.float32).eps * np.maximum(1.0, np.abs(mean)), std, 1.0)
    return mean.astype(np.float32), scale.astype(np.float32)


def check_longer_than_future(sequences, future_steps):
    """Reject sequences with no observed step before the ``future_steps`` predicted ones."""
    too_short = np.flatnonzero(sequences.lengths <= future_steps)
    if too_short.size:
        i = too_short[0]
        length = sequences.lengths[i]
        counted = "" if sequences.is_list else f" (n_features={length} in an array)"
        raise ValueError(
            f"future_steps={future_steps} must be smaller than the sequence length: "
            f"X[{sequences.first_row + i}] has {length} steps{counted}, and the composite "
            "model needs at least one observed step before the ones it predicts."
        )


def in_input_form(values, sequences):
    """Return per-step results (n, width, c) in the form of the input they came from.

    A list for a list (each cut to its sequence's length), an array (with
    NaN after each end) for an array; no channel axis for univariate input.
    """
    if sequences.univariate_input:
        values = values[:, :, 0]
    if sequences.is_list:
        return [values[i, :length] for i, length in enumerate(sequences.lengths)]
    return values


class SequenceLayoutMixin:
    """Checks against the fit, and conversions between the user's and the network's layout."""

    def _check_fitted_sequences(self, X, first_row=0):
        """Validate ``X`` against the fitted model; return :class:`Sequences`.

        Arrays must have the fitted width (``n_features_in_``), as for any
        scikit-learn estimator; NaN right padding makes room for shorter
        sequences. A list of sequences may have any lengths. ``first_row``:
        the index of ``X[0]`` in the caller's input, for error messages.
        """
        check_is_fitted(self)
        sequences = check_sequences(X, estimator=self, first_row=first_row)
        return self._check_matches_fit(X, sequences)

    def _check_matches_fit(self, X, sequences):
        """Check validated ``sequences`` (from ``X``) against the fitted width and channels."""
        if not sequences.is_list:
            if sequences.max_length != self.n_timesteps_:
                # scikit-learn's wording first (its checks match it), then ours.
                raise ValueError(
                    f"X has {sequences.max_length} features, but {type(self).__name__} is "
                    f"expecting {self.n_timesteps_} features as input: arrays hold sequences "
                    f"of n_timesteps={self.n_timesteps_} steps, NaN-padded after the end of "
                    "shorter ones. Pass a list of sequences for other lengths."
                )
            validate_data(self, X, reset=False, skip_check_array=True)
        check_n_channels(sequences.n_channels, self, n_timesteps=self.n_timesteps_)
        return sequences

    def _check_decodable(self, sequences):
        """Reject sequences longer than the ``n_timesteps_`` steps the decoder generates."""
        too_long = np.flatnonzero(sequences.lengths > self.n_timesteps_)
        if too_long.size:
            i = too_long[0]
            raise ValueError(
                f"X[{sequences.first_row + i}] has {sequences.lengths[i]} steps, but the "
                f"decoder generates "
                f"n_timesteps_={self.n_timesteps_}: reconstructing (or training on) longer "
                "sequences needs a model fitted on them. transform encodes any length."
            )

    def _to_network(self, values):
        """Standardize ``values`` (..., n_channels) per channel, if ``fit`` did (float32)."""
        if self.channel_mean_ is None:
            return values
        return ((values - self.channel_mean_) / self.channel_scale_).astype(np.float32)

    def _from_network(self, outputs):
        """Undo :meth:`_to_network` on network outputs (an array or a list of arrays)."""
        if self.channel_mean_ is None:
            return outputs
        if isinstance(outputs, list | tuple):
            return [self._from_network(part) for part in outputs]
        return (outputs * self.channel_scale_ + self.channel_mean_).astype(np.float32)

    def _observed(self, sequences, width=None):
        """Return the encoder input: each sequence without its last ``future_steps`` steps.

        NaN-padded after each window's end, and on the right up to ``width``.
        """
        k = self.network_params_["future_steps"]
        values = self._to_network(sequences.values)
        if k:
            check_longer_than_future(sequences, k)
            values = values[:, :-k].copy()
            values[np.arange(values.shape[1]) >= (sequences.lengths - k)[:, None]] = np.nan
        if width is not None and values.shape[1] < width:
            padding = np.full((values.shape[0], width - values.shape[1], values.shape[2]), np.nan)
            values = np.concatenate([values, padding.astype(np.float32)], axis=1)
        return values

    def _future(self, sequences):
        """Return the last ``future_steps`` steps of each sequence, (n, k, c)."""
        k = self.network_params_["future_steps"]
        steps = (sequences.lengths - k)[:, None] + np.arange(k)
        return self._to_network(sequences.values[np.arange(sequences.n_samples)[:, None], steps])

    def _training_arrays(self, sequences):
        """Return encoder input, targets and loss masks (1 = real step) for training."""
        self._check_decodable(sequences)
        k = self.network_params_["future_steps"]
        x = self._observed(sequences, width=self.n_timesteps_ - k)
        padded = np.isnan(x[:, :, 0])
        reconstruction = np.where(np.isnan(x), np.float32(0), x)
        mask = (~padded).astype(np.float32)
        if k == 0:
            return x, reconstruction, mask
        ones = np.ones((sequences.n_samples, k), dtype=np.float32)
        return x, [reconstruction, self._future(sequences)], [mask, ones]

    def _outputs(self, sequences):
        """Return the model's output for each sequence, aligned with it: (n, width, c).

        Reconstruction of the observed steps, then (composite) the prediction
        of the last ``future_steps``; NaN after each sequence's end.
        """
        self._check_decodable(sequences)
        outputs = self._from_network(self._predict(self.model_, self._observed(sequences)))
        k = self.network_params_["future_steps"]
        reconstruction = outputs[0] if k else outputs
        n, width = sequences.n_samples, sequences.max_length
        aligned = np.full((n, width, self.n_channels_), np.nan, dtype=np.float32)
        observed_lengths = sequences.lengths - k
        real = np.arange(width - k) < observed_lengths[:, None]
        aligned[:, : width - k][real] = reconstruction[:, : width - k][real]
        if k:
            steps = observed_lengths[:, None] + np.arange(k)
            aligned[np.arange(n)[:, None], steps] = outputs[1]
        return aligned

    def _in_fitted_layout(self, values):
        """Drop the channel axis if ``fit`` saw univariate sequences without one."""
        return values[:, :, 0] if self.input_ndim_ == 2 else values
