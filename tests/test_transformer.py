"""Behaviour of LSTMAutoencoderTransformer (module mirrors _transformer and _autoencoder)."""

import copy
import io
import os
import pickle
import random
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae._engine.networks import code_size
from tests._helpers import FAST


@pytest.fixture(scope="module")
def fitted(italy_power):
    """One small standalone model fitted on univariate 2-D ItalyPowerDemand."""
    X_train = italy_power[0]
    return LSTMAutoencoderTransformer(units=8, epochs=5, random_state=0).fit(X_train)


@pytest.fixture(scope="module")
def fitted_composite(basic_motions):
    """One small composite model fitted on multichannel 3-D BasicMotions."""
    X_train = basic_motions[0][:, :40]
    return LSTMAutoencoderTransformer(
        units=(8, 6),
        latent_dim=5,
        future_steps=10,
        reverse_reconstruction=True,
        epochs=3,
        random_state=0,
    ).fit(X_train)


# ----------------------------------------------------------------- tutorial
# The tutorial's network: one forward LSTM whose last hidden state is the code.
TUTORIAL = dict(bidirectional=False, code="last_hidden")


def test_tutorial_standalone_reconstructs_toy_sequence(toy_sequence):
    ae = LSTMAutoencoderTransformer(
        units=100, activation="relu", epochs=300, random_state=0, **TUTORIAL
    )
    ae.fit(toy_sequence)
    reconstruction = ae.inverse_transform(ae.transform(toy_sequence))
    assert reconstruction.shape == (1, 9, 1)
    assert np.max(np.abs(reconstruction - toy_sequence)) <= 0.02
    assert ae.transform(toy_sequence).shape == (1, 100)


@pytest.mark.slow
def test_tutorial_composite_reconstructs_and_predicts(toy_sequence):
    ae = LSTMAutoencoderTransformer(
        units=100, activation="relu", epochs=300, future_steps=1, random_state=0, **TUTORIAL
    )
    ae.fit(toy_sequence)
    window = ae.inverse_transform(ae.transform(toy_sequence))
    assert window.shape == (1, 9, 1)
    assert np.max(np.abs(window - toy_sequence)) <= 0.05
    # forecast reads the observed window only and agrees with the decoded window.
    future = ae.forecast(toy_sequence[:, :8])
    assert future.shape == (1, 1, 1)
    np.testing.assert_allclose(future, window[:, 8:], atol=1e-5)
    assert ae.score(toy_sequence) > -(0.05**2)


@pytest.mark.slow
def test_reverse_reconstruction_returns_natural_order(toy_sequence):
    ae = LSTMAutoencoderTransformer(
        units=32, epochs=300, reverse_reconstruction=True, random_state=0
    ).fit(toy_sequence)
    reconstruction = ae.inverse_transform(ae.transform(toy_sequence))
    assert np.max(np.abs(reconstruction - toy_sequence)) <= 0.05


# --------------------------------------------------------- shapes and layout
def test_univariate_2d_layout_round_trip(fitted, italy_power):
    X_test = italy_power[2]
    Z = fitted.transform(X_test)
    assert Z.shape == (X_test.shape[0], 5 * 2 * 8)  # h, c and 3 pools, both directions
    assert Z.dtype == np.float32
    assert fitted.inverse_transform(Z).shape == X_test.shape
    assert (fitted.n_timesteps_, fitted.n_channels_, fitted.input_ndim_) == (24, 1, 2)
    # A 3-D single-channel array is the same data and is accepted too.
    np.testing.assert_allclose(fitted.transform(X_test[:, :, None]), Z, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_composite_3d_layout_and_forecast(fitted_composite, basic_motions):
    X_test = basic_motions[2][:, :40]
    ae = fitted_composite
    Z = ae.transform(X_test)
    assert Z.shape == (X_test.shape[0], 5)
    window = ae.inverse_transform(Z)
    assert window.shape == X_test.shape
    future = ae.forecast(X_test[:, :30])
    assert future.shape == (X_test.shape[0], 10, 6)
    np.testing.assert_allclose(future, window[:, 30:], rtol=1e-4, atol=1e-5)
    # transform encodes the observed window: the future steps do not change the code.
    changed = X_test.copy()
    changed[:, 30:] += 5.0
    np.testing.assert_allclose(ae.transform(changed), Z, rtol=1e-5, atol=1e-6)


def test_score_is_negative_reconstruction_mse(fitted, fitted_composite, italy_power, basic_motions):
    for ae, X in ((fitted, italy_power[2]), (fitted_composite, basic_motions[2][:, :40])):
        reconstruction = ae.inverse_transform(ae.transform(X))
        np.testing.assert_allclose(ae.reconstruct(X), reconstruction, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(
            ae.reconstruction_error(X), (reconstruction - X) ** 2, rtol=1e-4, atol=1e-7
        )
        expected = -np.mean((reconstruction - X) ** 2, axis=tuple(range(1, X.ndim)))
        np.testing.assert_allclose(ae.score_samples(X), expected, rtol=1e-4)
        assert ae.score(X) == pytest.approx(np.mean(expected), rel=1e-4)


@pytest.mark.slow
def test_stacked_units_and_bottleneck_set_code_size(italy_power):
    X = italy_power[0]
    last_hidden = LSTMAutoencoderTransformer(units=(6, 4), **TUTORIAL, **_fast()).fit(X)
    assert last_hidden.transform(X).shape[1] == 4
    default = LSTMAutoencoderTransformer(units=(6, 4), **_fast()).fit(X)
    assert default.transform(X).shape[1] == code_size(
        (6, 4), bidirectional=default.bidirectional, code=default.code
    )
    ae = LSTMAutoencoderTransformer(units=(6, 4), latent_dim=3, **TUTORIAL, **_fast()).fit(X)
    assert ae.transform(X).shape[1] == 3
    encoder_lstms = [layer.units for layer in ae.encoder_.layers if hasattr(layer, "units")]
    assert encoder_lstms == [6, 4, 3]  # two LSTMs, then the Dense bottleneck


def test_dataframe_feature_names_and_pandas_output(italy_power):
    X = pd.DataFrame(italy_power[0], columns=[f"hour_{i}" for i in range(24)])
    ae = LSTMAutoencoderTransformer(**FAST).set_output(transform="pandas").fit(X)
    assert list(ae.feature_names_in_) == list(X.columns)
    Z = ae.transform(X)
    assert isinstance(Z, pd.DataFrame)
    assert list(Z.columns) == [f"lstmautoencodertransformer{i}" for i in range(5 * 2 * 4)]
    assert list(ae.get_feature_names_out()) == list(Z.columns)


# ------------------------------------------------- reproducibility, no side effects
@pytest.mark.slow
def test_same_random_state_same_codes_and_no_global_side_effects(italy_power):
    import tensorflow as tf

    X = italy_power[0]
    np_state = np.random.get_state()  # noqa: NPY002 (the global state is what we check)
    py_state, environ = random.getstate(), dict(os.environ)
    Z1 = LSTMAutoencoderTransformer(**FAST, dropout=0.2).fit(X).transform(X)
    Z2 = LSTMAutoencoderTransformer(**FAST, dropout=0.2).fit(X).transform(X)
    np.testing.assert_allclose(Z1, Z2, rtol=1e-5, atol=1e-6)
    Z3 = LSTMAutoencoderTransformer(**dict(FAST, random_state=1)).fit(X).transform(X)
    assert not np.allclose(Z1, Z3)
    assert dict(os.environ) == environ
    assert random.getstate() == py_state
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == np_state[0] and np.array_equal(after[1], np_state[1])
    # Unseeded random ops elsewhere still work (scikeras's seeding breaks them).
    assert tf.random.uniform((2,)).shape == (2,)


@pytest.mark.slow
def test_random_state_instance_is_used_not_replaced(italy_power):
    X = italy_power[0]
    params = dict(FAST)
    params.pop("random_state")
    Z1 = LSTMAutoencoderTransformer(**params, random_state=np.random.RandomState(3)).fit(X)
    Z2 = LSTMAutoencoderTransformer(**params, random_state=np.random.RandomState(3)).fit(X)
    Z0 = LSTMAutoencoderTransformer(**params, random_state=np.random.RandomState(0)).fit(X)
    np.testing.assert_allclose(Z1.transform(X), Z2.transform(X), rtol=1e-5, atol=1e-6)
    assert not np.allclose(Z1.transform(X), Z0.transform(X))


# ------------------------------------------------------------- persistence
def _shares_weights(ae):
    model_variables = {id(v) for v in ae.model_.weights}
    parts = (ae.encoder_, ae.decoder_)
    return all(id(v) in model_variables for part in parts for v in part.weights)


@pytest.mark.slow
@pytest.mark.parametrize("dump", ["pickle", "joblib", "deepcopy"])
def test_round_trip_gives_identical_codes_and_keeps_views(fitted_composite, basic_motions, dump):
    X = basic_motions[2][:, :40]
    if dump == "pickle":
        restored = pickle.loads(pickle.dumps(fitted_composite))
    elif dump == "joblib":
        buffer = io.BytesIO()
        joblib.dump(fitted_composite, buffer)
        buffer.seek(0)
        restored = joblib.load(buffer)
    else:
        restored = copy.deepcopy(fitted_composite)
    np.testing.assert_array_equal(restored.transform(X), fitted_composite.transform(X))
    np.testing.assert_array_equal(
        restored.forecast(X[:, :30]), fitted_composite.forecast(X[:, :30])
    )
    # Further training moves the encoder and model_ together: they are one set of weights.
    restored.partial_fit(X)
    assert _shares_weights(restored)
    assert restored.n_iter_ == fitted_composite.n_iter_ + 1
    assert not np.allclose(restored.transform(X), fitted_composite.transform(X))
    encoded_by_model = restored.model_.get_layer("encoder").predict_on_batch(X[:, :30])
    np.testing.assert_allclose(restored.transform(X), encoded_by_model, rtol=1e-5, atol=1e-6)


def test_pickle_after_importing_scikeras(fitted, italy_power):
    import scikeras  # noqa: F401  (replaces keras.Model.__reduce__ on import)

    X = italy_power[2]
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(X), fitted.transform(X))
    restored.partial_fit(X)
    assert _shares_weights(restored)


def test_import_does_not_load_tensorflow():
    code = (
        "import sys; from sklearn.base import clone; "
        "from sklearn_lstmae import LSTMAutoencoderTransformer as T; "
        "clone(T(units=(4, 2))).get_params(); "
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


# ------------------------------------------------------- training controls
def _fast(**overrides):
    params = dict(FAST, units=6)
    params.update(overrides)
    params.pop("units")
    return params


def test_warm_start_and_partial_fit_continue_training(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(**FAST, warm_start=True).fit(X)
    model = ae.model_
    ae.fit(X)
    assert ae.model_ is model
    assert ae.n_iter_ == 4 and len(ae.history_["loss"]) == 4
    ae.partial_fit(X)
    assert ae.n_iter_ == 5 and len(ae.history_["loss"]) == 5
    cold = LSTMAutoencoderTransformer(**FAST).fit(X)
    model = cold.model_
    cold.fit(X)
    assert cold.model_ is not model and cold.n_iter_ == 2


def test_partial_fit_on_unfitted_initializes(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(**FAST).partial_fit(X[:30]).partial_fit(X[30:])
    assert ae.n_iter_ == 2
    assert all(np.isfinite(ae.history_["loss"]))


def test_warm_start_rejects_changed_architecture_and_keeps_model(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(**FAST, warm_start=True).fit(X)
    Z = ae.transform(X)
    ae.set_params(units=5)
    with pytest.raises(ValueError, match="units changed"):
        ae.fit(X)
    np.testing.assert_array_equal(ae.transform(X), Z)
    assert ae.n_iter_ == 2


def test_training_loss_decreases(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(units=16, epochs=30, random_state=0).fit(X)
    loss = ae.history_["loss"]
    assert len(loss) == ae.n_iter_ == 30
    assert loss[-1] < 0.5 * loss[0]


def test_early_stopping_restores_best_weights(italy_power):
    X = italy_power[0]
    ae = LSTMAutoencoderTransformer(
        units=8,
        epochs=200,
        learning_rate=0.05,
        validation_split=0.25,
        early_stopping=True,
        patience=2,
        random_state=0,
    ).fit(X)
    assert ae.n_iter_ < 200
    assert len(ae.history_["val_loss"]) == ae.n_iter_
    assert ae.best_loss_ == pytest.approx(min(ae.history_["val_loss"]))
    # The restored weights are the best epoch's: their validation loss is the minimum.
    X_val = X[int(np.floor(X.shape[0] * 0.75)) :]
    assert -ae.score(X_val) == pytest.approx(ae.best_loss_, rel=1e-3)


def test_early_stopping_that_never_triggers_warns(italy_power):
    with pytest.warns(ConvergenceWarning, match="early stopping"):
        LSTMAutoencoderTransformer(**FAST, early_stopping=True, patience=5).fit(italy_power[0])


@pytest.mark.slow
def test_verbose_shows_keras_progress(italy_power, capsys):
    LSTMAutoencoderTransformer(**FAST, verbose=1).fit(italy_power[0])
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "loss" in out
    LSTMAutoencoderTransformer(**FAST).fit(italy_power[0])
    assert capsys.readouterr().out == ""


def test_optimizer_instance_is_copied_not_mutated(italy_power):
    import keras

    optimizer = keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)
    ae = LSTMAutoencoderTransformer(**FAST, optimizer=optimizer).fit(italy_power[0])
    assert ae.model_.optimizer is not optimizer
    assert isinstance(ae.model_.optimizer, keras.optimizers.SGD)
    assert not optimizer.built
    assert clone(ae).get_params()["optimizer"] is not None


def test_optimizer_name_and_learning_rate_are_used(italy_power):
    import keras

    ae = LSTMAutoencoderTransformer(**FAST, optimizer="rmsprop", learning_rate=0.02)
    ae.fit(italy_power[0])
    assert isinstance(ae.model_.optimizer, keras.optimizers.RMSprop)
    assert float(ae.model_.optimizer.learning_rate) == pytest.approx(0.02)


# ---------------------------------------------------- scikit-learn workflows
@pytest.mark.slow
def test_pipeline_with_classifier_cross_validates(italy_power):
    X, y = italy_power[0], italy_power[1]
    pipe = make_pipeline(
        LSTMAutoencoderTransformer(units=8, epochs=10, random_state=0),
        StandardScaler(),
        LogisticRegression(),
    )
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and np.all((scores >= 0) & (scores <= 1))


@pytest.mark.slow
def test_grid_search_without_scorer_picks_best_reconstruction(italy_power):
    X = italy_power[0]
    search = GridSearchCV(
        LSTMAutoencoderTransformer(epochs=20, random_state=0, **TUTORIAL), {"units": [1, 16]}, cv=2
    ).fit(X)
    scores = search.cv_results_["mean_test_score"]
    assert np.all(scores < 0)
    assert search.best_params_ == {"units": 16}  # a 16-wide code reconstructs better than 1
    assert search.transform(X).shape == (X.shape[0], 16)


@pytest.mark.slow
def test_keras_classifier_downstream(italy_power):
    import keras
    from scikeras.wrappers import KerasClassifier

    X, y, X_test, y_test = italy_power

    def classifier_model(meta):
        model = keras.Sequential(
            [
                keras.Input((meta["n_features_in_"],)),
                keras.layers.Dense(16, activation="relu"),
                keras.layers.Dense(meta["n_classes_"], activation="softmax"),
            ]
        )
        model.compile(loss="sparse_categorical_crossentropy", optimizer="adam")
        return model

    pipe = make_pipeline(
        LSTMAutoencoderTransformer(units=8, epochs=10, random_state=0),
        StandardScaler(),
        KerasClassifier(classifier_model, epochs=30, verbose=0, random_state=0),
    ).fit(X, y)
    predictions = pipe.predict(X_test)
    assert predictions.shape == y_test.shape
    assert set(np.unique(predictions)) <= set(np.unique(y))  # labels, decoded by scikeras


def test_clone_of_fitted_is_unfitted(fitted, italy_power):
    unfitted = clone(fitted)
    with pytest.raises(NotFittedError):
        unfitted.transform(italy_power[2])
    assert unfitted.get_params() == fitted.get_params()
