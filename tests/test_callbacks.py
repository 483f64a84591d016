"""Keras callbacks passed to the estimators."""

import pickle
import threading

import keras
import numpy as np
import pytest
from sklearn.base import clone

from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from tests._helpers import SMALL


class EpochLog(keras.callbacks.Callback):
    """Record the epoch events and their logs; optionally stop after an epoch."""

    def __init__(self, stop_after=None):
        super().__init__()
        self.events, self.stop_after = [], stop_after

    def on_train_begin(self, logs=None):
        self.events.append("train_begin")

    def on_epoch_end(self, epoch, logs=None):
        self.events.append((epoch, sorted(logs)))
        if epoch == self.stop_after:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.events.append("train_end")


@pytest.mark.parametrize("Estimator", [LSTMAutoencoderTransformer, LSTMAutoencoderOutlierDetector])
def test_callbacks_see_one_epoch_end_per_epoch(Estimator, italy_power):
    log = EpochLog()
    estimator = Estimator(epochs=3, validation_split=0.25, callbacks=[log], **SMALL)
    estimator.fit(italy_power[0][:24])
    assert log.events == [
        "train_begin",
        *[(epoch, ["loss", "val_loss"]) for epoch in range(3)],
        "train_end",
    ]
    estimator.partial_fit(italy_power[0][:24])  # epoch numbers go on
    assert log.events[-2:] == [(3, ["loss"]), "train_end"]
    assert log.model is None  # bound during training only


def test_a_callback_stops_training(italy_power):
    log = EpochLog(stop_after=1)
    ae = LSTMAutoencoderTransformer(epochs=50, callbacks=[log], **SMALL).fit(italy_power[0][:24])
    assert ae.n_iter_ == 2 and len(ae.history_["loss"]) == 2


def test_callbacks_are_copied_by_clone_and_kept_by_pickle(italy_power):
    log = EpochLog()
    ae = LSTMAutoencoderTransformer(epochs=2, callbacks=[log], **SMALL).fit(italy_power[0][:24])
    copy = clone(ae)
    assert copy.callbacks[0] is not log and isinstance(copy.callbacks[0], EpochLog)
    restored = pickle.loads(pickle.dumps(ae))
    assert restored.callbacks[0].events == log.events
    np.testing.assert_array_equal(restored.transform(italy_power[0]), ae.transform(italy_power[0]))


def test_unpicklable_callbacks_are_dropped_from_a_pickle_with_a_warning(italy_power):
    class HoldsALock(EpochLog):
        def __init__(self):
            super().__init__()
            self.lock = threading.Lock()

    ae = LSTMAutoencoderTransformer(epochs=2, callbacks=[EpochLog(), HoldsALock()], **SMALL)
    ae.fit(italy_power[0][:24])
    with pytest.warns(UserWarning, match="HoldsALock"):
        restored = pickle.loads(pickle.dumps(ae))
    assert [type(c).__name__ for c in restored.callbacks] == ["EpochLog"]
    assert len(ae.callbacks) == 2  # the estimator itself keeps them


def test_a_non_callback_is_refused_before_anything_changes(italy_power):
    ae = LSTMAutoencoderTransformer(epochs=2, callbacks=[print], **SMALL)
    with pytest.raises(TypeError, match=r"callbacks\[0\] is builtin_function_or_method"):
        ae.fit(italy_power[0][:24])
    assert not hasattr(ae, "model_")
