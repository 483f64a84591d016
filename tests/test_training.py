"""The training loop: steps run in a compiled loop train like ``train_on_batch``."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_lstmae import LSTMAutoencoderTransformer, _training


def _train(sequences, *, step_loop, future_steps=0, epochs=4, shuffle=True, optimizer="adam"):
    """Build a seeded model and train it; return the losses, weights and whether the loop ran."""
    ae = LSTMAutoencoderTransformer(
        units=8, future_steps=future_steps, batch_size=4, optimizer=optimizer, random_state=0
    )
    validated = ae._prepare_training(sequences, warm=False)
    x, y, masks = ae._training_arrays(validated)
    result = _training.train_epochs(
        ae.model_,
        x,
        y,
        masks,
        epochs=epochs,
        batch_size=4,
        shuffle=shuffle,
        random_state=np.random.RandomState(0),
        step_loop=step_loop,
    )
    return result.history["loss"], ae.model_.get_weights(), ae.model_ in _training._STEP_LOOPS


@pytest.mark.parametrize(
    "steps_per_call, rows_per_call",
    # steps per call: all 12, 2 (calls straddle epochs), 1 (the rows cap)
    [(256, 1024), (2, 1024), (256, 4)],
)
@pytest.mark.parametrize("future_steps", [0, 2])
def test_step_loop_trains_like_train_on_batch(
    japanese_vowels, monkeypatch, steps_per_call, rows_per_call, future_steps
):
    # 10 sequences of 7 to 29 steps (padding masks), batches of 4: three steps an
    # epoch, the last one filled up with weight-0 rows; shuffled every epoch.
    sequences = japanese_vowels[0][:10]
    monkeypatch.setattr(_training, "STEPS_PER_CALL", steps_per_call)
    monkeypatch.setattr(_training, "ROWS_PER_CALL", rows_per_call)
    losses, weights, looped = _train(sequences, step_loop=True, future_steps=future_steps)
    expected_losses, expected_weights, reference_looped = _train(
        sequences, step_loop=False, future_steps=future_steps
    )
    assert looped and not reference_looped
    assert len(losses) == 4
    assert losses[-1] < losses[0]
    assert_allclose(losses, expected_losses, rtol=1e-5)
    for weight, expected in zip(weights, expected_weights, strict=True):
        assert_allclose(weight, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop"])
def test_step_loop_one_sample(toy_sequence, optimizer):
    # The tutorial's case: one sequence, every epoch a single step.
    losses, weights, looped = _train(
        toy_sequence, step_loop=True, epochs=20, shuffle=False, optimizer=optimizer
    )
    expected_losses, expected_weights, _ = _train(
        toy_sequence, step_loop=False, epochs=20, shuffle=False, optimizer=optimizer
    )
    assert looped
    # 20 dependent steps of float32 rounding (the loop's graph may sum in another order).
    assert_allclose(losses, expected_losses, rtol=3e-5)
    for weight, expected in zip(weights, expected_weights, strict=True):
        assert_allclose(weight, expected, rtol=1e-4, atol=1e-6)


def test_step_loop_traced_at_most_twice(italy_power):
    X = italy_power[0]
    # 3 batches x 40 epochs: enough steps for the loop
    ae = LSTMAutoencoderTransformer(units=4, epochs=40, batch_size=16, random_state=0)
    ae.fit(X[:40]).partial_fit(X[:33]).partial_fit(X[:64])
    (loop,) = _training._STEP_LOOPS[ae.model_].values()
    assert loop.experimental_get_tracing_count() == 1
    ae.partial_fit(X[:5]).partial_fit(X[:7])  # batches of 5 and 7 rows: one more loop
    loops = _training._STEP_LOOPS[ae.model_].values()
    assert [loop.experimental_get_tracing_count() for loop in loops] == [1, 1]
    assert ae.n_iter_ == 44


def test_short_training_runs_train_on_batch(italy_power):
    # 3 batches x 2 epochs: tracing the loop would cost more than it saves
    ae = LSTMAutoencoderTransformer(units=4, epochs=2, batch_size=16, random_state=0)
    ae.fit(italy_power[0][:40])
    assert ae.model_ not in _training._STEP_LOOPS
    assert ae.model_.train_function is not None
