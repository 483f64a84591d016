"""restore_on_failure gives an object back its attributes, copies, random draws and snapshots."""

import numpy as np
import pytest

from sklearn_lstmae._utils.rollback import restore_on_failure


class Thing:
    pass


class Snapshot:
    def __init__(self):
        self.restored = False

    def restore(self):
        self.restored = True


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_failure_restores_everything(error):
    thing = Thing()
    thing.history_ = {"loss": [1.0]}
    thing.kept = "yes"
    thing._random_state = np.random.RandomState(0)
    expected_draw = np.random.RandomState(0).rand()
    snapshot = Snapshot()
    with (
        pytest.raises(error),
        restore_on_failure(
            thing, copied=("history_",), random_states=("_random_state",), snapshots=[snapshot]
        ),
    ):
        thing.history_["loss"].append(2.0)
        thing.added_ = 1
        thing.kept = "no"
        thing._random_state.rand()
        raise error
    assert thing.history_ == {"loss": [1.0]}
    assert thing.kept == "yes" and not hasattr(thing, "added_")
    assert thing._random_state.rand() == expected_draw
    assert snapshot.restored


def test_success_keeps_the_changes():
    thing = Thing()
    snapshot = Snapshot()
    with restore_on_failure(thing, snapshots=[snapshot]):
        thing.added_ = 1
    assert thing.added_ == 1 and not snapshot.restored
