"""TensorFlow's fused Adam kernel updates like ``keras.optimizers.Adam.apply``."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae._fused_adam import apply_fused_adam, fused_adam_applies

tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.skipif(
    keras.backend.backend() != "tensorflow", reason="a TensorFlow kernel"
)


def _variables(seed):
    rng = np.random.default_rng(seed)
    return [keras.Variable(rng.normal(size=shape).astype("float32")) for shape in [(5, 3), (3,)]]


def _state(optimizer, variables):
    return [v.numpy() for v in [*variables, *optimizer.variables]]


def _step(optimizer, variables, fused):
    def step(grads):
        if fused:
            assert fused_adam_applies(optimizer, variables, grads)
            apply_fused_adam(optimizer, grads, variables)
        else:
            optimizer.apply(grads, variables)

    return step


@pytest.mark.parametrize(
    "learning_rate",
    [3e-2, keras.optimizers.schedules.ExponentialDecay(3e-2, decay_steps=2, decay_rate=0.5)],
)
def test_fused_adam_updates_like_keras(learning_rate):
    grads = [
        [tf.constant(g, tf.float32) for g in (np.full((5, 3), k - 1.5), np.arange(3.0) * k)]
        for k in range(4)
    ]
    states = []
    for fused in (True, False):
        variables = _variables(0)
        optimizer = keras.optimizers.Adam(learning_rate, beta_1=0.8, beta_2=0.95, epsilon=1e-3)
        optimizer.build(variables)

        step = tf.function(_step(optimizer, variables, fused), autograph=False)
        for g in grads:
            step(g)
        assert int(optimizer.iterations.numpy()) == len(grads)
        states.append(_state(optimizer, variables))
    for fused, keras_adam in zip(*states, strict=True):
        assert_allclose(fused, keras_adam, rtol=1e-6, atol=1e-7)
    assert not np.allclose(states[0][0], _variables(0)[0].numpy())  # it trained


def test_fused_adam_applies_to_the_default_optimizer(italy_power):
    ae = LSTMAutoencoderTransformer(units=4, epochs=1, random_state=0).fit(italy_power[0][:8])
    variables = ae.model_.trainable_variables
    grads = [tf.zeros_like(v) for v in variables]
    assert fused_adam_applies(ae.model_.optimizer, variables, grads)
    assert not fused_adam_applies(ae.model_.optimizer, variables, [None, *grads[1:]])


@pytest.mark.parametrize(
    "optimizer",
    [
        keras.optimizers.Adam(amsgrad=True),
        keras.optimizers.Adam(clipnorm=1.0),
        keras.optimizers.Adam(weight_decay=1e-3),
        keras.optimizers.AdamW(),  # a subclass: its own update
        keras.optimizers.SGD(),
    ],
    ids=["amsgrad", "clipnorm", "weight_decay", "AdamW", "SGD"],
)
def test_other_optimizers_keep_keras_update(optimizer):
    variables = _variables(0)
    optimizer.build(variables)
    assert not fused_adam_applies(optimizer, variables, [tf.zeros_like(v) for v in variables])
