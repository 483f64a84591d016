"""Every private API (``_engine/private_apis.py``) has a public fallback with the same results."""

import pickle

import keras
import numpy as np
import pytest

from sklearn_lstmae import LSTMAutoencoderOutlierDetector
from sklearn_lstmae._engine import private_apis
from sklearn_lstmae._engine.layers import FusedLSTM, RepeatedInputLSTM
from sklearn_lstmae._engine.model_bytes import model_from_bytes, model_to_bytes

on_tensorflow = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="TensorFlow's kernels"
)


def numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def traced_ops(layer, x):
    import tensorflow as tf

    graph = tf.function(layer).get_concrete_function(tf.constant(x)).graph
    return {op.type for op in graph.get_operations()}


def twins(cls, n_channels=3, **kwargs):
    """A Keras LSTM and a ``cls`` layer with the same weights."""
    layers = [klass(6, seed=0, **kwargs) for klass in (keras.layers.LSTM, cls)]
    for layer in layers:
        layer.build((None, None, n_channels))
    layers[1].set_weights(layers[0].get_weights())
    return layers


def test_public_apis_only_is_scoped():
    assert private_apis.private_apis_enabled()
    with pytest.raises(KeyboardInterrupt), private_apis.public_apis_only():
        assert not private_apis.private_apis_enabled()
        assert private_apis.keras_rnn_loop() is None
        raise KeyboardInterrupt
    assert private_apis.private_apis_enabled()
    assert private_apis.keras_rnn_loop() is not None


def test_repeated_input_lstm_reads_only_the_first_step():
    # The shortcut projects the first step's input once: a later step that
    # differs changes nothing. Off (public APIs only), the layer is Keras's LSTM.
    rng = np.random.RandomState(0)
    x = np.repeat(rng.normal(size=(4, 1, 3)).astype(np.float32), 7, axis=1)
    changed = x.copy()
    changed[:, 3:] += 1.0
    keras_lstm, ours = twins(RepeatedInputLSTM, return_sequences=True)
    np.testing.assert_allclose(numpy(ours(changed)), numpy(ours(x)), atol=1e-6)
    with private_apis.public_apis_only():
        np.testing.assert_allclose(numpy(ours(changed)), numpy(keras_lstm(changed)), atol=1e-6)
        np.testing.assert_allclose(numpy(ours(x)), numpy(keras_lstm(x)), atol=1e-6)
    assert np.abs(numpy(keras_lstm(changed)) - numpy(keras_lstm(x))).max() > 1e-3


@on_tensorflow
def test_fused_lstm_fallback_is_keras_lstm(basic_motions):
    x = basic_motions[0][:5, :, :3].astype(np.float32)
    keras_lstm, ours = twins(FusedLSTM, return_sequences=True, return_state=True)
    assert "BlockLSTM" in traced_ops(ours, x)
    fused = [numpy(t) for t in ours(x)]
    with private_apis.public_apis_only():
        assert "BlockLSTM" not in traced_ops(ours, x)
        fallback = [numpy(t) for t in ours(x)]
    for got, expected, want in zip(fused, fallback, keras_lstm(x), strict=True):
        np.testing.assert_allclose(expected, numpy(want), atol=1e-6)
        np.testing.assert_allclose(got, expected, atol=2e-6)


def test_serialization_fallback_round_trips_the_same_model(italy_power):
    X = italy_power[0][:20]
    detector = LSTMAutoencoderOutlierDetector(units=4, epochs=2, random_state=0).fit(X)
    data = model_to_bytes(detector.model_)
    with private_apis.public_apis_only():
        public = model_to_bytes(detector.model_)
        from_private = model_from_bytes(data)
        restored = pickle.loads(pickle.dumps(detector))
    from_public = model_from_bytes(public)
    for model in (from_private, from_public, restored.model_):
        for got, want in zip(model.get_weights(), detector.model_.get_weights(), strict=True):
            np.testing.assert_array_equal(got, want)
        assert len(model.optimizer.variables) == len(detector.model_.optimizer.variables)
    np.testing.assert_array_equal(restored.score_samples(X), detector.score_samples(X))


@on_tensorflow
def test_fast_layers_step_aside_for_an_lstm_option_they_do_not_know(basic_motions):
    # an allow-list: a newer Keras's option makes both layers Keras's LSTM
    class WithNewOption(FusedLSTM):
        def get_config(self):
            return {**super().get_config(), "a_future_option": True}

    class RepeatedWithNewOption(RepeatedInputLSTM):
        def get_config(self):
            return {**super().get_config(), "a_future_option": True}

    x = basic_motions[0][:5, :, :3].astype(np.float32)
    keras_lstm, ours = twins(WithNewOption, return_sequences=True)
    assert "BlockLSTM" not in traced_ops(ours, x)
    np.testing.assert_allclose(numpy(ours(x)), numpy(keras_lstm(x)), atol=1e-6)
    repeated = np.repeat(x[:, :1], 7, axis=1)
    changed = repeated.copy()
    changed[:, 3:] += 1.0
    keras_lstm, ours = twins(RepeatedWithNewOption, return_sequences=True)
    np.testing.assert_allclose(numpy(ours(changed)), numpy(keras_lstm(changed)), atol=1e-6)
