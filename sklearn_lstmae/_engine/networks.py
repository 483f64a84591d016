"""Keras network builders for LSTM autoencoders.

Pure functions: shapes and hyperparameters in, Keras models out. Nothing here
knows about scikit-learn; the estimators in :mod:`sklearn_lstmae._autoencoder` compile
and train what these functions return.

The full autoencoder is one functional model made of two nested models named
``"encoder"`` and ``"decoder"``, so ``model.get_layer("encoder")`` is a view on
the very layers (and weights) of the full model.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from sklearn_lstmae._engine.layers import (
    FusedLSTM,
    LeadingFeatures,
    MaskedTimePooling,
    NaNMask,
    RepeatedInputLSTM,
    ReverseTime,
    ReverseWithinLength,
)

__all__ = [
    "CODES",
    "build_autoencoder",
    "build_decoder",
    "build_encoder",
    "code_size",
    "decoded_size",
]

# What the code holds: the last LSTM's final hidden state, or the final hidden
# and cell states of every encoder LSTM (and direction), concatenated, then
# (optionally) each LSTM's outputs pooled over time. The decoder reads all but
# the maxima and positive shares of "states_and_pools" (and the segment means of
# "states_pools_and_segments"), a read-out only.
CODES = (
    "last_hidden",
    "all_states",
    "states_and_means",
    "states_and_pools",
    "states_pools_and_segments",
)
# Stretches of time of "states_pools_and_segments"' segment means.
SEGMENTS = 8
# The positive shares average sigmoid(output / SHARE_TEMPERATURE) over the real steps: the
# count of positive outputs but for those within about 10 temperatures of 0, and continuous,
# so that an exported graph (ONNX), whose LSTM kernel rounds differently, gives the same share.
# Chosen on the development suite, against the count (docs/design.md, "The positive share").
SHARE_TEMPERATURE = 3e-4


def _seed_stream(seed: int | None):
    """Yield independent integer seeds derived from ``seed``.

    Seeded Keras initializers produce the same values on every call, so each
    layer needs a seed of its own. ``numpy.random.default_rng`` is local: no
    global random state is read or changed.
    """
    rng = np.random.default_rng(seed)
    while True:
        yield int(rng.integers(0, np.iinfo(np.int32).max))


def _lstm(
    units: int, seeds, *, name: str, return_sequences: bool, repeated_input=False, **kwargs
) -> keras.layers.LSTM:
    layer = RepeatedInputLSTM if repeated_input else FusedLSTM
    return layer(
        units,
        return_sequences=return_sequences,
        kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)),
        recurrent_initializer=keras.initializers.Orthogonal(seed=next(seeds)),
        seed=next(seeds),
        name=name,
        **kwargs,
    )


def _dense(units: int, seeds, *, name: str) -> keras.layers.Dense:
    return keras.layers.Dense(
        units, kernel_initializer=keras.initializers.GlorotUniform(seed=next(seeds)), name=name
    )


def code_size(
    units: Sequence[int],
    *,
    latent_dim: int | None = None,
    bidirectional: bool = False,
    code: str = "last_hidden",
) -> int:
    """Return the width of the code :func:`build_encoder` gives for these settings.

    Examples
    --------
    >>> from sklearn_lstmae._engine.networks import code_size
    >>> code_size((16, 8), bidirectional=True, code="all_states")
    96
    """
    if latent_dim is not None:
        return latent_dim
    directions = 2 if bidirectional else 1
    if code == "all_states":
        return 2 * directions * sum(units)
    if code == "states_and_means":
        return 3 * directions * sum(units)
    if code == "states_and_pools":
        return 5 * directions * sum(units)
    if code == "states_pools_and_segments":
        return (5 + SEGMENTS) * directions * sum(units)
    return directions * units[-1]


def count_parameters(
    n_channels: int,
    *,
    units: Sequence[int],
    latent_dim: int | None = None,
    bidirectional: bool = False,
    code: str = "last_hidden",
    future_steps: int = 0,
    **unused,
) -> int:
    """Return how many weights :func:`build_autoencoder` would create, without building it.

    For refusing a network too large for memory before anything is allocated.

    Examples
    --------
    >>> from sklearn_lstmae._engine.networks import build_autoencoder, count_parameters
    >>> settings = dict(units=(6, 3), bidirectional=True, code="states_and_pools")
    >>> count_parameters(2, **settings) == build_autoencoder(5, 2, **settings).count_params()
    True
    """

    def lstm(inputs, size):
        return 4 * size * (inputs + size + 1)

    directions = 2 if bidirectional else 1
    total, inputs = 0, n_channels
    for size in units:
        total += directions * lstm(inputs, size)
        inputs = directions * size
    if latent_dim is not None:
        raw = decoded_size(units, bidirectional=bidirectional, code=code)  # pools are skipped
        total += raw * latent_dim + latent_dim
    read = decoded_size(units, latent_dim=latent_dim, bidirectional=bidirectional, code=code)
    decoder, inputs = 0, read
    for size in reversed(units):
        decoder += lstm(inputs, size)
        inputs = size
    decoder += inputs * n_channels + n_channels
    return total + decoder * (2 if future_steps else 1)


def decoded_size(
    units: Sequence[int],
    *,
    latent_dim: int | None = None,
    bidirectional: bool = False,
    code: str = "last_hidden",
) -> int:
    """Return how many leading values of each code the decoder reads.

    All of it, but for ``code="states_and_pools"``, whose maxima and positive
    shares (last) are a read-out the decoder skips, and likewise for the
    pools and segment means of ``"states_pools_and_segments"``.

    Examples
    --------
    >>> from sklearn_lstmae._engine.networks import decoded_size
    >>> decoded_size((16, 8), bidirectional=True, code="states_and_pools")
    144
    """
    if code in ("states_and_pools", "states_pools_and_segments"):
        code = "states_and_means"
    return code_size(units, latent_dim=latent_dim, bidirectional=bidirectional, code=code)


def build_encoder(
    n_channels: int,
    *,
    units: Sequence[int] = (100,),
    latent_dim: int | None = None,
    activation: str = "tanh",
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    bidirectional: bool = False,
    code: str = "last_hidden",
    seed: int | None = None,
    name: str = "encoder",
) -> keras.Model:
    """Build an LSTM encoder: sequences ``(batch, time, n_channels)`` to codes.

    The LSTMs are :class:`~sklearn_lstmae._engine.layers.FusedLSTM` (Keras's LSTM,
    run by TensorFlow's fused kernel where it applies).

    Parameters
    ----------
    n_channels : int
        Number of values per time step.
    units : sequence of int, default=(100,)
        Sizes of the stacked LSTM layers, first (reading the input) to last.
    latent_dim : int or None, default=None
        If set, a linear ``Dense(latent_dim)`` bottleneck maps the code below
        to the returned code.
    activation : str, default="tanh"
        Activation of the LSTM cells.
    dropout : float, default=0.0
        Dropout on the inputs of each LSTM layer.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state (rules out the fused cuDNN kernel).
    bidirectional : bool, default=False
        Give every layer a second LSTM that reads each sequence last step
        first (within its length: :class:`~sklearn_lstmae._engine.layers.ReverseWithinLength`),
        whose outputs, realigned in time, are concatenated with the forward
        ones. Its final state summarises the sequence's start, which a forward
        LSTM's final state keeps least of.
    code : {"last_hidden", "all_states", "states_and_means", "states_and_pools", \
            "states_pools_and_segments"}, default="last_hidden"
        ``"last_hidden"``: the last layer's final hidden state (both
        directions'). ``"all_states"``: the final hidden and cell states of
        every layer and direction, concatenated, as in TimeNet (Malhotra et
        al., 2017). ``"states_and_means"``: those states, then each layer's
        outputs averaged over the real steps. ``"states_and_pools"``: the
        states and means, then each layer's maximum, then each layer's share
        of positive values of its outputs over the real steps
        (:class:`~sklearn_lstmae._engine.layers.MaskedTimePooling`), a read-out that
        :func:`build_autoencoder`'s decoder skips (:func:`decoded_size`).
        ``"states_pools_and_segments"``: those, then each layer's outputs
        averaged over ``SEGMENTS`` stretches of the real steps, also a
        read-out. With ``latent_dim``, the bottleneck reads the states and
        means and the code holds no pools.
    seed : int or None, default=None
        Seed of the weight initializers and dropout masks.
    name : str, default="encoder"
        Name of the returned model.

    Returns
    -------
    encoder : keras.Model
        Model mapping ``(batch, time, n_channels)`` to ``(batch, code_size)``,
        ``code_size`` as :func:`code_size` gives it. The time axis has no
        fixed length; steps that are NaN in every channel (right padding) are
        masked.

    Examples
    --------
    >>> from sklearn_lstmae._engine.networks import build_encoder
    >>> encoder = build_encoder(3, units=(16, 8), seed=0)
    >>> encoder.output.shape
    (None, 8)
    >>> build_encoder(3, units=(16, 8), bidirectional=True, code="all_states").output.shape
    (None, 96)
    """
    if code not in CODES:
        raise ValueError(f"code must be one of {CODES}; got {code!r}.")
    seeds = _seed_stream(seed)
    inputs = keras.Input(shape=(None, n_channels), name="sequence")
    x = NaNMask(name="nan_mask")(inputs)
    states, means, maxima, shares, segments = [], [], [], [], []
    pooled = ("states_and_pools", "states_pools_and_segments")
    pool = code in ("states_and_means", *pooled)
    lstm_kwargs = dict(activation=activation, dropout=dropout, recurrent_dropout=recurrent_dropout)
    for i, n_units in enumerate(units):
        last = i == len(units) - 1

        def encoder_lstm(name, n_units=n_units, last=last):
            return _lstm(
                n_units,
                seeds,
                name=name,
                return_sequences=pool or not last,
                return_state=True,
                **lstm_kwargs,
            )

        forward, *layer_states = encoder_lstm(f"encoder_lstm_{i}")(x)
        if bidirectional:
            reverse = ReverseWithinLength(name=f"reverse_{i}")
            backward, *backward_states = encoder_lstm(f"encoder_backward_lstm_{i}")(reverse(x))
            layer_states = layer_states + backward_states
            if pool or not last:
                realigned = ReverseWithinLength(name=f"realign_{i}")(backward)
                forward = keras.layers.Concatenate(name=f"encoder_outputs_{i}")(
                    [forward, realigned]
                )
        x = forward
        states.append(layer_states)  # per layer: h, c (forward), then h, c (backward)
        if pool:  # the mean over each sequence's real steps of the layer's outputs
            means.append(keras.layers.GlobalAveragePooling1D(name=f"encoder_mean_{i}")(x))
        if code in pooled and latent_dim is None:
            maxima.append(MaskedTimePooling("max", name=f"encoder_max_{i}")(x))
            share = MaskedTimePooling(
                "positive_share", temperature=SHARE_TEMPERATURE, name=f"encoder_share_{i}"
            )
            shares.append(share(x))
        if code == "states_pools_and_segments" and latent_dim is None:
            segment_means = MaskedTimePooling(
                "segment_means", segments=SEGMENTS, name=f"encoder_segments_{i}"
            )
            segments.append(segment_means(x))
    if code != "last_hidden":
        parts = [state for layer_states in states for state in layer_states] + means
    else:
        parts = states[-1][0::2]  # the final hidden states of the last layer
    parts += maxima + shares + segments  # none with a bottleneck: it reads states and means
    x = parts[0] if len(parts) == 1 else keras.layers.Concatenate(name="code")(parts)
    if latent_dim is not None:
        x = _dense(latent_dim, seeds, name="bottleneck")(x)
    return keras.Model(inputs, x, name=name)


def build_decoder(
    code_size: int,
    n_timesteps: int,
    n_channels: int,
    *,
    units: Sequence[int] = (100,),
    activation: str = "tanh",
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    reverse: bool = False,
    read: int | None = None,
    seed: int | None = None,
    name: str = "decoder",
) -> keras.Model:
    """Build an unconditioned LSTM decoder: codes to sequences.

    The code is repeated at every time step (``RepeatVector``), read by
    stacked LSTMs (the first a :class:`~sklearn_lstmae._engine.layers.RepeatedInputLSTM`,
    which projects the repeated code once instead of at every step, the others
    :class:`~sklearn_lstmae._engine.layers.FusedLSTM`) and mapped to ``n_channels``
    values per step by one ``Dense`` layer shared by all steps (a
    time-distributed dense layer).

    Parameters
    ----------
    code_size : int
        Width of the code vectors.
    n_timesteps : int
        Length of the generated sequences.
    n_channels : int
        Number of values per generated time step.
    units : sequence of int, default=(100,)
        Sizes of the stacked LSTM layers, in the order they are applied.
    activation : str, default="tanh"
        Activation of the LSTM cells.
    dropout : float, default=0.0
        Dropout on the inputs of each LSTM layer.
    recurrent_dropout : float, default=0.0
        Dropout on the recurrent state.
    reverse : bool, default=False
        Generate the sequence last step first, then flip it back, so the output
        is always in natural time order (Srivastava et al., 2015).
    read : int or None, default=None
        Read only the first ``read`` values of each code (the rest is a
        read-out for downstream models); None reads all.
    seed : int or None, default=None
        Seed of the weight initializers and dropout masks.
    name : str, default="decoder"
        Name of the returned model.

    Returns
    -------
    decoder : keras.Model
        Model mapping ``(batch, code_size)`` to
        ``(batch, n_timesteps, n_channels)``.

    Examples
    --------
    >>> from sklearn_lstmae._engine.networks import build_decoder
    >>> decoder = build_decoder(8, 20, 3, units=(8, 16), seed=0)
    >>> decoder.output.shape
    (None, 20, 3)
    """
    seeds = _seed_stream(seed)
    code = keras.Input(shape=(code_size,), name="code")
    x = code if read is None or read == code_size else LeadingFeatures(read, name="read")(code)
    x = keras.layers.RepeatVector(n_timesteps, name="repeat_code")(x)
    for i, n_units in enumerate(units):
        x = _lstm(
            n_units,
            seeds,
            name=f"{name}_lstm_{i}",
            return_sequences=True,
            repeated_input=i == 0,  # reads the repeated code
            activation=activation,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
        )(x)
    # A Dense layer on a 3-D tensor maps every step with the same weights: what
    # TimeDistributed(Dense) computes, but as one matmul (TimeDistributed loops
    # over a static time axis in Python: one matmul per step, 2.5x slower
    # training at 140 steps and a far longer trace).
    x = _dense(n_channels, seeds, name="output")(x)
    if reverse:
        x = ReverseTime(name="reverse_time")(x)
    return keras.Model(code, x, name=name)


def build_autoencoder(
    n_timesteps: int,
    n_channels: int,
    *,
    units: Sequence[int] = (100,),
    latent_dim: int | None = None,
    activation: str = "tanh",
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    future_steps: int = 0,
    reverse_reconstruction: bool = False,
    bidirectional: bool = False,
    code: str = "last_hidden",
    seed: int | None = None,
) -> keras.Model:
    """Build a standalone or composite LSTM autoencoder as one Keras model.

    Parameters
    ----------
    n_timesteps : int
        Length ``T`` of the training sequences, future steps included.
    n_channels : int
        Number of values per time step.
    units : sequence of int, default=(100,)
        Encoder LSTM sizes; each decoder mirrors them in reverse order.
    latent_dim : int or None, default=None
        Width of an optional linear bottleneck after the encoder.
    activation : str, default="tanh"
        Activation of every LSTM cell.
    dropout : float, default=0.0
        Input dropout of every LSTM layer.
    recurrent_dropout : float, default=0.0
        Recurrent dropout of every LSTM layer.
    future_steps : int, default=0
        0 builds the standalone autoencoder. ``k > 0`` builds the composite
        model (Srivastava et al., 2015): the encoder reads the first ``T - k``
        steps, one decoder reconstructs them and a second one predicts the
        last ``k``.
    reverse_reconstruction : bool, default=False
        Let the reconstruction decoder generate in reverse order.
    bidirectional : bool, default=False
        A bidirectional encoder (see :func:`build_encoder`).
    code : {"last_hidden", "all_states"}, default="last_hidden"
        What the code holds (see :func:`build_encoder`).
    seed : int or None, default=None
        Seed of all weight initializers and dropout masks.

    Returns
    -------
    model : keras.Model
        Named ``"lstm_autoencoder"``; its layers ``"encoder"`` and
        ``"decoder"`` are nested models. The standalone model outputs the
        reconstruction ``(batch, T, n_channels)``; the composite model (and
        its decoder) outputs ``[reconstruction (batch, T - k, n_channels),
        prediction (batch, k, n_channels)]``.

    Examples
    --------
    >>> from sklearn_lstmae._engine.networks import build_autoencoder
    >>> model = build_autoencoder(9, 1, units=(32,), future_steps=2, seed=0)
    >>> [tuple(output.shape) for output in model.outputs]
    [(None, 7, 1), (None, 2, 1)]
    >>> model.get_layer("encoder").output.shape
    (None, 32)
    """
    units = tuple(int(u) for u in units)
    if not 0 <= future_steps < n_timesteps:
        raise ValueError(
            f"future_steps must be in [0, n_timesteps - 1] = [0, {n_timesteps - 1}], "
            f"got {future_steps}."
        )
    seeds = _seed_stream(seed)
    lstm_kwargs = dict(activation=activation, dropout=dropout, recurrent_dropout=recurrent_dropout)
    n_observed = n_timesteps - future_steps
    encoder = build_encoder(
        n_channels,
        units=units,
        latent_dim=latent_dim,
        bidirectional=bidirectional,
        code=code,
        seed=next(seeds),
        **lstm_kwargs,
    )
    width = code_size(units, latent_dim=latent_dim, bidirectional=bidirectional, code=code)
    read = decoded_size(units, latent_dim=latent_dim, bidirectional=bidirectional, code=code)
    decoder_units = units[::-1]
    reconstruction = build_decoder(
        width,
        n_observed,
        n_channels,
        units=decoder_units,
        reverse=reverse_reconstruction,
        read=read,
        seed=next(seeds),
        name="decoder" if future_steps == 0 else "reconstruction_decoder",
        **lstm_kwargs,
    )
    if future_steps == 0:
        decoder = reconstruction
    else:
        prediction = build_decoder(
            width,
            future_steps,
            n_channels,
            units=decoder_units,
            read=read,
            seed=next(seeds),
            name="prediction_decoder",
            **lstm_kwargs,
        )
        codes = keras.Input(shape=(width,), name="code")
        decoder = keras.Model(codes, [reconstruction(codes), prediction(codes)], name="decoder")
    inputs = keras.Input(shape=(None, n_channels), name="sequence")
    outputs = decoder(encoder(inputs))
    return keras.Model(inputs, outputs, name="lstm_autoencoder")
