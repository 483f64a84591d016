"""The detector's threshold reflects every chunk given to partial_fit."""

import numpy as np
import pytest

from sklearn_lstmae import LSTMAutoencoderOutlierDetector
from sklearn_lstmae._calibration_sample import CalibrationSample
from sklearn_lstmae._utils.validation import check_sequences


def chunk(values):
    return check_sequences(np.asarray(values, dtype=np.float64).reshape(len(values), 1))


def test_the_sample_holds_everything_until_full_then_capacity():
    sample = CalibrationSample.empty(width=1, n_channels=1, seed=0, capacity=5)
    sample = sample.add(chunk([0, 1, 2]))
    assert sorted(sample.values[:, 0, 0]) == [0, 1, 2] and sample.n_seen == 3
    full = sample.add(chunk(range(3, 20)))
    assert full.values.shape[0] == 5 and full.n_seen == 20
    assert set(full.values[:, 0, 0]) <= set(range(20))
    assert sorted(sample.values[:, 0, 0]) == [0, 1, 2]  # the old sample is unchanged


def test_the_sample_is_uniform_over_everything_seen():
    # 20 values in chunks of 3, 7, 10, capacity 5: each kept with probability 1/4
    kept = np.zeros(20)
    for seed in range(2000):
        sample = CalibrationSample.empty(width=1, n_channels=1, seed=seed, capacity=5)
        for part in ([0, 1, 2], range(3, 10), range(10, 20)):
            sample = sample.add(chunk(part))
        kept[sample.values[:, 0, 0].astype(int)] += 1
    np.testing.assert_allclose(kept / 2000, 0.25, atol=0.04)


def test_shorter_chunks_are_padded_to_the_fitted_length():
    sample = CalibrationSample.empty(width=4, n_channels=1, seed=0)
    sample = sample.add(check_sequences([np.ones(2), np.ones(4)]))
    assert sample.lengths.tolist() == [2, 4]
    assert np.isnan(sample.values[0, 2:]).all() and not np.isnan(sample.values[1]).any()


@pytest.mark.slow
@pytest.mark.parametrize("scoring", ["mse", "mahalanobis"])
def test_contamination_holds_over_the_union_of_chunks_in_any_order(italy_power, scoring):
    X = italy_power[0][:60]
    # a chunk of easy sequences, a chunk of hard ones, and a tiny last chunk
    order = np.argsort(np.abs(X).max(axis=1))
    chunks = [order[:30], order[30:56], order[56:]]
    for chunks_in_order in (chunks, chunks[::-1]):
        detector = LSTMAutoencoderOutlierDetector(
            units=4, contamination=0.1, scoring=scoring, random_state=0
        )
        for rows in chunks_in_order:
            detector.partial_fit(X[rows])
        flagged = np.mean(detector.predict(X) == -1)
        assert flagged == pytest.approx(0.1, abs=1.5 / len(X))
