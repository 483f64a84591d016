"""Sequences of different lengths: lists, NaN right padding, masking."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from tests._helpers import FAST, nan_padded


@pytest.fixture(scope="module")
def vowels(japanese_vowels):
    """A subset of JapaneseVowels: 90 training and 60 test utterances."""
    X_train, y_train, X_test, y_test = japanese_vowels
    return X_train[::3], y_train[::3], X_test[::6], y_test[::6]


@pytest.fixture(scope="module")
def fitted(vowels):
    return LSTMAutoencoderTransformer(units=16, epochs=10, random_state=0).fit(vowels[0])


def _decodable(fitted, sequences):
    """The sequences no longer than the fitted width (a NaN-padded array holds those)."""
    return [s for s in sequences if len(s) <= fitted.n_timesteps_]


@pytest.mark.slow
def test_list_and_nan_padded_forms_give_the_same_features(fitted, vowels):
    X_test = _decodable(fitted, vowels[2])
    codes = fitted.transform(X_test)
    assert codes.shape == (len(X_test), 5 * 2 * 16)  # h, c and three pools, both directions
    np.testing.assert_allclose(
        fitted.transform(nan_padded(X_test, fitted.n_timesteps_)), codes, rtol=1e-5, atol=1e-6
    )
    # Training on either form gives the same model.
    params = dict(units=16, epochs=2, random_state=0)
    from_list = LSTMAutoencoderTransformer(**params).fit(vowels[0])
    from_array = LSTMAutoencoderTransformer(**params).fit(nan_padded(vowels[0]))
    X_test = _decodable(from_list, X_test)
    np.testing.assert_allclose(
        from_list.transform(X_test), from_array.transform(X_test), rtol=1e-5, atol=1e-6
    )
    assert from_list.history_["loss"] == pytest.approx(from_array.history_["loss"], rel=1e-5)


def test_padding_never_changes_a_code(fitted, vowels):
    sequence = vowels[2][0]
    batch_a = [sequence, np.zeros((29, 12))]  # padded to 29 steps in this batch
    batch_b = [np.zeros((len(sequence) + 3, 12)), sequence]  # to a few steps more here
    code_a = fitted.transform(batch_a)[0]
    code_b = fitted.transform(batch_b)[1]
    np.testing.assert_allclose(code_a, code_b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(fitted.transform([sequence])[0], code_a, rtol=1e-5, atol=1e-6)


def test_scores_ignore_padding(fitted, vowels):
    X_test = _decodable(fitted, vowels[2])[:8]
    together = fitted.score_samples(nan_padded(X_test, fitted.n_timesteps_))
    alone = [fitted.score_samples([sequence])[0] for sequence in X_test]
    np.testing.assert_allclose(together, alone, rtol=1e-5)
    errors = fitted.reconstruction_error(X_test)
    assert [e.shape for e in errors] == [s.shape for s in X_test]
    np.testing.assert_allclose(-np.array([e.mean() for e in errors]), alone, rtol=1e-5)


def test_reconstruct_and_inverse_transform_lengths(fitted, vowels):
    X_test = _decodable(fitted, vowels[2])[:5]
    reconstruction = fitted.reconstruct(X_test)
    assert [r.shape for r in reconstruction] == [s.shape for s in X_test]
    codes = fitted.transform(X_test)
    assert fitted.inverse_transform(codes).shape == (5, fitted.n_timesteps_, 12)
    cut = fitted.inverse_transform(codes, lengths=[len(s) for s in X_test])
    for r, c in zip(reconstruction, cut, strict=True):
        np.testing.assert_allclose(r, c, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match=r"lengths\[0\] = 40 is outside \[1, "):
        fitted.inverse_transform(codes[:1], lengths=[40])


def test_longer_sequences_encode_but_do_not_decode(fitted):
    long_sequence = np.tile(np.linspace(-1, 1, 40)[:, None], (1, 12))
    assert fitted.transform([long_sequence]).shape == (1, fitted.get_feature_names_out().shape[0])
    with pytest.raises(ValueError, match="X\\[0\\] has 40 steps, but the decoder generates"):
        fitted.score_samples([long_sequence])
    with pytest.raises(ValueError, match="X has 40 features, but .* expecting"):
        fitted.transform(long_sequence[None])  # arrays keep scikit-learn's width contract


@pytest.mark.slow
def test_pipeline_and_grid_search_index_the_list_form(vowels):
    X_train, y_train, X_test, y_test = vowels
    pipe = make_pipeline(
        LSTMAutoencoderTransformer(epochs=15, random_state=0),
        StandardScaler(),
        LogisticRegression(max_iter=1000),
    )
    search = GridSearchCV(pipe, {"lstmautoencodertransformer__units": [4, 16]}, cv=2)
    search.fit(X_train, y_train)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert set(search.predict(X_test)) <= set(y_train)  # the refit pipeline takes a list


@pytest.mark.slow
def test_composite_with_variable_lengths(vowels):
    X_train = vowels[0]
    ae = LSTMAutoencoderTransformer(**FAST, future_steps=3).fit(X_train)
    X_test = _decodable(ae, vowels[2])[:6]
    window = ae.reconstruct(X_test)
    assert [w.shape for w in window] == [s.shape for s in X_test]
    # The last three steps of each are predicted from the steps before them.
    forecasts = ae.forecast([s[:-3] for s in X_test])
    np.testing.assert_allclose(forecasts, np.stack([w[-3:] for w in window]), rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match=r"X\[1\] has 3 steps, and the composite model"):
        ae.transform([X_test[0], X_test[1][:3]])


@pytest.mark.slow
def test_outlier_detector_accepts_variable_lengths(vowels):
    X_train = vowels[0]
    detector = LSTMAutoencoderOutlierDetector(**FAST, scoring="mse", contamination=0.1)
    assert np.mean(detector.fit_predict(X_train) == -1) == pytest.approx(0.1, abs=0.02)
    with pytest.raises(ValueError, match="must share one length; X\\[0\\] has 20 steps"):
        LSTMAutoencoderOutlierDetector(**FAST, scoring="mahalanobis").fit(X_train)
    auto = LSTMAutoencoderOutlierDetector(**FAST).fit(X_train)
    assert auto.scoring_ == "combined" and not hasattr(auto, "error_covariance_")


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (lambda X: [X[0], X[1][:, :5]], r"X\[1\] has 5 channels, but X\[0\] has 12"),
        (lambda X: [X[0], X[1][:0]], r"X\[1\] is empty"),
        (lambda X: [X[0], np.where(np.eye(*X[1].shape) > 0, np.nan, X[1])], r"X\[1\] contains NaN"),
        (lambda X: [X[0], X[1].ravel()], r"X\[1\] is 1-D but X\[0\] is 2-D"),
        (lambda X: [X[0], [["a"] * 12]], r"X\[1\] holds text"),
        (lambda X: [], "empty list"),
    ],
)
def test_bad_lists_name_the_sequence(fitted, vowels, make_bad, message):
    codes = fitted.transform(vowels[2][:3])
    for method in (fitted.transform, fitted.score_samples, fitted.partial_fit):
        with pytest.raises(ValueError, match=message):
            method(make_bad(vowels[2]))
    np.testing.assert_array_equal(fitted.transform(vowels[2][:3]), codes)
