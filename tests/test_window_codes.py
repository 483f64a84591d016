"""Behaviour of WindowCodeTransformer (module mirrors _window_codes)."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.decomposition import PCA
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderTransformer, WindowCodeTransformer
from sklearn_lstmae._utils.window_estimators import epochs_for_steps
from sklearn_lstmae._window_codes import BATCH_SIZE, MAX_EPOCHS, TRAINING_STEPS, _window_starts
from tests._helpers import FAST


def small(**params):
    return WindowCodeTransformer(LSTMAutoencoderTransformer(**FAST), **params)


@pytest.fixture(scope="module")
def series():
    """12 univariate sequences of 40 steps (noisy sines of two frequencies), and labels."""
    rng = np.random.default_rng(0)
    t = np.arange(40)
    y = np.repeat([0, 1], 6)
    X = np.sin(t * (0.3 + 0.3 * y[:, None])) + 0.1 * rng.standard_normal((12, 40))
    return X.astype(np.float32), y


@pytest.fixture(scope="module")
def fitted(series):
    return small(window=16, stride=8).fit(series[0])


def test_window_starts_cover_every_step():
    assert _window_starts(40, 16, 8).tolist() == [0, 8, 16, 24]
    # (45 - 16) is not a multiple of 8: a last window ends at the last step.
    assert _window_starts(45, 16, 8).tolist() == [0, 8, 16, 24, 29]
    assert _window_starts(10, 16, 8).tolist() == [0]  # shorter than a window: itself


def _training_epochs(n_windows):
    return epochs_for_steps(
        n_windows, steps=TRAINING_STEPS, batch_size=BATCH_SIZE, max_epochs=MAX_EPOCHS
    )


def test_default_epochs_train_about_the_same_number_of_steps():
    assert _training_epochs(10) == 100  # few windows: the transformer's default epochs
    few, many = _training_epochs(2_000), _training_epochs(64_000)
    assert few > many >= 1
    assert many * 64_000 / 32 == pytest.approx(2_000, rel=0.05)


def test_features_are_means_then_maxima_of_the_window_codes(series, fitted):
    X = series[0]
    assert fitted.n_windows_ == 12 * 4 and fitted.stride_ == 8
    features = fitted.transform(X)
    code_size = fitted.estimator_.transform(X[:1, :16]).shape[1]
    assert features.shape == (12, 2 * code_size) and features.dtype == np.float32
    windows = np.stack([X[2, start : start + 16] for start in (0, 8, 16, 24)])
    codes = fitted.estimator_.transform(windows)
    np.testing.assert_allclose(features[2, :code_size], codes.mean(axis=0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(features[2, code_size:], codes.max(axis=0), rtol=1e-5, atol=1e-6)
    assert fitted.get_feature_names_out().shape == (2 * code_size,)


def test_a_sequence_shorter_than_a_window_is_its_own_code_twice(fitted, series):
    short = series[0][0, :10]
    features = fitted.transform([short])[0]
    code = fitted.estimator_.transform([short])[0]
    half = features.size // 2
    np.testing.assert_allclose(features[:half], code, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(features[half:], code, rtol=1e-5, atol=1e-6)


def test_lists_padded_arrays_and_3d_arrays_give_the_same_features(fitted, series):
    X = series[0][:3]
    lengths = [40, 29, 12]
    as_list = [X[i, :n] for i, n in enumerate(lengths)]
    padded = X.copy()
    for i, n in enumerate(lengths):
        padded[i, n:] = np.nan
    expected = fitted.transform(as_list)
    np.testing.assert_allclose(fitted.transform(padded), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fitted.transform(padded[:, :, None]), expected, atol=1e-6)


def test_sequences_of_mixed_lengths_fit_and_transform(series):
    X = [series[0][0], series[0][1, :25], series[0][2, :7]]
    transformer = small(window=16).fit(X)
    assert transformer.n_windows_ == len(_window_starts(40, 16, 4)) + 4 + 1
    assert transformer.transform(X).shape[0] == 3
    assert np.isfinite(transformer.transform([series[0][3, :3]])).all()


def test_random_state_makes_fits_reproducible_and_reaches_the_estimator(series):
    X = series[0]
    free = WindowCodeTransformer(LSTMAutoencoderTransformer(units=4, epochs=2), window=16)
    first = clone(free).set_params(random_state=3).fit(X)
    second = clone(free).set_params(random_state=3).fit(X)
    assert first.estimator_.random_state == 3
    np.testing.assert_array_equal(first.transform(X), second.transform(X))
    assert free.estimator.random_state is None  # the given estimator is left as it was


def test_the_default_estimator_is_an_lstm_autoencoder_with_its_defaults(series):
    transformer = WindowCodeTransformer(window=32, random_state=0).fit(series[0][:2, :33])
    estimator = transformer.estimator_
    assert isinstance(estimator, LSTMAutoencoderTransformer)
    assert transformer.n_windows_ == 4
    assert estimator.epochs == 100 and estimator.random_state == 0
    assert estimator.units == LSTMAutoencoderTransformer().units


def test_verbose_shows_the_training_epochs_and_is_silent_when_off(series, capsys):
    short = series[0][:2, :33]  # 4 windows: the default autoencoder trains 100 epochs
    WindowCodeTransformer(window=32, random_state=0).fit(short)
    assert capsys.readouterr().out == ""
    WindowCodeTransformer(window=32, random_state=0, verbose=1).fit(short)
    assert "Epoch 100/100" in capsys.readouterr().out


def test_set_params_after_fit_does_not_change_the_features(fitted, series):
    transformer = clone(fitted).fit(series[0])
    before = transformer.transform(series[0])
    transformer.set_params(window=8, stride=2)
    np.testing.assert_array_equal(transformer.transform(series[0]), before)


def test_an_estimator_without_3d_input_gets_flat_windows(series):
    X = series[0]
    transformer = WindowCodeTransformer(PCA(n_components=3), window=16, stride=8).fit(X)
    assert transformer.estimator_.n_features_in_ == 16
    assert transformer.transform(X).shape == (12, 6)
    with pytest.raises(ValueError, match="windows of one length"):
        WindowCodeTransformer(PCA(n_components=3), window=16).fit([X[0], X[1, :10]])


def test_it_works_in_a_pipeline(series):
    X, y = series
    pipe = make_pipeline(small(window=16), StandardScaler(), LogisticRegression())
    assert pipe.fit(X, y).predict(X).shape == (12,)


def test_pickling_keeps_the_features(fitted, series):
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(series[0]), fitted.transform(series[0]))


def test_clear_errors(fitted, series):
    X = series[0]
    with pytest.raises(NotFittedError):
        small().transform(X)
    with pytest.raises(ValueError, match="expecting 40 features"):
        fitted.transform(X[:, :30])
    with pytest.raises(ValueError, match="fitted on 1"):
        fitted.transform([np.zeros((20, 2))])
    with pytest.raises(ValueError, match="window"):
        small(window=0).fit(X)
    with pytest.raises(ValueError, match="estimator"):
        WindowCodeTransformer(estimator="lstm").fit(X)


class Failing(LSTMAutoencoderTransformer):
    def fit(self, X, y=None):
        raise RuntimeError("the window autoencoder failed")


def test_a_failed_fit_changes_nothing(fitted, series):
    X = series[0]
    transformer = clone(fitted).fit(X)
    before = transformer.transform(X)
    state = dict(vars(transformer))
    transformer.set_params(estimator=Failing(**FAST))
    with pytest.raises(RuntimeError, match="failed"):
        transformer.fit(X[:, :20])
    assert transformer.estimator_ is state["estimator_"]
    assert transformer.n_features_in_ == 40
    transformer.set_params(estimator=fitted.estimator)
    np.testing.assert_array_equal(transformer.transform(X), before)
