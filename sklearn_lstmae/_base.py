"""Shared scikit-learn machinery of the LSTM autoencoder estimators.

Parameters, their validation, input checks, the training loop around one Keras
model, reconstruction error and persistence live here; the public estimators
add the methods of their role (transformer, outlier detector, ...).

Keras (and TensorFlow) are imported on first use, not when this module is
imported, so ``import sklearn_lstmae``, construction, ``get_params`` and
``clone`` stay cheap.
"""

from __future__ import annotations

import contextlib
import copy
import pickle
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, gen_batches
from sklearn.utils._chunking import get_chunk_n_rows
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_lstmae._inference import predict
from sklearn_lstmae._validation import check_sample_weight, check_sequences

_OPTIMIZERS = {
    "adam",
    "adamw",
    "adamax",
    "adagrad",
    "adadelta",
    "ftrl",
    "lion",
    "nadam",
    "rmsprop",
    "sgd",
}


def _n_train(n_samples, validation_split):
    """Return how many samples train under ``validation_split`` (the rest validate)."""
    n_train = int(np.floor(n_samples * (1.0 - validation_split)))
    if n_train < 1 or n_train >= n_samples:
        raise ValueError(
            f"validation_split={validation_split} leaves no training or no validation "
            f"sample out of n_samples={n_samples}."
        )
    return n_train


def _picklable_callbacks(callbacks):
    """Return the callbacks that pickle can store; warn about the others."""
    kept, dropped = [], []
    for callback in callbacks:
        try:
            pickle.dumps(callback)
        except Exception:  # noqa: BLE001 - any failure means: cannot be stored
            dropped.append(type(callback).__name__)
        else:
            kept.append(callback)
    if dropped:
        warnings.warn(
            f"Callbacks that cannot be pickled are left out of the pickled estimator: "
            f"{', '.join(dropped)}. Pass them again with set_params(callbacks=...).",
            UserWarning,
            stacklevel=4,
        )
    return kept


def _scaled_rows(masks, weights):
    """Loss masks (an array, or one per model output) with each row scaled by its weight."""
    if isinstance(masks, list):
        return [_scaled_rows(mask, weights) for mask in masks]
    return (masks * weights.reshape(-1, *([1] * (masks.ndim - 1)))).astype(np.float32)


def _worst_if_not_finite(errors):
    """Return ``errors`` (per sequence, lower is better) with NaN replaced by +inf."""
    return np.where(np.isnan(errors), np.inf, errors)


# The widest LSTM or bottleneck accepted: 4 * 4096**2 weights (64M) per LSTM
# already take 256 MB, three times that with Adam's moments. Larger requests
# are refused before anything is allocated, rather than exhausting memory.
MAX_WIDTH = 4096


class _Interval(Interval):
    """scikit-learn's ``Interval`` that refuses booleans (``True`` is not a count)."""

    def is_satisfied_by(self, val):
        """Return whether ``val`` is a number (not a bool) in the interval."""
        return not isinstance(val, bool | np.bool_) and super().is_satisfied_by(val)


class _BaseLSTMAutoencoder(BaseEstimator):
    """Base class of the LSTM autoencoder estimators (not public)."""

    _parameter_constraints: dict = {
        "units": [_Interval(Integral, 1, MAX_WIDTH, closed="both"), tuple, list],
        "latent_dim": [_Interval(Integral, 1, MAX_WIDTH, closed="both"), None],
        "bidirectional": ["boolean"],
        "code": [
            StrOptions(
                {
                    "last_hidden",
                    "all_states",
                    "states_and_means",
                    "states_and_pools",
                    "states_pools_and_segments",
                }
            )
        ],
        "standardize": ["boolean"],
        "activation": [str],
        "future_steps": [_Interval(Integral, 0, None, closed="left")],
        "reverse_reconstruction": ["boolean"],
        "prediction_weight": [_Interval(Real, 0, None, closed="left")],
        "dropout": [_Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [_Interval(Real, 0, 1, closed="left")],
        "epochs": [_Interval(Integral, 1, None, closed="left")],
        "batch_size": [_Interval(Integral, 1, None, closed="left")],
        "optimizer": [StrOptions(_OPTIMIZERS), HasMethods(["apply_gradients", "get_config"])],
        "learning_rate": [_Interval(Real, 0, None, closed="neither")],
        "validation_split": [_Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [_Interval(Integral, 1, None, closed="left")],
        "min_delta": [_Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "distribute_strategy": [None, StrOptions({"mirrored"}), HasMethods(["scope", "run"])],
        "xla_inference": ["boolean"],
        "callbacks": [list, None],
    }

    def __init__(
        self,
        units=100,
        *,
        latent_dim=None,
        bidirectional=True,
        code="states_and_pools",
        standardize=False,
        activation="tanh",
        future_steps=0,
        reverse_reconstruction=False,
        prediction_weight=1.0,
        dropout=0.0,
        recurrent_dropout=0.0,
        epochs=100,
        batch_size=32,
        optimizer="adam",
        learning_rate=1e-3,
        validation_split=0.0,
        early_stopping=False,
        patience=10,
        min_delta=0.0,
        shuffle=True,
        random_state=None,
        verbose=0,
        warm_start=False,
        distribute_strategy=None,
        xla_inference=False,
        callbacks=None,
    ):
        self.units = units
        self.latent_dim = latent_dim
        self.bidirectional = bidirectional
        self.code = code
        self.standardize = standardize
        self.activation = activation
        self.future_steps = future_steps
        self.reverse_reconstruction = reverse_reconstruction
        self.prediction_weight = prediction_weight
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.min_delta = min_delta
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.distribute_strategy = distribute_strategy
        self.xla_inference = xla_inference
        self.callbacks = callbacks

    # ------------------------------------------------------------------ views
    @property
    def encoder_(self):
        """Keras model from sequences to codes; shares its layers with ``model_``."""
        return self.model_.get_layer("encoder")

    @property
    def decoder_(self):
        """Keras model from codes to sequences; shares its layers with ``model_``."""
        return self.model_.get_layer("decoder")

    @property
    def _n_features_out(self):
        """Width of the code (used by ``get_feature_names_out``)."""
        return self.encoder_.output.shape[-1]

    # ------------------------------------------------------------- validation
    def _network_params(self, n_timesteps, n_channels):
        """Check the architecture parameters against the data; return builder kwargs."""
        units = (self.units,) if isinstance(self.units, Integral) else tuple(self.units)
        width = _Interval(Integral, 1, MAX_WIDTH, closed="both")
        if not units or not all(width.is_satisfied_by(u) for u in units):
            raise ValueError(
                "units must be a positive int or a non-empty tuple of positive ints, each "
                f"at most {MAX_WIDTH}; got {self.units!r}."
            )
        import keras

        try:
            keras.activations.get(self.activation)
        except ValueError:
            raise ValueError(
                f"activation={self.activation!r} is not a Keras activation (e.g. 'tanh', "
                "'relu', 'sigmoid')."
            ) from None
        return {
            "n_timesteps": int(n_timesteps),
            "n_channels": int(n_channels),
            "units": tuple(int(u) for u in units),
            "latent_dim": None if self.latent_dim is None else int(self.latent_dim),
            "bidirectional": bool(self.bidirectional),
            "code": self.code,
            "activation": self.activation,
            "dropout": float(self.dropout),
            "recurrent_dropout": float(self.recurrent_dropout),
            "future_steps": int(self.future_steps),
            "reverse_reconstruction": bool(self.reverse_reconstruction),
        }

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

    # Bytes of memory per value (step and channel) of a sequence that inference
    # uses at once: float32 copies of the input, the network's input and
    # output, float64 errors and their squares.
    _BYTES_PER_VALUE = 48

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
        if sequences.n_channels != self.n_channels_:
            raise ValueError(
                f"X has {sequences.n_channels} channels per time step, but "
                f"{type(self).__name__} was fitted on {self.n_channels_} (sequences of shape "
                f"(n_timesteps, n_channels) = ({self.n_timesteps_}, {self.n_channels_}))."
            )
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

    def _predict(self, model, x):
        """Run ``model`` (``model_`` or one of its views) on ``x`` in bounded batches."""
        return predict(model, x, jit=self.xla_inference)

    def _to_network(self, values):
        """Standardize ``values`` (..., n_channels) per channel, if ``fit`` did (float32)."""
        if getattr(self, "channel_mean_", None) is None:
            return values
        return ((values - self.channel_mean_) / self.channel_scale_).astype(np.float32)

    def _from_network(self, outputs):
        """Undo :meth:`_to_network` on network outputs (an array or a list of arrays)."""
        if getattr(self, "channel_mean_", None) is None:
            return outputs
        if isinstance(outputs, list | tuple):
            return [self._from_network(part) for part in outputs]
        return (outputs * self.channel_scale_ + self.channel_mean_).astype(np.float32)

    def _channel_statistics(self, sequences, weights=None):
        """Per-channel (weighted) mean and standard deviation of the real steps, or Nones."""
        if not self.standardize:
            return None, None
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

    @staticmethod
    def _check_longer_than_future(sequences, future_steps):
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

    def _observed(self, sequences, width=None):
        """Return the encoder input: each sequence without its last ``future_steps`` steps.

        NaN-padded after each window's end, and on the right up to ``width``.
        """
        k = self.network_params_["future_steps"]
        values = self._to_network(sequences.values)
        if k:
            self._check_longer_than_future(sequences, k)
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

    @staticmethod
    def _in_input_form(values, sequences):
        """Return per-step results (n, width, c) in the form of the input they came from.

        A list for a list (each cut to its sequence's length), an array (with
        NaN after each end) for an array; no channel axis for univariate input.
        """
        if sequences.univariate_input:
            values = values[:, :, 0]
        if sequences.is_list:
            return [values[i, :length] for i, length in enumerate(sequences.lengths)]
        return values

    def _in_fitted_layout(self, values):
        """Drop the channel axis if ``fit`` saw univariate sequences without one."""
        return values[:, :, 0] if self.input_ndim_ == 2 else values

    # ------------------------------------------------------------------ model
    def _make_optimizer(self):
        import keras

        if isinstance(self.optimizer, str):
            return keras.optimizers.get(
                {"class_name": self.optimizer, "config": {"learning_rate": self.learning_rate}}
            )
        # A fresh copy: the user's instance is never built or mutated.
        return type(self.optimizer).from_config(self.optimizer.get_config())

    def _strategy(self):
        """Return the ``tf.distribute.Strategy`` to build and train under, or None."""
        if self.distribute_strategy is None:
            return None
        import keras

        if keras.backend.backend() != "tensorflow":
            raise ValueError(
                "distribute_strategy needs Keras's TensorFlow backend; the backend is "
                f"{keras.backend.backend()!r} (see keras.distribution for JAX)."
            )
        if isinstance(self.distribute_strategy, str):  # "mirrored"
            import tensorflow as tf

            return tf.distribute.MirroredStrategy()
        return self.distribute_strategy

    def _build_model(self, network_params, seed):
        import contextlib

        from sklearn_lstmae._networks import build_autoencoder

        strategy = self._strategy()
        with strategy.scope() if strategy is not None else contextlib.nullcontext():
            model = build_autoencoder(**network_params, seed=seed)
            if network_params["future_steps"]:
                model.compile(
                    optimizer=self._make_optimizer(),
                    loss=["mse", "mse"],
                    loss_weights=[1.0, float(self.prediction_weight)],
                )
            else:
                model.compile(optimizer=self._make_optimizer(), loss="mse")
            # Create the optimizer's variables now (under the strategy): created
            # inside the first training step, they make TensorFlow trace it twice.
            model.optimizer.build(model.trainable_variables)
        return model

    # --------------------------------------------------------------- training
    def _initialize(self, X, sequences, weights=None):
        """Create the fitted state for data ``X`` (validated as ``sequences``, ``weights``)."""
        network_params = self._network_params(sequences.max_length, sequences.n_channels)
        random_state = check_random_state(self.random_state)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        model = self._build_model(network_params, seed)
        channel_mean, channel_scale = self._channel_statistics(sequences, weights)
        # Everything above may raise; state is only assigned below.
        names_and_width = sequences.values[:, :, 0] if sequences.is_list else X
        validate_data(self, names_and_width, reset=True, skip_check_array=True)
        self._random_state = random_state
        self._model_seed = seed
        self.model_ = model
        self.network_params_ = network_params
        self.n_timesteps_, self.n_channels_ = sequences.max_length, sequences.n_channels
        self.input_ndim_ = 2 if sequences.univariate_input else 3
        self.channel_mean_, self.channel_scale_ = channel_mean, channel_scale
        self.history_ = {"loss": []}
        self.n_iter_ = 0
        self.best_loss_ = np.inf

    def _check_warm_start(self, X, sequences):
        """Check that the fitted model can keep training on ``X`` (validated as ``sequences``)."""
        self._check_decodable(self._check_matches_fit(X, sequences))
        fitted = self.network_params_
        requested = self._network_params(fitted["n_timesteps"], fitted["n_channels"])
        # .get: a model pickled before an option existed was built without it.
        changed = [name for name in requested if requested[name] != fitted.get(name)]
        if bool(self.standardize) != (getattr(self, "channel_mean_", None) is not None):
            changed.append("standardize")
        if changed:
            raise ValueError(
                f"Cannot continue training: {', '.join(changed)} changed since the model was "
                "fitted. Set warm_start=False (or clone the estimator) to train a new model."
            )

    def _train(self, sequences, weights, *, epochs, validation_split, early_stopping):
        """Train ``model_`` on ``sequences``; return the :class:`TrainingResult`.

        ``weights`` (per sequence, or None) scale each sequence's loss masks,
        so the loss is the weighted mean over real steps. They follow the
        validation split (the last rows, as in Keras), and training rows of
        weight 0 are left out, so they have no influence at all, shuffling
        included.
        """
        from sklearn_lstmae._training import take, train_epochs

        x, y, masks = self._training_arrays(sequences)
        if weights is not None:
            masks = _scaled_rows(masks, weights)
        validation_data = None
        n_train = _n_train(x.shape[0], validation_split) if validation_split > 0 else x.shape[0]
        if validation_split > 0:
            held_out = slice(n_train, None)
            validation_data = (x[held_out], take(y, held_out), take(masks, held_out))
        rows = slice(0, n_train) if weights is None else np.flatnonzero(weights[:n_train] > 0)
        x, y, masks = x[rows], take(y, rows), take(masks, rows)
        if isinstance(self.optimizer, str):
            # Honour a changed learning_rate when training continues.
            self.model_.optimizer.learning_rate = self.learning_rate
        try:
            result = train_epochs(
                self.model_,
                x,
                y,
                masks,
                epochs=epochs,
                batch_size=self.batch_size,
                shuffle=self.shuffle,
                random_state=self._random_state,
                validation_data=validation_data,
                early_stopping=early_stopping,
                patience=self.patience,
                min_delta=self.min_delta,
                verbose=self.verbose,
                first_epoch=self.n_iter_,
                callbacks=self.callbacks,
            )
        finally:
            for callback in self.callbacks or ():
                callback.set_model(None)  # bound during training only: copies stay small
        for key, values in result.history.items():
            self.history_.setdefault(key, []).extend(values)
        self.n_iter_ += result.n_epochs
        self.best_loss_ = min(self.best_loss_, result.best_loss)
        if early_stopping and not result.stopped_early and result.n_epochs == epochs:
            warnings.warn(
                f"Training ran all epochs={epochs} without meeting the early stopping "
                f"criterion (patience={self.patience}); the model may not have converged.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return result

    def _check_callbacks(self):
        import keras

        for i, callback in enumerate(self.callbacks or ()):
            if not isinstance(callback, keras.callbacks.Callback):
                raise TypeError(
                    "callbacks must be a list of keras.callbacks.Callback instances; "
                    f"callbacks[{i}] is {type(callback).__name__}."
                )

    def _check_training_data(self, sequences):
        """Reject training data before any state changes (a hook for subclasses)."""

    def _calibrate(self, sequences, weights, *, partial=False):
        """Set what depends on the trained model and the training data (a hook).

        ``weights``: per sequence, or None. ``partial``: ``sequences`` is one
        more chunk of ``partial_fit``.
        """

    def _prepare_training(self, X, sample_weight, *, warm, validation_split=0.0):
        """Validate training data; initialize the model unless training continues.

        Everything that can be rejected is checked before any state changes.
        Returns the validated sequences and weights (None: all equal).
        """
        self._check_callbacks()
        sequences = check_sequences(X, estimator=self)
        weights = check_sample_weight(sample_weight, sequences.n_samples)
        self._check_training_data(sequences)
        if validation_split > 0:
            n_train = _n_train(sequences.n_samples, validation_split)
            if weights is not None and not (
                np.any(weights[:n_train] > 0) and np.any(weights[n_train:] > 0)
            ):
                part = "training" if not np.any(weights[:n_train] > 0) else "validation"
                raise ValueError(
                    f"sample_weight is zero on every {part} sequence of the validation split "
                    f"(validation_split={self.validation_split} holds out the last rows)."
                )
        if warm and hasattr(self, "model_"):
            self._check_warm_start(X, sequences)
        else:
            self._check_longer_than_future(sequences, self.future_steps)
            self._initialize(X, sequences, weights)
        return sequences, weights

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Train the autoencoder on sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Training sequences: a 2-D array (or DataFrame) holds one univariate
            sequence per row; arrays may be right-padded with NaN; a list holds
            sequences of shape ``(length_i,)`` or ``(length_i, n_channels)``.
        y : None
            Ignored; present so the estimator fits in supervised pipelines.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sequence weights: the loss is the weighted mean over real
            steps, and a sequence of weight 0 has no influence at all. With
            ``validation_split`` the weights follow the split (the last rows
            are held out) and weigh the validation loss. The detector's
            threshold and error model are weighted too. In a ``Pipeline``,
            route them with ``set_fit_request(sample_weight=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_all_or_nothing(
            X,
            sample_weight,
            warm=self.warm_start,
            epochs=self.epochs,
            validation_split=self.validation_split,
            early_stopping=self.early_stopping,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, sample_weight=None):
        """Train for one more epoch on ``X`` (initializing the model if needed).

        For data that does not fit in memory, call it once per chunk.
        ``validation_split`` and ``early_stopping`` do not apply.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Training sequences, in any form ``fit`` accepts.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sequence weights, as in :meth:`fit`.

        Returns
        -------
        self : object
            The estimator.
        """
        return self._fit_all_or_nothing(
            X,
            sample_weight,
            warm=True,
            epochs=1,
            validation_split=0.0,
            early_stopping=False,
            partial=True,
        )

    def _fit_all_or_nothing(self, X, sample_weight, *, warm, partial=False, **training):
        """Validate, train and calibrate; a call that fails changes nothing.

        An exception (bad data, a diverged loss, an error in the calibration)
        or a second interrupt gives the estimator back the state it had before
        the call: attributes, weights, optimizer state, random state. A first
        interrupt (Ctrl-C) keeps the epochs completed so far, if any: the
        model is calibrated for them, then ``KeyboardInterrupt`` propagates
        (a search or a script stops; the estimator is consistent).
        """
        with self._undo_on_failure():
            sequences, weights = self._prepare_training(
                X, sample_weight, warm=warm, validation_split=training["validation_split"]
            )
            result = self._train(sequences, weights, **training)
            if result.interrupted and result.n_epochs == 0:
                raise KeyboardInterrupt("Training was interrupted before its first epoch ended.")
            self._calibrate(sequences, weights, partial=partial)
        if result.interrupted:
            raise KeyboardInterrupt(
                f"Training was interrupted; the model keeps the {result.n_epochs} epochs this "
                f"call completed (n_iter_={self.n_iter_})."
            )
        return self

    @contextlib.contextmanager
    def _undo_on_failure(self):
        """Restore the estimator's state if the body raises (anything, interrupts included)."""
        saved = dict(vars(self))
        history = copy.deepcopy(saved.get("history_"))
        random_state = saved.get("_random_state")
        random_state_state = None if random_state is None else random_state.get_state()
        weights = None
        if "model_" in saved:
            from sklearn_lstmae._training import VariableSnapshot

            weights = VariableSnapshot(saved["model_"])
        try:
            yield
        except BaseException:
            vars(self).clear()
            vars(self).update(saved)
            if history is not None:
                self.history_ = history
            if random_state is not None:
                random_state.set_state(random_state_state)
            if weights is not None:
                weights.restore()
            raise

    # ---------------------------------------------------------------- scoring
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
        return self._in_input_form(np.square(self._errors(sequences)), sequences)

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
        return self._in_input_form(self._outputs(sequences), sequences)

    @staticmethod
    def _mse(errors, sequences):
        """Return the mean squared error over the real steps and channels of each sequence.

        A non-finite output at a real step (a model that overflowed) gives an
        infinite error, never a small one.
        """
        real = np.arange(errors.shape[1]) < sequences.lengths[:, None]
        squared_sum = np.sum(np.square(errors), axis=(1, 2), where=real[:, :, None])
        return _worst_if_not_finite(squared_sum / (sequences.lengths * sequences.n_channels))

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
        return -self._mse(self._errors(sequences), sequences)

    # ------------------------------------------------------------ persistence
    def save(self, path):
        """Write the estimator to a file that :func:`sklearn_lstmae.load` reads.

        The file is a zip archive of data only, with no pickle: the network in
        Keras's ``.keras`` format (loaded in Keras's safe mode), the
        parameters and versions as JSON, and the fitted arrays as ``.npz``.
        It loads on any Keras backend. Callbacks are not saved (a warning
        says so), nor is a ``tf.distribute`` strategy instance.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write. An existing file is replaced once the archive is
            complete.

        See Also
        --------
        sklearn_lstmae.load : Read the file back.
        """
        from sklearn_lstmae._persistence import save

        save(self, path)

    def __getstate__(self):
        state = dict(super().__getstate__())
        if self.callbacks:
            state["callbacks"] = _picklable_callbacks(self.callbacks)
        if not (self.distribute_strategy is None or isinstance(self.distribute_strategy, str)):
            # A Strategy instance holds this process's devices and cannot be
            # pickled; the copy trains without one ("mirrored" is kept).
            state["distribute_strategy"] = None
        if "model_" in state:
            from sklearn_lstmae._serialization import model_to_bytes

            state["model_"] = model_to_bytes(state["model_"])
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), bytes):
            from sklearn_lstmae._serialization import model_from_bytes

            state = dict(state, model_=model_from_bytes(state["model_"]))
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
