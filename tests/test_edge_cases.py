"""Issue 36's table, rows 3 to 5 and 9 to 12: edge cases refused clearly or handled."""

import warnings

import numpy as np
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    LSTMAutoencoderTransformer,
    SeriesAnomalyDetector,
)
from sklearn_lstmae._autoencoder import model_factory
from tests._helpers import FAST


def _long_sequences(n_steps, n=4):
    return np.sin(np.linspace(0, 30, n * n_steps)).reshape(n, n_steps)


def test_row_3_the_mahalanobis_model_refuses_a_dimension_it_cannot_afford_before_training():
    detector = LSTMAutoencoderOutlierDetector(**FAST, scoring="mahalanobis")
    with pytest.raises(ValueError, match="d = n_timesteps \\* n_channels = 2100, at most 2048"):
        detector.fit(_long_sequences(2100))
    assert not hasattr(detector, "model_")


@pytest.mark.slow
def test_row_3_combined_scoring_uses_the_mse_above_that_dimension():
    detector = LSTMAutoencoderOutlierDetector(units=2, epochs=1, random_state=0)
    detector.fit(_long_sequences(2100))
    assert detector.scoring_ == "combined" and not hasattr(detector, "error_covariance_")
    assert np.isfinite(detector.score_samples(_long_sequences(2100))).all()


@pytest.mark.parametrize("threshold", [float("nan"), float("inf"), -float("inf"), True])
def test_rows_4_and_9_thresholds_that_are_not_finite_numbers_are_refused(threshold):
    detector = SeriesAnomalyDetector(
        IsolationForest(random_state=0), window=20, threshold=threshold
    )
    with pytest.raises(InvalidParameterError, match="'threshold' parameter"):
        detector.fit(np.sin(np.arange(600) / 5))


def test_row_5_a_constant_training_series_gives_finite_scores():
    detector = SeriesAnomalyDetector(
        LSTMAutoencoderOutlierDetector(**FAST), window=20, random_state=0
    ).fit(np.ones(600))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow on the way
        scores = detector.score_series(np.sin(np.arange(600) / 5))
    assert np.isfinite(scores).all() and np.isfinite(detector.threshold_)
    assert scores.max() > detector.threshold_  # a sine is anomalous after a constant


def test_row_10_an_empty_stream_chunk_gives_no_scores():
    series = np.sin(np.arange(600) / 5)
    detector = SeriesAnomalyDetector(IsolationForest(random_state=0), window=20).fit(series)
    stream = detector.stream()
    assert stream.update(series[:0]).shape == (0,)
    parts = [stream.update(series[:300]), stream.update(series[:0]), stream.update(series[300:])]
    np.testing.assert_allclose(
        np.concatenate([*parts, stream.finish()]), detector.score_series(series), rtol=1e-12
    )
    with pytest.raises(ValueError, match="3 channels"):
        stream.update(np.zeros((0, 3)))


def test_row_11_text_and_iterators_are_refused_with_the_accepted_forms():
    X = np.sin(np.linspace(0, 20, 240)).reshape(24, 10)
    transformer = LSTMAutoencoderTransformer(**FAST).fit(X)
    with pytest.raises(ValueError, match="holds text.*a 2-D array .*a list of sequences"):
        transformer.transform(X.astype(str))
    with pytest.raises(ValueError, match=r"X\[1\] holds text"):
        transformer.transform([X[0], X[1].astype(str)])
    with pytest.raises(TypeError, match="X is a generator.*make it a list"):
        LSTMAutoencoderTransformer(**FAST).fit(x for x in X)
    np.testing.assert_array_equal(  # numbers held as objects stay accepted, as in scikit-learn
        transformer.transform(X.astype(object)), transformer.transform(X)
    )
    detector = SeriesAnomalyDetector(IsolationForest(random_state=0), window=20)
    with pytest.raises(ValueError, match="holds text.*one series"):
        detector.fit(np.arange(600).astype(str))
    with pytest.raises(TypeError, match="X is a generator"):
        detector.fit(s for s in [np.arange(600.0)])


def test_row_12_absurd_epochs_are_refused():
    with pytest.raises(InvalidParameterError, match="'epochs' parameter"):
        LSTMAutoencoderTransformer(epochs=10**18).fit(np.zeros((4, 5)))


def test_row_12_a_network_larger_than_memory_is_refused_before_it_is_built(monkeypatch):
    X = np.sin(np.linspace(0, 20, 240)).reshape(24, 10)
    fitted = LSTMAutoencoderTransformer(**FAST).fit(X)
    before = fitted.transform(X)
    monkeypatch.setattr(model_factory, "_physical_memory", lambda: 2**20)
    with pytest.raises(ValueError, match="more than this machine's 0.0 GiB"):
        fitted.set_params(units=64).fit(X)
    np.testing.assert_array_equal(fitted.transform(X), before)  # the failed fit changed nothing


def test_row_12_a_large_network_gets_a_warning(monkeypatch):
    monkeypatch.setattr(model_factory, "LARGE_NETWORK_BYTES", 10_000)
    with pytest.warns(UserWarning, match="weights, about .* GiB to train"):
        LSTMAutoencoderTransformer(**FAST).fit(np.zeros((4, 5)))
