"""Keras models to bytes and back, in memory, for pickling estimators.

Keras 3 pickles models through its ``.keras`` archive format, and scikeras
replaces ``keras.Model.__reduce__`` on import with a variant that loads
without our custom layers. The estimators therefore serialize ``model_``
themselves (in ``__getstate__``), so pickling behaves the same whether or not
scikeras has been imported. Nothing touches the file system.
"""

from __future__ import annotations

import io

import keras
from keras.src.saving import saving_lib

from sklearn_lstmae._layers import FusedLSTM, NaNMask, RepeatedInputLSTM, ReverseTime

_CUSTOM_OBJECTS = {
    f"sklearn_lstmae>{layer.__name__}": layer
    for layer in (FusedLSTM, NaNMask, RepeatedInputLSTM, ReverseTime)
}


def model_to_bytes(model: keras.Model) -> bytes:
    """Serialize ``model`` (architecture, weights, optimizer state) to bytes."""
    buffer = io.BytesIO()
    saving_lib.save_model(model, buffer)
    return buffer.getvalue()


def model_from_bytes(data: bytes) -> keras.Model:
    """Rebuild a model serialized by :func:`model_to_bytes`, compiled."""
    return saving_lib.load_model(
        io.BytesIO(data), custom_objects=_CUSTOM_OBJECTS, compile=True, safe_mode=True
    )
