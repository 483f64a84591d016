"""Validation of sequence input: arrays in, one float32 3-D layout out."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_array


def check_sequences(X, *, estimator=None, input_name: str = "X") -> tuple[np.ndarray, int]:
    """Validate a batch of equal-length sequences.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps) or \
            (n_samples, n_timesteps, n_channels)
        A 2-D array (or DataFrame) holds one univariate sequence per row.
    estimator : estimator instance or None, default=None
        Named in error messages.
    input_name : str, default="X"
        Named in error messages.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, n_channels), dtype float32
        A view of the input where no conversion was needed.
    input_ndim : int
        2 if ``X`` was given as a 2-D array of univariate sequences, else 3.

    Raises
    ------
    ValueError
        If ``X`` is empty, not numeric, contains NaN or infinity, or is not
        2-D or 3-D.

    Examples
    --------
    >>> from sklearn_lstmae._validation import check_sequences
    >>> X, input_ndim = check_sequences([[1, 2, 3], [4, 5, 6]])
    >>> X.shape, input_ndim
    ((2, 3, 1), 2)
    """
    X = check_array(
        X,
        dtype=np.float32,
        allow_nd=True,
        ensure_all_finite=True,
        ensure_min_samples=1,
        ensure_min_features=1,
        estimator=estimator,
        input_name=input_name,
    )
    if X.ndim not in (2, 3):
        raise ValueError(
            f"{input_name} must be a 2-D array (n_samples, n_timesteps) of univariate "
            "sequences or a 3-D array (n_samples, n_timesteps, n_channels); got a "
            f"{X.ndim}-D array of shape {X.shape}."
        )
    input_ndim = X.ndim
    if input_ndim == 2:
        X = X[:, :, np.newaxis]
    if X.shape[1] == 0 or X.shape[2] == 0:
        raise ValueError(
            f"{input_name} needs at least one time step and one channel; got shape {X.shape}."
        )
    return X, input_ndim


def check_codes(Z, code_size):
    """Validate codes for decoding: a 2-D float32 array of width ``code_size``.

    Examples
    --------
    >>> from sklearn_lstmae._validation import check_codes
    >>> check_codes([[0.5, 1.0]], code_size=2).dtype
    dtype('float32')
    """
    Z = check_array(Z, dtype=np.float32, ensure_all_finite=True, input_name="Z")
    if Z.shape[1] != code_size:
        raise ValueError(
            f"Z has {Z.shape[1]} columns, but the encoder's code has {code_size}: pass "
            "the output of transform."
        )
    return Z
