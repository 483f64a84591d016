"""Shared scikit-learn machinery of the LSTM autoencoder estimators.

Parameters, their validation, input checks, the training loop around one Keras
model, reconstruction error and persistence live here; the public estimators
add the methods of their role (transformer, outlier detector, ...).

Keras (and TensorFlow) are imported on first use, not when this module is
imported, so ``import sklearn_lstmae``, construction, ``get_params`` and
``clone`` stay cheap.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_lstmae._validation import check_sequences

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

# Parameters that define the network's shape; warm starts require them unchanged.
_ARCHITECTURE_PARAMS = (
    "units",
    "latent_dim",
    "activation",
    "dropout",
    "recurrent_dropout",
    "future_steps",
    "reverse_reconstruction",
)


def _n_train(n_samples, validation_split):
    """Return how many samples train under ``validation_split`` (the rest validate)."""
    n_train = int(np.floor(n_samples * (1.0 - validation_split)))
    if n_train < 1 or n_train >= n_samples:
        raise ValueError(
            f"validation_split={validation_split} leaves no training or no validation "
            f"sample out of n_samples={n_samples}."
        )
    return n_train


class _BaseLSTMAutoencoder(BaseEstimator):
    """Base class of the LSTM autoencoder estimators (not public)."""

    _parameter_constraints: dict = {
        "units": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "latent_dim": [Interval(Integral, 1, None, closed="left"), None],
        "activation": [str],
        "future_steps": [Interval(Integral, 0, None, closed="left")],
        "reverse_reconstruction": ["boolean"],
        "prediction_weight": [Interval(Real, 0, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "recurrent_dropout": [Interval(Real, 0, 1, closed="left")],
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "optimizer": [StrOptions(_OPTIMIZERS), HasMethods(["apply_gradients", "get_config"])],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "validation_split": [Interval(Real, 0, 1, closed="left")],
        "early_stopping": ["boolean"],
        "patience": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        units=100,
        *,
        latent_dim=None,
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
    ):
        self.units = units
        self.latent_dim = latent_dim
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
        if not units or any(
            isinstance(u, bool) or not isinstance(u, Integral) or u < 1 for u in units
        ):
            raise ValueError(
                "units must be a positive int or a non-empty tuple of positive ints; "
                f"got {self.units!r}."
            )
        if self.future_steps >= n_timesteps:
            raise ValueError(
                f"future_steps={self.future_steps} must be smaller than the sequence length "
                f"n_timesteps={n_timesteps} (n_features={n_timesteps} as scikit-learn counts "
                "them): the encoder needs at least one observed step."
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
            "activation": self.activation,
            "dropout": float(self.dropout),
            "recurrent_dropout": float(self.recurrent_dropout),
            "future_steps": int(self.future_steps),
            "reverse_reconstruction": bool(self.reverse_reconstruction),
        }

    def _check_fitted_sequences(self, X):
        """Validate ``X`` against the fitted sequence length and channel count."""
        check_is_fitted(self)
        X3, _ = check_sequences(X, estimator=self)
        if X3.shape[1] != self.n_timesteps_:
            # scikit-learn's wording first (its checks match it), then ours.
            raise ValueError(
                f"X has {X3.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_timesteps_} features as input: sequences of n_timesteps="
                f"{self.n_timesteps_} steps (each of n_channels={self.n_channels_})."
            )
        validate_data(self, X, reset=False, skip_check_array=True)
        if X3.shape[2] != self.n_channels_:
            raise ValueError(
                f"X has {X3.shape[2]} channels per time step, but {type(self).__name__} was "
                f"fitted on sequences of shape (n_timesteps, n_channels) = "
                f"({self.n_timesteps_}, {self.n_channels_})."
            )
        return X3

    def _as_fitted_layout(self, sequences):
        """Return float32 sequences (n, t, c) in the layout (2-D or 3-D) fit saw."""
        if self.input_ndim_ == 2:
            return sequences[:, :, 0]
        return sequences

    # ------------------------------------------------------------------ model
    def _make_optimizer(self):
        import keras

        if isinstance(self.optimizer, str):
            return keras.optimizers.get(
                {"class_name": self.optimizer, "config": {"learning_rate": self.learning_rate}}
            )
        # A fresh copy: the user's instance is never built or mutated.
        return type(self.optimizer).from_config(self.optimizer.get_config())

    def _build_model(self, network_params, seed):
        from sklearn_lstmae._networks import build_autoencoder

        model = build_autoencoder(**network_params, seed=seed)
        if network_params["future_steps"]:
            model.compile(
                optimizer=self._make_optimizer(),
                loss=["mse", "mse"],
                loss_weights=[1.0, float(self.prediction_weight)],
            )
        else:
            model.compile(optimizer=self._make_optimizer(), loss="mse")
        return model

    def _split(self, X3):
        """Split sequences into the encoder's input and the model's targets."""
        k = self.network_params_["future_steps"]
        if k == 0:
            return X3, X3
        observed = X3[:, :-k]
        return observed, [observed, X3[:, -k:]]

    def _reconstruct(self, X3):
        """Reconstruction (and prediction) of full-length sequences, (n, T, c)."""
        from sklearn_lstmae._training import predict

        observed, _ = self._split(X3)
        outputs = predict(self.model_, observed)
        if isinstance(outputs, list):
            return np.concatenate(outputs, axis=1)
        return outputs

    # --------------------------------------------------------------- training
    def _initialize(self, X, X3, input_ndim):
        """Create the fitted state for data ``X`` (validated as ``X3``)."""
        network_params = self._network_params(X3.shape[1], X3.shape[2])
        random_state = check_random_state(self.random_state)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        model = self._build_model(network_params, seed)
        # Everything above may raise; state is only assigned below.
        validate_data(self, X, reset=True, skip_check_array=True)
        self._random_state = random_state
        self.model_ = model
        self.network_params_ = network_params
        self.n_timesteps_, self.n_channels_ = X3.shape[1], X3.shape[2]
        self.input_ndim_ = input_ndim
        self.history_ = {"loss": []}
        self.n_iter_ = 0
        self.best_loss_ = np.inf

    def _check_warm_start(self, X):
        """Check that the fitted model can keep training on ``X``."""
        self._check_fitted_sequences(X)
        fitted = self.network_params_
        requested = self._network_params(fitted["n_timesteps"], fitted["n_channels"])
        changed = [name for name in requested if requested[name] != fitted[name]]
        if changed:
            raise ValueError(
                f"Cannot continue training: {', '.join(changed)} changed since the model was "
                "fitted. Set warm_start=False (or clone the estimator) to train a new model."
            )

    def _train(self, X3, *, epochs, validation_split, early_stopping):
        from sklearn_lstmae._training import train_epochs

        validation_data = None
        if validation_split > 0:
            n_train = _n_train(X3.shape[0], validation_split)
            validation_data = self._split(X3[n_train:])
            X3 = X3[:n_train]
        if isinstance(self.optimizer, str):
            # Honour a changed learning_rate when training continues.
            self.model_.optimizer.learning_rate = self.learning_rate
        x, y = self._split(X3)
        result = train_epochs(
            self.model_,
            x,
            y,
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
        )
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

    def _check_training_data(self, X3):
        """Reject training data before any state changes (a hook for subclasses)."""

    def _calibrate(self, X3):
        """Set what depends on the trained model and the training data (a hook)."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the autoencoder on sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Training sequences; a 2-D array (or DataFrame) holds one univariate
            sequence per row.
        y : None
            Ignored; present so the estimator fits in supervised pipelines.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X3, input_ndim = check_sequences(X, estimator=self)
        self._check_training_data(X3)
        if self.validation_split > 0:
            _n_train(X3.shape[0], self.validation_split)  # raises before any state changes
        if self.warm_start and hasattr(self, "model_"):
            self._check_warm_start(X)
        else:
            self._initialize(X, X3, input_ndim)
        self._train(
            X3,
            epochs=self.epochs,
            validation_split=self.validation_split,
            early_stopping=self.early_stopping,
        )
        self._calibrate(X3)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train for one more epoch on ``X`` (initializing the model if needed).

        For data that does not fit in memory, call it once per chunk.
        ``validation_split`` and ``early_stopping`` do not apply.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Training sequences.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The estimator.
        """
        X3, input_ndim = check_sequences(X, estimator=self)
        self._check_training_data(X3)
        if hasattr(self, "model_"):
            self._check_warm_start(X)
        else:
            self._initialize(X, X3, input_ndim)
        self._train(X3, epochs=1, validation_split=0.0, early_stopping=False)
        self._calibrate(X3)
        return self

    # ---------------------------------------------------------------- scoring
    def _errors(self, X3):
        """Signed reconstruction (and prediction) errors, float64 (n, T, c)."""
        return self._reconstruct(X3).astype(np.float64) - X3

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
                (n_samples, n_timesteps, n_channels)
            Sequences of the fitted length and channel count.

        Returns
        -------
        errors : ndarray of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), dtype float64
            Squared errors, in the layout ``fit`` saw.
        """
        X3 = self._check_fitted_sequences(X)
        return self._as_fitted_layout(np.square(self._errors(X3)))

    def reconstruct(self, X):
        """Reconstruct sequences: encode, then decode, in one pass.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences of the fitted length and channel count.

        Returns
        -------
        reconstruction : ndarray of the shape of ``X`` in the layout ``fit`` saw, dtype float32
            For the composite model, the reconstruction of the observed window
            followed by the prediction of the ``future_steps`` after it.
        """
        return self._as_fitted_layout(self._reconstruct(self._check_fitted_sequences(X)))

    def _mse(self, X3):
        return np.mean(np.square(self._errors(X3)), axis=(1, 2))

    def score_samples(self, X):
        """Negative mean squared reconstruction error of each sequence.

        For the composite model the error covers the whole sequence: the
        reconstruction of the observed steps and the prediction of the
        ``future_steps`` that follow.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences of the fitted length and channel count.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Greater is better (0 is a perfect reconstruction).
        """
        return -self._mse(self._check_fitted_sequences(X))

    # ------------------------------------------------------------ persistence
    def __getstate__(self):
        state = dict(super().__getstate__())
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
