"""Bad input gets a clear error and never changes a fitted model."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from sklearn_lstmae import LSTMAutoencoderTransformer
from tests._helpers import FAST


@pytest.fixture(scope="module")
def data(basic_motions):
    """Short multichannel sequences: (40, 20, 6)."""
    return basic_motions[0][:, :20]


@pytest.fixture(scope="module")
def fitted(data):
    return LSTMAutoencoderTransformer(**FAST, future_steps=2).fit(data)


def _with(X, index, value):
    X = X.copy()
    X[index] = value
    return X


BAD_SEQUENCES = {
    "nan": (lambda X: _with(X, (3, 4, 1), np.nan), "NaN"),
    "inf": (lambda X: _with(X, (0, 0, 0), np.inf), "infinity"),
    "too large for float32": (lambda X: _with(X.astype(np.float64), (0, 0, 0), 1e300), "infinity"),
    "1-D": (lambda X: X[0, :, 0], "Expected 2D array, got 1D array"),
    "4-D": (lambda X: X[:, :, :, None], r"2-D .* 3-D array .* got a 4-D array"),
    "NaN inside a sequence": (lambda X: _with(X, (2, 5), np.nan), r"X\[2\] has NaN at time step 5"),
    "all-NaN sequence": (lambda X: _with(X, 7, np.nan), r"X\[7\] is all NaN"),
    "empty": (lambda X: X[:0], "0 sample"),
    "no time steps": (lambda X: X[:, :0], "at least one time step"),
    "strings": (lambda X: np.full(X.shape, "a", dtype=object), "holds text .* pass numbers"),
    "complex": (lambda X: X + 1j, "Complex data not supported"),
}


@pytest.mark.filterwarnings("ignore:overflow encountered in cast:RuntimeWarning")
@pytest.mark.parametrize("kind", list(BAD_SEQUENCES))
@pytest.mark.parametrize("method", ["fit", "partial_fit", "transform", "score_samples", "score"])
def test_bad_sequences_raise_and_leave_model_unchanged(fitted, data, kind, method):
    make_bad, message = BAD_SEQUENCES[kind]
    before_codes, before_iter = fitted.transform(data), fitted.n_iter_
    with pytest.raises(ValueError, match=message):
        getattr(fitted, method)(make_bad(data))
    np.testing.assert_array_equal(fitted.transform(data), before_codes)
    assert fitted.n_iter_ == before_iter


@pytest.mark.parametrize("method", ["transform", "score_samples", "score", "partial_fit"])
def test_wrong_length_or_channels_are_named(fitted, data, method):
    with pytest.raises(ValueError, match="X has 19 features, but .* expecting 20 features"):
        getattr(fitted, method)(data[:, :19])
    with pytest.raises(ValueError, match=r"X has 5 channels .* \(20, 6\)"):
        getattr(fitted, method)(data[:, :, :5])
    with pytest.raises(ValueError, match=r"X has 1 channels .* \(20, 6\)"):
        getattr(fitted, method)(data[:, :, 0])


def test_wrong_codes_at_inverse_transform(fitted, data):
    Z = fitted.transform(data)
    message = f"Z has 3 columns, but the encoder's code has {Z.shape[1]}"
    with pytest.raises(ValueError, match=message):
        fitted.inverse_transform(Z[:, :3])
    with pytest.raises(ValueError, match="NaN"):
        fitted.inverse_transform(_with(Z, (0, 0), np.nan))
    with pytest.raises(ValueError, match="Expected 2D array"):
        fitted.inverse_transform(Z[0])


def test_forecast_checks_channels_and_model_kind(fitted, data, italy_power):
    with pytest.raises(ValueError, match="X has 5 channels per time step, but .* fitted on 6"):
        fitted.forecast(data[:, :18, :5])
    standalone = LSTMAutoencoderTransformer(**FAST).fit(italy_power[0])
    with pytest.raises(ValueError, match="future_steps > 0"):
        standalone.forecast(italy_power[0])


@pytest.mark.parametrize(
    "method", ["transform", "inverse_transform", "score", "score_samples", "forecast"]
)
def test_unfitted_raises_not_fitted(data, method):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(LSTMAutoencoderTransformer(), method)(data)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"units": 0}, "'units' parameter"),
        ({"units": (4, 0)}, r"non-empty tuple of positive ints, each at most 4096; got \(4, 0\)"),
        ({"units": (4, 10**9)}, r"each at most 4096; got \(4, 1000000000\)"),
        ({"units": (4, True)}, r"positive ints, each at most 4096; got \(4, True\)"),
        ({"units": 10**9}, "'units' parameter"),
        ({"units": True}, "'units' parameter"),
        ({"latent_dim": True}, "'latent_dim' parameter"),
        ({"latent_dim": 10**9}, "'latent_dim' parameter"),
        ({"epochs": True}, "'epochs' parameter"),
        ({"batch_size": True}, "'batch_size' parameter"),
        ({"future_steps": True}, "'future_steps' parameter"),
        ({"learning_rate": True}, "'learning_rate' parameter"),
        ({"dropout": False}, "'dropout' parameter"),
        ({"units": ()}, "non-empty tuple"),
        ({"units": 2.5}, "'units' parameter"),
        ({"future_steps": 20}, "future_steps=20 must be smaller than the sequence length"),
        ({"future_steps": -1}, "'future_steps' parameter"),
        ({"activation": "bogus"}, "activation='bogus' is not a Keras activation"),
        ({"optimizer": "bogus"}, "'optimizer' parameter"),
        ({"learning_rate": 0}, "'learning_rate' parameter"),
        ({"dropout": 1.0}, "'dropout' parameter"),
        ({"validation_split": 0.99}, "validation_split=0.99 leaves no training"),
        ({"latent_dim": 0}, "'latent_dim' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
    ],
)
def test_invalid_parameters_are_named(data, params, message):
    with pytest.raises(ValueError, match=message):
        LSTMAutoencoderTransformer(**dict(FAST, **params)).fit(data)


@pytest.mark.parametrize(
    "params, message",
    [({"future_steps": 50}, "future_steps=50"), ({"validation_split": 0.99}, "leaves no")],
)
def test_invalid_parameter_on_refit_leaves_model_unchanged(data, params, message):
    ae = LSTMAutoencoderTransformer(**FAST).fit(data)
    codes, model = ae.transform(data), ae.model_
    ae.set_params(**params)
    with pytest.raises(ValueError, match=message):
        ae.fit(data)
    assert ae.model_ is model
    np.testing.assert_array_equal(ae.transform(data), codes)
