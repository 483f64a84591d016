"""The Keras model an autoencoder estimator's parameters ask for: network, optimizer, strategy.

Functions of parameter values, with no estimator state: the estimators call
them when a fit starts a new model. Keras (and TensorFlow) are imported here
on first use.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from numbers import Integral

from sklearn_lstmae._autoencoder.parameters import MAX_WIDTH, StrictInterval


def network_params(params, n_timesteps, n_channels):
    """Check the architecture parameters (``get_params()``) for the data; return builder kwargs."""
    units = (params["units"],) if isinstance(params["units"], Integral) else tuple(params["units"])
    width = StrictInterval(Integral, 1, MAX_WIDTH, closed="both")
    if not units or not all(width.is_satisfied_by(u) for u in units):
        raise ValueError(
            "units must be a positive int or a non-empty tuple of positive ints, each "
            f"at most {MAX_WIDTH}; got {params['units']!r}."
        )
    import keras

    try:
        keras.activations.get(params["activation"])
    except ValueError:
        raise ValueError(
            f"activation={params['activation']!r} is not a Keras activation (e.g. 'tanh', "
            "'relu', 'sigmoid')."
        ) from None
    latent_dim = params["latent_dim"]
    return {
        "n_timesteps": int(n_timesteps),
        "n_channels": int(n_channels),
        "units": tuple(int(u) for u in units),
        "latent_dim": None if latent_dim is None else int(latent_dim),
        "bidirectional": bool(params["bidirectional"]),
        "code": params["code"],
        "activation": params["activation"],
        "dropout": float(params["dropout"]),
        "recurrent_dropout": float(params["recurrent_dropout"]),
        "future_steps": int(params["future_steps"]),
        "reverse_reconstruction": bool(params["reverse_reconstruction"]),
    }


def make_optimizer(optimizer, learning_rate):
    """Return a new Keras optimizer: by name with ``learning_rate``, or a copy of an instance."""
    import keras

    if isinstance(optimizer, str):
        return keras.optimizers.get(
            {"class_name": optimizer, "config": {"learning_rate": learning_rate}}
        )
    # A fresh copy: the user's instance is never built or mutated.
    return type(optimizer).from_config(optimizer.get_config())


def resolve_strategy(distribute_strategy):
    """Return the ``tf.distribute.Strategy`` to build and train under, or None."""
    if distribute_strategy is None:
        return None
    import keras

    if keras.backend.backend() != "tensorflow":
        raise ValueError(
            "distribute_strategy needs Keras's TensorFlow backend; the backend is "
            f"{keras.backend.backend()!r} (see keras.distribution for JAX)."
        )
    if isinstance(distribute_strategy, str):  # "mirrored"
        import tensorflow as tf

        return tf.distribute.MirroredStrategy()
    return distribute_strategy


# Bytes each weight takes in training: itself, its gradient and Adam's two moments (float32).
BYTES_PER_WEIGHT = 16
# A network whose training takes more than this gets a warning; more than the machine's
# memory, an error before anything is built.
LARGE_NETWORK_BYTES = 2**30


def _physical_memory():
    """Return the machine's memory in bytes, or None where the platform does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_network_size(network_params):
    """Refuse a network whose training would not fit in memory; warn about a large one."""
    from sklearn_lstmae._engine.networks import count_parameters

    n_weights = count_parameters(**network_params)
    needed = BYTES_PER_WEIGHT * n_weights
    memory = _physical_memory()
    if memory is not None and needed > memory:
        raise ValueError(
            f"The network would have {n_weights:,} weights, about {needed / 2**30:,.1f} GiB to "
            f"train ({BYTES_PER_WEIGHT} bytes each), more than this machine's "
            f"{memory / 2**30:,.1f} GiB. Use fewer units (units={network_params['units']})."
        )
    if needed > LARGE_NETWORK_BYTES:
        warnings.warn(
            f"The network has {n_weights:,} weights, about {needed / 2**30:,.1f} GiB to train; "
            f"units={network_params['units']} may be more than the data needs.",
            UserWarning,
            stacklevel=8,  # the caller of fit or partial_fit
        )


def build_model(network_params, seed, *, optimizer, learning_rate, prediction_weight, strategy):
    """Build and compile the autoencoder, its optimizer's variables created (under ``strategy``)."""
    from sklearn_lstmae._engine.networks import build_autoencoder

    check_network_size(network_params)
    with strategy.scope() if strategy is not None else contextlib.nullcontext():
        model = build_autoencoder(**network_params, seed=seed)
        if network_params["future_steps"]:
            model.compile(
                optimizer=make_optimizer(optimizer, learning_rate),
                loss=["mse", "mse"],
                loss_weights=[1.0, float(prediction_weight)],
            )
        else:
            model.compile(optimizer=make_optimizer(optimizer, learning_rate), loss="mse")
        # Create the optimizer's variables now (under the strategy): created
        # inside the first training step, they make TensorFlow trace it twice.
        model.optimizer.build(model.trainable_variables)
    return model


def check_callbacks(callbacks):
    """Reject anything in ``callbacks`` that is not a ``keras.callbacks.Callback``."""
    import keras

    for i, callback in enumerate(callbacks or ()):
        if not isinstance(callback, keras.callbacks.Callback):
            raise TypeError(
                "callbacks must be a list of keras.callbacks.Callback instances; "
                f"callbacks[{i}] is {type(callback).__name__}."
            )
