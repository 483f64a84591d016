"""Keras network builders and custom layers (_engine/networks.py, _engine/layers.py)."""

import keras
import numpy as np
import pytest

from sklearn_lstmae._engine.layers import FusedLSTM, RepeatedInputLSTM
from sklearn_lstmae._engine.networks import build_decoder, build_encoder


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
    assert [type(layer) for layer in lstms] == [RepeatedInputLSTM, FusedLSTM]


on_tensorflow = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="the fused kernel is TensorFlow's"
)


def right_padded(basic_motions, n_channels, lengths=(100, 61, 100, 7, 38)):
    """Real multichannel sequences cut to different lengths, right-padded with zeros."""
    x = basic_motions[0][: len(lengths), :, :n_channels].astype(np.float32).copy()
    mask = np.arange(x.shape[1])[None, :] < np.asarray(lengths)[:, None]
    x[~mask] = 0.0
    return x, mask


def twin_sequence_lstms(n_channels, return_sequences, units=6, **kwargs):
    """A Keras LSTM and a FusedLSTM with the same weights, returning their states."""
    layers = [
        cls(units, return_sequences=return_sequences, return_state=True, seed=0, **kwargs)
        for cls in (keras.layers.LSTM, FusedLSTM)
    ]
    for layer in layers:
        layer.build((None, None, n_channels))
    layers[1].set_weights(layers[0].get_weights())
    return layers


@pytest.mark.parametrize("n_channels", [3, 6])  # odd widths take a padded path
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("lengths", [(37,), (100, 61, 100, 7, 38)])  # rows run in halves
def test_fused_lstm_computes_what_keras_lstm_computes(
    basic_motions, n_channels, return_sequences, masked, lengths
):
    x, mask = right_padded(basic_motions, n_channels, lengths)
    keras_lstm, ours = twin_sequence_lstms(n_channels, return_sequences)
    kwargs = {"mask": mask} if masked else {}
    for got, expected in zip(ours(x, **kwargs), keras_lstm(x, **kwargs), strict=True):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(expected), atol=2e-6
        )


@pytest.mark.parametrize("lengths", [(37,), (100, 61, 7), (100, 61, 100, 7, 38, 90)])
def test_fused_lstm_trains_like_keras_lstm(basic_motions, lengths):
    # one row (a half is never empty), odd (the halves share a row) and even counts
    x, mask = right_padded(basic_motions, 3, lengths)
    target = np.random.RandomState(0).normal(size=(len(x), 5)).astype(np.float32)
    models = []
    for cls in (keras.layers.LSTM, FusedLSTM):
        inputs = keras.Input((None, 3))
        hidden = cls(6, return_sequences=True, seed=0)(keras.layers.Masking(0.0)(inputs))
        outputs = keras.layers.Dense(5)(cls(4, seed=1)(hidden))
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
        models.append(model)
    models[1].set_weights(models[0].get_weights())
    losses = [[model.train_on_batch(x, target) for _ in range(3)] for model in models]
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)
    for ours, theirs in zip(models[1].get_weights(), models[0].get_weights(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)
    assert np.isfinite(losses[0]).all() and losses[0][-1] < losses[0][0]


def traced_ops(layer, x):
    """Op types of ``layer(x)`` traced as a TensorFlow graph."""
    import tensorflow as tf

    graph = tf.function(layer).get_concrete_function(tf.constant(x)).graph
    return {op.type for op in graph.get_operations()}


@on_tensorflow
def test_fused_lstm_runs_tensorflows_kernel_except_where_xla_compiles(basic_motions):
    from sklearn_lstmae._engine.layers import xla_compatible_lstms

    x, _ = right_padded(basic_motions, 3)
    layer = twin_sequence_lstms(3, return_sequences=False)[1]
    assert "BlockLSTM" in traced_ops(layer, x)
    with xla_compatible_lstms():
        assert "BlockLSTM" not in traced_ops(layer, x)
    assert "BlockLSTM" in traced_ops(layer, x)  # the context is left behind


@on_tensorflow
def test_fused_lstm_steps_aside_for_relu_and_training_dropout(basic_motions):
    x, _ = right_padded(basic_motions, 3)
    relu = twin_sequence_lstms(3, return_sequences=False, activation="relu")
    assert "BlockLSTM" not in traced_ops(relu[1], x)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(relu[1](x)[0]),
        keras.ops.convert_to_numpy(relu[0](x)[0]),
        atol=2e-6,
    )
    dropout = twin_sequence_lstms(3, return_sequences=False, dropout=0.5)[1]
    assert "BlockLSTM" in traced_ops(dropout, x)  # inference: no dropout
    assert "BlockLSTM" not in traced_ops(lambda x: dropout(x, training=True), x)


@on_tensorflow
def test_fused_lstm_rejects_a_mask_that_is_not_right_padding(basic_motions):
    import tensorflow as tf

    x, mask = right_padded(basic_motions, 3)
    mask[1, 3] = False  # a hole inside the sequence
    layer = twin_sequence_lstms(3, return_sequences=False)[1]
    with pytest.raises(tf.errors.InvalidArgumentError, match="right padding"):
        layer(x, mask=mask)


def test_builders_fuse_every_lstm_but_the_decoders_first():
    encoder = build_encoder(2, units=(5, 4), seed=0)
    decoder = build_decoder(4, 9, 2, units=(4, 5), seed=0)
    types = [
        type(layer)
        for model in (encoder, decoder)
        for layer in model.layers
        if isinstance(layer, keras.layers.LSTM)
    ]
    assert types == [FusedLSTM, FusedLSTM, RepeatedInputLSTM, FusedLSTM]


def test_fused_lstm_does_not_clip_the_cell_state(basic_motions):
    # TensorFlow's kernel clips the cell state to +-3 unless told not to.
    x, _ = right_padded(basic_motions, 3)
    keras_lstm, ours = twin_sequence_lstms(3, return_sequences=False)
    weights = keras_lstm.get_weights()
    weights[2][:] = 3.0  # gates wide open: the cell state adds up over the 100 steps
    for layer in (keras_lstm, ours):
        layer.set_weights(weights)
    expected = [keras.ops.convert_to_numpy(t) for t in keras_lstm(x)]
    assert np.abs(expected[2]).max() > 10
    for got, want in zip(ours(x), expected, strict=True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(got), want, rtol=1e-5, atol=1e-4)
