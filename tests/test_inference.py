"""Compiled, chunked inference (module mirrors _engine/inference.py)."""

import gc
import pickle
import weakref

import keras
import numpy as np
import pytest

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae._engine.inference import compiled_forward, predict
from sklearn_lstmae._engine.networks import build_autoencoder
from tests._helpers import FAST

on_tensorflow = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="the tf.function path is TensorFlow's"
)
# Codes computed along two paths (XLA or not, other batch sizes) agree up to float32 rounding,
# amplified in the positive shares: they average sigmoid(output / 3e-4) over the steps, so a
# rounding of 1e-7 in an output near 0 moves a share of 24 steps by up to 1e-7 / (4 * 3e-4 * 24),
# 3.5e-6 (2e-6 seen between XLA and Keras's predict).
CODES_AGREE = {"rtol": 1e-5, "atol": 1e-5}


@pytest.fixture(scope="module")
def fitted(italy_power):
    return LSTMAutoencoderTransformer(**FAST).fit(italy_power[0])


def clone_fitted(estimator):
    """A fitted copy with its own Keras model (pickled), like a served model."""
    return pickle.loads(pickle.dumps(estimator))


def test_transform_matches_keras_predict_in_any_chunking(fitted, italy_power):
    X = italy_power[2]
    codes = fitted.transform(X)
    expected = fitted.encoder_.predict(X[:, :, None], verbose=0)
    np.testing.assert_allclose(codes, expected, **CODES_AGREE)
    chunked = predict(fitted.encoder_, X[:, :, None].astype(np.float32), batch_size=7)
    np.testing.assert_allclose(chunked, codes, **CODES_AGREE)


@pytest.mark.slow
@on_tensorflow
def test_cpu_graph_runs_small_batches_and_xla_large_ones(fitted, italy_power, monkeypatch):
    from sklearn_lstmae._engine import inference as _inference

    X = np.resize(italy_power[2], (1500, italy_power[2].shape[1]))[:, :, None].astype(np.float32)
    xla = clone_fitted(fitted).set_params(xla_inference=True)
    for model, jit, expected in [
        (fitted.encoder_, False, _inference.CPU_GRAPH_BATCH_SIZE),
        (xla.encoder_, True, _inference.INFERENCE_BATCH_SIZE),
    ]:
        forward = compiled_forward(model, jit=jit)
        rows = []

        def recording(x, forward=forward, rows=rows):
            rows.append(x.shape[0])
            return forward(x)

        if hasattr(forward, "batch_size"):
            recording.batch_size = forward.batch_size
        monkeypatch.setattr(_inference, "compiled_forward", lambda *a, f=recording, **k: f)
        np.testing.assert_allclose(predict(model, X, jit=jit), forward(X), **CODES_AGREE)
        assert max(rows) == expected and sum(rows) == len(X)


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
    assert np.abs(after - before).max() > 100 * CODES_AGREE["atol"]
    np.testing.assert_allclose(after, ae.encoder_.predict(X[:, :, None], verbose=0), **CODES_AGREE)


@pytest.mark.slow
def test_cache_does_not_keep_models_alive():
    model = build_autoencoder(5, 1, units=(3,), seed=0)
    predict(model, np.zeros((2, 5, 1), dtype=np.float32))
    reference = weakref.ref(model)
    del model
    gc.collect()
    assert reference() is None


@pytest.mark.slow
def test_xla_inference_agrees_with_the_default_path(italy_power):
    X = italy_power[2][:40]
    composite = LSTMAutoencoderTransformer(**FAST, future_steps=2).fit(italy_power[0])
    xla = clone_fitted(composite).set_params(xla_inference=True)
    ragged = [X[0, :10], X[1]]
    for method, data in [
        ("transform", X),
        ("transform", ragged),
        ("score_samples", X),
        ("reconstruct", X),
        ("forecast", X),
    ]:
        expected = getattr(composite, method)(data)
        np.testing.assert_allclose(getattr(xla, method)(data), expected, **CODES_AGREE)
    codes = composite.transform(X)
    np.testing.assert_allclose(
        xla.inverse_transform(codes), composite.inverse_transform(codes), rtol=1e-5, atol=1e-6
    )


@pytest.mark.slow
@on_tensorflow
def test_xla_compiles_once_per_power_of_two_batch(fitted, italy_power):
    X = italy_power[2]
    xla = clone_fitted(fitted).set_params(xla_inference=True)
    for n in (1, 2, 3, 4, 3, 1):  # batches padded to 1, 2, 4 rows: three programs
        codes = xla.transform(X[:n])
        assert codes.shape == (n, fitted.get_feature_names_out().shape[0])
    function = compiled_forward(xla.encoder_, jit=True).tf_function
    assert function.experimental_get_tracing_count() == 3
    assert compiled_forward(xla.encoder_).tf_function is not function  # default path apart


@pytest.mark.slow
def test_xla_inference_follows_further_training(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(**FAST, xla_inference=True).fit(X)
    before = ae.transform(X)
    ae.partial_fit(X)
    after = ae.transform(X)
    assert np.abs(after - before).max() > 100 * CODES_AGREE["atol"]
    np.testing.assert_allclose(after, ae.encoder_.predict(X[:, :, None], verbose=0), **CODES_AGREE)


@on_tensorflow
def test_xla_inference_steps_aside_where_cudnn_runs(fitted, italy_power, monkeypatch):
    # On a GPU Keras runs the LSTMs through cuDNN, which XLA cannot compile.
    monkeypatch.setattr("sklearn_lstmae._engine.layers.cudnn_may_run", lambda: True)
    xla = clone_fitted(fitted).set_params(xla_inference=True)
    # (cuDNN "running" also turns the fused CPU kernel off: equal up to rounding)
    np.testing.assert_allclose(
        xla.transform(italy_power[2]), fitted.transform(italy_power[2]), **CODES_AGREE
    )
    assert compiled_forward(xla.encoder_, jit=True) is compiled_forward(xla.encoder_)
