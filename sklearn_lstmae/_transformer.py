"""LSTMAutoencoderTransformer: LSTM autoencoder features for scikit-learn."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae._base import _BaseLSTMAutoencoder
from sklearn_lstmae._validation import check_codes, check_sequences


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

    Parameters
    ----------
    units : int or tuple of int, default=100
        Size of the encoder LSTM, or sizes of stacked encoder LSTMs from input
        to code. The decoders mirror them.
    latent_dim : int, default=None
        If set, a linear ``Dense(latent_dim)`` bottleneck after the encoder
        gives the code. If None, the code is the last encoder LSTM's final
        hidden state (``units[-1]`` values).
    bidirectional : bool, default=True
        Give every encoder layer a second LSTM that reads each sequence last
        step first (within its length, so padding stays on the right); the
        code then holds both directions' states. The backward state
        summarises the sequence's start, which a forward LSTM's final state
        keeps least of. The decoders are unchanged.
    code : {"states_and_pools", "states_pools_and_segments", "states_and_means", \
            "all_states", "last_hidden"}, default="states_and_pools"
        What the encoder's code holds (before ``latent_dim``, if set), each
        part for every direction: ``"last_hidden"``, the last encoder LSTM's
        final hidden state (``units[-1]`` values per direction), as in the
        classic LSTM autoencoder; ``"all_states"``, the final hidden and cell
        states of every encoder LSTM, concatenated (``2 * sum(units)`` per
        direction), as in TimeNet (Malhotra et al., 2017);
        ``"states_and_means"``, those states and each LSTM's outputs averaged
        over the sequence's real steps (``3 * sum(units)`` per direction):
        the means summarise the whole sequence, not only its end;
        ``"states_and_pools"``, the states and, for each LSTM, the mean, the
        maximum and the share of positive values of its outputs over the real
        steps (``5 * sum(units)`` per direction), pooled as ROCKET pools its
        convolutions (Dempster et al., 2020): they say which patterns occur
        anywhere in the sequence, and how often. The decoder reads the
        states and means only: the maxima and shares (the code's last
        ``2 * sum(units)`` values per direction) are a read-out for downstream
        models, so training is that of ``"states_and_means"``.
        ``"states_pools_and_segments"``, all of that and then each LSTM's
        outputs averaged over 8 stretches of the sequence's real steps
        (``13 * sum(units)`` per direction), a read-out too: where the pools
        say which patterns occur, the segment means say when. With
        ``latent_dim``, the bottleneck reads the states and means and the
        code holds no pools.
    standardize : bool, default=False
        Standardize each channel with the mean and standard deviation of the
        training data's real steps (``channel_mean_``, ``channel_scale_``)
        before the network, as tanh LSTMs saturate on large values. Outputs
        (reconstructions, forecasts, errors, scores) stay in the units of
        the data; the training loss is in standardized units. Set by the
        first ``fit`` (or ``partial_fit``); training that continues keeps it.
    activation : str, default="tanh"
        Activation of the LSTM cells. ``"tanh"`` keeps the fused cuDNN kernel
        usable on GPU and trains stably on long sequences, where ``"relu"``
        LSTMs can diverge.
    future_steps : int, default=0
        0 gives the standalone autoencoder; ``k > 0`` the composite model,
        which predicts the last ``k`` steps of each sequence from the rest.
        Must be smaller than the sequence length.
    reverse_reconstruction : bool, default=False
        Let the reconstruction decoder generate the sequence last step first
        (Srivastava et al., 2015), which gives it short-range dependencies to
        start from. Outputs are always returned in natural time order.
    prediction_weight : float, default=1.0
        Weight of the prediction loss relative to the reconstruction loss
        (composite model only).
    dropout : float, default=0.0
        Dropout on the inputs of every LSTM layer during training.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state of every LSTM layer. Any value above 0
        rules out the fused cuDNN kernel on GPU.
    epochs : int, default=100
        Number of passes over the training data in ``fit``.
    batch_size : int, default=32
        Sequences per gradient step.
    optimizer : str or keras.optimizers.Optimizer, default="adam"
        Name of a Keras optimizer, built with ``learning_rate``; or an
        optimizer instance, of which each fit uses a fresh copy (its own
        learning rate applies, ``learning_rate`` is ignored).
    learning_rate : float, default=1e-3
        Learning rate of a named optimizer.
    validation_split : float, default=0.0
        Fraction of the training sequences (the last ones, as in Keras) held
        out to report ``val_loss`` and to monitor early stopping.
    early_stopping : bool, default=False
        Stop training once the monitored loss (``val_loss`` with a validation
        split, else the training loss) has not improved by more than
        ``min_delta`` for ``patience`` epochs, then restore the weights of the
        best epoch (kept in memory; no file is written).
    patience : int, default=10
        Epochs without improvement before early stopping.
    min_delta : float, default=0.0
        Smallest decrease of the monitored loss that counts as improvement.
    shuffle : bool, default=True
        Draw a new order of the training sequences every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialization, dropout and shuffling. An int gives the
        same model for the same data in one process; no global random state
        (NumPy, Python, TensorFlow) is set or changed.
    verbose : int, default=0
        0 is silent, 1 shows Keras's progress bar, 2 prints one line per epoch.
        The bar follows every batch, so with 1 each batch is a separate call
        (slower for small models; see "How training runs" in the README).
    warm_start : bool, default=False
        If True, ``fit`` continues training the fitted model instead of
        building a new one (the architecture parameters must be unchanged).
    distribute_strategy : None, "mirrored" or tf.distribute.Strategy, default=None
        Build and train the model under this TensorFlow strategy, e.g.
        ``tf.distribute.MirroredStrategy()`` to split each batch across the
        GPUs of one host (``"mirrored"`` creates that one at ``fit``). Each
        batch of ``batch_size`` is divided among the replicas; the gradient is
        the same as on one device. A strategy instance cannot be pickled: a
        pickled estimator comes back with ``distribute_strategy=None`` (the
        string is kept). TensorFlow backend only.
    callbacks : list of keras.callbacks.Callback, default=None
        Keras callbacks for training (``fit`` and ``partial_fit``), e.g.
        ``keras.callbacks.TensorBoard`` or a logger of your own. Each event
        comes once, in order: ``on_train_begin``, per epoch ``on_epoch_begin``
        and ``on_epoch_end`` (logs ``loss``, and ``val_loss`` with
        ``validation_split``), per batch ``on_train_batch_begin`` and
        ``on_train_batch_end`` (the epoch's mean loss so far), then
        ``on_train_end``. Where the compiled step loop trains (TensorFlow,
        100 steps or more per call), batch events are reported when the
        epoch's call returns, not as each batch ends; epoch events are never
        delayed. Setting ``self.model.stop_training = True`` stops training
        after the epoch. A callback is bound to the network (``set_model``)
        during training only. ``clone`` and searches give every copy deep
        copies of the callbacks; a pickled estimator keeps the callbacks that
        can be pickled and drops the others (with a warning).
    xla_inference : bool, default=False
        Run inference (``transform``, scores, reconstructions, forecasts)
        through XLA-compiled functions on TensorFlow. Each new input shape
        (batch sizes rounded up to a power of two, at most 1,024; lengths as
        given) is compiled once (a noticeable pause), after which calls are faster,
        most for large batches: worth it when one
        fitted model answers many requests, not for a single ``transform``.
        Results agree with the default path to float32 rounding. Training is
        never XLA-compiled (slower for LSTMs on CPU). No effect on JAX, where
        Keras always compiles, nor with a GPU, where Keras runs the LSTMs
        through cuDNN (which XLA cannot compile). Read at call time, so it can
        be switched on a fitted model with ``set_params``.

    Attributes
    ----------
    model_ : keras.Model
        The one trained Keras model, sequences in and reconstructions out
        (composite: ``[reconstruction, prediction]``).
    encoder_ : keras.Model
        View of ``model_``'s encoder: sequences to codes. Shares its weights.
    decoder_ : keras.Model
        View of ``model_``'s decoder: codes to reconstructions (composite:
        ``[reconstruction, prediction]``). Shares its weights.
    history_ : dict of str to list of float
        Per-epoch ``"loss"`` (and ``"val_loss"`` with a validation split),
        across ``fit``, warm starts and ``partial_fit``.
    n_iter_ : int
        Number of epochs the model has been trained for.
    best_loss_ : float
        Lowest monitored loss (``val_loss`` if any, else ``loss``) seen.
    n_timesteps_ : int
        Length ``T`` of the longest fitted sequence (future steps included):
        the number of steps the decoder generates.
    n_channels_ : int
        Values per time step.
    input_ndim_ : int
        2 if ``fit`` got univariate sequences as rows of a 2-D array, else 3.
        Sequences returned by ``inverse_transform`` have this layout.
    network_params_ : dict
        Keyword arguments the network was built with.
    channel_mean_ : ndarray of shape (n_channels_,) or None
        Per-channel mean of the training data's real steps, subtracted before
        the network (``standardize=True``); None otherwise.
    channel_scale_ : ndarray of shape (n_channels_,) or None
        Per-channel standard deviation the network's input is divided by
        (1 for a constant channel); None without ``standardize``.
    n_features_in_ : int
        Number of time steps of the input (``X.shape[1]``), as scikit-learn
        counts features.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when ``fit`` got a DataFrame with string column names.

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

    Training draws mini-batches with NumPy and runs Keras's ``train_on_batch``
    on them, so shuffling is reproducible without a global seed and works on
    every Keras backend. Keras (and TensorFlow) load on the first fit or
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
        X : ndarray of shape (n_samples, n_timesteps_) or \
                (n_samples, n_timesteps_, n_channels), or list of ndarray
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
        if windows.n_channels != self.n_channels_:
            raise ValueError(
                f"X has {windows.n_channels} channels per time step, but the model was "
                f"fitted on {self.n_channels_}."
            )
        _, future = self._from_network(self._predict(self.model_, self._to_network(windows.values)))
        return future[:, :, 0] if windows.univariate_input else future

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
