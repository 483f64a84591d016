"""Keras network builders and layers (module mirrors _networks)."""

import keras
import numpy as np
import pytest

from sklearn_lstmae._networks import RepeatedInputLSTM, build_decoder


def twin_lstms(units=6, activation="tanh"):
    """A Keras LSTM and a RepeatedInputLSTM with the same weights."""
    layers = [
        cls(units, return_sequences=True, activation=activation, seed=0)
        for cls in (keras.layers.LSTM, RepeatedInputLSTM)
    ]
    for layer in layers:
        layer.build((None, 7, 3))
    layers[1].set_weights(layers[0].get_weights())
    return layers


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_repeated_input_lstm_computes_what_keras_lstm_computes(activation):
    code = np.random.RandomState(0).normal(size=(5, 3)).astype(np.float32)
    repeated = np.repeat(code[:, None], 7, axis=1)
    keras_lstm, ours = twin_lstms(activation=activation)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(repeated)),
        keras.ops.convert_to_numpy(keras_lstm(repeated)),
        rtol=1e-5,
        atol=1e-6,
    )


def test_repeated_input_lstm_trains_like_keras_lstm():
    rng = np.random.RandomState(0)
    code = rng.normal(size=(8, 3)).astype(np.float32)
    target = rng.normal(size=(8, 7, 6)).astype(np.float32)
    models = []
    for layer in twin_lstms():
        inputs = keras.Input((3,))
        outputs = layer(keras.layers.RepeatVector(7)(inputs))
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
        models.append(model)
    losses = [[model.train_on_batch(code, target) for _ in range(3)] for model in models]
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)
    for ours, theirs in zip(models[1].get_weights(), models[0].get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)


def test_decoder_projects_the_repeated_code_in_its_first_lstm_only():
    decoder = build_decoder(4, 9, 2, units=(5, 6), seed=0)
    lstms = [layer for layer in decoder.layers if isinstance(layer, keras.layers.LSTM)]
    assert [type(layer) for layer in lstms] == [RepeatedInputLSTM, keras.layers.LSTM]
