"""The library's own file format for fitted estimators: data only, no pickle.

A file written by ``estimator.save(path)`` is a zip archive of:

- ``metadata.json``: the format version, the estimator's class, the versions
  of the library, Keras and its backend, the parameters and every fitted
  attribute that is not an array or a network;
- ``arrays.npz``: the fitted arrays, read back with ``allow_pickle=False``;
- ``model.keras`` (and ``model-1.keras``, ... for the library's estimators
  inside another, e.g. a :class:`SeriesAnomalyDetector`'s window detector or
  a :class:`WindowCodeTransformer`'s window autoencoder):
  the networks (architecture, weights, optimizer state) in Keras's own
  format, read back in Keras's safe mode (no ``Lambda`` layer, no class that
  is not registered).

JSON cannot hold tuples, arrays, random states or objects, so the metadata
tags them (``{"__tuple__": [...]}`` and the like). Loading accepts only the
tags listed here and the classes in :mod:`sklearn_lstmae._persistence.registry`
(each registered by its own module): it builds data, and never imports or runs
what the file names. Keras and TensorFlow load when a network is written or read.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
import warnings
import zipfile

import numpy as np

from sklearn_lstmae._persistence.registry import (
    is_plain_object,
    is_savable_estimator,
    plain_object_class,
    savable_estimator,
)
from sklearn_lstmae._version import __version__

FORMAT = 1
_METADATA, _ARRAYS = "metadata.json", "arrays.npz"
_MODEL_NAME = re.compile(r"model(-[1-9][0-9]*)?\.keras")


class _Encoder:
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
            "params": self(_savable_params(estimator)),
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


class _Decoder:
    """Rebuild what :class:`_Encoder` wrote, accepting only its own tags."""

    def __init__(self, arrays, models):
        self.arrays = arrays
        self.models = models  # member name -> bytes

    def estimator(self, fields):
        """Rebuild an estimator from :meth:`_Encoder.estimator`'s fields."""
        cls = savable_estimator(fields.get("estimator"))
        if cls is None:
            raise ValueError(f"the archive holds an unknown estimator {fields.get('estimator')!r}")
        try:
            estimator = cls(**self(fields["params"]))
        except TypeError as error:
            raise ValueError(
                f"the archive's parameters do not fit {cls.__name__}: {error}"
            ) from error
        state = self(fields["state"])
        if not all(_is_fitted_name(name) for name in state):
            raise ValueError(f"the archive's state has unexpected names: {sorted(state)}")
        member = fields.get("model")
        if member is not None:
            if member not in self.models:
                raise ValueError(f"the archive has no network {member!r}")
            state["model_"] = _load_model(self.models[member])
        vars(estimator).update(state)
        return estimator

    def array(self, tagged):
        name = tagged["__array__"]
        if not isinstance(name, str) or name not in self.arrays:
            raise ValueError(f"the archive's {_ARRAYS} has no array {name!r}")
        return self.arrays[name]

    def __call__(self, value):
        if isinstance(value, list):
            return [self(item) for item in value]
        if not isinstance(value, dict):
            return value
        tags = [key for key in value if key.startswith("__")]
        if not tags:
            return {key: self(item) for key, item in value.items()}
        tag = tags[0]
        if tag == "__tuple__":
            return tuple(self(item) for item in value[tag])
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
            return self.estimator(value[tag])
        if tag == "__object__":
            cls = plain_object_class(value[tag])
            if cls is None:
                raise ValueError(f"the archive holds an object of unknown class {value[tag]!r}")
            fields = self(value["fields"])
            if dataclasses.is_dataclass(cls):
                return cls(**fields)
            instance = cls.__new__(cls)
            instance.__dict__.update(fields)
            return instance
        if tag == "__keras_optimizer__":
            import keras

            return keras.optimizers.deserialize(value[tag])
        raise ValueError(f"the archive holds an unknown tag {tag!r}")


def _savable_params(estimator):
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


def save(estimator, path):
    """Write ``estimator`` to ``path`` (a path or a binary file object)."""
    import keras

    from sklearn_lstmae._engine.model_bytes import model_to_bytes

    if not is_savable_estimator(estimator):
        raise TypeError(f"cannot save a {type(estimator).__qualname__}")
    encode = _Encoder()
    metadata = {
        "format": FORMAT,
        "versions": {
            "sklearn_lstmae": __version__,
            "keras": keras.__version__,
            "backend": keras.backend.backend(),
        },
        **encode.estimator(estimator),
    }
    buffer = io.BytesIO()  # built in memory: a failure leaves ``path`` untouched
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_METADATA, json.dumps(metadata, indent=1))
        arrays = io.BytesIO()
        np.savez(arrays, **encode.arrays)
        archive.writestr(_ARRAYS, arrays.getvalue())
        for member, model in encode.models.items():
            archive.writestr(member, model_to_bytes(model))
    if hasattr(path, "write"):
        path.write(buffer.getvalue())
    else:
        with open(os.fspath(path), "wb") as file:
            file.write(buffer.getvalue())


def _read_members(path):
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ValueError(
            f"{path!r} is not a file written by an estimator's save(): not a zip archive"
        ) from error
    with archive:
        names = set(archive.namelist())
        unexpected = {
            name for name in names - {_METADATA, _ARRAYS} if not _MODEL_NAME.fullmatch(name)
        }
        if unexpected or not {_METADATA, _ARRAYS} <= names:
            raise ValueError(
                f"the archive should hold {_METADATA}, {_ARRAYS} and, for a fitted "
                f"estimator, model.keras (model-1.keras, ...); it holds {sorted(names)}"
            )
        return {name: archive.read(name) for name in names}


def load(path):
    """Read an estimator written by its ``save`` method.

    Parameters
    ----------
    path : str, os.PathLike or binary file object
        The file to read.

    Returns
    -------
    estimator : LSTMAutoencoderTransformer, LSTMAutoencoderOutlierDetector, \
            SeriesAnomalyDetector or WindowCodeTransformer
        The estimator as it was saved, with its network, fitted attributes and
        optimizer state (so that ``partial_fit`` trains on). Callbacks are not
        saved.

    Raises
    ------
    ValueError
        If the file is not such an archive, holds unexpected members, was
        written in a newer format, or its network holds a ``Lambda`` layer or
        a class that is not registered with Keras.

    Examples
    --------
    >>> import io
    >>> import numpy as np
    >>> import sklearn_lstmae
    >>> X = np.random.RandomState(0).randn(16, 8)
    >>> ae = sklearn_lstmae.LSTMAutoencoderTransformer(units=4, epochs=2, random_state=0).fit(X)
    >>> file = io.BytesIO()
    >>> ae.save(file)
    >>> loaded = sklearn_lstmae.load(io.BytesIO(file.getvalue()))
    >>> bool(np.allclose(loaded.transform(X), ae.transform(X)))
    True
    """
    members = _read_members(path)
    try:
        metadata = json.loads(members[_METADATA])
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"the archive's {_METADATA} is not valid JSON") from error
    if not isinstance(metadata, dict) or not isinstance(metadata.get("format"), int):
        raise ValueError(f"the archive's {_METADATA} has no format version")
    if metadata["format"] > FORMAT:
        raise ValueError(
            f"the file has format {metadata['format']}, written by sklearn-lstmae "
            f"{metadata.get('versions', {}).get('sklearn_lstmae', '?')}; this version reads "
            f"format {FORMAT} and older: upgrade sklearn-lstmae to load it"
        )
    with np.load(io.BytesIO(members[_ARRAYS]), allow_pickle=False) as npz:
        arrays = {name: npz[name] for name in npz.files}
    models = {name: data for name, data in members.items() if _MODEL_NAME.fullmatch(name)}
    return _Decoder(arrays, models).estimator(metadata)


def _is_fitted_name(name):
    return name.isidentifier() and (name.endswith("_") or name.startswith("_"))


def _load_model(data):
    from sklearn_lstmae._engine.model_bytes import model_from_bytes

    try:
        return model_from_bytes(data)
    except (TypeError, ValueError) as error:
        raise ValueError(
            "the archive's network cannot be loaded in Keras's safe mode: it may hold a "
            f"Lambda layer or a class that is not registered with Keras ({error})"
        ) from error


class SaveMixin:
    """Mixin adding :meth:`save` to an estimator registered as savable."""

    def save(self, path):
        """Write the estimator to a file that :func:`sklearn_lstmae.load` reads.

        The file is a zip archive of data only, with no pickle: the networks in
        Keras's ``.keras`` format (loaded in Keras's safe mode), the
        parameters and versions as JSON, and the fitted arrays as ``.npz``.
        It loads on any Keras backend. Callbacks are not saved (a warning
        says so), nor is a ``tf.distribute`` strategy instance. An estimator
        inside this one (a window detector or window autoencoder) must be one
        of the library's; for others (e.g. ``IsolationForest``, ``PCA``) use
        skops or pickle.

        Parameters
        ----------
        path : str, os.PathLike or binary file object
            Where to write. An existing file is replaced once the archive is
            complete; a failed call leaves it untouched.

        Raises
        ------
        TypeError
            If the estimator holds an object that is not data or one of the
            library's estimators.

        See Also
        --------
        sklearn_lstmae.load : Read the file back.
        """
        save(self, path)
