"""The training loop shared by the estimators.

Training runs one ``train_on_batch`` call per mini-batch, with batches drawn
from a ``numpy.random.RandomState`` owned by the estimator. Compared with
calling ``keras.Model.fit``, this

- makes shuffling reproducible without touching any global seed (Keras's own
  shuffle draws from TensorFlow's global random state),
- works the same way on every Keras backend,
- avoids ``fit``'s per-call and per-epoch set-up cost (data adapters, epoch
  iterators), which dominates on small data sets,
- keeps every batch the same shape, so the training step compiles once: a
  short last batch is filled up with rows of weight 0, and per-step weights
  make the loss the mean over the real steps of the real rows (a masked MSE,
  exactly the loss and gradient of the short batch without filler), and
- gives epoch-level control for ``partial_fit``, ``warm_start`` and early
  stopping that keeps the best weights in memory.

Under a ``tf.distribute`` strategy with several replicas, each batch is split
into equal shares, one per replica (see :func:`distribute_batch`).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import keras
import numpy as np


@dataclass
class TrainingResult:
    """What one call of :func:`train_epochs` did."""

    history: dict[str, list[float]] = field(default_factory=dict)
    n_epochs: int = 0
    stopped_early: bool = False
    best_loss: float = math.inf


def take(y, index):
    """Rows ``index`` of an array, or of each array in a list."""
    if isinstance(y, list):
        return [part[index] for part in y]
    return y[index]


def _n_batches(n_samples: int, batch_size: int) -> int:
    return max(1, math.ceil(n_samples / batch_size))


def _batches(order: np.ndarray, batch_size: int, multiple_of: int = 1):
    """Yield ``(index, n_real)`` for equal-shape mini-batches over ``order``.

    ``batch_size`` is capped at ``len(order)``. A short last batch is filled
    up with rows from the start of ``order``, and every batch up to a multiple
    of ``multiple_of`` rows (one equal share per replica); only the first
    ``n_real`` rows are real (the others get weight 0 in :func:`_batch_weights`).
    """
    real = min(batch_size, order.shape[0])
    size = -(-real // multiple_of) * multiple_of
    for start in range(0, order.shape[0], real):
        index = order[start : start + real]
        n_real = index.shape[0]
        if n_real < size:
            index = np.concatenate([index, np.resize(order, size - n_real)])
        yield index, n_real


def _replicas(model) -> int:
    """Return how many replicas ``model`` trains on (1 without a tf.distribute strategy)."""
    strategy = getattr(model, "distribute_strategy", None)  # TensorFlow backend only
    return 1 if strategy is None else strategy.num_replicas_in_sync


def _train_on_batch(model, x, y, sample_weight, n_replicas):
    """One gradient step; with several replicas, each one gets an equal share of rows.

    ``train_on_batch`` would hand every replica the whole batch: as many
    copies of the same work. Here the batch becomes a distributed value, one
    contiguous share per replica, which Keras's training function accepts
    like a batch from a distributed dataset.
    """
    if n_replicas == 1:
        return model.train_on_batch(x, y, sample_weight=sample_weight)
    model.make_train_function()
    model.reset_metrics()
    logs = model.train_function(
        iter([distribute_batch(model.distribute_strategy, (x, y, sample_weight))])
    )
    return float(logs["loss"])


def distribute_batch(strategy, batch):
    """Split ``batch`` (arrays, or lists of arrays) into one contiguous share per replica.

    The number of rows must be a multiple of the number of replicas.
    """
    import keras

    share = keras.tree.flatten(batch)[0].shape[0] // strategy.num_replicas_in_sync

    def replica_share(context):
        start = context.replica_id_in_sync_group * share
        return keras.tree.map_structure(lambda a: a[start : start + share], batch)

    return strategy.experimental_distribute_values_from_function(replica_share)


def _batch_weights(masks, index, n_real):
    """Per-step sample weights of one batch, one array per model output.

    ``masks`` holds, per output, 1 for the real time steps of each sequence
    and 0 for padding. The weights zero the padding and the filler rows and
    scale the rest so that Keras's mean over all entries of the batch equals
    the mean over its real steps: a masked MSE, the same for any padding.
    """
    weights = []
    for mask in masks if isinstance(masks, list) else [masks]:
        weight = mask[index]
        weight[n_real:] = 0.0
        weights.append(weight * (weight.size / weight.sum()))
    return weights if isinstance(masks, list) else weights[0]


def evaluate(model: keras.Model, x: np.ndarray, y, masks, *, batch_size: int) -> float:
    """Return the compiled (weighted, masked) loss of ``model`` on ``(x, y)``."""
    total = 0.0
    for index, n_real in _batches(np.arange(x.shape[0]), batch_size):
        loss = model.test_on_batch(
            x[index], take(y, index), sample_weight=_batch_weights(masks, index, n_real)
        )
        total += float(np.ravel(loss)[0]) * n_real
    return total / x.shape[0]


def train_epochs(
    model: keras.Model,
    x: np.ndarray,
    y,
    masks,
    *,
    epochs: int,
    batch_size: int,
    shuffle: bool,
    random_state: np.random.RandomState,
    validation_data: tuple | None = None,
    early_stopping: bool = False,
    patience: int = 10,
    min_delta: float = 0.0,
    verbose: int = 0,
    first_epoch: int = 0,
) -> TrainingResult:
    """Train a compiled ``model`` for up to ``epochs`` epochs.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    x : ndarray of shape (n_samples, ...)
        Inputs.
    y : ndarray or list of ndarray
        Targets, one array per model output.
    masks : ndarray or list of ndarray
        Per output, an array of shape (n_samples, n_output_steps): 1 for real
        steps, 0 for padding, which the loss ignores.
    epochs : int
        Number of passes over ``x``.
    batch_size : int
        Samples per gradient step.
    shuffle : bool
        Whether to draw a new sample order every epoch.
    random_state : numpy.random.RandomState
        Source of the sample orders.
    validation_data : tuple (x_val, y_val, masks_val) or None, default=None
        Data whose loss is reported as ``val_loss`` after every epoch.
    early_stopping : bool, default=False
        Stop once the monitored loss (``val_loss`` if there is validation data,
        else ``loss``) has not improved by more than ``min_delta`` for
        ``patience`` epochs, and restore the weights of the best epoch. The
        weights are kept in memory; no file is written.
    patience : int, default=10
        See ``early_stopping``.
    min_delta : float, default=0.0
        See ``early_stopping``.
    verbose : int, default=0
        0 is silent, 1 shows Keras's progress bar, 2 one line per epoch.
    first_epoch : int, default=0
        Number of epochs already run, for the progress display.

    Returns
    -------
    result : TrainingResult
        The per-epoch history of this call, the number of epochs run, whether
        early stopping ended training, and the best monitored loss.

    Raises
    ------
    ValueError
        If the training loss becomes NaN or infinite.
    """
    n_samples = x.shape[0]
    n_batches = _n_batches(n_samples, batch_size)
    n_replicas = _replicas(model)
    monitor = "val_loss" if validation_data is not None else "loss"
    result = TrainingResult(history={"loss": []})
    if validation_data is not None:
        result.history["val_loss"] = []
    callbacks = keras.callbacks.CallbackList(
        add_history=False,
        add_progbar=verbose > 0,
        model=model,
        verbose=verbose,
        epochs=first_epoch + epochs,
        steps=n_batches,
    )
    best_weights = None
    wait = 0
    callbacks.on_train_begin()
    try:
        for epoch in range(first_epoch, first_epoch + epochs):
            callbacks.on_epoch_begin(epoch)
            order = random_state.permutation(n_samples) if shuffle else np.arange(n_samples)
            total, seen = 0.0, 0
            batches = _batches(order, batch_size, multiple_of=n_replicas)
            for batch, (index, n_real) in enumerate(batches):
                callbacks.on_train_batch_begin(batch)
                loss = _train_on_batch(
                    model,
                    x[index],
                    take(y, index),
                    _batch_weights(masks, index, n_real),
                    n_replicas,
                )
                total += float(np.ravel(loss)[0]) * n_real
                seen += n_real
                callbacks.on_train_batch_end(batch, {"loss": total / seen})
            logs = {"loss": total / n_samples}
            if not math.isfinite(logs["loss"]):
                raise ValueError(
                    f"The training loss became {logs['loss']} at epoch {epoch + 1}. Scale the "
                    "input (e.g. StandardScaler per channel), lower learning_rate, or use "
                    'activation="tanh" (relu LSTMs can diverge on long sequences).'
                )
            if validation_data is not None:
                logs["val_loss"] = evaluate(model, *validation_data, batch_size=batch_size)
            for key, value in logs.items():
                result.history[key].append(value)
            result.n_epochs += 1
            callbacks.on_epoch_end(epoch, logs)
            if logs[monitor] < result.best_loss - min_delta:
                result.best_loss = logs[monitor]
                wait = 0
                if early_stopping:
                    best_weights = model.get_weights()
            else:
                wait += 1
                if early_stopping and wait >= patience:
                    result.stopped_early = True
                    break
    except KeyboardInterrupt:
        warnings.warn(
            f"Training interrupted by the user after {result.n_epochs} complete epochs.",
            stacklevel=3,
        )
    if best_weights is not None:
        model.set_weights(best_weights)
    callbacks.on_train_end()
    return result
