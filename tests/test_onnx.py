"""ONNX export (sklearn_lstmae.onnx): onnxruntime's outputs against the estimators'."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    LSTMAutoencoderTransformer,
    WindowCodeTransformer,
)
from sklearn_lstmae.onnx import to_onnx

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("skl2onnx")

# One epoch of a tiny network: the test is the equality of two runtimes, not accuracy.
TINY = dict(units=4, epochs=1, batch_size=8, random_state=0)
# float32 rounding of two LSTM kernels: relative 1e-4; values near 0 get an absolute bound.
RTOL, ATOL = 1e-4, 1e-6


def _data(n=30, steps=12, channels=2, seed=0):
    rng = np.random.RandomState(seed)
    t = np.linspace(0, 6, steps)
    waves = np.sin(t + rng.uniform(0, 6, size=(n, 1)))[:, :, None]
    return (waves + 0.1 * rng.normal(size=(n, steps, channels))).astype(np.float32)


def _padded(X):
    """``X`` with a few sequences cut short by NaN right padding."""
    X = X.copy()
    X[1, 7:] = np.nan
    X[2, 5:] = np.nan
    X[3, -1:] = np.nan
    return X


def _run(onx, X):
    session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: X})


X = _data()
X_NEW = _data(10, seed=1)


@pytest.fixture(scope="module")
def transformer():
    return LSTMAutoencoderTransformer(**TINY).fit(X)


def _check_transform(estimator, X):
    onx = to_onnx(estimator, X[:1])
    for data in (X, _padded(X)):
        (codes,) = _run(onx, data)
        assert codes.dtype == np.float32
        assert_allclose(codes, estimator.transform(data), rtol=RTOL, atol=ATOL)


def test_transform_matches_the_estimator(transformer):
    _check_transform(transformer, X)


def test_padding_changes_the_exported_codes(transformer):
    # The lengths come from the NaN in the graph: a cut sequence gets another code.
    onx = to_onnx(transformer, X[:1])
    (full,) = _run(onx, X)
    (cut,) = _run(onx, _padded(X))
    assert not np.allclose(full[1], cut[1])
    assert_allclose(full[4:], cut[4:], rtol=RTOL, atol=ATOL)


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [
        dict(code="last_hidden", bidirectional=False),
        dict(code="all_states", units=(4, 3)),
        dict(code="states_and_means"),
        dict(code="states_pools_and_segments", standardize=True),
        dict(code="states_pools_and_segments", units=(3, 4), bidirectional=False),
        dict(latent_dim=3),
        dict(future_steps=3),
        dict(activation="relu"),
    ],
    ids=repr,
)
def test_every_transformer_option_matches(settings):
    _check_transform(LSTMAutoencoderTransformer(**{**TINY, **settings}).fit(X), X)


@pytest.mark.slow
def test_default_network_on_long_sequences_matches():
    # The default network (100 units, both directions) on 140-step sequences: with the
    # share counted (0 or 1 per step), a few of the million code values of 1,000 sequences
    # moved by 1 / 140 where an output within rounding of 0 changed sign in one runtime.
    train, new = _data(64, steps=140, channels=1), _data(1000, steps=140, channels=1, seed=2)
    estimator = LSTMAutoencoderTransformer(epochs=2, random_state=0).fit(train)
    (codes,) = _run(to_onnx(estimator, train[:1]), new)
    assert_allclose(codes, estimator.transform(new), rtol=RTOL, atol=ATOL)


@pytest.mark.slow
def test_two_dimensional_input_matches():
    X_2d = X[:, :, 0]
    _check_transform(LSTMAutoencoderTransformer(**TINY, standardize=True).fit(X_2d), X_2d)


def _check_detector(detector, X):
    onx = to_onnx(detector, X[:1], options={id(detector): {"score_samples": True}})
    for data in (X, _padded(X)):
        labels, decision, samples = _run(onx, data)
        assert labels.dtype == np.int64 and labels.shape == (len(data), 1)
        assert_allclose(samples.ravel(), detector.score_samples(data), rtol=RTOL)
        assert_allclose(decision.ravel(), detector.decision_function(data), rtol=RTOL, atol=1e-5)
        assert_array_equal(labels.ravel(), detector.predict(data))


def test_detector_matches_the_estimator():
    detector = LSTMAutoencoderOutlierDetector(**TINY).fit(X)
    assert detector.scoring_ == "combined"
    _check_detector(detector, X_NEW)


@pytest.mark.slow
@pytest.mark.parametrize(
    "settings",
    [
        dict(scoring="mse"),
        dict(scoring="mahalanobis"),
        dict(scoring="knn", n_neighbors=3),
        dict(scoring="combined", future_steps=3, standardize=True),
        dict(scoring="mahalanobis", reverse_reconstruction=True, units=(3, 4)),
    ],
    ids=repr,
)
def test_every_scoring_matches(settings):
    _check_detector(LSTMAutoencoderOutlierDetector(**{**TINY, **settings}).fit(X), X_NEW)


def test_detector_without_score_samples_has_two_outputs():
    detector = LSTMAutoencoderOutlierDetector(**TINY, scoring="mse").fit(X)
    outputs = _run(to_onnx(detector, X[:1]), X_NEW)
    assert [output.shape for output in outputs] == [(10, 1), (10, 1)]


def test_pipeline_probabilities_match_predict_proba(transformer):
    y = (X[:, 0, 0] > 0).astype(int)
    pipeline = make_pipeline(transformer, StandardScaler(), LogisticRegression()).fit(X, y)
    classifier = pipeline[-1]
    onx = to_onnx(pipeline, X[:1], options={id(classifier): {"zipmap": False}})
    labels, probabilities = _run(onx, _padded(X))
    assert_allclose(probabilities, pipeline.predict_proba(_padded(X)), rtol=RTOL, atol=ATOL)
    assert_array_equal(labels, pipeline.predict(_padded(X)))


@pytest.mark.parametrize("window, stride", [(5, 2), (20, 3)])
def test_window_codes_match_the_estimator(window, stride):
    # Window 5, stride 2 on 12 steps: starts 0, 2, 4, 6, and 7 (the last step's window) for
    # full-length rows, fewer for the padded ones; window 20: one window of each length.
    inner = LSTMAutoencoderTransformer(**TINY, bidirectional=False)
    windows = WindowCodeTransformer(inner, window=window, stride=stride, random_state=0)
    _check_transform(windows.fit(X), X)


def test_window_codes_of_another_estimator_are_refused():
    windows = WindowCodeTransformer(PCA(2), window=6, stride=3).fit(X)
    with pytest.raises(ValueError, match="estimator_ is a PCA"):
        to_onnx(windows, X[:1])


def test_unsupported_activation_is_named():
    model = LSTMAutoencoderTransformer(**TINY, activation="elu").fit(X)
    with pytest.raises(ValueError, match="activation='elu'"):
        to_onnx(model, X[:1])


def test_wrong_channel_count_and_old_opset_are_refused(transformer):
    with pytest.raises(ValueError, match="fitted on 2 channel"):
        to_onnx(transformer, X[:1, :, :1])
    with pytest.raises(ValueError, match="target_opset >= 13"):
        to_onnx(transformer, X[:1], target_opset=12)


def test_exported_pipeline_runs_without_tensorflow(transformer, tmp_path):
    y = (X[:, 0, 0] > 0).astype(int)
    pipeline = make_pipeline(transformer, StandardScaler(), LogisticRegression()).fit(X, y)
    onx = to_onnx(pipeline, X[:1], options={id(pipeline[-1]): {"zipmap": False}})
    model, data, result = tmp_path / "model.onnx", tmp_path / "X.npy", tmp_path / "p.npy"
    model.write_bytes(onx.SerializeToString())
    np.save(data, _padded(X))
    child = textwrap.dedent(
        f"""
        import sys
        sys.modules["tensorflow"] = None  # any import of TensorFlow (or Keras) fails
        sys.modules["keras"] = None
        import numpy as np
        import onnxruntime as ort
        try:
            import tensorflow
        except ImportError:
            pass
        else:
            raise SystemExit("TensorFlow was importable")
        session = ort.InferenceSession({str(model)!r}, providers=["CPUExecutionProvider"])
        X = np.load({str(data)!r})
        labels, probabilities = session.run(None, {{session.get_inputs()[0].name: X}})
        np.save({str(result)!r}, probabilities)
        print(sorted(m for m in sys.modules if m.startswith(("tensorflow", "keras", "sklearn"))))
        """
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "sklearn" not in done.stdout
    assert_allclose(np.load(result), pipeline.predict_proba(_padded(X)), rtol=RTOL, atol=ATOL)
