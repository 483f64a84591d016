"""Batched inference through a function compiled once per Keras model.

``keras.Model.predict`` sets up a data adapter, an epoch iterator and
callbacks on every call (tens to hundreds of milliseconds on TensorFlow,
whatever the input size), and ``predict_on_batch`` retraces its graph for
each new batch shape. Here each model gets one compiled function:

- on TensorFlow, a ``tf.function`` whose input signature leaves the batch and
  time axes open, so it is traced once and then serves any number of
  sequences of any length;
- on TensorFlow with ``jit=True``, the same forward pass compiled by XLA
  (``tf.function(jit_compile=True)``): XLA needs static shapes, so batches are
  padded to a power of two and each new (batch size, length) pair costs one
  compilation, after which calls run faster than the graph, most for large
  batches (figures in benchmarks/README.md). The
  graph runs the LSTMs through TensorFlow's fused kernel, which XLA cannot
  compile: this function is traced with Keras's generic LSTM loop instead
  (:func:`~sklearn_lstmae._engine.layers.xla_compatible_lstms`). Results agree with
  the graph to float32 rounding (about 1e-7), not bit for bit;
- on other backends, the model's own ``predict_on_batch`` (jit-compiled by
  Keras), fed batches padded to a power of two so that at most
  ``log2(INFERENCE_BATCH_SIZE) + 1`` batch shapes are ever compiled.

Functions are cached per model object in a weak dictionary: nothing is stored
on the estimator, a model that is garbage collected takes its function with
it, and unpickled models compile a fresh one on first use. Weights are read
when the function runs, so further training is always reflected.

Data is processed ``INFERENCE_BATCH_SIZE`` samples at a time
(``CPU_GRAPH_BATCH_SIZE`` for the TensorFlow graph on CPU), so the memory used
besides the returned array is bounded by the batch, not the data.
"""

from __future__ import annotations

import weakref

import numpy as np

from sklearn_lstmae._engine.log_filter import no_retracing_warnings

# Samples per call; bounds the working memory independently of the data size.
INFERENCE_BATCH_SIZE = 1024
# Samples per call of the TensorFlow graph on CPU. Its fused LSTM kernel writes
# its gate activations for every step (for training's backward pass): smaller
# batches keep them in cache (see benchmarks/README.md).
CPU_GRAPH_BATCH_SIZE = 128

_COMPILED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _tensorflow_function(model):
    """Return ``model``'s forward pass as a ``tf.function`` traced once."""
    import tensorflow as tf

    model_ref = weakref.ref(model)  # the cache's value must not keep its key alive
    (tensor,) = model.inputs
    signature = [tf.TensorSpec((None, *tensor.shape[1:]), tensor.dtype or "float32")]

    @tf.function(input_signature=signature)
    def forward(x):
        return model_ref()(x, training=False)

    # Calling the concrete function skips tf.function's argument binding and
    # dispatch (a few tenths of a millisecond per call).
    concrete = forward.get_concrete_function()

    def run(x):
        return _first_rows(concrete(tf.constant(x)), x.shape[0])

    run.tf_function = forward  # for inspection (e.g. its tracing count)
    return run


def _padded_to_power_of_two(x):
    """Return ``x`` with its last row repeated up to a power-of-two row count."""
    n = x.shape[0]
    size = 1 << max(0, (n - 1).bit_length())
    if size == n:
        return x
    return np.concatenate([x, np.repeat(x[-1:], size - n, axis=0)])


def _first_rows(outputs, n):
    """Return the first ``n`` rows of each output, as NumPy arrays."""
    if isinstance(outputs, list | tuple):
        return [np.asarray(output)[:n] for output in outputs]
    return np.asarray(outputs)[:n]


def _xla_function(model):
    """Return ``model``'s forward pass compiled by XLA, one program per padded shape."""
    import tensorflow as tf

    from sklearn_lstmae._engine.layers import xla_compatible_lstms

    model_ref = weakref.ref(model)
    concrete = {}  # padded input shape -> its compiled function

    @tf.function(jit_compile=True)
    def forward(x):
        return model_ref()(x, training=False)

    def run(x):
        padded = _padded_to_power_of_two(x)
        if padded.shape not in concrete:
            spec = tf.TensorSpec(padded.shape, tf.float32)
            with xla_compatible_lstms():  # XLA cannot compile the fused LSTM kernel
                concrete[padded.shape] = forward.get_concrete_function(spec)
        return _first_rows(concrete[padded.shape](tf.constant(padded)), x.shape[0])

    run.tf_function = forward
    return run


def _padded_batches_function(model):
    """Return ``predict_on_batch`` fed with batches padded to a power of two."""
    model_ref = weakref.ref(model)

    def run(x):
        return _first_rows(model_ref().predict_on_batch(_padded_to_power_of_two(x)), x.shape[0])

    return run


def compiled_forward(model, *, jit=False):
    """Return a cached function mapping a NumPy batch to ``model``'s outputs.

    ``jit=True`` asks for XLA on TensorFlow; other backends always compile
    (Keras jit-compiles their ``predict_on_batch``) and ignore it. With a GPU,
    Keras runs LSTMs through cuDNN, which XLA cannot compile (Keras then turns
    ``jit_compile`` off itself): ``jit`` is ignored there too.
    """
    import keras

    from sklearn_lstmae._engine.layers import cudnn_may_run

    functions = _COMPILED.setdefault(model, {})
    tensorflow = keras.backend.backend() == "tensorflow"
    key = bool(jit) and tensorflow and not cudnn_may_run()
    if key not in functions:
        if key:
            functions[key] = _xla_function(model)
        elif tensorflow:
            functions[key] = _tensorflow_function(model)
            if not cudnn_may_run():
                functions[key].batch_size = CPU_GRAPH_BATCH_SIZE
        else:
            functions[key] = _padded_batches_function(model)
    return functions[key]


@no_retracing_warnings()
def predict(model, x: np.ndarray, *, batch_size: int | None = None, jit: bool = False):
    """Run ``model`` on ``x``, ``batch_size`` samples at a time.

    Parameters
    ----------
    model : keras.Model
        A built model with one input.
    x : ndarray of shape (n_samples, ...)
        Inputs, float32.
    batch_size : int or None, default=None
        Samples per call of the compiled function; None: ``CPU_GRAPH_BATCH_SIZE``
        for the TensorFlow graph off cuDNN, ``INFERENCE_BATCH_SIZE`` otherwise.
    jit : bool, default=False
        Compile with XLA on TensorFlow (see the module's docstring).

    Returns
    -------
    outputs : ndarray or list of ndarray
        One array per model output, ``n_samples`` rows each.
    """
    forward = compiled_forward(model, jit=jit)
    if batch_size is None:
        batch_size = getattr(forward, "batch_size", INFERENCE_BATCH_SIZE)
    x = np.asarray(x, dtype=np.float32)
    n_samples = x.shape[0]
    outputs = None
    for start in range(0, n_samples, batch_size):
        chunk = forward(x[start : start + batch_size])
        parts = chunk if isinstance(chunk, list) else [chunk]
        if outputs is None:  # allocate once: no list of chunks to concatenate
            outputs = [np.empty((n_samples, *p.shape[1:]), dtype=p.dtype) for p in parts]
        for output, part in zip(outputs, parts, strict=True):
            output[start : start + part.shape[0]] = part
    return outputs if isinstance(chunk, list) else outputs[0]
