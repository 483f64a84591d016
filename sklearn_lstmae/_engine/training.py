"""The training loop shared by the estimators (it runs Keras models, not estimators).

:func:`train_epochs` is an epoch loop around three pieces:

- a step runner (:func:`step_runner`): :class:`PerBatchSteps`, one
  ``train_on_batch`` call per mini-batch (any backend); :class:`DistributedSteps`,
  the same with each batch split into equal shares, one per replica of a
  ``tf.distribute`` strategy; :class:`CompiledLoopSteps`, on TensorFlow, once a
  model trains for ``LOOP_MIN_STEPS`` steps in one call, many steps in one
  call of a ``tf.function`` holding a ``tf.while_loop`` over the training step
  (:func:`_step_loop`), at most ``STEPS_PER_CALL`` steps and ``ROWS_PER_CALL``
  rows per call: the steps of one epoch when epochs are watched (validation
  loss, early stopping, ``verbose``), else of several epochs;
- :class:`EarlyStopper`: the best monitored loss, the epochs without
  improvement, the best weights (in memory; no file is written);
- :class:`VariableSnapshot`: the values of the model's and the optimizer's
  variables, so an interrupt (Ctrl-C) rolls the model back to the last epoch
  recorded.

Compared with calling ``keras.Model.fit``, this

- makes shuffling reproducible without touching any global seed (Keras's own
  shuffle draws from TensorFlow's global random state),
- works the same way on every Keras backend,
- avoids ``fit``'s per-call and per-epoch set-up cost (data adapters, epoch
  iterators) and, in the step loop, ``train_on_batch``'s cost per step (more
  than the arithmetic of small models on CPU),
- keeps every batch the same shape, so the training step compiles once: a
  short last batch is filled up with rows of weight 0, and per-step weights
  make the loss the mean over the real steps of the real rows (a masked MSE,
  exactly the loss and gradient of the short batch without filler), and
- gives epoch-level control for ``partial_fit``, ``warm_start``, early
  stopping and interrupts.
"""

from __future__ import annotations

import dataclasses
import math
import weakref
from dataclasses import dataclass, field

import keras
import numpy as np

from sklearn_lstmae._engine.log_filter import no_retracing_warnings

# Training steps per call of the step loop, at most: bounds how long an
# interrupt (Ctrl-C) waits.
STEPS_PER_CALL = 256
# Steps a training call must run for the step loop to be traced: below, tracing
# and instantiating it cost more than train_on_batch's graph saves.
LOOP_MIN_STEPS = 100
# Rows per call of the step loop, at most (at least one batch): its batches are
# gathered beforehand, and this bounds their memory.
ROWS_PER_CALL = 1024

_STEP_LOOPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class TrainingResult:
    """What one call of :func:`train_epochs` did."""

    history: dict[str, list[float]] = field(default_factory=dict)
    n_epochs: int = 0
    stopped_early: bool = False
    best_loss: float = math.inf
    interrupted: bool = False


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


def _run_steps(model, x, y, masks, steps):
    """Train on ``steps`` (``(index, n_real)`` pairs from :func:`_batches`) in one call.

    The batches are gathered and weighted in NumPy, as for ``train_on_batch``,
    stacked, and handed to :func:`_step_loop` together. Returns the losses,
    one per step.
    """
    index = np.stack([rows for rows, _ in steps])
    weights = [_batch_weights(masks, rows, n_real) for rows, n_real in steps]
    weights = (
        [np.stack(w) for w in zip(*weights, strict=True)]
        if isinstance(masks, list)
        else np.stack(weights)
    )
    batches = (x[index], take(y, index), weights)
    return _step_loop(model, batches)(*batches).numpy()


def _loop_losses(model, x, y, masks, plans):
    """Train on ``plans`` (per epoch, its batches) through the step loop.

    Returns the losses, an array of shape ``(len(plans), batches per epoch)``.
    """
    steps = [step for plan in plans for step in plan]
    per_call = max(1, min(STEPS_PER_CALL, ROWS_PER_CALL // steps[0][0].shape[0]))
    losses = [
        _run_steps(model, x, y, masks, steps[start : start + per_call])
        for start in range(0, len(steps), per_call)
    ]
    return np.concatenate(losses).reshape(len(plans), -1)


def _step_loop(model, batches):
    """Return ``model``'s step loop for ``batches``, traced at most twice per model.

    ``loop(x, y, weights)`` takes mini-batches stacked along a first axis
    (inputs, targets, and per-step sample weights as for ``train_on_batch``),
    runs one training step per batch in a ``tf.while_loop`` and returns the
    losses, one per step. Each step is ``train_on_batch``'s: forward pass,
    ``compute_loss``, gradients and one optimizer update; the results agree
    with it to float32 rounding. The signature leaves the
    number of batches open. The first batch shape a model trains on stays
    static: with an open batch size, shapes are computed at run time and a
    step of a small model takes about a quarter longer. Any other batch size
    shares a second loop with an open batch axis, so that varying sizes
    (``partial_fit`` on chunks of different lengths) are not each traced anew.
    """
    import tensorflow as tf

    def signature(rows):
        return tuple(
            tf.nest.map_structure(
                lambda a: tf.TensorSpec((None, rows, *a.shape[2:]), a.dtype), batches
            )
        )

    loops = _STEP_LOOPS.setdefault(model, {})
    rows = tf.nest.flatten(batches)[0].shape[1]
    key = rows if not loops or rows in loops else None  # None: the open batch axis
    if key not in loops:
        loops[key] = _make_step_loop(weakref.ref(model), signature(key))
    return loops[key]


def _make_step_loop(model_ref, signature):
    import tensorflow as tf

    @tf.function(input_signature=signature, autograph=False)
    def loop(x, y, weights):
        model = model_ref()  # traced while the caller holds the model
        variables = model.trainable_variables

        def step(i, losses):
            batch_x = x[i]
            batch_y = tf.nest.map_structure(lambda t: t[i], y)
            batch_w = tf.nest.map_structure(lambda t: t[i], weights)
            with tf.GradientTape() as tape:
                y_pred = model(batch_x, training=True)
                loss = model.compute_loss(
                    x=batch_x, y=batch_y, y_pred=y_pred, sample_weight=batch_w, training=True
                )
                scaled = model.optimizer.scale_loss(loss)
            model.optimizer.apply(tape.gradient(scaled, variables), variables)
            return i + 1, losses.write(i, tf.cast(loss, tf.float32))

        n_steps = tf.shape(x)[0]
        losses = tf.TensorArray(tf.float32, size=n_steps)
        _, losses = tf.while_loop(lambda i, _: i < n_steps, step, (tf.constant(0), losses))
        return losses.stack()

    return loop


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
    and 0 for padding (or each sequence's weight instead of 1). The weights
    zero the padding and the filler rows and scale the rest so that Keras's
    mean over all entries of the batch equals the (weighted) mean over its
    real steps: a masked MSE, the same for any padding. A batch that weighs
    nothing (a validation batch of zero-weight rows) gets weights 0.
    """
    weights = []
    for mask in masks if isinstance(masks, list) else [masks]:
        weight = mask[index]
        weight[n_real:] = 0.0
        total = weight.sum()
        weights.append(weight * (weight.size / total) if total > 0 else weight)
    return weights if isinstance(masks, list) else weights[0]


def evaluate(model: keras.Model, x: np.ndarray, y, masks, *, batch_size: int) -> float:
    """Return the compiled (weighted, masked) loss of ``model`` on ``(x, y)``.

    The batches' losses are averaged with the weight of their real steps
    (of the first output), so the result is the mean over all real steps.
    """
    first_mask = masks[0] if isinstance(masks, list) else masks
    total = weight = 0.0
    for index, n_real in _batches(np.arange(x.shape[0]), batch_size):
        model.reset_metrics()  # Keras before 3.15 reports a running mean
        loss = model.test_on_batch(
            x[index], take(y, index), sample_weight=_batch_weights(masks, index, n_real)
        )
        batch_weight = float(first_mask[index[:n_real]].sum())
        total += float(np.ravel(loss)[0]) * batch_weight
        weight += batch_weight
    return total / weight


def model_variables(model) -> list:
    """Return every variable training changes: the model's and its optimizer's."""
    optimizer = getattr(model, "optimizer", None)
    return [*model.variables, *(optimizer.variables if optimizer is not None else [])]


class VariableSnapshot:
    """The values of a model's and its optimizer's variables, to restore them later."""

    def __init__(self, model):
        self._variables = model_variables(model)
        self._values = [keras.ops.convert_to_numpy(v.value) for v in self._variables]

    def restore(self) -> None:
        """Give every variable back the value it had when the snapshot was taken."""
        for variable, value in zip(self._variables, self._values, strict=True):
            variable.assign(value)


@dataclass
class EarlyStopper:
    """Track the monitored loss: its best value, epochs without improvement, best weights.

    With ``active=False`` it only tracks the best value.
    """

    active: bool
    patience: int
    min_delta: float
    best: float = math.inf
    wait: int = 0
    best_weights: list | None = None

    @property
    def stopped(self) -> bool:
        """Whether ``patience`` epochs have passed without improvement (if active)."""
        return self.active and self.wait >= self.patience

    def update(self, value: float, model) -> None:
        """Record one epoch's monitored loss (``model`` holds that epoch's weights)."""
        if value < self.best - self.min_delta:
            self.best, self.wait = value, 0
            if self.active:
                self.best_weights = model.get_weights()
        else:
            self.wait += 1

    def restore_best_weights(self, model) -> None:
        """Give ``model`` the weights of its best epoch, if active and one was recorded."""
        if self.best_weights is not None:
            model.set_weights(self.best_weights)


class PerBatchSteps:
    """Run each batch in its own ``train_on_batch`` call (any backend, live batch events)."""

    def __init__(self, model, x, y, masks):
        self.model, self.x, self.y, self.masks = model, x, y, masks

    def epochs_per_call(self, n_batches: int) -> int:
        """Epochs worth running in one call: one (each batch is its own call anyway)."""
        return 1

    def losses(self, plans):
        """Yield the loss of every batch of ``plans``, training on each as it is asked for."""
        for plan in plans:
            for index, n_real in plan:
                yield self.step(index, _batch_weights(self.masks, index, n_real))

    def step(self, index, weights):
        """One gradient step on rows ``index``; return its loss."""
        # Keras before 3.15 reports the mean loss of every call since the last reset.
        self.model.reset_metrics()
        return self.model.train_on_batch(self.x[index], take(self.y, index), sample_weight=weights)


class DistributedSteps(PerBatchSteps):
    """Per-batch steps under a ``tf.distribute`` strategy: one equal share per replica.

    ``train_on_batch`` would hand every replica the whole batch: as many
    copies of the same work. Here the batch becomes a distributed value, one
    contiguous share per replica, which Keras's training function accepts
    like a batch from a distributed dataset.
    """

    def step(self, index, weights):
        """One gradient step on rows ``index``, split among the replicas; return its loss."""
        model = self.model
        model.make_train_function()
        model.reset_metrics()
        batch = (self.x[index], take(self.y, index), weights)
        logs = model.train_function(iter([distribute_batch(model.distribute_strategy, batch)]))
        return float(logs["loss"])


class CompiledLoopSteps(PerBatchSteps):
    """Run many batches in one call of the model's step loop (see :func:`_step_loop`).

    Batch events are reported when the call that ran the batch returns.
    """

    def epochs_per_call(self, n_batches: int) -> int:
        """Epochs that fit in one call of the loop (at least one)."""
        return max(1, STEPS_PER_CALL // n_batches)

    def losses(self, plans):
        """Yield the loss of every batch of ``plans``; all of them train on the first ask."""
        yield from _loop_losses(self.model, self.x, self.y, self.masks, plans).ravel()


def step_runner(model, x, y, masks, *, n_steps: int, step_loop: bool | None, verbose: int):
    """Choose how the training steps of one call run.

    The compiled loop needs TensorFlow, one replica and no per-batch display
    (``verbose=1`` shows every batch as it ends); ``step_loop=None`` takes it
    for ``n_steps >= LOOP_MIN_STEPS`` or a model that already has one.
    """
    if _replicas(model) > 1:
        return DistributedSteps(model, x, y, masks)
    if step_loop is None:  # tracing the loop costs more than train_on_batch's steps
        step_loop = n_steps >= LOOP_MIN_STEPS or model in _STEP_LOOPS
    if step_loop and keras.backend.backend() == "tensorflow" and verbose != 1:
        return CompiledLoopSteps(model, x, y, masks)
    return PerBatchSteps(model, x, y, masks)


def _epoch_loss(plan, losses, callbacks, n_samples: int) -> float:
    """Consume one epoch's batch losses from ``losses``, with batch events; return its loss."""
    total, seen = 0.0, 0
    for batch, (_, n_real) in enumerate(plan):
        callbacks.on_train_batch_begin(batch)
        total += float(np.ravel(next(losses))[0]) * n_real
        seen += n_real
        callbacks.on_train_batch_end(batch, {"loss": total / seen})
    return total / n_samples


def _check_finite(loss: float, epoch: int) -> None:
    if not math.isfinite(loss):
        raise ValueError(
            f"The training loss became {loss} at epoch {epoch + 1}. Scale the input "
            "(standardize=True), lower learning_rate, or use activation='tanh' (relu LSTMs "
            "can diverge on long sequences)."
        )


@no_retracing_warnings()
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
    step_loop: bool | None = None,
    callbacks: list | None = None,
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
    step_loop : bool or None, default=None
        Run the steps in :func:`_step_loop` where it applies (see
        :func:`step_runner`): True always, None (automatic) if this call runs
        at least ``LOOP_MIN_STEPS`` steps or the model already has a loop.
        False runs one ``train_on_batch`` per batch.
    callbacks : list of keras.callbacks.Callback or None, default=None
        Receive each event once, in order: ``on_train_begin``, per epoch
        ``on_epoch_begin``, per batch ``on_train_batch_begin`` and
        ``on_train_batch_end`` (``{"loss": mean so far}``), ``on_epoch_end``
        (``loss``, ``val_loss``), then ``on_train_end``. With the compiled
        step loop, a call's batch events come when the call returns; with
        callbacks, each call runs one epoch. Setting ``model.stop_training``
        stops training after the epoch.

    Returns
    -------
    result : TrainingResult
        The per-epoch history of this call, the number of epochs run, whether
        early stopping ended training or an interrupt (Ctrl-C) did, and the
        best monitored loss. After an interrupt the model holds the weights
        and optimizer state of the last epoch recorded (or, with early
        stopping, of the best one).

    Raises
    ------
    ValueError
        If the training loss becomes NaN or infinite (the model is left as
        that epoch made it; callers restore it).
    """
    n_samples = x.shape[0]
    n_batches = _n_batches(n_samples, batch_size)
    n_replicas = _replicas(model)
    steps = step_runner(
        model, x, y, masks, n_steps=epochs * n_batches, step_loop=step_loop, verbose=verbose
    )
    watched = validation_data is not None or early_stopping or verbose > 0 or bool(callbacks)
    epochs_per_plan = 1 if watched else steps.epochs_per_call(n_batches)
    monitor = "val_loss" if validation_data is not None else "loss"
    result = TrainingResult(history={"loss": []})
    if validation_data is not None:
        result.history["val_loss"] = []
    stopper = EarlyStopper(early_stopping, patience, min_delta)
    callbacks = keras.callbacks.CallbackList(
        callbacks,
        add_history=False,
        add_progbar=verbose > 0,
        model=model,
        verbose=verbose,
        epochs=first_epoch + epochs,
        steps=n_batches,
    )
    model.stop_training = False
    callbacks.on_train_begin()
    end = first_epoch + epochs
    while first_epoch + result.n_epochs < end and not (stopper.stopped or model.stop_training):
        epoch = first_epoch + result.n_epochs
        plans = [
            list(_batches(_order(n_samples, shuffle, random_state), batch_size, n_replicas))
            for _ in range(min(epochs_per_plan, end - epoch))
        ]
        # An interrupt undoes the plan's epochs: the model stays at the last recorded one.
        before = (VariableSnapshot(model), dataclasses.replace(stopper), result.n_epochs)
        try:
            losses = steps.losses(plans)
            for plan in plans:
                callbacks.on_epoch_begin(epoch)
                logs = {"loss": _epoch_loss(plan, losses, callbacks, n_samples)}
                _check_finite(logs["loss"], epoch)
                if validation_data is not None:
                    logs["val_loss"] = evaluate(model, *validation_data, batch_size=batch_size)
                for key, value in logs.items():
                    result.history[key].append(value)
                result.n_epochs += 1
                stopper.update(logs[monitor], model)
                callbacks.on_epoch_end(epoch, logs)
                epoch += 1
        except KeyboardInterrupt:
            snapshot, stopper, result.n_epochs = before
            snapshot.restore()
            for values in result.history.values():
                del values[result.n_epochs :]
            result.interrupted = True
            break
    result.stopped_early, result.best_loss = stopper.stopped, stopper.best
    stopper.restore_best_weights(model)
    callbacks.on_train_end()
    return result


def _order(n_samples: int, shuffle: bool, random_state) -> np.ndarray:
    """Return the sample order of one epoch."""
    return random_state.permutation(n_samples) if shuffle else np.arange(n_samples)
