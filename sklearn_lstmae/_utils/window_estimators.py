"""An estimator fitted on windows: its epochs, its seed, and the input form it takes.

:class:`~sklearn_lstmae.SeriesAnomalyDetector` and
:class:`~sklearn_lstmae.WindowCodeTransformer` both fit a clone of an
estimator on windows cut from the data; these are the pieces they share.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils import get_tags


def epochs_for_steps(n_windows, *, steps, batch_size, max_epochs=None):
    """Return the epochs that make about ``steps`` mini-batch steps on ``n_windows`` windows.

    At least 1, and at most ``max_epochs`` if given.
    """
    epochs = max(1, -(-steps * batch_size // n_windows))
    return int(epochs if max_epochs is None else min(max_epochs, epochs))


def clone_with_random_state(estimator, random_state):
    """Return an unfitted clone of ``estimator``, seeded with ``random_state`` unless None."""
    estimator = clone(estimator)
    if random_state is not None and "random_state" in estimator.get_params():
        estimator.set_params(random_state=random_state)
    return estimator


def takes_sequences(estimator):
    """Whether ``estimator`` takes 3-D input (sequences) rather than 2-D rows."""
    return get_tags(estimator).input_tags.three_d_array


def as_estimator_input(windows, takes_3d):
    """Windows ``(n, window, channels)`` as the estimator takes them: as they are, or flattened."""
    windows = np.asarray(windows)
    return windows if takes_3d else windows.reshape(windows.shape[0], -1)
