"""Compiled, chunked inference (module mirrors _inference)."""

import gc
import weakref

import keras
import numpy as np
import pytest

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae._inference import compiled_forward, predict
from sklearn_lstmae._networks import build_autoencoder
from tests.settings import FAST

on_tensorflow = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="the tf.function path is TensorFlow's"
)


@pytest.fixture(scope="module")
def fitted(italy_power):
    return LSTMAutoencoderTransformer(**FAST).fit(italy_power[0])


def test_transform_matches_keras_predict_in_any_chunking(fitted, italy_power):
    X = italy_power[2]
    codes = fitted.transform(X)
    expected = fitted.encoder_.predict(X[:, :, None], verbose=0)
    np.testing.assert_allclose(codes, expected, rtol=1e-5, atol=1e-6)
    chunked = predict(fitted.encoder_, X[:, :, None].astype(np.float32), batch_size=7)
    np.testing.assert_allclose(chunked, codes, rtol=1e-5, atol=1e-6)


@on_tensorflow
def test_one_trace_serves_every_batch_size_and_length(fitted, italy_power):
    X = italy_power[2]
    fitted.transform(X[:1])
    function = compiled_forward(fitted.encoder_).tf_function
    fitted.transform(X[:32])
    fitted.transform(X[:67])
    fitted.transform([X[0, :10], X[1]])  # a list: shorter sequences, other width
    assert compiled_forward(fitted.encoder_).tf_function is function
    assert function.experimental_get_tracing_count() == 1


def test_predictions_follow_further_training(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(**FAST).fit(X)
    before = ae.transform(X)
    ae.partial_fit(X)
    after = ae.transform(X)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, ae.encoder_.predict(X[:, :, None], verbose=0), atol=1e-6)


def test_cache_does_not_keep_models_alive():
    model = build_autoencoder(5, 1, units=(3,), seed=0)
    predict(model, np.zeros((2, 5, 1), dtype=np.float32))
    reference = weakref.ref(model)
    del model
    gc.collect()
    assert reference() is None
