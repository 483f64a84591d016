"""Settings and builders shared by the tests (one place to change them)."""

import numpy as np

# A tiny network trained for two epochs: enough for shapes and behaviour, not for accuracy.
FAST = dict(units=4, epochs=2, batch_size=8, random_state=0)
# The same network without an epoch count, for tests that choose their own.
SMALL = dict(units=4, batch_size=8, random_state=0)


def nan_padded(sequences, width=None):
    """Right-pad a list of (length, n_channels) sequences with NaN into one 3-D array."""
    width = width or max(len(s) for s in sequences)
    padded = np.full((len(sequences), width, sequences[0].shape[1]), np.nan)
    for i, sequence in enumerate(sequences):
        padded[i, : len(sequence)] = sequence
    return padded
