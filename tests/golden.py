"""A golden set: outputs of tiny fixed-seed fits, recorded before a refactoring.

``python -m tests.golden`` records ``tests/data/golden.npz`` (only when the outputs are meant
to change); ``tests/test_golden.py`` asserts that the library still gives them.
"""

from __future__ import annotations

import pathlib

import numpy as np

PATH = pathlib.Path(__file__).parent / "data" / "golden.npz"
TINY = dict(units=4, epochs=2, batch_size=8, random_state=0)


def _sequences():
    rng = np.random.RandomState(0)
    t = np.linspace(0, 2 * np.pi, 12)
    X = np.sin(t + rng.uniform(0, 6, size=(24, 1))) + 0.05 * rng.randn(24, 12)
    X3 = np.stack([X, np.cos(X)], axis=2)
    ragged = [X3[i, : 6 + i % 6] for i in range(24)]
    return X, X3, ragged


def _series():
    rng = np.random.RandomState(1)
    series = np.sin(np.arange(900) / 5.0) + 0.05 * rng.randn(900)
    test = series.copy()
    test[600:610] += 2.0
    return series, test


def compute() -> dict[str, np.ndarray]:
    """Return the golden outputs, by name."""
    from sklearn.ensemble import IsolationForest

    from sklearn_lstmae import (
        LSTMAutoencoderOutlierDetector,
        LSTMAutoencoderTransformer,
        SeriesAnomalyDetector,
        WindowCodeTransformer,
    )
    from sklearn_lstmae._series import _default_window_detector

    X, X3, ragged = _sequences()
    out = {}
    ae = LSTMAutoencoderTransformer(**TINY).fit(X)
    out["transformer_codes"] = ae.transform(X)
    out["transformer_reconstruction"] = ae.reconstruct(X)
    out["transformer_inverse"] = ae.inverse_transform(ae.transform(X))
    out["transformer_score_samples"] = ae.score_samples(X)
    out["transformer_history"] = np.asarray(ae.history_["loss"])
    composite = LSTMAutoencoderTransformer(
        **TINY, future_steps=3, latent_dim=3, standardize=True, code="last_hidden"
    ).fit(X3)
    out["composite_codes"] = composite.transform(X3)
    out["composite_forecast"] = composite.forecast(X3[:, :9])
    out["composite_errors"] = composite.reconstruction_error(X3)
    ragged_ae = LSTMAutoencoderTransformer(**TINY, bidirectional=False, code="all_states")
    ragged_ae.fit(ragged, sample_weight=np.linspace(0.5, 1.5, 24))
    out["ragged_codes"] = ragged_ae.transform(ragged)
    partial = LSTMAutoencoderTransformer(**TINY).partial_fit(X).partial_fit(X)
    out["partial_codes"] = partial.transform(X)
    for scoring in ("combined", "mahalanobis", "mse", "knn"):
        detector = LSTMAutoencoderOutlierDetector(**TINY, scoring=scoring).fit(X3)
        out[f"detector_{scoring}_scores"] = detector.score_samples(X3)
        out[f"detector_{scoring}_offset"] = np.asarray(detector.offset_)
    ragged_detector = LSTMAutoencoderOutlierDetector(**TINY).fit(ragged)
    out["detector_ragged_scores"] = ragged_detector.score_samples(ragged)
    windows = WindowCodeTransformer(LSTMAutoencoderTransformer(**TINY), window=5, random_state=0)
    out["window_codes"] = windows.fit(X).transform(X)
    series, test = _series()
    # The default window network, trained for 2 epochs: the default 1,500 steps amplify the
    # float32 rounding that differs between CPUs beyond what a golden set can compare.
    network = _default_window_detector(1, random_state=0).set_params(epochs=2)
    default = SeriesAnomalyDetector(network, window=30, random_state=0).fit(series)
    out["series_default_scores"] = default.score_series(test)
    out["series_default_channels"] = default.score_channels(test)
    out["series_default_threshold"] = np.asarray(default.threshold_)
    small = SeriesAnomalyDetector(
        LSTMAutoencoderOutlierDetector(**TINY), window=20, refit=True, random_state=0
    ).fit(series)
    out["series_small_scores"] = small.score_series(test)
    out["series_small_threshold"] = np.asarray(small.threshold_)
    forest = SeriesAnomalyDetector(IsolationForest(random_state=0), window=25).fit(series)
    out["series_forest_scores"] = forest.score_series(test)
    return out


if __name__ == "__main__":
    PATH.parent.mkdir(exist_ok=True)
    np.savez(PATH, **compute())
    print(f"wrote {PATH}")
