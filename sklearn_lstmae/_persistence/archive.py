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

:mod:`.codec` turns estimators into these members and back. Here are the
archive's bounds: a file is untrusted, so before anything is decompressed the
zip directories (the archive's and those of the ``.npz`` and ``.keras``
members, themselves zip files) must name only the expected members, each
once, adding up to at most ``max_bytes``; zip reads no more of a member than
its directory entry declares. A save is atomic: the archive goes to a
temporary file beside the target, synced, then replaces it.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
import zipfile

import numpy as np

from sklearn_lstmae._persistence.codec import ARRAYS, METADATA, ArchiveError, Decoder, Encoder
from sklearn_lstmae._persistence.registry import is_savable_estimator
from sklearn_lstmae._version import __version__

FORMAT = 1
_MODEL_NAME = re.compile(r"model(-[1-9][0-9]*)?\.keras")
# What a file may inflate to, all members and their own members together, unless the
# caller allows more (load(..., max_bytes=...)); the metadata alone, at most 16 MiB.
MAX_BYTES = 2**30
MAX_METADATA_BYTES = 2**24


def save(estimator, path):
    """Write ``estimator`` to ``path`` (a path or a binary file object), atomically."""
    import keras

    from sklearn_lstmae._engine.model_bytes import model_to_bytes

    if not is_savable_estimator(estimator):
        raise TypeError(f"cannot save a {type(estimator).__qualname__}")
    encode = Encoder()
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
        archive.writestr(METADATA, json.dumps(metadata, indent=1))
        arrays = io.BytesIO()
        np.savez(arrays, **encode.arrays)
        archive.writestr(ARRAYS, arrays.getvalue())
        for member, model in encode.models.items():
            archive.writestr(member, model_to_bytes(model))
    if hasattr(path, "write"):
        path.write(buffer.getvalue())
    else:
        write_atomically(os.fspath(path), buffer.getvalue())


def write_atomically(path, data):
    """Replace ``path`` by a file holding ``data``, or leave it as it was.

    The bytes go to a temporary file in the same folder, are flushed to disk
    (``fsync``), and the file is renamed over ``path`` (``os.replace``, atomic
    on POSIX and Windows); any failure removes the temporary file. A new file
    gets the permissions ``open`` would give it; a replaced one keeps its own.
    """
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(
        dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if hasattr(os, "O_DIRECTORY"):  # the rename itself survives a crash once the folder is synced
        with contextlib.suppress(OSError):
            directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)


def _mode_for(path):
    """Return the permission bits of the file at ``path``, or a new file's (0o666 less umask)."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        pass
    umask = 0o022
    with contextlib.suppress(OSError, ValueError):  # read, not set: os.umask would change it
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("Umask:"):
                    umask = int(line.split()[1], 8)
    return 0o666 & ~umask


def _checked_directory(archive, where, budget, allowed):
    """Check a zip directory before anything is read; return its entries and their total size.

    ``allowed(name)`` says which member names may occur; each may occur once.
    """
    entries = archive.infolist()
    names = [entry.filename for entry in entries]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ArchiveError(f"{where} holds {repeated[0]!r} more than once")
    unexpected = sorted(name for name in names if not allowed(name))
    if unexpected:
        raise ArchiveError(f"{where} holds unexpected members: {unexpected}")
    total = sum(entry.file_size for entry in entries)
    if total > budget:
        raise ArchiveError(
            f"{where} would inflate to {total:,} bytes, more than the {budget:,} allowed "
            "(load(path, max_bytes=...) allows more for a file you trust)"
        )
    return entries, total


def _inner_zip_size(member, data, budget):
    """Check the directory of a member that is itself a zip (``.npz``, ``.keras``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as inner:
            return _checked_directory(
                inner, f"the archive's {member}", budget, allowed=lambda name: True
            )[1]
    except zipfile.BadZipFile as error:
        raise ArchiveError(f"the archive's {member} is not a zip archive: {error}") from error


def _read_members(path, max_bytes):
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ArchiveError(
            f"{path!r} is not a file written by an estimator's save(): not a zip archive"
        ) from error
    with archive:
        entries, total = _checked_directory(
            archive,
            "the archive",
            max_bytes,
            allowed=lambda name: name in (METADATA, ARRAYS) or _MODEL_NAME.fullmatch(name),
        )
        names = {entry.filename for entry in entries}
        if not {METADATA, ARRAYS} <= names:
            raise ArchiveError(
                f"the archive should hold {METADATA}, {ARRAYS} and, for a fitted "
                f"estimator, model.keras (model-1.keras, ...); it holds {sorted(names)}"
            )
        if archive.getinfo(METADATA).file_size > MAX_METADATA_BYTES:
            raise ArchiveError(
                f"the archive's {METADATA} is larger than {MAX_METADATA_BYTES:,} bytes"
            )
        members = {}
        for entry in entries:
            try:
                members[entry.filename] = archive.read(entry)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise ArchiveError(
                    f"the archive's {entry.filename} cannot be read: {error}"
                ) from error
    for name, data in members.items():
        if name != METADATA:
            total += _inner_zip_size(name, data, max_bytes - total)
    return members


def _read_metadata(data):
    try:
        metadata = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"the archive's {METADATA} is not valid JSON") from error
    except RecursionError as error:
        raise ArchiveError(f"the archive's {METADATA} nests too deeply") from error
    if not isinstance(metadata, dict) or not isinstance(metadata.get("format"), int):
        raise ArchiveError(f"the archive's {METADATA} has no format version")
    if metadata["format"] > FORMAT:
        versions = metadata.get("versions")
        written_by = versions.get("sklearn_lstmae", "?") if isinstance(versions, dict) else "?"
        raise ArchiveError(
            f"the file has format {metadata['format']}, written by sklearn-lstmae "
            f"{written_by}; this version reads format {FORMAT} and older: upgrade "
            "sklearn-lstmae to load it"
        )
    return metadata


def _read_arrays(data):
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as error:
        raise ArchiveError(f"the archive's {ARRAYS} cannot be read: {error}") from error


def load(path, *, max_bytes=MAX_BYTES):
    """Read an estimator written by its ``save`` method.

    The file is treated as untrusted: it runs no code, and a damaged or
    hostile one gets a ``ValueError`` before it can exhaust memory.

    Read more in the :ref:`User Guide <saving>`.

    Parameters
    ----------
    path : str, os.PathLike or binary file object
        The file to read.
    max_bytes : int, default=2**30
        The most the file may inflate to, its members and theirs together
        (1 GiB by default), checked from the zip directories before anything
        is decompressed. Raise it for a large model you trust.

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
        If the file is not such an archive; holds unexpected or repeated
        members, or more than ``max_bytes``; was written in a newer format;
        holds parameters the estimator does not accept or fitted state that
        does not fit it (wrong types, ranges or network shapes); or its network
        holds a ``Lambda`` layer or a class that is not registered with Keras.
        The message names the member at fault.

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
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive int; got {max_bytes!r}")
    members = _read_members(path, max_bytes)
    metadata = _read_metadata(members[METADATA])
    arrays = _read_arrays(members[ARRAYS])
    models = {name: data for name, data in members.items() if _MODEL_NAME.fullmatch(name)}
    return Decoder(arrays, models).estimator(metadata)


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
            Where to write. An existing file is replaced atomically: the
            archive is written to a temporary file in the same folder,
            synced to disk, then renamed over it, so a failed call (a full
            disk, say) leaves the old file byte for byte.

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
