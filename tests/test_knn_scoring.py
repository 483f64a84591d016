"""scoring="knn" and "combined": code-space nearest-neighbour scores of the outlier detector."""

import io
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import sklearn_lstmae
from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from tests import _helpers

SMALL = dict(_helpers.SMALL, epochs=3, batch_size=16, scoring="knn")


def _data(n=40, seed=0):
    rng = np.random.RandomState(seed)
    t = np.linspace(0, 2 * np.pi, 16)
    return np.sin(t + rng.uniform(0, 1, size=(n, 1))) + 0.05 * rng.randn(n, 16)


def test_scores_are_minus_the_mean_distance_to_the_nearest_training_codes():
    X = _data()
    detector = LSTMAutoencoderOutlierDetector(**SMALL, n_neighbors=3).fit(X)
    assert detector.scoring_ == "knn" and not hasattr(detector, "error_covariance_")
    params = {k: v for k, v in SMALL.items() if k != "scoring"}
    twin = LSTMAutoencoderTransformer(**params, code=detector.code)
    codes = twin.fit(X).transform(X[:5]).astype(np.float64)  # the same network: same seed
    standardized = (codes - detector.code_mean_) / detector.code_scale_
    distances = np.linalg.norm(standardized[:, None] - detector.training_codes_[None], axis=2)
    expected = -np.sort(distances, axis=1)[:, :3].mean(axis=1)
    assert_allclose(detector.score_samples(X[:5]), expected, rtol=1e-4, atol=1e-5)


def test_training_scores_leave_themselves_out():
    X = _data(n=60)
    detector = LSTMAutoencoderOutlierDetector(**SMALL, contamination=0.2).fit(X)
    # The threshold comes from leave-one-out training scores, which behave like scores of new
    # data: about 20% of new sequences from the same source are flagged. (In-sample scores
    # count each training sequence as its own nearest neighbour and would flag far fewer.)
    new = _data(n=400, seed=1)
    assert 0.1 <= np.mean(detector.predict(new) == -1) <= 0.32
    assert np.mean(detector.predict(X) == -1) < 0.2


def test_a_far_sequence_scores_lowest_and_lengths_may_differ():
    X = _data()
    ragged = [x[: 10 + i % 6] for i, x in enumerate(X)]
    detector = LSTMAutoencoderOutlierDetector(**SMALL).fit(ragged)
    far = [np.full(12, 5.0)]
    assert detector.score_samples(far)[0] < detector.score_samples(ragged).min()


def test_round_trips_and_warm_start_switching():
    X = _data()
    detector = LSTMAutoencoderOutlierDetector(**SMALL).fit(X)
    file = io.BytesIO()
    detector.save(file)
    for loaded in (
        sklearn_lstmae.load(io.BytesIO(file.getvalue())),
        pickle.loads(pickle.dumps(detector)),
    ):
        assert_array_equal(loaded.score_samples(X), detector.score_samples(X))
    detector.set_params(scoring="mahalanobis", warm_start=True).fit(X)
    assert hasattr(detector, "error_covariance_") and not hasattr(detector, "training_codes_")
    detector.set_params(scoring="knn").partial_fit(X)
    assert not hasattr(detector, "error_covariance_")
    # partial_fit calibrates on every sequence the model has trained on: 3 x 40.
    assert detector.training_codes_.shape[0] == 120


def test_knn_needs_two_sequences():
    with pytest.raises(ValueError, match="at least 2 training sequences"):
        LSTMAutoencoderOutlierDetector(**SMALL).fit(_data()[:1])


def test_combined_is_minus_the_log_of_the_product_of_both_distances():
    X = _data()
    params = {**SMALL, "n_neighbors": 3}
    combined = LSTMAutoencoderOutlierDetector(**{**params, "scoring": "combined"}).fit(X)
    assert hasattr(combined, "error_covariance_") and hasattr(combined, "training_codes_")
    mahalanobis = LSTMAutoencoderOutlierDetector(**{**params, "scoring": "mahalanobis"}).fit(X)
    knn = LSTMAutoencoderOutlierDetector(**params).fit(X)  # the same network: same seed
    new = _data(n=10, seed=1)
    expected = -np.log(-mahalanobis.score_samples(new)) - np.log(-knn.score_samples(new))
    assert_allclose(combined.score_samples(new), expected, rtol=1e-5)
    # A sequence far from the training data is hard to rebuild and far in code space.
    far = np.full((1, 16), 5.0)
    assert combined.score_samples(far)[0] < combined.score_samples(new).min()


def test_combined_scores_stay_finite_at_zero_distance():
    X = _data()
    params = {**SMALL, "scoring": "combined", "n_neighbors": 1}
    detector = LSTMAutoencoderOutlierDetector(**params).fit(X)
    # Each training sequence is its own nearest neighbour: a k-NN distance of 0.
    scores = detector.score_samples(X)
    assert np.isfinite(scores).all() and (scores > detector.score_samples(_data(seed=1))).any()
    with pytest.raises(ValueError, match="scoring='combined' compares codes"):
        LSTMAutoencoderOutlierDetector(**params).fit(X[:1])


@pytest.mark.parametrize("scoring", ["knn", "combined"])
def test_a_score_does_not_depend_on_the_other_sequences_of_the_call(scoring):
    X = _data()
    detector = LSTMAutoencoderOutlierDetector(**{**SMALL, "scoring": scoring}).fit(X)
    whole = detector.score_samples(X[:20])
    one_by_one = np.concatenate([detector.score_samples(X[i : i + 1]) for i in range(20)])
    assert_array_equal(one_by_one, whole)


@pytest.mark.parametrize("scoring", ["knn", "combined"])
def test_a_sample_of_training_codes_bounds_the_neighbours(scoring, monkeypatch):
    from sklearn_lstmae import _outlier

    monkeypatch.setattr(_outlier, "MAX_REFERENCE_CODES", 25)
    monkeypatch.setattr(_outlier, "KNN_BATCH_SIZE", 7)  # several batches of distances
    X = _data(n=60)
    detector = LSTMAutoencoderOutlierDetector(**{**SMALL, "scoring": scoring}).fit(X)
    assert detector.training_codes_.shape[0] == 25
    again = LSTMAutoencoderOutlierDetector(**{**SMALL, "scoring": scoring}).fit(X)
    assert_array_equal(again.training_codes_, detector.training_codes_)  # seeded sample
    scores = detector.score_samples(X)
    assert np.isfinite(scores).all()
    # Each score is the mean distance to the n_neighbors nearest of the 25 kept codes.
    codes = detector._raw_codes(detector._check_fitted_sequences(X, 0)) - detector.code_mean_
    codes /= detector.code_scale_
    distances = np.linalg.norm(codes[:, None] - detector.training_codes_[None], axis=2)
    knn = np.sort(distances, axis=1)[:, : detector.n_neighbors].mean(axis=1)
    if scoring == "knn":
        assert_allclose(scores, -knn, rtol=1e-10)
