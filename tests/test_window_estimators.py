"""The pieces shared by the estimators fitted on windows."""

import numpy as np
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import LocalOutlierFactor

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae._utils.window_estimators import (
    as_estimator_input,
    clone_with_random_state,
    epochs_for_steps,
    takes_sequences,
)


def test_epochs_make_about_the_step_budget_within_their_bounds():
    assert epochs_for_steps(320, steps=100, batch_size=32) == 10
    assert epochs_for_steps(321, steps=100, batch_size=32) == 10  # rounded up: 9.97
    assert epochs_for_steps(10**6, steps=100, batch_size=32) == 1
    assert epochs_for_steps(10, steps=100, batch_size=32, max_epochs=50) == 50


def test_a_clone_is_seeded_only_when_asked_and_the_original_is_untouched():
    forest = IsolationForest(random_state=3)
    assert clone_with_random_state(forest, 7).random_state == 7
    assert clone_with_random_state(forest, None).random_state == 3
    assert forest.random_state == 3
    lof = LocalOutlierFactor()  # no random_state: nothing to seed
    assert clone_with_random_state(lof, 7).get_params() == lof.get_params()


def test_windows_are_flattened_for_an_estimator_without_3d_input():
    windows = np.arange(24.0).reshape(2, 4, 3)
    assert takes_sequences(LSTMAutoencoderTransformer()) and not takes_sequences(PCA())
    assert as_estimator_input(windows, takes_3d=True) is windows
    np.testing.assert_array_equal(as_estimator_input(windows, takes_3d=False)[1], np.arange(12, 24))
