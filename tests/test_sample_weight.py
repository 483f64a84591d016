"""Per-sequence sample weights in fit and partial_fit, and their routing in a Pipeline."""

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from sklearn_lstmae._utils.statistics import weighted_ledoit_wolf as _ledoit_wolf
from sklearn_lstmae._utils.statistics import weighted_percentile as _percentile
from tests import _helpers

ESTIMATORS = [LSTMAutoencoderTransformer, LSTMAutoencoderOutlierDetector]
# The tiny network for three epochs, at the default batch of 32; tests pass other batches.
SMALL = {key: value for key, value in _helpers.SMALL.items() if key != "batch_size"} | {"epochs": 3}


def _data(n=24, seed=0):
    rng = np.random.RandomState(seed)
    return np.cumsum(rng.randn(n, 12, 2), axis=1).astype(np.float32) / 3


def _assert_same_model(a, b, rtol=1e-6):
    for got, expected in zip(a.model_.get_weights(), b.model_.get_weights(), strict=True):
        assert_allclose(got, expected, rtol=rtol, atol=1e-7)
    if hasattr(a, "offset_"):
        assert_allclose(a.offset_, b.offset_, rtol=1e-5)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("shuffle", [False, True])
def test_zero_weights_equal_leaving_the_rows_out(Estimator, shuffle):
    X = _data()
    weights = np.ones(len(X))
    weights[[1, 5, 6, 20]] = 0
    params = dict(SMALL, batch_size=len(X), shuffle=shuffle, standardize=True)
    weighted = Estimator(**params).fit(X, sample_weight=weights)
    without = Estimator(**params).fit(X[weights > 0])
    _assert_same_model(weighted, without)
    assert_allclose(weighted.channel_mean_, without.channel_mean_, rtol=1e-6)
    assert weighted.history_["loss"] == pytest.approx(without.history_["loss"], rel=1e-6)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_weights_of_ones_equal_no_weights(Estimator):
    X = _data()
    weighted = Estimator(**SMALL, batch_size=8).fit(X, sample_weight=np.ones(len(X)))
    plain = Estimator(**SMALL, batch_size=8).fit(X)
    _assert_same_model(weighted, plain, rtol=0)
    weighted.partial_fit(X, sample_weight=np.full(len(X), 2.5))
    plain.partial_fit(X)
    _assert_same_model(weighted, plain, rtol=0)


def test_integer_weights_equal_repeated_rows_in_one_batch():
    X = _data()
    weights = np.ones(len(X), dtype=int)
    weights[[0, 3]] = [2, 3]
    params = dict(SMALL, batch_size=64, shuffle=False)
    weighted = LSTMAutoencoderTransformer(**params).fit(X, sample_weight=weights)
    repeated = LSTMAutoencoderTransformer(**params).fit(np.repeat(X, weights, axis=0))
    _assert_same_model(weighted, repeated, rtol=1e-4)
    assert not np.allclose(  # and the weights did change the model
        weighted.transform(X), LSTMAutoencoderTransformer(**params).fit(X).transform(X)
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_zero_weights_in_partial_fit_equal_leaving_the_rows_out(Estimator):
    X = _data()
    weights = (np.arange(len(X)) % 3 > 0).astype(float)
    weighted, without = Estimator(**SMALL), Estimator(**SMALL)
    for chunk in (slice(0, 12), slice(12, None)):
        weighted.partial_fit(X[chunk], sample_weight=weights[chunk])
        without.partial_fit(X[chunk][weights[chunk] > 0])
    _assert_same_model(weighted, without)


def test_the_detector_threshold_is_a_weighted_quantile():
    X = _data(n=60, seed=1)
    weights = np.random.RandomState(0).uniform(0.1, 3, len(X))
    detector = LSTMAutoencoderOutlierDetector(**SMALL, contamination=0.25, scoring="mse")
    detector.fit(X, sample_weight=weights)
    flagged = detector.score_samples(X) < detector.offset_
    assert abs(weights[flagged].sum() / weights.sum() - 0.25) < 0.05


def test_weighted_percentile_and_covariance_reduce_to_the_unweighted_ones():
    rng = np.random.RandomState(0)
    values, vectors = rng.randn(31), rng.randn(40, 3)
    assert_allclose(
        _percentile(values, [5, 50, 95], np.full(31, 2.0)), np.percentile(values, [5, 50, 95])
    )
    weights = rng.uniform(0.5, 2, 40)
    gaussian = _ledoit_wolf(vectors, weights)
    assert_allclose(gaussian.location_, np.average(vectors, axis=0, weights=weights))
    assert_allclose(
        _ledoit_wolf(vectors, np.ones(40)).covariance_, _ledoit_wolf(vectors).covariance_
    )
    # A weight that grows makes its row pull the quantiles toward it.
    heavy = np.ones(31)
    heavy[np.argmax(values)] = 30
    assert _percentile(values, 50, heavy) > np.percentile(values, 50)


@pytest.mark.parametrize(
    "sample_weight, message",
    [
        (np.ones(5), r"shape == \(5,\), expected \(24,\)"),
        (np.ones((24, 1)), "expected"),
        (-np.ones(24), "non-negative"),
        (np.zeros(24), "zero everywhere"),
        (np.r_[np.nan, np.ones(23)], "finite"),
        (["a"] * 24, "numbers"),
    ],
)
def test_bad_weights_get_a_clear_error_and_change_nothing(sample_weight, message):
    X = _data()
    ae = LSTMAutoencoderTransformer(**SMALL).fit(X)
    before = ae.transform(X)
    with pytest.raises(ValueError, match=message):
        ae.fit(X, sample_weight=sample_weight)
    with pytest.raises(ValueError, match=message):
        ae.partial_fit(X, sample_weight=sample_weight)
    assert_array_equal(ae.transform(X), before)
    assert ae.n_iter_ == 3


def test_weights_follow_the_validation_split():
    X = _data()
    weights = np.ones(len(X))
    params = dict(SMALL, validation_split=0.25)  # the last 6 rows are held out
    with pytest.raises(ValueError, match="zero on every validation sequence"):
        LSTMAutoencoderTransformer(**params).fit(X, sample_weight=np.r_[weights[:18], np.zeros(6)])
    with pytest.raises(ValueError, match="zero on every training sequence"):
        LSTMAutoencoderTransformer(**params).fit(X, sample_weight=np.r_[np.zeros(18), weights[:6]])
    # Held-out rows of weight 0 do not count in val_loss, whatever they hold.
    weights[[-1, -2]] = 0
    changed = X.copy()
    changed[-2:] *= 50
    first = LSTMAutoencoderTransformer(**params).fit(X, sample_weight=weights)
    second = LSTMAutoencoderTransformer(**params).fit(changed, sample_weight=weights)
    assert first.history_["val_loss"] == pytest.approx(second.history_["val_loss"], rel=1e-6)
    unweighted = LSTMAutoencoderTransformer(**params).fit(changed)
    assert unweighted.history_["val_loss"][0] > 10 * second.history_["val_loss"][0]


def test_score_takes_weights():
    X = _data()
    ae = LSTMAutoencoderTransformer(**SMALL).fit(X)
    weights = np.r_[np.ones(12), np.zeros(12)]
    assert ae.score(X, sample_weight=weights) == pytest.approx(ae.score(X[:12]))


def test_metadata_routing_sends_weights_to_the_autoencoder_in_a_pipeline():
    X = _data()
    y = (X[:, -1, 0] > X[:, 0, 0]).astype(int)
    weights = np.r_[np.ones(12), np.zeros(12)]
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(
            LSTMAutoencoderTransformer(**SMALL).set_fit_request(sample_weight=True),
            StandardScaler().set_fit_request(sample_weight=False),
            LogisticRegression().set_fit_request(sample_weight=True),
        ).fit(X, y, sample_weight=weights)
    alone = LSTMAutoencoderTransformer(**SMALL).fit(X[:12])
    assert_allclose(pipeline[0].transform(X), alone.transform(X), rtol=1e-5, atol=1e-6)
