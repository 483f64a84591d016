"""A call that fails changes nothing; an interrupted one leaves a consistent model."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from sklearn_lstmae._engine import training as _training
from tests._helpers import SMALL

ESTIMATORS = [LSTMAutoencoderTransformer, LSTMAutoencoderOutlierDetector]


def state(estimator):
    """Everything a fit may change: attributes, weights, optimizer state, random state."""
    attributes = {
        key: value
        for key, value in vars(estimator).items()
        if key not in ("model_", "_random_state")
    }
    variables = [
        keras.ops.convert_to_numpy(v.value) for v in _training.model_variables(estimator.model_)
    ]
    return attributes, variables, estimator._random_state.get_state()[1].copy(), estimator.model_


def assert_same_state(before, after):
    (attributes, variables, rng, model), (attributes_2, variables_2, rng_2, model_2) = (
        before,
        after,
    )
    assert model_2 is model
    assert attributes_2.keys() == attributes.keys()
    for key, value in attributes.items():
        if isinstance(value, np.ndarray):
            assert_array_equal(attributes_2[key], value)
        elif key == "history_":
            assert attributes_2[key] == value
        else:
            assert attributes_2[key] is value or attributes_2[key] == value, key
    for variable, variable_2 in zip(variables, variables_2, strict=True):
        assert_array_equal(variable_2, variable)
    assert_array_equal(rng_2, rng)


@pytest.fixture
def X(italy_power):
    return italy_power[0][:24]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("warm_start", [True, False])
def test_a_diverging_fit_changes_nothing(Estimator, X, warm_start):
    estimator = Estimator(epochs=3, warm_start=warm_start, **SMALL).fit(X)
    before, scores = state(estimator), estimator.score_samples(X)
    with pytest.raises(ValueError, match="training loss became"):
        estimator.fit(X * 1e30)
    assert_same_state(before, state(estimator))
    assert_array_equal(estimator.score_samples(X), scores)


@pytest.mark.slow
@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_a_diverging_partial_fit_changes_nothing(Estimator, X):
    estimator = Estimator(**SMALL).partial_fit(X).partial_fit(X)
    before = state(estimator)
    with pytest.raises(ValueError, match="training loss became"):
        estimator.partial_fit(X * 1e30)
    assert_same_state(before, state(estimator))
    estimator.partial_fit(X)  # and training goes on
    assert estimator.n_iter_ == 3


def failing_step(monkeypatch, exception, after_steps):
    """Make the per-batch training step raise ``exception`` after ``after_steps`` steps."""
    step, calls = _training.PerBatchSteps.step, []

    def wrapped(self, index, weights):
        calls.append(None)
        if len(calls) > after_steps:
            raise exception
        return step(self, index, weights)

    monkeypatch.setattr(_training.PerBatchSteps, "step", wrapped)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_an_error_during_training_changes_nothing(Estimator, X, monkeypatch):
    # stands for any exception raised while batches run (e.g. in a callback)
    estimator = Estimator(epochs=2, warm_start=True, **SMALL).fit(X)
    before = state(estimator)
    failing_step(monkeypatch, RuntimeError("boom"), after_steps=4)
    with pytest.raises(RuntimeError, match="boom"):
        estimator.fit(X)
    assert_same_state(before, state(estimator))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_a_failed_first_fit_leaves_the_estimator_unfitted(Estimator, X, monkeypatch):
    estimator = Estimator(epochs=2, **SMALL)
    failing_step(monkeypatch, RuntimeError("boom"), after_steps=4)
    with pytest.raises(RuntimeError):
        estimator.fit(X)
    with pytest.raises(NotFittedError):
        check_is_fitted(estimator)
    assert not [key for key in vars(estimator) if key.endswith("_") or key.startswith("_r")]


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_an_interrupted_fit_keeps_its_complete_epochs(Estimator, X, monkeypatch):
    # 3 batches an epoch: Ctrl-C during the second batch of the third epoch
    failing_step(monkeypatch, KeyboardInterrupt, after_steps=7)
    estimator = Estimator(epochs=5, **SMALL)
    with pytest.raises(KeyboardInterrupt, match="keeps the 2 epochs"):
        estimator.fit(X)
    monkeypatch.undo()
    reference = Estimator(epochs=2, **SMALL).fit(X)
    assert estimator.n_iter_ == 2 and len(estimator.history_["loss"]) == 2
    assert_allclose(estimator.history_["loss"], reference.history_["loss"])
    for weight, expected in zip(
        estimator.model_.get_weights(), reference.model_.get_weights(), strict=True
    ):
        assert_allclose(weight, expected, rtol=1e-6)
    assert_allclose(estimator.score_samples(X), reference.score_samples(X), rtol=1e-5)
    if hasattr(reference, "offset_"):
        assert estimator.offset_ == pytest.approx(reference.offset_, rel=1e-5)


def test_an_interrupt_in_the_compiled_loop_undoes_the_unrecorded_epochs(X, monkeypatch):
    # 3 batches an epoch, epochs run 2 at a time: the interrupt hits the second call
    monkeypatch.setattr(_training, "STEPS_PER_CALL", 6)
    loop_losses, calls = _training._loop_losses, []

    def interrupted(*args):
        calls.append(None)
        losses = loop_losses(*args)
        if len(calls) == 2:
            raise KeyboardInterrupt  # arrives while the call runs, raised as it returns
        return losses

    monkeypatch.setattr(_training, "_loop_losses", interrupted)
    ae = LSTMAutoencoderTransformer(epochs=40, **SMALL)
    with pytest.raises(KeyboardInterrupt):
        ae.fit(X)
    monkeypatch.undo()
    monkeypatch.setattr(_training, "STEPS_PER_CALL", 6)
    reference = LSTMAutoencoderTransformer(epochs=2, **SMALL)
    sequences, weights = reference._prepare_training(X, None, warm=False)
    reference._train(sequences, weights, epochs=2, validation_split=0, early_stopping=False)
    assert ae.n_iter_ == 2
    for weight, expected in zip(
        ae.model_.get_weights(), reference.model_.get_weights(), strict=True
    ):
        assert_allclose(weight, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_an_interrupt_before_the_first_epoch_ends_changes_nothing(Estimator, X, monkeypatch):
    fitted = Estimator(epochs=2, warm_start=True, **SMALL).fit(X)
    before = state(fitted)
    failing_step(monkeypatch, KeyboardInterrupt, after_steps=1)
    with pytest.raises(KeyboardInterrupt):
        fitted.fit(X)
    assert_same_state(before, state(fitted))
    fresh = Estimator(epochs=2, **SMALL)
    with pytest.raises(KeyboardInterrupt):
        fresh.fit(X)
    with pytest.raises(NotFittedError):
        check_is_fitted(fresh)


def test_an_interrupt_stops_a_search(X, monkeypatch):
    failing_step(monkeypatch, KeyboardInterrupt, after_steps=10)
    search = GridSearchCV(
        LSTMAutoencoderTransformer(epochs=5, **SMALL), {"units": [2, 3]}, cv=2, error_score=0.0
    )
    with pytest.raises(KeyboardInterrupt):
        search.fit(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_non_finite_outputs_never_score_as_good(Estimator, X):
    estimator = Estimator(epochs=1, **SMALL).fit(X)
    weights = estimator.model_.get_weights()
    estimator.model_.set_weights([np.full_like(w, np.nan) for w in weights])
    scores = estimator.score_samples(X)
    assert np.all(scores == -np.inf)
    if Estimator is LSTMAutoencoderOutlierDetector:
        assert np.all(estimator.predict(X) == -1)
    else:
        assert estimator.score(X) == -np.inf


class FailsAtEpoch(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        if epoch == 3:
            raise RuntimeError("the callback failed")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_an_error_in_a_user_callback_changes_nothing(Estimator, X):
    estimator = Estimator(epochs=2, warm_start=True, **SMALL).fit(X)
    before = state(estimator)
    estimator.set_params(callbacks=[FailsAtEpoch()])
    with pytest.raises(RuntimeError, match="the callback failed"):
        estimator.fit(X)  # epochs 2 and 3 of the model: fails at the end of the second
    after = state(estimator)
    assert after[0].pop("callbacks") is not None
    before[0].pop("callbacks")
    assert_same_state(before, after)
