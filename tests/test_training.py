"""The training loop: steps run in a compiled loop train like ``train_on_batch``."""

import keras
import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae._engine import training as _training


def _run(
    sequences, *, units, batch_size, future_steps=0, optimizer="adam", validation=False, **training
):
    """Build a seeded model for ``sequences`` and run ``train_epochs``; return it and the result."""
    ae = LSTMAutoencoderTransformer(
        units=units,
        future_steps=future_steps,
        batch_size=batch_size,
        optimizer=optimizer,
        random_state=0,
    )
    x, y, masks = ae._training_arrays(ae._prepare_training(sequences, None, warm=False)[0])
    if validation:
        training["validation_data"] = (x[:4], y[:4], masks[:4])
    result = _training.train_epochs(
        ae.model_,
        x,
        y,
        masks,
        batch_size=batch_size,
        random_state=np.random.RandomState(0),
        **training,
    )
    return ae.model_, result


def _train(sequences, *, step_loop, future_steps=0, epochs=4, shuffle=True, optimizer="adam"):
    """Build a seeded model and train it; return the losses, weights and whether the loop ran."""
    model, result = _run(
        sequences,
        units=8,
        batch_size=4,
        future_steps=future_steps,
        optimizer=optimizer,
        epochs=epochs,
        shuffle=shuffle,
        step_loop=step_loop,
    )
    return result.history["loss"], model.get_weights(), model in _training._STEP_LOOPS


@pytest.mark.slow
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


@pytest.mark.slow
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


class Recorder(keras.callbacks.Callback):
    """Record every event, with the loss logs of batch and epoch ends."""

    def __init__(self, stop_after_epoch=None):
        super().__init__()
        self.events, self.stop_after_epoch = [], stop_after_epoch

    def on_train_begin(self, logs=None):
        self.events.append(("train_begin",))

    def on_epoch_begin(self, epoch, logs=None):
        self.events.append(("epoch_begin", epoch))

    def on_train_batch_begin(self, batch, logs=None):
        self.events.append(("batch_begin", batch))

    def on_train_batch_end(self, batch, logs=None):
        self.events.append(("batch_end", batch))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(("epoch_end", epoch, sorted(logs)))
        if epoch == self.stop_after_epoch:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.events.append(("train_end",))


def _train_with(callback, X, *, step_loop, epochs, validation=False):
    return _run(
        X,
        units=4,
        batch_size=8,
        epochs=epochs,
        shuffle=True,
        step_loop=step_loop,
        validation=validation,
        callbacks=[callback],
    )[1]


@pytest.mark.parametrize("step_loop", [False, True])
def test_callbacks_get_each_event_once_in_order(italy_power, step_loop):
    recorder = Recorder()
    # 20 sequences, batches of 8: three batches an epoch
    result = _train_with(
        recorder, italy_power[0][:20], step_loop=step_loop, epochs=2, validation=True
    )
    epoch = lambda e: [  # noqa: E731
        ("epoch_begin", e),
        *[event for b in range(3) for event in (("batch_begin", b), ("batch_end", b))],
        ("epoch_end", e, ["loss", "val_loss"]),
    ]
    assert recorder.events == [("train_begin",), *epoch(0), *epoch(1), ("train_end",)]
    assert result.n_epochs == 2


def test_a_callback_stops_training_after_the_epoch(italy_power):
    recorder = Recorder(stop_after_epoch=1)
    result = _train_with(recorder, italy_power[0][:20], step_loop=True, epochs=10)
    assert result.n_epochs == 2 and len(result.history["loss"]) == 2
    assert recorder.events[-2][:2] == ("epoch_end", 1) and recorder.events[-1] == ("train_end",)
