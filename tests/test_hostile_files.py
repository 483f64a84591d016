"""Issue 36's table, rows 1, 2 and 6 to 8: hostile or damaged files get a clear ValueError.

A file we read is untrusted: it runs no code, is refused before it can exhaust memory, and a
failed save leaves the file it would have replaced byte for byte.
"""

import io
import json
import os
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile

import numpy as np
import pytest

import sklearn_lstmae
from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from tests._helpers import FAST


@pytest.fixture(scope="module")
def fitted_file():
    X = np.sin(np.linspace(0, 20, 240)).reshape(24, 10)
    file = io.BytesIO()
    LSTMAutoencoderTransformer(**FAST).fit(X).save(file)
    return file.getvalue()


def _members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _archive(members, *, extra=()):
    """A zip of ``members`` (a dict), then ``extra`` (name, bytes) pairs, duplicates allowed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in [*members.items(), *extra]:
            archive.writestr(name, content)
    return out.getvalue()


def _with_metadata(data, change):
    members = _members(data)
    metadata = json.loads(members["metadata.json"])
    change(metadata)
    text = json.dumps(metadata)
    depth = metadata.get("_depth")  # nesting deeper than json.dumps itself can write
    if depth:
        text = text.replace('"DEEP"', "[" * depth + "1" + "]" * depth)
    return _archive({**members, "metadata.json": text})


def _load(data, **kwargs):
    return sklearn_lstmae.load(io.BytesIO(data), **kwargs)


def _inflating_member(name, n_bytes):
    """An archive whose ``name`` member is ``n_bytes`` of zeros (deflated to about 1/1000)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps({"format": 1}))
        archive.writestr("arrays.npz", b"")
        with archive.open(name, "w", force_zip64=True) as member:
            chunk = bytes(2**24)
            for _ in range(n_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def test_row_1_a_member_that_inflates_past_max_bytes_is_refused_before_it_is_read():
    bomb = _inflating_member("model.keras", 64 * 2**20)
    assert len(bomb) < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="would inflate to 67,108,8[0-9]{2} bytes.*max_bytes"):
            _load(bomb, max_bytes=32 * 2**20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * 2**20


@pytest.mark.slow
def test_row_1_the_issues_bomb_of_1_5_gib_is_refused_with_the_default_cap():
    bomb = _inflating_member("model.keras", 3 * 2**29)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="would inflate to 1,610,612,7[0-9]{2} bytes"):
            _load(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 500 * 2**20


def test_row_1_members_that_are_zips_count_what_they_inflate_to(fitted_file):
    members = _members(fitted_file)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", compression=zipfile.ZIP_DEFLATED) as npz:
        npz.writestr("a0.npy", bytes(16 * 2**20))
    with pytest.raises(ValueError, match="arrays.npz would inflate"):
        _load(_archive({**members, "arrays.npz": inner.getvalue()}), max_bytes=8 * 2**20)
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        _load(fitted_file, max_bytes=0)
    assert _load(fitted_file, max_bytes=2**22).n_timesteps_ == 10


def test_row_2_a_save_that_fails_partway_leaves_the_old_file_byte_for_byte(fitted_file, tmp_path):
    target = tmp_path / "model.lstmae"
    target.write_bytes(fitted_file)
    script = textwrap.dedent(
        f"""
        import resource, signal
        import numpy as np
        from sklearn_lstmae import LSTMAutoencoderTransformer
        X = np.sin(np.linspace(0, 20, 240)).reshape(24, 10)
        estimator = LSTMAutoencoderTransformer(units=8, epochs=1, random_state=1).fit(X)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        try:
            estimator.save({str(target)!r})
        except OSError as error:
            print("failed:", error.errno)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "failed: 27" in done.stdout, done.stderr[-2000:]  # EFBIG
    assert target.read_bytes() == fitted_file
    assert os.listdir(tmp_path) == ["model.lstmae"]  # no temporary file left behind
    assert _load(target.read_bytes()).n_timesteps_ == 10


def test_a_save_replaces_the_file_and_keeps_its_permissions(fitted_file, tmp_path):
    target = tmp_path / "model.lstmae"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    _load(fitted_file).save(target)
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert _load(target.read_bytes()).n_timesteps_ == 10
    new = tmp_path / "new.lstmae"
    _load(fitted_file).save(new)
    assert os.stat(new).st_mode & 0o777 == 0o666 & ~_umask()


def _umask():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))


def test_row_6_a_repeated_member_is_refused(fitted_file):
    members = _members(fitted_file)
    with pytest.warns(UserWarning, match="Duplicate name"):
        doubled = _archive(members, extra=[("metadata.json", members["metadata.json"])])
    with pytest.raises(ValueError, match="holds 'metadata.json' more than once"):
        _load(doubled)


def _drop(key):
    return lambda metadata: metadata.pop(key)


def _nested(depth):
    def change(metadata):
        metadata["state"]["history_"] = "DEEP"
        metadata["_depth"] = depth

    return change


def _random_state_keys(metadata):
    metadata["state"]["_random_state"]["__random_state__"]["keys"] = {"__array__": "a0"}
    metadata["state"]["_random_state"]["__random_state__"]["pos"] = "x"


@pytest.mark.parametrize(
    "change, message",
    [
        (_drop("params"), "no estimator parameters and state"),
        (_drop("state"), "no estimator parameters and state"),
        (_random_state_keys, "bad __random_state__ entry"),
        (_nested(800), "nests deeper than 64 levels"),
        (_nested(100_000), "nests too deeply"),
    ],
    ids=["no params", "no state", "bad random state", "800 deep", "100,000 deep"],
)
def test_row_7_damaged_metadata_gets_a_value_error(fitted_file, change, message):
    with pytest.raises(ValueError, match=message):
        _load(_with_metadata(fitted_file, change))


def test_row_7_a_garbage_network_member_gets_a_value_error_naming_it(fitted_file):
    members = _members(fitted_file)
    with pytest.raises(ValueError, match="model.keras is not a zip archive"):
        _load(_archive({**members, "model.keras": b"not a keras file" * 100}))
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as keras_file:
        keras_file.writestr("config.json", "{not json")
    with pytest.raises(ValueError, match="network model.keras cannot be loaded"):
        _load(_archive({**members, "model.keras": inner.getvalue()}))


def _set(*path, value):
    def change(metadata):
        node = metadata
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_set("params", "units", value=10**9), "parameters do not fit.*'units'"),
        (_set("params", "epochs", value="many"), "parameters do not fit.*'epochs'"),
        (_set("state", "n_timesteps_", value=-5), "fitted state.*n_timesteps_"),
        (_set("state", "n_channels_", value=2), "fitted state"),
        (_set("state", "input_ndim_", value=7), "fitted state.*input_ndim_"),
        (_set("state", "channel_mean_", value=[1.0]), "fitted state.*channel_mean_"),
        (
            _set(
                "params",
                "optimizer",
                value={"__keras_optimizer__": {"class_name": "os.system", "config": {}}},
            ),
            "__keras_optimizer__|parameters do not fit",
        ),
    ],
    ids=["units", "epochs", "n_timesteps_", "n_channels_", "input_ndim_", "mean", "optimizer"],
)
def test_row_8_tampered_metadata_is_refused_at_load(fitted_file, change, message):
    with pytest.raises(ValueError, match=message):
        _load(_with_metadata(fitted_file, change))


def test_row_8_a_network_that_is_not_the_one_described_is_refused(fitted_file):
    X = np.sin(np.linspace(0, 20, 240)).reshape(24, 10)
    other = io.BytesIO()
    LSTMAutoencoderOutlierDetector(**{**FAST, "units": 3}).fit(X[:, :6]).save(other)
    swapped = {**_members(fitted_file), "model.keras": _members(other.getvalue())["model.keras"]}
    with pytest.raises(ValueError, match="fitted state.*not the one network_params_ describe"):
        _load(_archive(swapped))
