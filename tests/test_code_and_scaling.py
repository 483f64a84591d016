"""What the code holds (bidirectional encoder, all states) and per-channel standardization."""

import pickle

import keras
import numpy as np
import pytest
from scipy.special import expit

from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from sklearn_lstmae._engine.layers import LeadingFeatures, MaskedTimePooling, ReverseWithinLength
from sklearn_lstmae._engine.networks import (
    SHARE_TEMPERATURE,
    build_encoder,
    code_size,
    decoded_size,
)
from tests._helpers import FAST, nan_padded

FORWARD = dict(bidirectional=False)


# ----------------------------------------------------------------- the layer
def test_reverse_within_length_keeps_padding_on_the_right():
    x = np.arange(2 * 5 * 1, dtype="float32").reshape(2, 5, 1)
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    layer = ReverseWithinLength()
    reversed_ = keras.ops.convert_to_numpy(layer(x, mask=mask))
    assert reversed_[0, :, 0].tolist() == [2, 1, 0, 3, 4]
    assert reversed_[1, :, 0].tolist() == [9, 8, 7, 6, 5]
    again = keras.ops.convert_to_numpy(layer(reversed_, mask=mask))
    np.testing.assert_array_equal(again, x)
    assert keras.ops.convert_to_numpy(layer.compute_mask(x, mask)).tolist() == mask.tolist()
    unmasked = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_array_equal(unmasked, x[:, ::-1])


def test_masked_time_pooling_ignores_padded_steps():
    x = np.array([[[1.0, -2.0], [3.0, -1.0], [-5.0, 4.0], [9.0, 9.0]]], dtype="float32")
    mask = np.array([[True, True, True, False]])
    maximum = keras.ops.convert_to_numpy(MaskedTimePooling("max")(x, mask=mask))
    share = keras.ops.convert_to_numpy(MaskedTimePooling("positive_share")(x, mask=mask))
    np.testing.assert_allclose(maximum, [[3.0, 4.0]])
    np.testing.assert_allclose(share, [[2 / 3, 1 / 3]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(MaskedTimePooling("max")(x)), [[9, 9]])
    assert MaskedTimePooling.from_config(MaskedTimePooling("max").get_config()).statistic == "max"
    with pytest.raises(ValueError, match="statistic must be one of"):
        MaskedTimePooling("min")


def test_a_tempered_positive_share_counts_away_from_zero_and_is_continuous_at_it():
    x = np.array([[[0.5, -0.2], [0.02, -1.0], [-0.3, 0.7], [9.0, 9.0]]], dtype="float32")
    mask = np.array([[True, True, True, False]])
    tempered = MaskedTimePooling("positive_share", temperature=1e-3)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(tempered(x, mask=mask)), [[2 / 3, 1 / 3]], atol=1e-6
    )
    # A value at zero moved by 1e-7 either way: the count jumps by 1 / 3, the tempered
    # share moves by at most 1e-7 / (4 t) / 3 (sigmoid's slope is at most 1 / 4).
    at_zero = np.array([[[1e-7], [1.0], [-1.0]]], dtype="float32")
    below = np.array([[[-1e-7], [1.0], [-1.0]]], dtype="float32")
    counted = MaskedTimePooling("positive_share")
    jump = keras.ops.convert_to_numpy(counted(at_zero) - counted(below))
    np.testing.assert_allclose(jump, [[1 / 3]], rtol=1e-6)
    moved = keras.ops.convert_to_numpy(tempered(at_zero) - tempered(below))
    assert 0 < moved[0, 0] <= 2e-7 / (4 * 1e-3) / 3 * 1.01  # 1%: float32 rounding near 1 / 3
    # The configuration keeps the temperature; one without it (saved by 0.1.0) counts.
    assert MaskedTimePooling.from_config(tempered.get_config()).temperature == 1e-3
    config = tempered.get_config()
    del config["temperature"]
    assert MaskedTimePooling.from_config(config).temperature == 0.0
    for bad in (-1e-3, float("nan"), float("inf"), "0.1", True):
        with pytest.raises(ValueError, match="temperature must be a finite number >= 0"):
            MaskedTimePooling("positive_share", temperature=bad)


def test_the_built_encoders_share_is_tempered():
    encoder = build_encoder(1, units=(4,), code="states_and_pools", seed=0)
    assert encoder.get_layer("encoder_share_0").temperature == SHARE_TEMPERATURE > 0


def test_segment_means_average_stretches_of_the_real_steps():
    x = np.arange(12, dtype="float32").reshape(1, 6, 2)  # step t holds (2t, 2t + 1)
    mask = np.array([[True] * 5 + [False]])
    layer = MaskedTimePooling("segment_means", segments=2)
    # 5 real steps in 2 stretches: steps 0-2 (t * 2 / 5 < 1), then 3-4; step 5 is padding.
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x, mask=mask)), [[2.0, 3.0, 7.0, 8.0]]
    )
    # One real step, 3 stretches: the empty ones hold zeros.
    short = np.array([[True] + [False] * 5])
    three = MaskedTimePooling("segment_means", segments=3)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(three(x, mask=short)), [[0.0, 1.0, 0.0, 0.0, 0.0, 0.0]]
    )
    assert three.compute_output_shape((None, 6, 2)) == (None, 6)
    assert MaskedTimePooling.from_config(three.get_config()).segments == 3
    with pytest.raises(ValueError, match="segments must be a positive integer"):
        MaskedTimePooling("segment_means", segments=0)


# ----------------------------------------------------------------- the code
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize(
    "code",
    [
        "last_hidden",
        "all_states",
        "states_and_means",
        "states_and_pools",
        "states_pools_and_segments",
    ],
)
def test_code_size_matches_the_encoder(bidirectional, code):
    units = (6, 4)
    encoder = build_encoder(2, units=units, bidirectional=bidirectional, code=code, seed=0)
    expected = code_size(units, bidirectional=bidirectional, code=code)
    assert encoder.output.shape == (None, expected)
    assert (
        expected
        == {
            (False, "last_hidden"): 4,
            (True, "last_hidden"): 8,
            (False, "all_states"): 20,
            (True, "all_states"): 40,
            (False, "states_and_means"): 30,
            (True, "states_and_means"): 60,
            (False, "states_and_pools"): 50,
            (True, "states_and_pools"): 100,
            (False, "states_pools_and_segments"): 130,
            (True, "states_pools_and_segments"): 260,
        }[(bidirectional, code)]
    )


def test_all_states_code_holds_the_last_hidden_state(italy_power):
    X = italy_power[0][:20]
    hidden = LSTMAutoencoderTransformer(**FAST, **FORWARD, code="last_hidden").fit(X)
    states = LSTMAutoencoderTransformer(**FAST, **FORWARD, code="all_states")
    # Same weights, different code: the encoder's final h is the first part of [h, c].
    states.fit(X)
    states.model_.get_layer("encoder").get_layer("encoder_lstm_0").set_weights(
        hidden.model_.get_layer("encoder").get_layer("encoder_lstm_0").get_weights()
    )
    np.testing.assert_allclose(
        states.transform(X)[:, : FAST["units"]], hidden.transform(X), rtol=1e-5, atol=1e-6
    )


def test_backward_direction_reads_the_sequence_start(italy_power):
    """The backward LSTM's final state depends on the first step, not just the last ones."""
    X = italy_power[0][:10].copy()
    ae = LSTMAutoencoderTransformer(**FAST, bidirectional=True, code="last_hidden").fit(X)
    changed = X.copy()
    changed[:, 0] += 3.0
    backward = slice(FAST["units"], None)
    forward = slice(None, FAST["units"])
    codes, changed_codes = ae.transform(X), ae.transform(changed)
    assert (
        np.abs(codes[:, backward] - changed_codes[:, backward]).max()
        > 10 * np.abs(codes[:, forward] - changed_codes[:, forward]).max()
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "params",
    [
        dict(bidirectional=True, code="last_hidden"),
        dict(bidirectional=False, code="all_states"),
        dict(bidirectional=True, code="states_and_means"),
        dict(bidirectional=True, code="states_and_pools"),
        dict(bidirectional=True, code="states_pools_and_segments"),
    ],
)
def test_padding_never_changes_a_code(japanese_vowels, params):
    sequences = japanese_vowels[0][:24]
    ae = LSTMAutoencoderTransformer(**FAST, standardize=True, **params).fit(sequences)
    as_list = ae.transform(sequences)
    np.testing.assert_allclose(ae.transform(nan_padded(sequences)), as_list, atol=1e-6)
    one_by_one = np.concatenate([ae.transform([s]) for s in sequences[:4]])
    np.testing.assert_allclose(one_by_one, as_list[:4], atol=1e-5)


@pytest.mark.slow
def test_new_options_pickle_and_reproduce(basic_motions):
    X = basic_motions[0][:16, :30]
    params = dict(FAST, bidirectional=True, code="all_states", standardize=True, future_steps=3)
    ae = LSTMAutoencoderTransformer(**params).fit(X)
    again = LSTMAutoencoderTransformer(**params).fit(X)
    np.testing.assert_array_equal(ae.transform(X), again.transform(X))
    restored = pickle.loads(pickle.dumps(ae))
    np.testing.assert_array_equal(restored.transform(X), ae.transform(X))
    np.testing.assert_array_equal(restored.reconstruct(X), ae.reconstruct(X))
    np.testing.assert_array_equal(restored.forecast(X[:, :27]), ae.forecast(X[:, :27]))


def test_bad_code_is_rejected_before_anything_changes(italy_power):
    ae = LSTMAutoencoderTransformer(**FAST, code="everything")
    with pytest.raises(ValueError, match="'code' parameter.*'all_states'"):
        ae.fit(italy_power[0])
    assert not hasattr(ae, "model_")


# ----------------------------------------------------------- standardization
@pytest.mark.slow
def test_standardize_makes_the_model_blind_to_channel_units(basic_motions):
    """Fitting on a * X + b (per channel) gives the codes of X, and outputs in X's units."""
    X = basic_motions[0][:16, :30]
    a = np.array([100.0, 0.01, 3.0, 1.0, 50.0, 0.5])
    b = np.array([1000.0, -5.0, 0.0, 2.0, -300.0, 7.0])
    params = dict(FAST, standardize=True, future_steps=2)
    plain = LSTMAutoencoderTransformer(**params).fit(X)
    moved = LSTMAutoencoderTransformer(**params).fit(a * X + b)
    np.testing.assert_allclose(moved.channel_scale_, a * plain.channel_scale_, rtol=1e-4)
    np.testing.assert_allclose(moved.transform(a * X + b), plain.transform(X), atol=2e-4)

    # Outputs in the units of the data each was fitted on: back in X's units, equal.
    def in_x_units(values):
        return (values - b) / a

    np.testing.assert_allclose(
        in_x_units(moved.reconstruct(a * X + b)), plain.reconstruct(X), atol=2e-4
    )
    np.testing.assert_allclose(
        in_x_units(moved.forecast(a * X[:, :28] + b)), plain.forecast(X[:, :28]), atol=2e-4
    )
    codes = plain.transform(X)
    np.testing.assert_allclose(
        in_x_units(moved.inverse_transform(codes)), plain.inverse_transform(codes), atol=2e-4
    )


def test_standardize_uses_real_steps_only(japanese_vowels):
    sequences = japanese_vowels[0][:30]
    ae = LSTMAutoencoderTransformer(**FAST, standardize=True).fit(nan_padded(sequences))
    stacked = np.concatenate(sequences)
    np.testing.assert_allclose(ae.channel_mean_, stacked.mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ae.channel_scale_, stacked.std(axis=0), rtol=1e-5)


def test_constant_channel_is_left_unscaled(basic_motions):
    X = basic_motions[0][:10, :20].copy()
    X[:, :, 2] = 4.0
    ae = LSTMAutoencoderTransformer(**FAST, standardize=True).fit(X)
    assert ae.channel_scale_[2] == 1.0
    assert np.isfinite(ae.transform(X)).all()


def test_without_standardize_no_statistics_are_kept(italy_power):
    ae = LSTMAutoencoderTransformer(**FAST, standardize=False).fit(italy_power[0])
    assert ae.channel_mean_ is None and ae.channel_scale_ is None


def test_warm_start_rejects_a_changed_standardize(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(**FAST, standardize=True, warm_start=True).fit(X)
    weights = [w.copy() for w in ae.model_.get_weights()]
    ae.set_params(standardize=False)
    with pytest.raises(ValueError, match="standardize changed"):
        ae.fit(X)
    for before, after in zip(weights, ae.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)


def test_detector_scores_in_original_units_with_standardize(italy_power):
    X = italy_power[0]
    detector = LSTMAutoencoderOutlierDetector(**FAST, standardize=True, scoring="mse").fit(X)
    errors = detector.reconstruction_error(X)
    np.testing.assert_allclose(-detector.score_samples(X), errors.mean(axis=1), rtol=1e-6)
    np.testing.assert_allclose(errors, np.square(detector.reconstruct(X) - X), rtol=1e-4, atol=1e-6)


POOLS = {
    "states_and_means": [np.mean],
    "states_and_pools": [
        np.mean,
        np.max,
        lambda steps, axis: expit(steps / SHARE_TEMPERATURE).mean(axis=axis),
    ],
}


def _forward_outputs(ae, X):
    """The outputs of a one-layer forward encoder's LSTM, from a plain Keras LSTM."""
    plain = keras.layers.LSTM(FAST["units"], return_sequences=True)
    plain.build((None, None, 1))
    plain.set_weights(ae.encoder_.get_layer("encoder_lstm_0").get_weights())
    return keras.ops.convert_to_numpy(plain(X[:, :, None].astype("float32")))


@pytest.mark.parametrize("code", list(POOLS))
def test_pools_are_statistics_of_the_outputs_over_real_steps(italy_power, code):
    """A one-layer forward encoder's pools: mean (and max, positive share) of its outputs."""
    X = italy_power[0][:6, :10]
    ae = LSTMAutoencoderTransformer(**FAST, **FORWARD, code=code).fit(X)
    outputs = _forward_outputs(ae, X)
    # Padding: a shorter sequence is pooled over its own steps only.
    for codes, steps in [
        (ae.transform(X), outputs),
        (ae.transform([x[:7] for x in X]), outputs[:, :7]),
    ]:
        pools = np.split(codes[:, 2 * FAST["units"] :], len(POOLS[code]), axis=1)
        for pooled, statistic in zip(pools, POOLS[code], strict=True):
            np.testing.assert_allclose(pooled, statistic(steps, axis=1), atol=1e-5)


def test_segment_means_are_read_from_the_outputs_over_real_steps(italy_power):
    """The code's last part: each stretch's mean of a one-layer forward encoder's outputs."""
    X = italy_power[0][:6, :10]
    ae = LSTMAutoencoderTransformer(**FAST, **FORWARD, code="states_pools_and_segments").fit(X)
    outputs = _forward_outputs(ae, X)
    for codes, steps in [
        (ae.transform(X), outputs),
        (ae.transform([x[:7] for x in X]), outputs[:, :7]),  # padding takes no part
    ]:
        # 7 steps in 8 stretches leave the last one empty: it holds zeros.
        stretch = np.floor(np.arange(steps.shape[1]) * 8 / steps.shape[1])
        expected = np.concatenate(
            [steps[:, stretch == j].sum(axis=1) / max((stretch == j).sum(), 1) for j in range(8)],
            axis=1,
        )
        np.testing.assert_allclose(codes[:, 5 * FAST["units"] :], expected, atol=1e-5)


@pytest.mark.parametrize("code", ["states_and_pools", "states_pools_and_segments"])
def test_decoder_skips_the_pools(italy_power, code):
    """With the pools as a read-out, the network trains exactly as with states and means."""
    X = italy_power[0][:12]
    means = LSTMAutoencoderTransformer(**FAST, code="states_and_means").fit(X)
    pools = LSTMAutoencoderTransformer(**FAST, code=code).fit(X)
    assert pools.history_["loss"] == means.history_["loss"]
    np.testing.assert_array_equal(pools.reconstruct(X), means.reconstruct(X))
    codes = pools.transform(X)
    np.testing.assert_array_equal(codes[:, : means.transform(X).shape[1]], means.transform(X))
    changed = codes.copy()
    changed[:, means.transform(X).shape[1] :] = 0.0  # the pools: the decoder never reads them
    np.testing.assert_array_equal(pools.inverse_transform(changed), pools.inverse_transform(codes))


def test_bottleneck_reads_states_and_means_only(italy_power):
    X = italy_power[0][:12]
    ae = LSTMAutoencoderTransformer(**FAST, code="states_and_pools", latent_dim=3).fit(X)
    assert ae.transform(X).shape == (12, 3)
    assert code_size((4,), latent_dim=3, code="states_and_pools") == 3
    assert decoded_size((4,), latent_dim=3, code="states_and_pools") == 3
    assert not any(isinstance(layer, MaskedTimePooling) for layer in ae.encoder_.layers)


def test_leading_features_keeps_the_first_columns():
    x = np.arange(12, dtype="float32").reshape(2, 6)
    layer = LeadingFeatures(4)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x)), x[:, :4])
    assert LeadingFeatures.from_config(layer.get_config()).n == 4


@pytest.mark.parametrize("code", ["states_and_pools", "states_pools_and_segments"])
def test_pooled_code_survives_pickling(italy_power, code):
    X = italy_power[0][:12]
    ae = LSTMAutoencoderTransformer(**FAST, code=code).fit(X)
    restored = pickle.loads(pickle.dumps(ae))
    np.testing.assert_array_equal(restored.transform(X), ae.transform(X))
    assert np.isfinite(ae.history_["loss"]).all()
