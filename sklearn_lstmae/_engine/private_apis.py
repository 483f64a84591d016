"""Every use of a non-public Keras or TensorFlow API, in one place.

Each item names what it is for and has a public fallback, taken when the
private API is missing (a Keras or TensorFlow that moved it) or when
:func:`public_apis_only` is active; the tests run each fallback through it
and compare results. Nothing here changes a global setting.

- :class:`LSTMInnerLoopHook`: ``keras.layers.LSTM.inner_loop`` (undocumented
  method) is overridden so the faster LSTM layers can run the sequence their
  own way. Fallback: Keras's LSTM.
- :func:`keras_rnn_loop`: ``keras.src.backend.rnn``, Keras's generic RNN loop,
  for :class:`~sklearn_lstmae._engine.layers.RepeatedInputLSTM`. Fallback: Keras's
  LSTM.
- :func:`block_lstm`: ``tf.raw_ops.BlockLSTM``, TensorFlow's fused LSTM
  kernel, for :class:`~sklearn_lstmae._engine.layers.FusedLSTM`. Fallback: Keras's
  LSTM.
- :func:`model_to_bytes` / :func:`model_from_bytes`:
  ``keras.src.saving.saving_lib``, which writes the ``.keras`` archive to a
  buffer. Fallback: the public ``keras.saving`` functions through a file in a
  temporary directory, removed at once.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import io
import os
import tempfile

import keras

__all__ = [
    "LSTMInnerLoopHook",
    "block_lstm",
    "keras_rnn_loop",
    "model_from_bytes",
    "model_to_bytes",
    "private_apis_enabled",
    "public_apis_only",
]

_PRIVATE_APIS = contextvars.ContextVar("sklearn_lstmae_private_apis", default=True)


@contextlib.contextmanager
def public_apis_only():
    """Take every public fallback in this context (this thread or task only).

    Layers choose their path when they are traced: build and trace the
    models to compare inside the context.
    """
    token = _PRIVATE_APIS.set(False)
    try:
        yield
    finally:
        _PRIVATE_APIS.reset(token)


def private_apis_enabled() -> bool:
    """Return False inside :func:`public_apis_only`."""
    return _PRIVATE_APIS.get()


def _private(module: str, name: str | None = None):
    """Return a private module (or its attribute ``name``), or None for the fallback.

    None inside :func:`public_apis_only`, or where Keras moved or removed it.
    """
    if not private_apis_enabled():
        return None
    try:
        found = importlib.import_module(module)
        return found if name is None else getattr(found, name)
    except (ImportError, AttributeError):  # pragma: no cover - a Keras that moved it
        return None


def keras_rnn_loop():
    """Return Keras's generic RNN loop function, or None (the fallback)."""
    return _private("keras.src.backend", "rnn")


class LSTMInnerLoopHook(keras.layers.LSTM):
    """``keras.layers.LSTM`` whose subclasses may run a sequence their own way.

    Keras's LSTM runs a sequence in ``inner_loop(sequences, initial_state,
    mask, training)``, which returns ``(last_output, outputs, states)``; it is
    not documented. Subclasses implement :meth:`fast_inner_loop` with that
    contract, returning None where their shortcut does not apply. A Keras
    without ``inner_loop`` never calls it: the layer is then Keras's LSTM.
    """

    def fast_inner_loop(self, sequences, initial_state, mask, training):
        """Return ``inner_loop``'s result, or None to run Keras's own loop."""
        return None

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """Run :meth:`fast_inner_loop`, or Keras's loop where it returns None."""
        if private_apis_enabled():
            result = self.fast_inner_loop(sequences, initial_state, mask, training)
            if result is not None:
                return result
        return super().inner_loop(sequences, initial_state, mask, training=training)


def block_lstm(x, h0, c0, weights, bias):
    """Run TensorFlow's ``BlockLSTM`` kernel; return the cell states and outputs.

    ``x`` is time-major ``(time, rows, channels)``; ``weights`` and ``bias``
    are in the kernel's gate order (i, c, f, o). Callers check
    :func:`private_apis_enabled` first.
    """
    import tensorflow as tf

    no_peephole = tf.zeros([h0.shape[-1]], h0.dtype)
    # BlockLSTM (gates i, c, f, o), not BlockLSTMV2 (Keras's order i, f, c, o):
    # TensorFlow registers V1's gradient for V2, which mixes up the gates.
    _, cs, _, _, _, _, h = tf.raw_ops.BlockLSTM(
        seq_len_max=tf.shape(x, out_type=tf.int64)[0],
        x=x,
        cs_prev=c0,
        h_prev=h0,
        w=weights,
        wci=no_peephole,
        wcf=no_peephole,
        wco=no_peephole,
        b=bias,
        forget_bias=0.0,
        cell_clip=-1.0,  # no clipping
        use_peephole=False,
    )
    return cs, h


def _saving_lib():
    return _private("keras.src.saving.saving_lib")


def model_to_bytes(model) -> bytes:
    """Serialize ``model`` (architecture, weights, optimizer state) as a ``.keras`` archive."""
    saving_lib = _saving_lib()
    if saving_lib is not None:
        buffer = io.BytesIO()
        saving_lib.save_model(model, buffer)
        return buffer.getvalue()
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.keras")
        keras.saving.save_model(model, path)
        with open(path, "rb") as file:
            return file.read()


def model_from_bytes(data: bytes, custom_objects: dict):
    """Load a model from :func:`model_to_bytes`'s archive, compiled, in Keras's safe mode."""
    saving_lib = _saving_lib()
    if saving_lib is not None:
        return saving_lib.load_model(
            io.BytesIO(data), custom_objects=custom_objects, compile=True, safe_mode=True
        )
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "model.keras")
        with open(path, "wb") as file:
            file.write(data)
        return keras.saving.load_model(
            path, custom_objects=custom_objects, compile=True, safe_mode=True
        )
