"""WindowCodeTransformer: an autoencoder fitted on short windows, its codes pooled per sequence."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from sklearn_lstmae._persistence.archive import SaveMixin
from sklearn_lstmae._persistence.registry import register_savable
from sklearn_lstmae._transformer import LSTMAutoencoderTransformer
from sklearn_lstmae._utils.validation import (
    check_n_channels,
    check_positive_int,
    check_sequences,
)
from sklearn_lstmae._utils.window_estimators import (
    as_estimator_input,
    clone_with_random_state,
    epochs_for_steps,
    takes_sequences,
)
from sklearn_lstmae._utils.windows import sliding_windows

# The default autoencoder trains for about this many mini-batch steps of BATCH_SIZE windows,
# and for at most MAX_EPOCHS epochs (LSTMAutoencoderTransformer's default) on few windows.
TRAINING_STEPS, BATCH_SIZE, MAX_EPOCHS = 2000, 32, 100


def _window_starts(length, window, stride):
    """Return the starts of the windows of a sequence of ``length`` real steps.

    Every ``stride`` steps, and one more window ending at the last step if the
    regular ones leave steps after them; a sequence no longer than ``window``
    is one window (start 0) of its own length.
    """
    if length <= window:
        return np.zeros(1, dtype=np.intp)
    starts = np.arange(0, length - window + 1, stride)
    if starts[-1] != length - window:
        starts = np.append(starts, length - window)
    return starts


def _windows(sequences, window, stride):
    """Return the windows of every sequence, in order, and how many each sequence has."""
    windows, counts = [], []
    for values, length in zip(sequences.values, sequences.lengths, strict=True):
        starts = _window_starts(int(length), window, stride)
        if length <= window:
            windows.append(values[None, :length])
        else:
            windows.append(sliding_windows(values[:length], window, stride=1)[starts])
        counts.append(len(starts))
    return [w for block in windows for w in block], np.asarray(counts)


@register_savable
class WindowCodeTransformer(
    SaveMixin, ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator
):
    """Codes of a sequence's short windows, pooled: local patterns as features.

    ``fit`` cuts every training sequence into overlapping windows of
    ``window`` steps and fits an autoencoder on all of them (by default an
    :class:`LSTMAutoencoderTransformer`); ``transform`` encodes the windows of
    each sequence and returns, per sequence, the mean and the maximum of its
    windows' codes. Many short windows give the autoencoder far more
    training examples than a few long sequences, and short sequences an
    LSTM reconstructs well; the pooled codes then say which local patterns a
    sequence holds, and how strongly, wherever they occur. A sequence no
    longer than ``window`` is one window: its features are its code, twice.

    Read more in the :ref:`User Guide <window_codes>`.

    Parameters
    ----------
    estimator : estimator with ``fit`` and ``transform``, default=None
        The window autoencoder, cloned in ``fit``. None: an
        :class:`LSTMAutoencoderTransformer` with its defaults, trained for
        about 2,000 mini-batch steps of 32 windows and at most 100 epochs
        (its default): 100 epochs on a few windows, fewer on many. An
        estimator that does not take 3-D input (e.g. ``PCA``) gets each
        window flattened, which needs windows of one length: every sequence
        at least ``window`` steps long.
    window : int >= 1, default=32
        Steps per window.
    stride : int >= 1, default=None
        Steps between the starts of consecutive windows of a sequence; a last
        window ending at the sequence's last step is added when the others
        leave steps after them. None: ``max(1, window // 4)``.
    random_state : int, RandomState instance or None, default=None
        Set as the window autoencoder's ``random_state`` (if it has one and
        this is not None). An int gives the same features for the same data
        in one process.
    verbose : int, default=0
        0: silent. Otherwise the default window autoencoder prints a line per
        training epoch; a given ``estimator`` keeps its own ``verbose``.

    Attributes
    ----------
    estimator_ : estimator
        The fitted window autoencoder.
    stride_ : int
        The stride used.
    n_windows_ : int
        Number of training windows.
    n_channels_ : int
        Values per time step.
    n_features_in_ : int
        Number of time steps of the input (``X.shape[1]``), as scikit-learn
        counts features; for a list, the longest sequence's length.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``fit`` got a DataFrame with string column names.

    See Also
    --------
    LSTMAutoencoderTransformer : Codes of whole sequences.
    SeriesAnomalyDetector : Windows of long series, for anomaly detection.

    Notes
    -----
    Input: as for :class:`LSTMAutoencoderTransformer`, a 2-D array
    ``(n_samples, n_timesteps)`` of univariate sequences, a 3-D array
    ``(n_samples, n_timesteps, n_channels)`` (right-padded with NaN after
    shorter sequences), or a list of sequences of any lengths. Arrays must
    have the fitted width; lists may hold any lengths. The output has
    ``2 * code_size`` columns: the window codes' means, then their maxima.

    There is no ``inverse_transform``: a pooled code does not say where its
    windows were. The fitted window autoencoder (``estimator_``)
    reconstructs, scores and decodes windows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lstmae import LSTMAutoencoderTransformer, WindowCodeTransformer
    >>> X = np.sin(np.linspace(0, 60, 1200)).reshape(20, 60)
    >>> windows = WindowCodeTransformer(
    ...     LSTMAutoencoderTransformer(units=4, epochs=2), window=16, random_state=0
    ... ).fit(X)
    >>> windows.n_windows_  # starts 0, 4, ..., 44 in each sequence
    240
    >>> windows.transform(X).shape  # 40 code values (4 units), mean and max
    (20, 80)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "transform"]), None],
        "window": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator=None, *, window=32, stride=None, random_state=None, verbose=0):
        self.estimator = estimator
        self.window = window
        self.stride = stride
        self.random_state = random_state
        self.verbose = verbose

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the window autoencoder on the windows of every sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Training sequences (NaN right padding, or a list of any lengths).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        sequences = check_sequences(X, estimator=self)
        stride = self.stride if self.stride is not None else max(1, self.window // 4)
        windows, _ = _windows(sequences, self.window, stride)
        n_windows = len(windows)
        if self.estimator is None:
            estimator = LSTMAutoencoderTransformer(
                epochs=epochs_for_steps(
                    n_windows, steps=TRAINING_STEPS, batch_size=BATCH_SIZE, max_epochs=MAX_EPOCHS
                ),
                batch_size=BATCH_SIZE,
                random_state=self.random_state,
                # 2: a line per epoch; 1 would run the batches one call at a time.
                verbose=2 if self.verbose else 0,
            )
        else:
            estimator = clone_with_random_state(self.estimator, self.random_state)
        three_d = takes_sequences(estimator)
        width = max(w.shape[0] for w in windows)
        estimator.fit(self._as_input(windows, three_d, width))
        first = self._as_input(windows[:1], three_d, width)
        code_size = np.asarray(estimator.transform(first)).shape[1]
        # Everything above may raise; the fitted state is only assigned below.
        names_and_width = sequences.values[:, :, 0] if sequences.is_list else X
        validate_data(self, names_and_width, reset=True, skip_check_array=True)
        self.estimator_ = estimator
        self.stride_ = stride
        self.n_windows_ = n_windows
        self.n_channels_ = sequences.n_channels
        # transform cuts windows as fit did, whatever set_params changed since.
        self._window, self._three_d, self._width = self.window, three_d, width
        self._n_features_out = 2 * code_size
        return self

    def transform(self, X):
        """Pool the codes of each sequence's windows: their means, then their maxima.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count. Arrays have the fitted
            width (NaN-padded after shorter sequences); a list may hold
            sequences of any length.

        Returns
        -------
        features : ndarray of shape (n_samples, 2 * code_size), dtype float32
            Per sequence, the mean of its windows' codes, then their maximum.
        """
        check_is_fitted(self)
        sequences = check_sequences(X, estimator=self)
        if not sequences.is_list:
            validate_data(self, X, reset=False, skip_check_array=True)
        check_n_channels(sequences.n_channels, self)
        windows, counts = _windows(sequences, self._window, self.stride_)
        codes = np.asarray(
            self.estimator_.transform(self._as_input(windows, self._three_d, self._width))
        )
        firsts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        means = np.add.reduceat(codes, firsts, axis=0, dtype=np.float64) / counts[:, None]
        maxima = np.maximum.reduceat(codes, firsts, axis=0)
        return np.hstack([means, maxima]).astype(np.float32)

    def _check_loaded_state(self):
        """Check fitted state read from a file: its types and ranges."""
        for name in (
            "stride_",
            "n_windows_",
            "n_channels_",
            "_window",
            "_width",
            "_n_features_out",
        ):
            check_positive_int(name, getattr(self, name))
        if not hasattr(self.estimator_, "transform") or not isinstance(self._three_d, bool):
            raise ValueError("estimator_ is not a fitted window autoencoder.")

    def _as_input(self, windows, three_d, width):
        """Give ``windows`` to the estimator as it takes them.

        A 3-D array if all have the fitted ``width`` (the longest training
        window), else a list; flattened rows for an estimator without 3-D input.
        """
        same_length = all(w.shape[0] == width for w in windows)
        if not three_d:
            if not same_length:
                raise ValueError(
                    f"The estimator takes 2-D input, which needs windows of one length; some "
                    f"sequences are shorter than the {width}-step windows. Pass a smaller "
                    "window or an estimator that takes sequences (3-D input)."
                )
            return as_estimator_input(np.stack(windows), takes_3d=False)
        return np.stack(windows) if same_length else windows

    def __setstate__(self, state):
        # A pickle of version 0.1.0 has no verbose parameter: it gets the default.
        super().__setstate__({"verbose": 0, **state})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
