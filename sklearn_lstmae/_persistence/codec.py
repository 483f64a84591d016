"""Estimators <-> JSON-able data, named arrays and networks: the archive's contents.

JSON cannot hold tuples, arrays, random states or objects, so the metadata
tags them (``{"__tuple__": [...]}`` and the like). Decoding accepts only these
tags and the classes in :mod:`sklearn_lstmae._persistence.registry` (each
registered by its own module): it builds data, never imports or runs what the
file names, and checks what it builds: the parameters against the estimator's
``_parameter_constraints``, the fitted state with the estimator's
``_check_loaded_state``.
"""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np

from sklearn_lstmae._persistence.registry import (
    is_plain_object,
    is_savable_estimator,
    plain_object_class,
    savable_estimator,
)

METADATA, ARRAYS = "metadata.json", "arrays.npz"


class ArchiveError(ValueError):
    """A file that is not what ``save`` writes: damaged, tampered with, or hostile."""


# Deeper nesting than the library writes (a few levels) is refused, not recursed into.
MAX_NESTING = 64


class Encoder:
    """Turn an estimator's state into JSON-able data plus named arrays."""

    def __init__(self):
        self.arrays = {}
        self.models = {}  # member name -> network

    def estimator(self, estimator):
        """Encode one of the library's estimators: class, parameters, state, network."""
        params = estimator.get_params(deep=False)
        state = {k: v for k, v in vars(estimator).items() if k not in params}
        model = state.pop("model_", None)
        member = None
        if model is not None:
            member = "model.keras" if not self.models else f"model-{len(self.models)}.keras"
            self.models[member] = model
        return {
            "estimator": type(estimator).__name__,
            "params": self(savable_params(estimator)),
            "state": self(state),
            "model": member,
        }

    def array(self, value):
        name = f"a{len(self.arrays)}"
        self.arrays[name] = np.asarray(value)
        return {"__array__": name}

    def __call__(self, value):
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                raise TypeError("an array of Python objects cannot be saved without pickle")
            return self.array(value)
        if isinstance(value, tuple):
            return {"__tuple__": [self(item) for item in value]}
        if isinstance(value, list):
            return [self(item) for item in value]
        if isinstance(value, dict):
            if not all(isinstance(key, str) and not key.startswith("__") for key in value):
                raise TypeError(f"cannot save a dict with keys {list(value)!r}")
            return {key: self(item) for key, item in value.items()}
        if isinstance(value, np.random.RandomState):
            _, keys, position, has_gauss, cached_gaussian = value.get_state()
            return {
                "__random_state__": {
                    "keys": self.array(keys),
                    "pos": int(position),
                    "has_gauss": int(has_gauss),
                    "cached_gaussian": float(cached_gaussian),
                }
            }
        if is_savable_estimator(value):
            return {"__estimator__": self.estimator(value)}
        if is_plain_object(value):
            fields = (
                {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
                if dataclasses.is_dataclass(value)
                else vars(value)
            )
            return {"__object__": type(value).__name__, "fields": self(fields)}
        import keras

        if isinstance(value, keras.optimizers.Optimizer):
            return {"__keras_optimizer__": keras.optimizers.serialize(value)}
        raise TypeError(
            f"cannot save a {type(value).__qualname__} without pickle: save() holds the "
            "library's estimators, numpy and plain data only (use skops.io or pickle for others)"
        )


class Decoder:
    """Rebuild what :class:`Encoder` wrote, accepting only its own tags and registered classes.

    Every failure is a ``ValueError`` naming the member of the archive at fault.
    """

    def __init__(self, arrays, models):
        self.arrays = arrays
        self.models = models  # member name -> bytes

    def estimator(self, fields, depth=0):
        """Rebuild an estimator from :meth:`Encoder.estimator`'s fields, and check it."""
        if not isinstance(fields, dict) or not (
            isinstance(fields.get("params"), dict) and isinstance(fields.get("state"), dict)
        ):
            raise ArchiveError(f"the archive's {METADATA} has no estimator parameters and state")
        cls = savable_estimator(fields.get("estimator"))
        if cls is None:
            raise ArchiveError(
                f"the archive holds an unknown estimator {fields.get('estimator')!r}"
            )
        params = self(fields["params"], depth + 1)
        try:
            estimator = cls(**params)
            estimator._validate_params()
        except (TypeError, ValueError) as error:  # InvalidParameterError is both
            raise ArchiveError(
                f"the archive's parameters do not fit {cls.__name__} ({METADATA}): {error}"
            ) from error
        state = self(fields["state"], depth + 1)
        if not all(isinstance(name, str) and is_fitted_name(name) for name in state):
            raise ArchiveError(f"the archive's state has unexpected names: {sorted(state)}")
        member = fields.get("model")
        if member is not None:
            if not isinstance(member, str) or member not in self.models:
                raise ArchiveError(f"the archive has no network {member!r}")
            state["model_"] = load_model(member, self.models[member])
        vars(estimator).update(state)
        if state:
            try:
                estimator._check_loaded_state()
            except (TypeError, ValueError, KeyError, AttributeError, IndexError) as error:
                raise ArchiveError(
                    f"the archive's fitted state is not that of a fitted {cls.__name__} "
                    f"({METADATA}, {member or 'no network'}): {error}"
                ) from error
        return estimator

    def array(self, tagged):
        name = tagged["__array__"]
        if not isinstance(name, str) or name not in self.arrays:
            raise ArchiveError(f"the archive's {ARRAYS} has no array {name!r}")
        return self.arrays[name]

    def __call__(self, value, depth=0):
        if depth > MAX_NESTING:
            raise ArchiveError(f"the archive's {METADATA} nests deeper than {MAX_NESTING} levels")
        if isinstance(value, list):
            return [self(item, depth + 1) for item in value]
        if not isinstance(value, dict):
            return value
        tags = [key for key in value if key.startswith("__")]
        if not tags:
            return {key: self(item, depth + 1) for key, item in value.items()}
        tag = tags[0]
        try:
            return self._tagged(tag, value, depth)
        except ArchiveError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ArchiveError(
                f"the archive's {METADATA} holds a bad {tag} entry: {error}"
            ) from error

    def _tagged(self, tag, value, depth):
        if tag == "__tuple__":
            return tuple(self(item, depth + 1) for item in value[tag])
        if tag == "__array__":
            return self.array(value)
        if tag == "__random_state__":
            fields = value[tag]
            random_state = np.random.RandomState()
            random_state.set_state(
                (
                    "MT19937",
                    self.array(fields["keys"]),
                    int(fields["pos"]),
                    int(fields["has_gauss"]),
                    float(fields["cached_gaussian"]),
                )
            )
            return random_state
        if tag == "__estimator__":
            return self.estimator(value[tag], depth + 1)
        if tag == "__object__":
            cls = plain_object_class(value[tag])
            if cls is None:
                raise ArchiveError(f"the archive holds an object of unknown class {value[tag]!r}")
            fields = self(value["fields"], depth + 1)
            if not isinstance(fields, dict):
                raise ArchiveError(f"the archive's {value[tag]} has no fields")
            if dataclasses.is_dataclass(cls):
                return cls(**fields)
            instance = cls.__new__(cls)
            instance.__dict__.update(fields)
            return instance
        if tag == "__keras_optimizer__":
            import keras

            return keras.optimizers.deserialize(value[tag])
        raise ArchiveError(f"the archive holds an unknown tag {tag!r}")


def savable_params(estimator):
    params = estimator.get_params(deep=False)
    if params.get("callbacks"):
        warnings.warn(
            "callbacks are not saved: pass them again with set_params(callbacks=...) "
            "after loading to train on with them",
            UserWarning,
            stacklevel=3,
        )
        params["callbacks"] = None
    strategy = params.get("distribute_strategy")
    if not (strategy is None or isinstance(strategy, str)):
        params["distribute_strategy"] = None  # this process's devices: not data
    return params


def is_fitted_name(name):
    return name.isidentifier() and (name.endswith("_") or name.startswith("_"))


def load_model(member, data):
    """Rebuild the network stored in ``member`` (Keras's safe mode); a ``ValueError`` if not."""
    import zipfile

    from sklearn_lstmae._engine.model_bytes import model_from_bytes

    try:
        return model_from_bytes(data)
    except (TypeError, ValueError, KeyError, OSError, zipfile.BadZipFile) as error:
        raise ArchiveError(
            f"the archive's network {member} cannot be loaded in Keras's safe mode: it may "
            "be damaged, hold a Lambda layer or a class that is not registered with Keras "
            f"({type(error).__name__}: {error})"
        ) from error
