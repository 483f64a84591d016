"""Validation of sequence input: the accepted forms in, one padded float32 layout out.

Accepted forms of a batch of sequences:

- a 2-D array or DataFrame ``(n_samples, n_timesteps)``: univariate sequences,
  one per row;
- a 3-D array ``(n_samples, n_timesteps, n_channels)``;
- either array right-padded with NaN after each sequence's end (NaN in every
  channel of every step after the last real one), for sequences of different
  lengths;
- a list (or tuple) of sequences, each ``(length_i,)`` (univariate) or
  ``(length_i, n_channels)``.

All become a :class:`Sequences`: a float32 array ``(n_samples, max_length,
n_channels)`` holding NaN after each sequence's end, and the lengths.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from scipy.sparse import issparse
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_array


class StrictInterval(Interval):
    """scikit-learn's ``Interval`` that refuses booleans (``True`` is not a count)."""

    def is_satisfied_by(self, val):
        """Return whether ``val`` is a number (not a bool) in the interval."""
        return not isinstance(val, bool | np.bool_) and super().is_satisfied_by(val)


def check_positive_int(name, value, minimum=1):
    """Refuse ``value`` unless it is an int (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        kind = "a positive int" if minimum == 1 else f"an int of at least {minimum}"
        raise ValueError(f"{name} must be {kind}; got {value!r}.")


def check_finite_float(name, value):
    """Refuse ``value`` unless it is a finite real number (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, float | int | np.number):
        raise ValueError(f"{name} must be a finite number; got {value!r}.")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")


def check_fitted_array(name, value, shape, *, positive=False):
    """Refuse ``value`` unless it is a finite float array of ``shape`` (None: any length)."""
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
        raise ValueError(f"{name} must be a float array; got {type(value).__name__}.")
    if value.ndim != len(shape) or any(
        s is not None and s != n for s, n in zip(shape, value.shape, strict=True)
    ):
        raise ValueError(f"{name} has shape {value.shape}; expected {shape}.")
    if not np.isfinite(value).all() or (positive and not (value > 0).all()):
        raise ValueError(f"{name} must be finite{' and positive' if positive else ''}.")


@dataclass(frozen=True)
class Sequences:
    """A validated batch of sequences.

    Attributes
    ----------
    values : ndarray of shape (n_samples, max_length, n_channels), dtype float32
        The sequences, NaN after each one's end.
    lengths : ndarray of shape (n_samples,), dtype int64
        Number of real steps of each sequence (at least 1).
    is_list : bool
        Whether the input was a list of sequences (else an array).
    univariate_input : bool
        Whether each sequence came without a channel axis (2-D array rows or
        1-D list items).
    first_row : int
        Index of the first sequence in the caller's input (a chunk of a
        larger array starts further on); error messages count from it.
    """

    values: np.ndarray
    lengths: np.ndarray
    is_list: bool
    univariate_input: bool
    first_row: int = 0

    @property
    def n_samples(self) -> int:
        """Number of sequences."""
        return self.values.shape[0]

    @property
    def n_channels(self) -> int:
        """Values per time step."""
        return self.values.shape[2]

    @property
    def max_length(self) -> int:
        """Length of the longest sequence (the padded width)."""
        return self.values.shape[1]

    def take(self, rows) -> Sequences:
        """Return the sequences ``rows`` (an index or boolean mask), same width."""
        return dataclasses.replace(self, values=self.values[rows], lengths=self.lengths[rows])


def _padding_lengths(values: np.ndarray, input_name: str, first_row: int) -> np.ndarray:
    """Lengths of NaN right-padded sequences; errors name misplaced NaN."""
    nan = np.isnan(values)
    n_samples, n_timesteps = values.shape[:2]
    if not nan.any():
        return np.full(n_samples, n_timesteps, dtype=np.int64)
    padded_step = nan.all(axis=2)
    partial = nan.any(axis=2) & ~padded_step
    if partial.any():
        i, t = np.argwhere(partial)[0]
        i += first_row
        raise ValueError(
            f"{input_name}[{i}] has NaN in some but not all channels of time step {t}. NaN is "
            "only allowed as right padding: in every channel of every step after a "
            "sequence's end."
        )
    # Length = steps before the trailing run of all-NaN steps.
    trailing = np.cumprod(padded_step[:, ::-1], axis=1).sum(axis=1)
    lengths = (n_timesteps - trailing).astype(np.int64)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"{input_name}[{empty[0] + first_row}] is all NaN: an empty sequence. Each "
            "sequence needs at least one time step."
        )
    inside = padded_step & (np.arange(n_timesteps) < lengths[:, None])
    if inside.any():
        i, t = np.argwhere(inside)[0]
        raise ValueError(
            f"{input_name}[{i + first_row}] has NaN at time step {t}, before its last value at "
            f"step "
            f"{lengths[i] - 1}. NaN is only allowed as right padding after a sequence's end."
        )
    return lengths


def _check_array_form(X, estimator, input_name, first_row) -> Sequences:
    X = check_array(
        X,
        dtype=np.float32,
        allow_nd=True,
        ensure_all_finite="allow-nan",
        ensure_min_samples=1,
        ensure_min_features=1,
        estimator=estimator,
        input_name=input_name,
    )
    if X.ndim not in (2, 3):
        raise ValueError(
            f"{input_name} must be a 2-D array (n_samples, n_timesteps) of univariate "
            "sequences, a 3-D array (n_samples, n_timesteps, n_channels), or a list of "
            f"sequences; got a {X.ndim}-D array of shape {X.shape}."
        )
    if np.isinf(X).any():
        raise ValueError(
            f"Input {input_name} contains infinity or a value too large for dtype('float32')."
        )
    univariate = X.ndim == 2
    if univariate:
        X = X[:, :, np.newaxis]
    if X.shape[1] == 0 or X.shape[2] == 0:
        raise ValueError(
            f"{input_name} needs at least one time step and one channel; got shape {X.shape}."
        )
    return Sequences(X, _padding_lengths(X, input_name, first_row), False, univariate, first_row)


def _check_list_form(X, input_name) -> Sequences:
    if len(X) == 0:
        raise ValueError(f"{input_name} is an empty list: at least one sequence is required.")
    items, item_ndim = [], None
    for i, sequence in enumerate(X):
        name = f"{input_name}[{i}]"
        raw = np.asarray(sequence)
        reject_text(raw, name)
        if np.iscomplexobj(raw):
            raise ValueError(f"{name}: complex data is not supported.")
        try:
            item = raw.astype(np.float32)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{name} is not numeric: {error}") from None
        if item.ndim not in (1, 2):
            raise ValueError(
                f"{name} must be 1-D (length,) or 2-D (length, n_channels); got shape {item.shape}."
            )
        if item.shape[0] == 0 or item.size == 0:
            raise ValueError(
                f"{name} is empty (shape {item.shape}): each sequence needs at least one "
                "time step and one channel."
            )
        if not np.isfinite(item).all():
            raise ValueError(
                f"{name} contains NaN or infinity. In a list, sequences have their own "
                "lengths and need no padding."
            )
        if items and item.ndim != item_ndim:
            raise ValueError(
                f"{name} is {item.ndim}-D but {input_name}[0] is {item_ndim}-D: give all "
                "sequences as (length,) or all as (length, n_channels)."
            )
        item_ndim = item.ndim
        item = item.reshape(item.shape[0], -1)
        if items and item.shape[1] != items[0].shape[1]:
            raise ValueError(
                f"{name} has {item.shape[1]} channels, but {input_name}[0] has {items[0].shape[1]}."
            )
        items.append(item)
    lengths = np.array([item.shape[0] for item in items], dtype=np.int64)
    values = np.full((len(items), lengths.max(), items[0].shape[1]), np.nan, dtype=np.float32)
    for i, item in enumerate(items):
        values[i, : lengths[i]] = item
    univariate = item_ndim == 1
    return Sequences(values, lengths, True, univariate)


ACCEPTED_FORMS = (
    "a 2-D array (n_samples, n_timesteps) of univariate sequences, a 3-D array "
    "(n_samples, n_timesteps, n_channels) NaN-padded after shorter sequences, or a list of "
    "sequences of shape (length,) or (length, n_channels)"
)


def check_sequences(X, *, estimator=None, input_name: str = "X", first_row: int = 0) -> Sequences:
    """Validate a batch of sequences of equal or different lengths.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_timesteps) or \
            (n_samples, n_timesteps, n_channels), or list of array-like
        A 2-D array (or DataFrame) holds one univariate sequence per row. Arrays
        may be right-padded with NaN. A list holds sequences of shape
        ``(length_i,)`` or ``(length_i, n_channels)``.
    estimator : estimator instance or None, default=None
        Named in error messages.
    input_name : str, default="X"
        Named in error messages.
    first_row : int, default=0
        Index of ``X[0]`` in the caller's input (``X`` may be a chunk of a
        larger array); error messages name sequences by that count.

    Returns
    -------
    sequences : Sequences
        Values ``(n_samples, max_length, n_channels)`` as float32 with NaN after
        each sequence's end, and the lengths.

    Raises
    ------
    ValueError
        If ``X`` is empty, not numeric, holds infinity or NaN other than right
        padding, mixes channel counts, or has the wrong number of dimensions;
        the message names the offending sequence.

    Examples
    --------
    >>> from sklearn_lstmae._utils.validation import check_sequences
    >>> check_sequences([[1, 2, 3], [4, 5, 6]]).values.shape
    (2, 3, 1)
    >>> check_sequences([[1.0, 2.0, 3.0], [4.0]]).lengths
    array([3, 1])
    """
    if isinstance(X, list | tuple):
        return _check_list_form(X, input_name)
    if not issparse(X) and isinstance(X, Iterator | str | bytes | dict | set):  # dok: a dict
        raise TypeError(
            f"{input_name} is a {type(X).__name__}; pass {ACCEPTED_FORMS} (an iterator or a "
            "generator gives its sequences once: make it a list)."
        )
    reject_text(X, input_name)
    return _check_array_form(X, estimator, input_name, first_row)


def reject_text(values, input_name, forms=ACCEPTED_FORMS):
    """Refuse strings (and objects holding them) where numbers are expected.

    NumPy would parse numeric strings silently; an object array of numbers is
    accepted, as scikit-learn accepts it. ``forms``: the accepted forms, named
    in the message.
    """
    kinds = getattr(values, "dtypes", None)  # a DataFrame: one dtype per column
    if kinds is not None and not any(kind.kind in "OUS" for kind in kinds):
        return
    dtype = getattr(values, "dtype", None)
    if kinds is None and (dtype is None or dtype.kind not in "OUS"):
        return
    values = np.asarray(values)
    if values.dtype.kind in "US" or any(isinstance(v, str | bytes) for v in values.flat):
        raise ValueError(f"{input_name} holds text (dtype {values.dtype}); pass numbers: {forms}.")


def check_codes(Z, code_size):
    """Validate codes for decoding: a 2-D float32 array of width ``code_size``.

    Examples
    --------
    >>> from sklearn_lstmae._utils.validation import check_codes
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


def check_n_channels(n_channels, estimator, *, n_timesteps=None, input_name="X"):
    """Reject input whose channel count differs from the fitted ``estimator.n_channels_``.

    ``n_timesteps``, if given, is named in the message with the fitted shape.
    """
    expected = estimator.n_channels_
    if n_channels == expected:
        return
    shape = (
        ""
        if n_timesteps is None
        else f" (sequences of shape (n_timesteps, n_channels) = ({n_timesteps}, {expected}))"
    )
    raise ValueError(
        f"{input_name} has {n_channels} channels per time step, but "
        f"{type(estimator).__name__} was fitted on {expected}{shape}."
    )


def check_sample_weight(sample_weight, n_samples: int):
    """Validate per-sequence weights; return them as float64, or None if all are equal.

    Equal weights (ones included) weigh nothing differently, so they become
    None: the unweighted computation, exactly.

    Raises
    ------
    ValueError
        If the weights are not numbers, not one per sequence, not finite,
        negative, or all zero.
    """
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"sample_weight must hold numbers: {error}") from error
    if weights.ndim == 0:
        weights = np.full(n_samples, weights)
    if weights.shape != (n_samples,):
        raise ValueError(
            f"sample_weight.shape == {weights.shape}, expected ({n_samples},): one weight "
            "per sequence."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("sample_weight must be finite; it holds NaN or infinity.")
    if np.any(weights < 0):
        raise ValueError(
            f"sample_weight must be non-negative; sample_weight[{np.argmax(weights < 0)}] is "
            f"{weights[weights < 0][0]}."
        )
    if not np.any(weights > 0):
        raise ValueError("sample_weight is zero everywhere: no sequence would be trained on.")
    return None if np.all(weights == weights[0]) else weights


SERIES_FORMS = (
    "one series, an array of shape (n_timesteps,) or (n_timesteps, n_channels), or a list of them"
)


def check_series(X, fitted=None, *, min_length=None, min_points=1):
    """Validate one long series or a list of them; return ``(list of 2-D float32, is_list)``.

    ``fitted``: an estimator whose ``n_channels_`` every series must have
    (else all series must share one channel count). ``min_length``: the
    fewest points a series may have (a window); ``min_points``: what
    ``check_array`` requires (0 for a stream's empty chunk).
    """
    if isinstance(X, Iterator):
        raise TypeError(
            f"X is a {type(X).__name__}; pass {SERIES_FORMS} (an iterator gives its "
            "series once: make it a list)."
        )
    is_list = isinstance(X, list | tuple)
    if is_list and len(X) == 0:
        raise ValueError("X is an empty list; pass a series or a list of series.")
    series = []
    for i, item in enumerate(X if is_list else [X]):
        name = f"X[{i}]" if is_list else "X"
        if issparse(item):
            raise TypeError(
                f"{name} is a sparse matrix; a series must be dense: an array of shape "
                "(n_timesteps,) or (n_timesteps, n_channels), or a list of them."
            )
        values = np.asarray(item) if not hasattr(item, "iloc") else item.to_numpy()
        reject_text(values, name, SERIES_FORMS)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            raise ValueError(
                f"{name} must be one series, (n_timesteps,) or (n_timesteps, n_channels); "
                f"got {values.ndim} dimensions. Pass several series as a list."
            )
        if values.dtype.kind in "fc" and np.isnan(values).any():
            raise ValueError(
                f"{name} has NaN at step {int(np.flatnonzero(np.isnan(values).any(1))[0])}: "
                "gaps are not supported. Fill them (e.g. interpolate) or split the series "
                "at the gap and pass the pieces as a list."
            )
        values = check_array(
            values, dtype=np.float32, ensure_min_samples=min_points, input_name=name
        ).astype(np.float32, copy=False)
        if fitted is not None:
            check_n_channels(values.shape[1], fitted, input_name=name)
        if min_length is not None and values.shape[0] < min_length:
            raise ValueError(
                f"{name} has {values.shape[0]} points, fewer than one window "
                f"(window_={min_length})."
            )
        series.append(values)
    if fitted is None and len({s.shape[1] for s in series}) > 1:
        raise ValueError("The series in X have different channel counts.")
    return series, is_list
