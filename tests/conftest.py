"""Real data sets shipped inside sktime (nothing is downloaded at run time)."""

import numpy as np
import pytest


def _load(loader, split):
    X, y = loader(split=split, return_X_y=True, return_type="numpy3D")
    # sktime stores (n_samples, n_channels, n_timesteps); we take (n, T, C).
    return np.ascontiguousarray(X.transpose(0, 2, 1)), y


@pytest.fixture(scope="session")
def italy_power():
    """ItalyPowerDemand: univariate, 24 steps, 2 classes; 2-D (n_samples, 24)."""
    from sktime.datasets import load_italy_power_demand

    (X_train, y_train), (X_test, y_test) = (
        _load(load_italy_power_demand, split) for split in ("train", "test")
    )
    return X_train[:, :, 0], y_train, X_test[:, :, 0], y_test


@pytest.fixture(scope="session")
def basic_motions():
    """BasicMotions: 6 channels, 100 steps, 4 classes; 3-D (n_samples, 100, 6)."""
    from sktime.datasets import load_basic_motions

    (X_train, y_train), (X_test, y_test) = (
        _load(load_basic_motions, split) for split in ("train", "test")
    )
    return X_train, y_train, X_test, y_test


@pytest.fixture
def toy_sequence():
    """The tutorial's sequence 0.1, 0.2, ..., 0.9 as one (1, 9, 1) sample."""
    return np.linspace(0.1, 0.9, 9).reshape(1, 9, 1)


@pytest.fixture(scope="session")
def japanese_vowels():
    """JapaneseVowels: 12 channels, lengths 7 to 29, 9 speakers; lists of (length, 12)."""
    from sktime.datasets import load_japanese_vowels

    def as_list(X):
        return [
            np.stack([X.iloc[i, j].to_numpy() for j in range(X.shape[1])], axis=1)
            for i in range(len(X))
        ]

    splits = [load_japanese_vowels(split=s, return_X_y=True) for s in ("train", "test")]
    (X_train, y_train), (X_test, y_test) = splits
    return as_list(X_train), y_train, as_list(X_test), y_test
