"""LSTMAutoencoderOutlierDetector: anomalies as sequences the autoencoder cannot rebuild."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.linalg import pinvh
from scipy.spatial.distance import cdist
from sklearn.base import OutlierMixin
from sklearn.covariance import LedoitWolf
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, column_or_1d

from sklearn_lstmae._autoencoder.base import _BaseLSTMAutoencoder
from sklearn_lstmae._autoencoder.parameters import fill_parameter_docs
from sklearn_lstmae._autoencoder.scoring import mean_squared_errors, worst_if_not_finite
from sklearn_lstmae._autoencoder.sequence_layout import in_input_form
from sklearn_lstmae._calibration_sample import CalibrationSample
from sklearn_lstmae._engine.inference import CPU_GRAPH_BATCH_SIZE
from sklearn_lstmae._persistence.registry import register_plain_object, register_savable
from sklearn_lstmae._utils.statistics import weighted_ledoit_wolf, weighted_percentile
from sklearn_lstmae._utils.thresholds import threshold_from_labels
from sklearn_lstmae._utils.validation import (
    check_finite_float,
    check_fitted_array,
    check_positive_int,
)

# Training codes kept as neighbours for scoring="knn" and "combined": scoring a sequence
# costs MAX_REFERENCE_CODES distances, whatever the size of the training data.
MAX_REFERENCE_CODES = 2000
# The Mahalanobis error model's largest dimension d = n_timesteps * n_channels: its
# covariance and precision take 16 d^2 bytes (64 MiB here) and O(d^3) time to invert.
MAX_ERROR_MODEL_SIZE = 2048
# Rows per batch of k-NN distances: memory KNN_BATCH_SIZE x MAX_REFERENCE_CODES floats.
KNN_BATCH_SIZE = 1024


register_plain_object(LedoitWolf)  # the error model, as plain fields


@register_savable
@fill_parameter_docs
class LSTMAutoencoderOutlierDetector(OutlierMixin, _BaseLSTMAutoencoder):
    """Outlier detector from the reconstruction error of an LSTM autoencoder.

    Train it on normal sequences; sequences it cannot reconstruct well are
    flagged as outliers. It follows scikit-learn's outlier detectors
    (``IsolationForest``, ``LocalOutlierFactor``): ``score_samples`` is higher
    for more normal sequences, ``decision_function`` is
    ``score_samples - offset_`` (negative for outliers) and ``predict``
    returns -1 for outliers and +1 for inliers.

    Network, training and input handling are those of
    :class:`~sklearn_lstmae.LSTMAutoencoderTransformer`, with the same
    parameters, plus ``contamination`` and ``scoring``.

    Read more in the :ref:`User Guide <outlier_detection>`.

    Parameters
    ----------
    %(units)s
    contamination : "auto" or float, default="auto"
        Expected fraction of outliers in the training data, which sets
        ``offset_``. A float in (0, 0.5] puts ``offset_`` at that quantile of
        the training scores. ``"auto"`` assumes clean training data and uses
        Tukey's fence: a sequence is an outlier when its score lies more than
        1.5 interquartile ranges below the training scores' first quartile
        (for ``"combined"``, when the product of its distances lies more than
        1.5 interquartile ranges above the training products' third quartile).
    scoring : {"auto", "combined", "mahalanobis", "mse", "knn"}, default="auto"
        How a sequence becomes one score. ``"auto"``: ``"combined"`` for two
        or more training sequences, else ``"mse"``; the choice is kept in
        ``scoring_``. ``"mahalanobis"`` (EncDec-AD, Malhotra et al., 2016):
        negative squared Mahalanobis distance of the sequence's vector of
        absolute errors (one per time step and channel) from a Gaussian
        fitted to the training sequences' error vectors, with Ledoit-Wolf
        shrinkage so the covariance stays invertible. It weighs errors by how
        unusual they are at that step. It needs training sequences of one
        length, at least two; shorter sequences are scored under the
        Gaussian's marginal. Its cost grows with ``d = n_timesteps *
        n_channels``: O(n_samples d^2 + d^3) to fit and 16 d^2 bytes for the
        covariance and its inverse (d = 1,000 needs 16 MB), so d is at most
        2,048 (64 MB): longer sequences are refused before anything is
        allocated. ``"mse"``: negative mean squared error, for any
        lengths. ``"knn"``: density in code space: minus the mean distance of
        the sequence's code (``transform``'s output) to its ``n_neighbors``
        nearest training codes, codes standardized on the training codes;
        the training sequences' own scores leave themselves out, so
        ``offset_`` treats them like new data. Any lengths. ``"combined"``:
        minus the log of the product of the reconstruction distance (the
        squared Mahalanobis distance where the training sequences share one
        length and d is at most 2,048, else the mean squared error) and the k-NN code distance: a
        sequence scores low when it is hard to rebuild, far from the
        training codes, or both. A product needs no common scale, so neither
        part dominates by its units. Any lengths. Its training scores are
        computed as ``score_samples`` computes them (each training sequence
        its own nearest neighbour), so ``predict`` flags the
        ``contamination`` fraction of the training data. Beyond 2,000
        training sequences a uniform sample of their codes serves as the
        neighbours.
    n_neighbors : int, default=2
        Neighbours for ``scoring="knn"`` and ``"combined"`` (at most the
        training sequences minus one). Few neighbours keep the density
        local, which suits the small training sets of one-class problems;
        more of them make the score robust to a few outliers among the
        training sequences.
        The k-NN part reads the whole code (``code``), the pooled read-outs
        included.
    %(autoencoder_parameters)s

    Attributes
    ----------
    offset_ : float
        Threshold on ``score_samples``: ``decision_function = score_samples -
        offset_``. Set by ``fit`` from ``contamination``, or from labels by
        :meth:`set_offset_from_labels`.
    scoring_ : {"combined", "mahalanobis", "mse", "knn"}
        The scoring in use (``scoring`` with "auto" resolved by the last
        ``fit`` or ``partial_fit``).
    error_covariance_ : sklearn.covariance.LedoitWolf
        Gaussian model of the training error vectors (``"mahalanobis"``, and
        ``"combined"`` on training sequences of one length).
    code_mean_, code_scale_ : ndarray of shape (code_size,)
        Standardization of the codes (``"knn"`` and ``"combined"``).
    training_codes_ : ndarray of shape (n_reference, code_size)
        The standardized codes of the calibration sequences (a uniform
        sample of 2,000 where there are more), whose neighbours score new
        codes (``"knn"`` and ``"combined"``).
    %(autoencoder_attributes)s

    See Also
    --------
    LSTMAutoencoderTransformer : The same autoencoder as a feature transformer.
    sklearn.ensemble.IsolationForest : Tree-based outlier detection.
    sklearn.svm.OneClassSVM : Kernel-based novelty detection.

    Notes
    -----
    For per-time-step anomaly scores use :meth:`reconstruction_error`; for a
    long series, score overlapping windows (:func:`~sklearn_lstmae.sliding_windows`)
    and fold the scores back (:func:`~sklearn_lstmae.fold_windows`).

    References
    ----------
    P. Malhotra, A. Ramakrishnan, G. Anand, L. Vig, P. Agarwal and G. Shroff,
    "LSTM-based Encoder-Decoder for Multi-sensor Anomaly Detection", ICML 2016
    Anomaly Detection Workshop.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lstmae import LSTMAutoencoderOutlierDetector
    >>> t = np.linspace(0, 2 * np.pi, 20)
    >>> X = np.sin(t + np.random.RandomState(0).uniform(0, 6, size=(60, 1)))
    >>> detector = LSTMAutoencoderOutlierDetector(units=8, epochs=5, random_state=0).fit(X)
    >>> detector.predict(X[:3]).shape
    (3,)
    >>> detector.reconstruction_error(X[:3]).shape
    (3, 20)
    """

    _parameter_constraints: dict = {
        **_BaseLSTMAutoencoder._parameter_constraints,
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "scoring": [StrOptions({"auto", "combined", "mahalanobis", "mse", "knn"})],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        units=100,
        *,
        contamination="auto",
        scoring="auto",
        n_neighbors=2,
        latent_dim=None,
        bidirectional=True,
        code="states_and_pools",
        standardize=False,
        activation="tanh",
        future_steps=0,
        reverse_reconstruction=False,
        prediction_weight=1.0,
        dropout=0.0,
        recurrent_dropout=0.0,
        epochs=100,
        batch_size=32,
        optimizer="adam",
        learning_rate=1e-3,
        validation_split=0.0,
        early_stopping=False,
        patience=10,
        min_delta=0.0,
        shuffle=True,
        random_state=None,
        verbose=0,
        warm_start=False,
        distribute_strategy=None,
        xla_inference=False,
        callbacks=None,
    ):
        self.units = units
        self.contamination = contamination
        self.scoring = scoring
        self.n_neighbors = n_neighbors
        self.latent_dim = latent_dim
        self.bidirectional = bidirectional
        self.code = code
        self.standardize = standardize
        self.activation = activation
        self.future_steps = future_steps
        self.reverse_reconstruction = reverse_reconstruction
        self.prediction_weight = prediction_weight
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.validation_split = validation_split
        self.early_stopping = early_stopping
        self.patience = patience
        self.min_delta = min_delta
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.distribute_strategy = distribute_strategy
        self.xla_inference = xla_inference
        self.callbacks = callbacks

    def _check_loaded_state(self):
        super()._check_loaded_state()
        check_finite_float("offset_", self.offset_)
        if self.scoring_ not in ("combined", "mahalanobis", "mse", "knn"):
            raise ValueError(f"scoring_ must be a resolved scoring; got {self.scoring_!r}.")
        check_positive_int("_model_seed", self._model_seed, minimum=0)
        if not isinstance(self._calibration_sample, CalibrationSample | None):
            raise ValueError("_calibration_sample must be a CalibrationSample.")
        if self.scoring_ in ("knn", "combined"):
            width = self.encoder_.output.shape[-1]
            check_fitted_array("training_codes_", self.training_codes_, (None, width))
            check_fitted_array("code_mean_", self.code_mean_, (width,))
            check_fitted_array("code_scale_", self.code_scale_, (width,), positive=True)
        if hasattr(self, "error_covariance_"):
            size = self.n_timesteps_ * self.n_channels_
            gaussian = self.error_covariance_
            if not isinstance(gaussian, LedoitWolf):
                raise ValueError("error_covariance_ must be a LedoitWolf model.")
            check_fitted_array("error_covariance_.location_", gaussian.location_, (size,))
            for name in ("covariance_", "precision_"):
                check_fitted_array(
                    f"error_covariance_.{name}", getattr(gaussian, name), (size, size)
                )

    def _predict(self, model, x):
        """Run ``model`` on ``x``, its rows padded to a multiple of ``CPU_GRAPH_BATCH_SIZE``.

        The last row is repeated, so on CPU every batch has one shape. Float32
        kernels round a row differently in batches of other shapes (about
        1e-7), and the scores magnify that (standardized codes, logarithms):
        with one shape, a sequence's score does not depend on what else is
        scored with it.
        """
        n = x.shape[0]
        padding = -n % CPU_GRAPH_BATCH_SIZE
        if padding:
            x = np.concatenate([x, np.repeat(x[-1:], padding, axis=0)])
        outputs = super()._predict(model, x)
        if isinstance(outputs, list):
            return [output[:n] for output in outputs]
        return outputs[:n]

    def _raw_codes(self, sequences):
        """Return the encoder's codes of ``sequences`` (``transform``'s output), float64."""
        return np.asarray(self._predict(self.encoder_, self._observed(sequences)), np.float64)

    def _codes(self, sequences):
        """Codes of ``sequences``, standardized as the training codes were (float64)."""
        return (self._raw_codes(sequences) - self.code_mean_) / self.code_scale_

    def _knn_distances(self, codes, in_reference=None):
        """Mean distance of ``codes`` to their nearest training codes (brute force).

        Rows flagged in ``in_reference`` are codes of ``training_codes_``
        itself: they leave themselves out. A code that is not finite (a model
        that overflowed) is infinitely far. Rows are processed in batches, so
        memory stays bounded by the batch times the reference codes.
        """
        k = min(self.n_neighbors, self.training_codes_.shape[0] - 1)
        in_reference = np.zeros(codes.shape[0], bool) if in_reference is None else in_reference
        result = np.full(codes.shape[0], np.inf)
        for rows in gen_batches(codes.shape[0], KNN_BATCH_SIZE):
            batch, skip = codes[rows], in_reference[rows]
            finite = np.isfinite(batch).all(axis=1)
            if not finite.any():
                continue
            # Pair by pair (no dot-product shortcut): a row's distances do not depend on the
            # other rows of the call, so scores of a subset equal those of the whole.
            distances = np.sort(cdist(batch[finite], self.training_codes_), axis=1)[:, : k + 1]
            own = skip[finite, None].astype(int)  # 1: drop the nearest (the code itself)
            picked = np.take_along_axis(distances, np.arange(k)[None] + own, axis=1)
            result[np.flatnonzero(finite) + rows.start] = picked.mean(axis=1)
        return result

    def _scores(self, errors, sequences):
        """Scores (higher is more normal) from the signed errors of ``sequences``."""
        return -self._reconstruction_distances(errors, sequences)

    def _reconstruction_distances(self, errors, sequences):
        """Squared Mahalanobis distances where an error model is fitted, else the MSE."""
        if not hasattr(self, "error_covariance_"):
            return mean_squared_errors(errors, sequences)
        return worst_if_not_finite(self._mahalanobis(np.abs(errors), sequences.lengths))

    @staticmethod
    def _combined(reconstruction, knn):
        """Minus the log of the product of two distances (higher is more normal)."""
        tiny = np.finfo(np.float64).tiny  # a distance of 0 is the most normal, not -inf
        return -(np.log(np.maximum(reconstruction, tiny)) + np.log(np.maximum(knn, tiny)))

    def _mahalanobis(self, errors, lengths):
        """Squared Mahalanobis distances of error vectors from the training Gaussian.

        A sequence shorter than ``n_timesteps_`` has the error vector of its
        first steps: its distance is exact under the marginal Gaussian of
        those steps (the leading block of the covariance).
        """
        gaussian = self.error_covariance_
        distances = np.empty(errors.shape[0])
        for length in np.unique(lengths):
            rows = lengths == length
            size = length * self.n_channels_
            if size == gaussian.location_.shape[0]:
                precision = gaussian.precision_
            else:
                precision = pinvh(gaussian.covariance_[:size, :size])
            deviation = errors[rows, :length].reshape(rows.sum(), size) - gaussian.location_[:size]
            distances[rows] = np.einsum("ij,jk,ik->i", deviation, precision, deviation)
        return distances

    @staticmethod
    def _fits_error_model(sequences):
        """Whether ``sequences`` can fit the Mahalanobis error model (2+, one length, small d)."""
        return (
            sequences.n_samples >= 2
            and bool(np.all(sequences.lengths == sequences.max_length))
            and sequences.max_length * sequences.n_channels <= MAX_ERROR_MODEL_SIZE
        )

    def _resolved_scoring(self, sequences):
        """``scoring``, with "auto" resolved for the training ``sequences``."""
        if self.scoring != "auto":
            return self.scoring
        return "combined" if sequences.n_samples >= 2 else "mse"

    def _check_training_data(self, sequences):
        if self.scoring in ("knn", "combined") and sequences.n_samples < 2:
            raise ValueError(
                f"scoring={self.scoring!r} compares codes with their training neighbours and "
                f"needs at least 2 training sequences; got n_samples={sequences.n_samples}."
            )
        if self.scoring != "mahalanobis":
            return
        if sequences.n_samples < 2:
            raise ValueError(
                "scoring='mahalanobis' fits a covariance to the training errors and needs at "
                f"least 2 training sequences; got n_samples={sequences.n_samples}."
            )
        size = sequences.max_length * sequences.n_channels
        if size > MAX_ERROR_MODEL_SIZE:
            raise ValueError(
                "scoring='mahalanobis' fits a d x d covariance of the error vectors, "
                f"d = n_timesteps * n_channels = {size}, at most {MAX_ERROR_MODEL_SIZE} "
                f"(16 d^2 bytes: {16 * size**2 / 2**20:,.0f} MiB here). Use scoring='combined' "
                "or 'mse', or shorter sequences (sliding_windows)."
            )
        if np.any(sequences.lengths < sequences.max_length):
            i = np.flatnonzero(sequences.lengths < sequences.max_length)[0]
            raise ValueError(
                "scoring='mahalanobis' fits a Gaussian to error vectors of one length, so its "
                f"training sequences must share one length; X[{i}] has "
                f"{sequences.lengths[i]} steps, others {sequences.max_length}. Use "
                "scoring='mse' for training data of different lengths (shorter sequences "
                "can still be scored)."
            )

    def _initialize(self, X, sequences, weights=None):
        super()._initialize(X, sequences, weights)
        self._calibration_sample = None  # started by _calibrate

    def _calibrate(self, sequences, weights, *, partial=False):
        """Fit the error model and ``offset_`` to the training data.

        ``fit`` calibrates on its ``X``. ``partial_fit`` calibrates on a
        uniform sample of every sequence trained on since the model was
        created (all of them, up to 1,000; see :mod:`._calibration_sample`),
        scored by the current model. Sequences of weight 0 are left out; the
        others count with their weights (None: equally).
        """
        if weights is not None:
            sequences, weights = sequences.take(weights > 0), weights[weights > 0]
        sample = self._calibration_sample
        if sample is None:  # a fresh model
            sample = CalibrationSample.empty(self.n_timesteps_, self.n_channels_, self._model_seed)
        self._calibration_sample = sample.add(sequences, weights)
        if partial:
            sequences = self._calibration_sample.sequences()
            weights = self._calibration_sample.sequence_weights()
        self.scoring_ = self._resolved_scoring(sequences)
        for name in ("error_covariance_", "code_mean_", "code_scale_", "training_codes_"):
            if hasattr(self, name):
                delattr(self, name)  # of the previous scoring (a warm start may switch)
        if self.scoring_ in ("knn", "combined"):
            codes, kept = self._keep_training_codes(sequences, weights)
            if self.scoring_ == "knn":  # leave-one-out: training codes scored like new ones
                self._set_offset(-self._knn_distances(codes, kept), weights)
                return
            # As score_samples scores them, like the reconstruction part: predict on the
            # training data flags the contamination fraction.
            knn = self._knn_distances(codes)
        errors = self._errors(sequences)  # one pass over the calibration data
        if self.scoring_ == "mahalanobis" or (
            self.scoring_ == "combined" and self._fits_error_model(sequences)
        ):
            vectors = np.abs(errors).reshape(sequences.n_samples, -1)
            if not np.isfinite(vectors).all():
                self._reject_non_finite(np.isfinite(vectors).all(axis=1))
            self.error_covariance_ = weighted_ledoit_wolf(vectors, weights)
        if self.scoring_ == "combined":
            scores = self._combined(self._reconstruction_distances(errors, sequences), knn)
        else:
            scores = self._scores(errors, sequences)
        self._set_offset(scores, weights)

    def _keep_training_codes(self, sequences, weights):
        """Standardize the training codes; keep up to ``MAX_REFERENCE_CODES`` of them.

        Beyond that many training sequences a uniform sample (drawn with the
        model's seed) is kept as the neighbours, which bounds the cost of a
        score. Return the standardized codes of every training sequence and
        which of them were kept.
        """
        if sequences.n_samples < 2:
            raise ValueError(f"scoring={self.scoring_!r} needs at least 2 training sequences.")
        codes = self._raw_codes(sequences)
        if not np.isfinite(codes).all():
            self._reject_non_finite(np.isfinite(codes).all(axis=1))
        self.code_mean_ = np.average(codes, axis=0, weights=weights)
        spread = np.sqrt(np.average((codes - self.code_mean_) ** 2, axis=0, weights=weights))
        self.code_scale_ = np.where(spread > 0, spread, 1.0)
        codes = (codes - self.code_mean_) / self.code_scale_
        kept = np.ones(codes.shape[0], bool)
        if codes.shape[0] > MAX_REFERENCE_CODES:
            rng = np.random.RandomState(self._model_seed)
            kept[:] = False
            kept[rng.choice(codes.shape[0], MAX_REFERENCE_CODES, replace=False)] = True
        self.training_codes_ = codes[kept]
        return codes, kept

    def _set_offset(self, scores, weights):
        """Set ``offset_`` from the training sequences' scores and ``contamination``."""
        if not np.isfinite(scores).all():
            self._reject_non_finite(np.isfinite(scores))
        if self.contamination == "auto" and self.scoring_ == "combined":
            # Tukey's fence on the product of the distances, as on the distances of the
            # other scorings (the log would pull in the long tail); scaled by the median
            # so that exp cannot overflow.
            median = float(weighted_percentile(scores, 50, weights))
            q1, q3 = weighted_percentile(np.exp(median - scores), [25, 75], weights)
            self.offset_ = float(median - np.log(q3 + 1.5 * (q3 - q1)))
        elif self.contamination == "auto":
            q1, q3 = weighted_percentile(scores, [25, 75], weights)
            self.offset_ = float(q1 - 1.5 * (q3 - q1))
        else:
            self.offset_ = float(weighted_percentile(scores, 100.0 * self.contamination, weights))

    @staticmethod
    def _reject_non_finite(finite):
        i = np.flatnonzero(~finite)[0]
        raise ValueError(
            f"The trained model's output for training sequence {i} is not finite, so no "
            "threshold can be set; the call changed nothing. Scale the input "
            "(standardize=True) or lower learning_rate."
        )

    def score_samples(self, X):
        """Score the normality of each sequence: the lower, the more abnormal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count, no longer than
            ``n_timesteps_`` (NaN-padded arrays or lists for shorter ones).

        Returns
        -------
        scores : ndarray of shape (n_samples,), dtype float64
            Higher is more normal: see ``scoring`` (negative mean squared
            error, negative squared Mahalanobis distance of the error vector,
            minus the mean k-NN code distance, or minus the log of the
            product of a reconstruction distance and the k-NN distance).
        """
        return self._in_chunks(self._score_samples, X)

    def _score_samples(self, X, first_row):
        sequences = self._check_fitted_sequences(X, first_row)
        errors = None if self.scoring_ == "knn" else self._errors(sequences)
        return self._scores_of(sequences, errors)

    def _scores_of(self, sequences, errors):
        """``score_samples`` of validated ``sequences``, given their signed ``errors``."""
        if self.scoring_ == "mahalanobis" or self.scoring_ == "mse":
            return self._scores(errors, sequences)
        knn = worst_if_not_finite(self._knn_distances(self._codes(sequences)))
        if self.scoring_ == "knn":
            return -knn
        return self._combined(self._reconstruction_distances(errors, sequences), knn)

    def _score_samples_and_errors(self, X):
        """``score_samples(X)`` and ``reconstruction_error(X)``, from one pass of the network.

        For callers that need both (``SeriesAnomalyDetector``); ``X`` is not
        split into chunks.
        """
        sequences = self._check_fitted_sequences(X)
        errors = self._errors(sequences)
        scores = self._scores_of(sequences, errors)
        return scores, in_input_form(np.square(errors), sequences)

    def decision_function(self, X):
        """Shifted score: negative for outliers, non-negative for inliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count, no longer than
            ``n_timesteps_`` (NaN-padded arrays or lists for shorter ones).

        Returns
        -------
        decision : ndarray of shape (n_samples,), dtype float64
            ``score_samples(X) - offset_``.
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Label each sequence an inlier (+1) or an outlier (-1).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count, no longer than
            ``n_timesteps_`` (NaN-padded arrays or lists for shorter ones).

        Returns
        -------
        labels : ndarray of shape (n_samples,), dtype int
            -1 where ``decision_function(X) < 0``, else +1.
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

    def set_offset_from_labels(self, X, y, *, max_false_positive_rate=None):
        """Choose ``offset_`` on labelled validation sequences.

        Use it when some labelled data is available: the threshold that
        maximises F1 of the outlier class, or the one that catches the most
        outliers while flagging at most ``max_false_positive_rate`` of the
        inliers. Only ``offset_`` changes; the network is untouched.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Validation sequences, not used in training.
        y : array-like of shape (n_samples,)
            +1 for inliers, -1 for outliers (the convention of ``predict``).
            Both must occur.
        max_false_positive_rate : float in [0, 1], default=None
            If None, maximise F1. Otherwise maximise recall subject to this
            false positive rate.

        Returns
        -------
        self : object
            The detector, with its new ``offset_``.
        """
        check_is_fitted(self)
        scores = self.score_samples(X)
        y = column_or_1d(y)
        if y.shape[0] != scores.shape[0]:
            raise ValueError(f"X has {scores.shape[0]} sequences but y has {y.shape[0]} labels.")
        labels = set(np.unique(y).tolist())
        if labels != {-1, 1}:
            raise ValueError(
                "y must hold +1 (inlier) and -1 (outlier) labels, both present; got "
                f"{sorted(labels)}."
            )
        threshold = threshold_from_labels(
            -scores, y == -1, max_false_positive_rate=max_false_positive_rate
        )
        # Flag scores <= -threshold: predict uses a strict "score < offset_".
        self.offset_ = float(np.nextafter(-threshold, np.inf))
        return self
