"""Behaviour of LSTMAutoencoderOutlierDetector (module mirrors _outlier)."""

import pickle

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    fold_windows,
    sliding_windows,
)
from tests._helpers import FAST


@pytest.fixture(scope="module")
def one_class(italy_power):
    """ItalyPowerDemand, one-class protocol: train on class 1, test on both classes."""
    X_train, y_train, X_test, y_test = italy_power
    return X_train[y_train == "1"], X_test, np.where(y_test == "1", 1, -1)


@pytest.fixture(scope="module", params=["mse", "mahalanobis"])
def detector(request, one_class):
    return LSTMAutoencoderOutlierDetector(
        units=16, epochs=40, scoring=request.param, random_state=0
    ).fit(one_class[0])


@pytest.mark.slow
def test_a_pattern_never_seen_scores_below_every_training_sequence(detector, one_class):
    # Behaviour, not accuracy (the ROC AUC on the other class is measured in
    # benchmarks/bench_quality.py): a training sequence with a large oscillation added.
    X_train, X_test, _ = one_class
    scores = detector.score_samples(X_test)
    assert scores.shape == (X_test.shape[0],) and scores.dtype == np.float64
    distorted = X_train[:1] + 3.0 * np.sin(np.arange(X_train.shape[1]))
    assert detector.score_samples(distorted)[0] < detector.score_samples(X_train).min()


def test_decision_function_and_predict_follow_offset(detector, one_class):
    X_test = one_class[1]
    decision = detector.decision_function(X_test)
    np.testing.assert_allclose(decision, detector.score_samples(X_test) - detector.offset_)
    np.testing.assert_array_equal(detector.predict(X_test), np.where(decision < 0, -1, 1))


def test_auto_contamination_is_tukeys_fence(detector, one_class):
    scores = detector.score_samples(one_class[0])
    q1, q3 = np.percentile(scores, [25, 75])
    assert detector.offset_ == pytest.approx(q1 - 1.5 * (q3 - q1))


@pytest.mark.parametrize("contamination", [0.05, 0.2])
def test_contamination_flags_that_fraction_of_training_data(one_class, contamination):
    X_train = one_class[0]
    detector = LSTMAutoencoderOutlierDetector(**FAST, contamination=contamination)
    flagged = np.mean(detector.fit_predict(X_train) == -1)
    assert flagged == pytest.approx(contamination, abs=1.0 / X_train.shape[0])


@pytest.mark.slow
def test_mahalanobis_fits_a_shrunk_gaussian_to_error_vectors(one_class):
    X_train = one_class[0]
    detector = LSTMAutoencoderOutlierDetector(**FAST, scoring="mahalanobis").fit(X_train)
    covariance = detector.error_covariance_
    assert covariance.covariance_.shape == (24, 24)
    assert 0 < covariance.shrinkage_ <= 1
    errors = np.sqrt(detector.reconstruction_error(X_train[:3]))
    np.testing.assert_allclose(
        detector.score_samples(X_train[:3]), -covariance.mahalanobis(errors), rtol=1e-6
    )
    mse = LSTMAutoencoderOutlierDetector(**FAST, scoring="mse").fit(X_train)
    assert not hasattr(mse, "error_covariance_")


def test_reconstruction_error_localises_an_injected_fault(detector, one_class):
    X = one_class[1][:10].copy()
    X[:, 15] += 4.0  # a spike at step 15
    errors = detector.reconstruction_error(X)
    assert errors.shape == X.shape
    assert np.all(np.argmax(errors, axis=1) == 15)


@pytest.mark.slow
def test_long_series_scores_fold_back_per_point(one_class):
    X_train = one_class[0]
    detector = LSTMAutoencoderOutlierDetector(units=16, epochs=40, random_state=0).fit(X_train)
    series = one_class[1][one_class[2] == 1][:6].ravel()  # normal days end to end
    series[70] += 5.0
    windows = sliding_windows(series, 24, stride=4)
    per_point = fold_windows(
        detector.reconstruction_error(windows), stride=4, n_timesteps=len(series)
    )
    assert per_point.shape == series.shape
    assert abs(np.nanargmax(per_point) - 70) <= 1


@pytest.mark.slow
def test_offset_from_labels_maximises_f1_or_meets_fpr(detector, one_class):
    from sklearn.metrics import f1_score

    _, X_test, y_test = one_class
    detector = pickle.loads(pickle.dumps(detector))  # do not change the shared fixture
    detector.set_offset_from_labels(X_test, y_test)
    best = f1_score(y_test, detector.predict(X_test), pos_label=-1)
    for offset in np.percentile(detector.score_samples(X_test), np.linspace(1, 99, 25)):
        detector_offset = detector.offset_
        detector.offset_ = offset
        assert f1_score(y_test, detector.predict(X_test), pos_label=-1) <= best + 1e-12
        detector.offset_ = detector_offset
    detector.set_offset_from_labels(X_test, y_test, max_false_positive_rate=0.1)
    predicted = detector.predict(X_test)
    assert np.mean(predicted[y_test == 1] == -1) <= 0.1
    assert np.any(predicted[y_test == -1] == -1)


def test_offset_from_labels_rejects_bad_labels(detector, one_class):
    _, X_test, y_test = one_class
    with pytest.raises(ValueError, match=r"\+1 \(inlier\) and -1 \(outlier\)"):
        detector.set_offset_from_labels(X_test, (y_test == -1).astype(int))
    with pytest.raises(ValueError, match="has 5 labels"):
        detector.set_offset_from_labels(X_test, y_test[:5])
    with pytest.raises(ValueError, match="max_false_positive_rate"):
        detector.set_offset_from_labels(X_test, y_test, max_false_positive_rate=2)
    with pytest.raises(NotFittedError):
        LSTMAutoencoderOutlierDetector().set_offset_from_labels(X_test, y_test)


def test_pickle_keeps_scores_and_offset(detector, one_class):
    X_test = one_class[1]
    restored = pickle.loads(pickle.dumps(detector))
    np.testing.assert_array_equal(restored.score_samples(X_test), detector.score_samples(X_test))
    assert restored.offset_ == detector.offset_


def test_shares_parameters_with_the_transformer():
    from sklearn_lstmae import LSTMAutoencoderTransformer

    transformer = set(LSTMAutoencoderTransformer().get_params())
    detector = set(LSTMAutoencoderOutlierDetector().get_params())
    assert detector - transformer == {"contamination", "scoring", "n_neighbors"}
    assert transformer <= detector


def test_mahalanobis_needs_two_sequences_and_keeps_model(one_class):
    X_train = one_class[0]
    detector = LSTMAutoencoderOutlierDetector(**FAST, scoring="mahalanobis").fit(X_train)
    scores = detector.score_samples(X_train)
    with pytest.raises(ValueError, match="at least 2 training sequences; got n_samples=1"):
        detector.fit(X_train[:1])
    np.testing.assert_array_equal(detector.score_samples(X_train), scores)


def test_auto_scoring_combines_reconstruction_and_codes(one_class, japanese_vowels):
    X_train = one_class[0]
    same_length = LSTMAutoencoderOutlierDetector(**FAST).fit(X_train)
    assert same_length.scoring == "auto" and same_length.scoring_ == "combined"
    assert hasattr(same_length, "error_covariance_") and hasattr(same_length, "training_codes_")
    sequences = japanese_vowels[0][:20]
    lengths = LSTMAutoencoderOutlierDetector(**FAST).fit(sequences)
    assert lengths.scoring_ == "combined" and not hasattr(lengths, "error_covariance_")
    # Different lengths: the reconstruction part is the mean squared error.
    mse = LSTMAutoencoderOutlierDetector(**FAST, scoring="mse").fit(sequences)
    knn = LSTMAutoencoderOutlierDetector(**FAST, scoring="knn").fit(sequences)
    expected = -np.log(-mse.score_samples(sequences)) - np.log(-knn.score_samples(sequences))
    np.testing.assert_allclose(lengths.score_samples(sequences), expected, rtol=1e-5)
    # A warm start on one-length data adds the Gaussian error model.
    lengths.set_params(warm_start=True, epochs=1)
    padded = [s[:7] for s in sequences]
    assert lengths.fit(padded).scoring_ == "combined" and hasattr(lengths, "error_covariance_")
    # One training sequence has no neighbours: "auto" falls back to the mean squared error.
    single = LSTMAutoencoderOutlierDetector(**FAST).fit(X_train[:1])
    assert single.scoring_ == "mse" and not hasattr(single, "training_codes_")
