"""Keras models to bytes and back, in memory, for pickling estimators.

Keras 3 pickles models through its ``.keras`` archive format, and scikeras
replaces ``keras.Model.__reduce__`` on import with a variant that loads
without our custom layers. The estimators therefore serialize ``model_``
themselves (in ``__getstate__``), so pickling behaves the same whether or not
scikeras has been imported. Loading runs in Keras's safe mode (no Lambda
layer, no unregistered class).
"""

from __future__ import annotations

from sklearn_lstmae._engine import private_apis
from sklearn_lstmae._engine.layers import (
    FusedLSTM,
    LeadingFeatures,
    MaskedTimePooling,
    NaNMask,
    RepeatedInputLSTM,
    ReverseTime,
    ReverseWithinLength,
)

_CUSTOM_OBJECTS = {
    f"sklearn_lstmae>{layer.__name__}": layer
    for layer in (
        FusedLSTM,
        LeadingFeatures,
        MaskedTimePooling,
        NaNMask,
        RepeatedInputLSTM,
        ReverseTime,
        ReverseWithinLength,
    )
}


def model_to_bytes(model) -> bytes:
    """Serialize ``model`` (architecture, weights, optimizer state) to bytes."""
    return private_apis.model_to_bytes(model)


def model_from_bytes(data: bytes):
    """Rebuild a model serialized by :func:`model_to_bytes`, compiled."""
    return private_apis.model_from_bytes(data, _CUSTOM_OBJECTS)
