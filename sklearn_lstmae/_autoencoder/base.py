"""The base class of the LSTM autoencoder estimators (not public).

It joins the pieces of :mod:`sklearn_lstmae._autoencoder`, one job each:
training (:class:`.training.TrainingMixin`), reconstructions and their errors
(:class:`.scoring.ReconstructionMixin`), the user's layout <-> the network's
(:class:`.sequence_layout.SequenceLayoutMixin`) and the file format
(:class:`~sklearn_lstmae._persistence.archive.SaveMixin`); here are the
parameter constraints, the views of the network, pickling and tags. Each
public estimator states its own ``__init__`` and parameter documentation.

Keras (and TensorFlow) are imported on first use, not when this module is
imported, so ``import sklearn_lstmae``, construction, ``get_params`` and
``clone`` stay cheap.
"""

from __future__ import annotations

import pickle
import warnings

from sklearn.base import BaseEstimator

from sklearn_lstmae._autoencoder.model_factory import network_params
from sklearn_lstmae._autoencoder.parameters import PARAMETER_CONSTRAINTS
from sklearn_lstmae._autoencoder.scoring import ReconstructionMixin
from sklearn_lstmae._autoencoder.sequence_layout import SequenceLayoutMixin
from sklearn_lstmae._autoencoder.training import TrainingMixin
from sklearn_lstmae._persistence.archive import SaveMixin
from sklearn_lstmae._utils.validation import check_fitted_array, check_positive_int


def picklable_callbacks(callbacks):
    """Return the callbacks that pickle can store; warn about the others."""
    kept, dropped = [], []
    for callback in callbacks:
        try:
            pickle.dumps(callback)
        except Exception:  # noqa: BLE001 - any failure means: cannot be stored
            dropped.append(type(callback).__name__)
        else:
            kept.append(callback)
    if dropped:
        warnings.warn(
            f"Callbacks that cannot be pickled are left out of the pickled estimator: "
            f"{', '.join(dropped)}. Pass them again with set_params(callbacks=...).",
            UserWarning,
            stacklevel=4,
        )
    return kept


class _BaseLSTMAutoencoder(
    SaveMixin, ReconstructionMixin, TrainingMixin, SequenceLayoutMixin, BaseEstimator
):
    """Base class of the LSTM autoencoder estimators (not public)."""

    _parameter_constraints: dict = dict(PARAMETER_CONSTRAINTS)

    @property
    def encoder_(self):
        """Keras model from sequences to codes; shares its layers with ``model_``."""
        return self.model_.get_layer("encoder")

    @property
    def decoder_(self):
        """Keras model from codes to sequences; shares its layers with ``model_``."""
        return self.model_.get_layer("decoder")

    @property
    def _n_features_out(self):
        """Width of the code (used by ``get_feature_names_out``)."""
        return self.encoder_.output.shape[-1]

    def __getstate__(self):
        state = dict(super().__getstate__())
        if self.callbacks:
            state["callbacks"] = picklable_callbacks(self.callbacks)
        if not (self.distribute_strategy is None or isinstance(self.distribute_strategy, str)):
            # A Strategy instance holds this process's devices and cannot be
            # pickled; the copy trains without one ("mirrored" is kept).
            state["distribute_strategy"] = None
        if "model_" in state:
            from sklearn_lstmae._engine.model_bytes import model_to_bytes

            state["model_"] = model_to_bytes(state["model_"])
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), bytes):
            from sklearn_lstmae._engine.model_bytes import model_from_bytes

            state = dict(state, model_=model_from_bytes(state["model_"]))
        super().__setstate__(state)

    def _check_loaded_state(self):
        """Check fitted state read from a file: its types, ranges and the network's shapes."""
        from sklearn_lstmae._engine.networks import code_size

        for name in ("n_timesteps_", "n_channels_", "n_features_in_"):
            check_positive_int(name, getattr(self, name))
        check_positive_int("n_iter_", self.n_iter_, minimum=0)
        if self.input_ndim_ not in (2, 3):
            raise ValueError(f"input_ndim_ must be 2 or 3; got {self.input_ndim_!r}.")
        fitted = self.network_params_
        shape = (self.n_timesteps_, self.n_channels_)
        if not isinstance(fitted, dict) or network_params(fitted, *shape) != fitted:
            raise ValueError(f"network_params_ are not those of a network for {shape}: {fitted!r}")
        if not fitted["future_steps"] < self.n_timesteps_:
            raise ValueError("network_params_ predict as many steps as the sequences have.")
        for name in ("channel_mean_", "channel_scale_"):
            if (getattr(self, name) is None) != (not self.standardize):
                raise ValueError(f"{name} does not match standardize={self.standardize}.")
            if self.standardize:
                check_fitted_array(name, getattr(self, name), (self.n_channels_,))
        width = code_size(
            fitted["units"],
            latent_dim=fitted["latent_dim"],
            bidirectional=fitted["bidirectional"],
            code=fitted["code"],
        )
        outputs = self.model_.output_shape
        outputs = outputs if isinstance(outputs, list) else [outputs]
        if (
            tuple(self.model_.input_shape) != (None, None, self.n_channels_)
            or tuple(self.encoder_.output.shape) != (None, width)
            or len(outputs) != (2 if fitted["future_steps"] else 1)
            or any(output[-1] != self.n_channels_ for output in outputs)
        ):
            raise ValueError(
                f"the network ({self.model_.input_shape} -> {outputs}, code "
                f"{tuple(self.encoder_.output.shape)}) is not the one network_params_ describe."
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags
