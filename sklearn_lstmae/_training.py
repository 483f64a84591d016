"""The training loop shared by the estimators.

Training runs mini-batches drawn from a ``numpy.random.RandomState`` owned by
the estimator. On TensorFlow (one replica, no per-batch progress bar), once a
model trains for ``LOOP_MIN_STEPS`` steps in one call, many steps run in one
call of a ``tf.function`` holding a ``tf.while_loop`` over the training step
(see :func:`_step_loop`; Grappler makes one pass over it, see
:func:`_one_pass_graph_optimization`), at most ``STEPS_PER_CALL`` steps and
``ROWS_PER_CALL`` rows per call: the steps of one epoch when epochs are
watched (validation loss, early stopping, ``verbose=2``), else of several
epochs. Per-epoch results (history, loss checks, callbacks' epoch events) are
the same either way; an interrupt (Ctrl-C) takes effect when the running
call returns, and epochs that call trained but did not finish recording are
not counted. Otherwise (shorter training, other backends, several replicas,
``verbose=1``), one ``train_on_batch`` call per mini-batch. Compared with
calling ``keras.Model.fit``, this

- makes shuffling reproducible without touching any global seed (Keras's own
  shuffle draws from TensorFlow's global random state),
- works the same way on every Keras backend,
- avoids ``fit``'s per-call and per-epoch set-up cost (data adapters, epoch
  iterators) and, in the step loop, ``train_on_batch``'s cost per step
  (about 2 ms on two CPU cores, more than the arithmetic of small models),
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

import contextlib
import math
import warnings
import weakref
from dataclasses import dataclass, field

import keras
import numpy as np

from sklearn_lstmae._fused_adam import apply_fused_adam, fused_adam_applies
from sklearn_lstmae._layers import cudnn_may_run

# Training steps per call of the step loop, at most: bounds how long an
# interrupt (Ctrl-C) waits.
STEPS_PER_CALL = 256
# Steps a training call must run for the step loop to be traced: below, tracing
# and instantiating it cost more than train_on_batch's graph (measured on two
# cores: even at about 60 steps of a small model, ahead from there on).
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
    with _one_pass_graph_optimization():
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
    ``compute_loss``, gradients and one optimizer update (for plain Adam, the
    default, by TensorFlow's fused kernel: see :mod:`._fused_adam`); the
    results agree with it to float32 rounding. The signature leaves the
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
            grads = tape.gradient(scaled, variables)
            if fused_adam_applies(model.optimizer, variables, grads):
                with tf.control_dependencies([apply_fused_adam(model.optimizer, grads, variables)]):
                    loss = tf.identity(loss)
            else:
                model.optimizer.apply(grads, variables)
            return i + 1, losses.write(i, tf.cast(loss, tf.float32))

        n_steps = tf.shape(x)[0]
        losses = tf.TensorArray(tf.float32, size=n_steps)
        _, losses = tf.while_loop(lambda i, _: i < n_steps, step, (tf.constant(0), losses))
        return losses.stack()

    return loop


@contextlib.contextmanager
def _one_pass_graph_optimization():
    """Let TensorFlow's graph optimizer (Grappler) make one pass over functions called here.

    Grappler optimizes a function's graph on its first call. For the step
    loop of a small model that took about 0.3 s, a sixth of the tutorial's
    300-epoch fit, in two passes of which the second changed little, and
    three passes that changed nothing on CPU (layout and memory: GPU
    rewrites; remapping: one fused op). On CPU, this skips the second pass
    and those three; runs are as fast and results the same. The setting is
    this thread's, for the duration of the call, as ``tf.function`` reads it.
    With a GPU, TensorFlow's default optimization is left alone.
    """
    try:  # not public API: without it, TensorFlow's default optimization
        from tensorflow.core.protobuf import config_pb2, rewriter_config_pb2
        from tensorflow.python.eager import context
    except ImportError:  # pragma: no cover - a TensorFlow that moved them
        context = None
    if context is None or cudnn_may_run():  # cudnn_may_run: TensorFlow with a GPU
        yield
        return
    eager = context.context()
    options = eager.function_call_options
    config = config_pb2.ConfigProto.FromString(options.config_proto_serialized)
    rewrite = config.graph_options.rewrite_options
    rewrite.meta_optimizer_iterations = rewriter_config_pb2.RewriterConfig.ONE
    rewrite.layout_optimizer = rewriter_config_pb2.RewriterConfig.OFF
    rewrite.memory_optimization = rewriter_config_pb2.RewriterConfig.NO_MEM_OPT
    rewrite.remapping = rewriter_config_pb2.RewriterConfig.OFF
    eager.function_call_options = context.FunctionCallOptions(options.executor_type, config)
    try:
        yield
    finally:
        eager.function_call_options = options


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
    step_loop: bool | None = None,
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
        Run the steps in :func:`_step_loop` where it applies (TensorFlow, one
        replica, ``verbose != 1``): True always, None (automatic) if this call
        runs at least ``LOOP_MIN_STEPS`` steps or the model already has a loop.
        False runs one ``train_on_batch`` per batch.

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
    if step_loop is None:  # tracing the loop costs more than train_on_batch's step
        step_loop = epochs * n_batches >= LOOP_MIN_STEPS or model in _STEP_LOOPS
    # verbose=1 shows every batch as it ends: one train_on_batch call each.
    in_graph = (
        step_loop and keras.backend.backend() == "tensorflow" and n_replicas == 1 and verbose != 1
    )
    watched = validation_data is not None or early_stopping or verbose > 0
    epochs_per_plan = 1 if watched or not in_graph else max(1, STEPS_PER_CALL // n_batches)
    best_weights = None
    wait = 0
    epoch, end = first_epoch, first_epoch + epochs
    callbacks.on_train_begin()
    try:
        while epoch < end and not result.stopped_early:
            plans = [
                list(
                    _batches(
                        random_state.permutation(n_samples) if shuffle else np.arange(n_samples),
                        batch_size,
                        multiple_of=n_replicas,
                    )
                )
                for _ in range(min(epochs_per_plan, end - epoch))
            ]
            callbacks.on_epoch_begin(epoch)
            if in_graph:
                losses = _loop_losses(model, x, y, masks, plans)
            for k, plan in enumerate(plans):
                if k:
                    callbacks.on_epoch_begin(epoch)
                total, seen = 0.0, 0
                for batch, (index, n_real) in enumerate(plan):
                    callbacks.on_train_batch_begin(batch)
                    if in_graph:
                        loss = losses[k, batch]
                    else:
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
                        f"The training loss became {logs['loss']} at epoch {epoch + 1}. Scale "
                        "the input (e.g. StandardScaler per channel), lower learning_rate, or "
                        'use activation="tanh" (relu LSTMs can diverge on long sequences).'
                    )
                if validation_data is not None:
                    logs["val_loss"] = evaluate(model, *validation_data, batch_size=batch_size)
                for key, value in logs.items():
                    result.history[key].append(value)
                result.n_epochs += 1
                callbacks.on_epoch_end(epoch, logs)
                epoch += 1
                if logs[monitor] < result.best_loss - min_delta:
                    result.best_loss = logs[monitor]
                    wait = 0
                    if early_stopping:
                        best_weights = model.get_weights()
                else:
                    wait += 1
                    if early_stopping and wait >= patience:
                        result.stopped_early = True  # one epoch per plan: nothing left
    except KeyboardInterrupt:
        warnings.warn(
            f"Training interrupted by the user after {result.n_epochs} complete epochs.",
            stacklevel=3,
        )
    if best_weights is not None:
        model.set_weights(best_weights)
    callbacks.on_train_end()
    return result
