"""LSTMAutoencoderTransformer: LSTM autoencoder features for scikit-learn."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae._autoencoder.base import _BaseLSTMAutoencoder
from sklearn_lstmae._autoencoder.parameters import fill_parameter_docs
from sklearn_lstmae._persistence.registry import register_savable
from sklearn_lstmae._utils.validation import check_codes, check_n_channels, check_sequences


@register_savable
@fill_parameter_docs
class LSTMAutoencoderTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, _BaseLSTMAutoencoder
):
    """LSTM autoencoder as a scikit-learn transformer.

    An LSTM encoder reads each sequence and squashes it into one code vector;
    an LSTM decoder (the code repeated at every step, a time-distributed
    ``Dense`` on top) rebuilds the sequence from it. ``transform`` returns the codes,
    fixed-length features for any downstream estimator; ``inverse_transform``
    decodes codes back to sequences; ``score`` and ``score_samples`` report the
    reconstruction error.

    With ``future_steps=k > 0`` it is the *composite* model of Srivastava et
    al. (2015): each training sequence of length ``T`` is split into an
    observed window (its first ``T - k`` steps) and its future (the last
    ``k``); the encoder reads the window, one decoder reconstructs it and a
    second one predicts the future, both trained jointly.

    Read more in the :ref:`User Guide <features>`.

    Parameters
    ----------
    %(autoencoder_parameters)s

    Attributes
    ----------
    %(autoencoder_attributes)s

    See Also
    --------
    sklearn.decomposition.PCA : Linear codes of fixed-length vectors.
    sklearn.neural_network.MLPRegressor : Dense networks without recurrence.

    Notes
    -----
    Input: a 2-D array (or DataFrame) ``(n_samples, n_timesteps)`` of
    univariate sequences, a 3-D array ``(n_samples, n_timesteps, n_channels)``,
    either right-padded with NaN after the end of shorter sequences, or a list
    of sequences ``(length_i,)`` / ``(length_i, n_channels)`` of any lengths.
    The encoder masks padding, and the loss and scores ignore it. Arrays must
    have the fitted width ``n_timesteps_``; lists may hold longer sequences,
    which ``transform`` encodes, while the decoder generates at most
    ``n_timesteps_`` steps.

    Training draws mini-batches with NumPy and feeds them to the Keras model
    (on TensorFlow, runs of many steps go through one compiled loop), so
    shuffling is reproducible without a global seed and works on every
    Keras backend. Keras (and TensorFlow) load on the first fit or
    unpickling, not on ``import sklearn_lstmae``.

    Pickling stores ``model_`` in Keras's own format, held in memory, with its
    optimizer state: an unpickled estimator transforms identically and can
    keep training (``warm_start``, ``partial_fit``); ``encoder_`` and
    ``decoder_`` remain views of the unpickled ``model_``.

    References
    ----------
    N. Srivastava, E. Mansimov and R. Salakhutdinov, "Unsupervised Learning of
    Video Representations using LSTMs", ICML 2015.

    P. Malhotra, V. TV, L. Vig, P. Agarwal and G. Shroff, "TimeNet: Pre-trained
    deep recurrent neural network for time series classification", ESANN 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_lstmae import LSTMAutoencoderTransformer
    >>> X = np.sin(np.linspace(0, 20, 300)).reshape(30, 10)
    >>> ae = LSTMAutoencoderTransformer(units=8, epochs=2, random_state=0).fit(X)
    >>> ae.transform(X).shape  # final h and c, mean, max, positive share; 2 directions
    (30, 80)
    >>> ae.inverse_transform(ae.transform(X)).shape
    (30, 10)
    >>> composite = LSTMAutoencoderTransformer(
    ...     units=8, future_steps=3, epochs=2, random_state=0
    ... ).fit(X)
    >>> composite.forecast(X[:, :7]).shape
    (30, 3)
    """

    def __init__(
        self,
        units=100,
        *,
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

    def transform(self, X):
        """Encode sequences into code vectors.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels), or list of array-like
            Sequences with the fitted channel count. Arrays have the fitted
            width (NaN-padded after shorter sequences); a list may hold
            sequences of any length, longer ones included. The composite model
            encodes each sequence's observed window (all but its last
            ``future_steps`` steps), as in training.

        Returns
        -------
        Z : ndarray of shape (n_samples, code_size), dtype float32
            The codes; ``code_size`` is ``latent_dim`` if set, else what ``code``
            says.
            Padding never changes a code: the encoder's state after a
            sequence's last real step is its code.
        """
        return self._in_chunks(self._transform, X)

    def _transform(self, X, first_row):
        sequences = self._check_fitted_sequences(X, first_row)
        return self._predict(self.encoder_, self._observed(sequences))

    def inverse_transform(self, Z, lengths=None):
        """Decode code vectors back to sequences.

        Parameters
        ----------
        Z : array-like of shape (n_samples, code_size)
            Codes, as returned by ``transform``.
        lengths : array-like of int of shape (n_samples,), default=None
            If given, cut each decoded sequence to its length (at most
            ``n_timesteps_``) and return a list.

        Returns
        -------
        X : ndarray of shape (n_samples, `n_timesteps_`) or \
                (n_samples, `n_timesteps_`, n_channels), or list of ndarray
            Without ``lengths``: sequences of the longest fitted length
            ``n_timesteps_`` (the decoder always generates that many steps),
            without a channel axis if ``fit`` saw 2-D univariate input. With
            ``lengths``: a list of sequences of those lengths. For the
            composite model, each is the reconstruction of the observed window
            followed by the prediction of the ``future_steps`` after it.
        """
        check_is_fitted(self)
        Z = check_codes(Z, self._n_features_out)
        outputs = self._from_network(self._predict(self.decoder_, Z))
        k = self.network_params_["future_steps"]
        if lengths is None:
            decoded = np.concatenate(outputs, axis=1) if k else outputs
            return self._in_fitted_layout(decoded)
        lengths = np.asarray(lengths)
        if lengths.shape != (Z.shape[0],) or not np.issubdtype(lengths.dtype, np.integer):
            raise ValueError(
                f"lengths must be {Z.shape[0]} integers, one per code; got "
                f"{lengths.dtype} array of shape {lengths.shape}."
            )
        bad = np.flatnonzero((lengths <= k) | (lengths > self.n_timesteps_))
        if bad.size:
            raise ValueError(
                f"lengths[{bad[0]}] = {lengths[bad[0]]} is outside [{k + 1}, "
                f"{self.n_timesteps_}]: the decoder generates n_timesteps_="
                f"{self.n_timesteps_} steps (future_steps={k} of them predicted)."
            )
        reconstruction = self._in_fitted_layout(outputs[0] if k else outputs)
        future = self._in_fitted_layout(outputs[1]) if k else None
        return [
            np.concatenate([reconstruction[i, : length - k], future[i]])
            if k
            else reconstruction[i, :length]
            for i, length in enumerate(lengths)
        ]

    def score(self, X, y=None, sample_weight=None):
        """Negative mean squared reconstruction error over all sequences.

        Greater is better, so ``GridSearchCV`` without a ``scoring`` picks the
        parameters that reconstruct held-out sequences best. The composite
        model's error covers reconstruction and prediction.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps) or \
                (n_samples, n_timesteps, n_channels)
            Sequences of the fitted length and channel count.
        y : None
            Ignored.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sequence weights of the mean.

        Returns
        -------
        score : float
            Negative mean squared error (weighted mean over sequences).
        """
        return float(np.average(self.score_samples(X), weights=sample_weight))

    def forecast(self, X):
        """Predict the ``future_steps`` steps that follow each window.

        Only for the composite model (``future_steps > 0``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_observed) or \
                (n_samples, n_observed, n_channels), or list of array-like
            Windows to continue, with the fitted channel count: typically the
            ``n_timesteps_ - future_steps`` steps before the future of
            interest. Any lengths are accepted (NaN right padding, or a list).

        Returns
        -------
        future : ndarray of shape (n_samples, future_steps) or \
                (n_samples, future_steps, n_channels), dtype float32
            The predicted continuation; no channel axis for univariate input
            given without one.
        """
        return self._in_chunks(self._forecast, X)

    def _forecast(self, X, first_row):
        check_is_fitted(self)
        if self.network_params_["future_steps"] == 0:
            raise ValueError(
                "forecast needs the composite model: fit with future_steps > 0 "
                "(this model was fitted with future_steps=0)."
            )
        windows = check_sequences(X, estimator=self, first_row=first_row)
        check_n_channels(windows.n_channels, self)
        _, future = self._from_network(self._predict(self.model_, self._to_network(windows.values)))
        return future[:, :, 0] if windows.univariate_input else future

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
