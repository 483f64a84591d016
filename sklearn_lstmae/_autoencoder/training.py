"""The all-or-nothing fit of an autoencoder estimator: validate, build, train, calibrate.

A mixin of the autoencoder estimators. ``fit`` and ``partial_fit`` run as one
transaction (:func:`~sklearn_lstmae._utils.rollback.restore_on_failure`): a
call that raises leaves the estimator as it was. Subclasses add what depends
on the trained model through two hooks, :meth:`_check_training_data` (before
any state changes) and :meth:`_calibrate` (after training). The epoch loop
itself is the engine's :func:`~sklearn_lstmae._engine.training.train_epochs`.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from sklearn_lstmae._autoencoder.model_factory import (
    build_model,
    check_callbacks,
    network_params,
    resolve_strategy,
)
from sklearn_lstmae._autoencoder.sequence_layout import (
    channel_statistics,
    check_longer_than_future,
)
from sklearn_lstmae._utils.rollback import restore_on_failure
from sklearn_lstmae._utils.validation import check_sample_weight, check_sequences


def n_training_rows(n_samples, validation_split):
    """Return how many samples train under ``validation_split`` (the rest validate)."""
    n_train = int(np.floor(n_samples * (1.0 - validation_split)))
    if n_train < 1 or n_train >= n_samples:
        raise ValueError(
            f"validation_split={validation_split} leaves no training or no validation "
            f"sample out of n_samples={n_samples}."
        )
    return n_train


def scaled_rows(masks, weights):
    """Loss masks (an array, or one per model output) with each row scaled by its weight."""
    if isinstance(masks, list):
        return [scaled_rows(mask, weights) for mask in masks]
    return (masks * weights.reshape(-1, *([1] * (masks.ndim - 1)))).astype(np.float32)


class TrainingMixin:
    """``fit`` and ``partial_fit`` of an autoencoder estimator, each all or nothing."""

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
        snapshots = []
        if hasattr(self, "model_"):
            from sklearn_lstmae._engine.training import VariableSnapshot

            snapshots.append(VariableSnapshot(self.model_))
        with restore_on_failure(
            self, copied=("history_",), random_states=("_random_state",), snapshots=snapshots
        ):
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

    def _prepare_training(self, X, sample_weight, *, warm, validation_split=0.0):
        """Validate training data; initialize the model unless training continues.

        Everything that can be rejected is checked before any state changes.
        Returns the validated sequences and weights (None: all equal).
        """
        check_callbacks(self.callbacks)
        sequences = check_sequences(X, estimator=self)
        weights = check_sample_weight(sample_weight, sequences.n_samples)
        self._check_training_data(sequences)
        if validation_split > 0:
            n_train = n_training_rows(sequences.n_samples, validation_split)
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
            check_longer_than_future(sequences, self.future_steps)
            self._initialize(X, sequences, weights)
        return sequences, weights

    def _check_training_data(self, sequences):
        """Reject training data before any state changes (a hook for subclasses)."""

    def _initialize(self, X, sequences, weights=None):
        """Create the fitted state for data ``X`` (validated as ``sequences``, ``weights``)."""
        params = network_params(self.get_params(), sequences.max_length, sequences.n_channels)
        random_state = check_random_state(self.random_state)
        seed = int(random_state.randint(np.iinfo(np.int32).max))
        model = build_model(
            params,
            seed,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            prediction_weight=self.prediction_weight,
            strategy=resolve_strategy(self.distribute_strategy),
        )
        channel_mean, channel_scale = (
            channel_statistics(sequences, weights) if self.standardize else (None, None)
        )
        # Everything above may raise; state is only assigned below.
        names_and_width = sequences.values[:, :, 0] if sequences.is_list else X
        validate_data(self, names_and_width, reset=True, skip_check_array=True)
        self._random_state = random_state
        self._model_seed = seed
        self.model_ = model
        self.network_params_ = params
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
        requested = network_params(self.get_params(), fitted["n_timesteps"], fitted["n_channels"])
        changed = [name for name in requested if requested[name] != fitted[name]]
        if bool(self.standardize) != (self.channel_mean_ is not None):
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
        from sklearn_lstmae._engine.training import take, train_epochs

        x, y, masks = self._training_arrays(sequences)
        if weights is not None:
            masks = scaled_rows(masks, weights)
        validation_data = None
        n_train = (
            n_training_rows(x.shape[0], validation_split) if validation_split > 0 else x.shape[0]
        )
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

    def _calibrate(self, sequences, weights, *, partial=False):
        """Set what depends on the trained model and the training data (a hook).

        ``weights``: per sequence, or None. ``partial``: ``sequences`` is one
        more chunk of ``partial_fit``.
        """
