"""est.save(path) and sklearn_lstmae.load(path): a zip of data only, no pickle."""

import io
import json
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import keras
import numpy as np
import pytest

import sklearn_lstmae
from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from tests._helpers import FAST

ESTIMATORS = [LSTMAutoencoderTransformer, LSTMAutoencoderOutlierDetector]


def _saved(estimator):
    file = io.BytesIO()
    estimator.save(file)
    return file.getvalue()


def _rewritten(data, change):
    """The archive ``data`` with its members passed through ``change(dict) -> dict``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in change(members).items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_round_trip_through_a_file(Estimator, italy_power, tmp_path):
    X = italy_power[0][:24]
    estimator = Estimator(**FAST, standardize=True).fit(X)
    path = tmp_path / "model.lstmae"
    estimator.save(path)
    loaded = sklearn_lstmae.load(path)
    assert type(loaded) is Estimator
    assert loaded.get_params() == estimator.get_params()
    np.testing.assert_array_equal(loaded.score_samples(X), estimator.score_samples(X))
    np.testing.assert_array_equal(loaded.reconstruct(X), estimator.reconstruct(X))
    np.testing.assert_array_equal(loaded.channel_mean_, estimator.channel_mean_)
    assert loaded.history_ == estimator.history_
    assert loaded.network_params_ == estimator.network_params_  # tuples stay tuples
    if Estimator is LSTMAutoencoderOutlierDetector:
        assert loaded.offset_ == estimator.offset_
        np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))
    # Optimizer state and random state came along: training goes on identically.
    loaded.partial_fit(X)
    estimator.partial_fit(X)
    np.testing.assert_allclose(loaded.reconstruct(X), estimator.reconstruct(X), rtol=1e-6)


def test_round_trip_of_a_composite_on_variable_lengths(japanese_vowels):
    X = japanese_vowels[0][:20]
    composite = LSTMAutoencoderTransformer(**FAST, future_steps=2).fit(X)
    loaded = sklearn_lstmae.load(io.BytesIO(_saved(composite)))
    np.testing.assert_array_equal(loaded.forecast(X[:3]), composite.forecast(X[:3]))
    for got, expected in zip(loaded.reconstruct(X), composite.reconstruct(X), strict=True):
        np.testing.assert_array_equal(got, expected)
    detector = LSTMAutoencoderOutlierDetector(**FAST, future_steps=2).fit(X)
    loaded = sklearn_lstmae.load(io.BytesIO(_saved(detector)))
    np.testing.assert_array_equal(loaded.score_samples(X), detector.score_samples(X))
    assert loaded.scoring_ == detector.scoring_ == "combined"


def test_an_unfitted_estimator_keeps_its_parameters():
    estimator = LSTMAutoencoderTransformer(units=(8, 4), optimizer=keras.optimizers.SGD(0.1))
    data = _saved(estimator)
    assert set(zipfile.ZipFile(io.BytesIO(data)).namelist()) == {"metadata.json", "arrays.npz"}
    loaded = sklearn_lstmae.load(io.BytesIO(data))
    assert loaded.units == (8, 4)
    assert isinstance(loaded.optimizer, keras.optimizers.SGD)
    assert loaded.optimizer.get_config() == estimator.optimizer.get_config()
    assert not hasattr(loaded, "model_")


def test_the_file_holds_no_pickle(italy_power):
    X = italy_power[0][:24]
    data = _saved(LSTMAutoencoderOutlierDetector(**FAST).fit(X))
    with pytest.raises(pickle.UnpicklingError):
        pickle.loads(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["arrays.npz", "metadata.json", "model.keras"]
        json.loads(archive.read("metadata.json"))
        with np.load(io.BytesIO(archive.read("arrays.npz")), allow_pickle=False) as arrays:
            assert all(arrays[name].dtype != object for name in arrays.files)
        with zipfile.ZipFile(io.BytesIO(archive.read("model.keras"))) as network:
            for name in network.namelist():
                content = network.read(name)
                if name.endswith(".json"):
                    json.loads(content)
                else:  # the weights: HDF5, whose signature opens the file
                    assert name.endswith(".h5") and content.startswith(b"\x89HDF\r\n\x1a\n")


def _with_network(estimator, model):
    """``estimator``'s archive with its network replaced by ``model``'s."""
    from sklearn_lstmae._engine.model_bytes import model_to_bytes

    network = model_to_bytes(model)
    return _rewritten(_saved(estimator), lambda members: {**members, "model.keras": network})


def test_a_lambda_layer_is_refused(italy_power):
    X = italy_power[0][:16]
    estimator = LSTMAutoencoderTransformer(**FAST).fit(X)
    ran = []
    inputs = keras.Input((3,))
    planted = keras.Model(inputs, keras.layers.Lambda(lambda x: ran.append(1) or x)(inputs))
    ran.clear()
    with pytest.raises(ValueError, match="safe mode"):
        sklearn_lstmae.load(io.BytesIO(_with_network(estimator, planted)))
    assert not ran


class _Unregistered(keras.layers.Layer):
    def call(self, x):
        return x


def test_an_unregistered_class_is_refused(italy_power):
    X = italy_power[0][:16]
    estimator = LSTMAutoencoderTransformer(**FAST).fit(X)
    inputs = keras.Input((3,))
    planted = keras.Model(inputs, _Unregistered()(inputs))
    with pytest.raises(ValueError, match="not registered"):
        sklearn_lstmae.load(io.BytesIO(_with_network(estimator, planted)))


def _metadata_changed(data, change):
    def rewrite(members):
        metadata = json.loads(members["metadata.json"])
        change(metadata)
        return {**members, "metadata.json": json.dumps(metadata)}

    return _rewritten(data, rewrite)


def _set(key, value):
    def change(metadata):
        metadata[key] = value

    return change


@pytest.mark.parametrize(
    "change, message",
    [
        (_set("format", 2), "format 2.*upgrade"),
        (_set("estimator", "os.system"), "unknown estimator"),
        (_set("params", {"units": 4, "not_a_parameter": 1}), "parameters do not fit"),
        (_set("state", {"fit": 1}), "unexpected names"),
        (_set("state", {"x_": {"__object__": "subprocess.Popen", "fields": {}}}), "unknown class"),
        (_set("state", {"x_": {"__reduce__": ["os.system", "ls"]}}), "unknown tag"),
        (_set("state", {"x_": {"__array__": "missing"}}), "no array"),
    ],
)
def test_unexpected_metadata_gets_a_clear_error(change, message):
    data = _saved(LSTMAutoencoderTransformer(units=4))
    with pytest.raises(ValueError, match=message):
        sklearn_lstmae.load(io.BytesIO(_metadata_changed(data, change)))


def test_unexpected_members_and_other_files_get_a_clear_error(tmp_path):
    data = _saved(LSTMAutoencoderTransformer(units=4))
    extra = _rewritten(data, lambda members: {**members, "payload.pkl": b"\x80\x04N."})
    with pytest.raises(ValueError, match="payload.pkl"):
        sklearn_lstmae.load(io.BytesIO(extra))
    missing = _rewritten(data, lambda members: {"metadata.json": members["metadata.json"]})
    with pytest.raises(ValueError, match="arrays.npz"):
        sklearn_lstmae.load(io.BytesIO(missing))
    pickled = tmp_path / "model.pkl"
    pickled.write_bytes(pickle.dumps(LSTMAutoencoderTransformer()))
    with pytest.raises(ValueError, match="not a zip archive"):
        sklearn_lstmae.load(pickled)


def test_callbacks_are_not_saved_and_a_warning_says_so():
    estimator = LSTMAutoencoderTransformer(units=4, callbacks=[keras.callbacks.History()])
    with pytest.warns(UserWarning, match="callbacks are not saved"):
        data = _saved(estimator)
    assert sklearn_lstmae.load(io.BytesIO(data)).callbacks is None
    assert len(estimator.callbacks) == 1  # the estimator itself is unchanged


def test_a_failed_save_leaves_an_existing_file_untouched(italy_power, tmp_path):
    estimator = LSTMAutoencoderTransformer(**FAST).fit(italy_power[0][:16])
    path = tmp_path / "model.lstmae"
    path.write_bytes(b"previous")
    estimator.history_ = {"loss": [object()]}  # not data
    with pytest.raises(TypeError, match="without pickle"):
        estimator.save(path)
    assert path.read_bytes() == b"previous"


LOAD_ON_JAX = textwrap.dedent(
    """
    import json, sys
    import keras
    import numpy as np
    import sklearn_lstmae

    estimator = sklearn_lstmae.load(sys.argv[1])
    X = np.load(sys.argv[2])
    print(json.dumps({
        "backend": keras.backend.backend(),
        "scores": estimator.score_samples(X).tolist(),
        "predictions": estimator.predict(X).tolist(),
    }))
    """
)


@pytest.mark.slow
def test_a_file_saved_on_tensorflow_loads_on_jax(italy_power, tmp_path):
    X = italy_power[0][:24].astype(np.float32)
    detector = LSTMAutoencoderOutlierDetector(**FAST).fit(X)
    detector.save(tmp_path / "detector.lstmae")
    np.save(tmp_path / "X.npy", X)
    env = dict(os.environ, KERAS_BACKEND="jax")  # the child's environment only
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            LOAD_ON_JAX,
            str(tmp_path / "detector.lstmae"),
            str(tmp_path / "X.npy"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["backend"] == "jax"
    # Combined scores are logs of distances: an absolute tolerance on them is a relative one
    # on the distances (float32 networks differ between backends in the last digits).
    np.testing.assert_allclose(report["scores"], detector.score_samples(X), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(report["predictions"], detector.predict(X))


def test_a_series_detector_round_trips_with_its_window_detector(tmp_path):
    from sklearn.ensemble import IsolationForest

    from sklearn_lstmae import SeriesAnomalyDetector

    series = np.sin(np.arange(600) / 5).astype(np.float32)
    window_detector = LSTMAutoencoderOutlierDetector(units=4, epochs=2, scoring="mse")
    detector = SeriesAnomalyDetector(window_detector, window=20, random_state=0).fit(series)
    detector.save(tmp_path / "series.lstmae")
    with zipfile.ZipFile(tmp_path / "series.lstmae") as archive:
        assert "model.keras" in archive.namelist()
    loaded = sklearn_lstmae.load(tmp_path / "series.lstmae")
    np.testing.assert_array_equal(loaded.score_series(series), detector.score_series(series))
    assert loaded.threshold_ == detector.threshold_
    assert isinstance(loaded.estimator, LSTMAutoencoderOutlierDetector)
    forest = SeriesAnomalyDetector(IsolationForest(), window=20).fit(series)
    with pytest.raises(TypeError, match="skops"):
        forest.save(tmp_path / "forest.lstmae")
    assert not (tmp_path / "forest.lstmae").exists()


def test_a_window_code_transformer_round_trips_with_its_window_autoencoder(tmp_path):
    from sklearn.decomposition import PCA

    from sklearn_lstmae import WindowCodeTransformer

    X = np.sin(np.linspace(0, 60, 1200)).reshape(20, 60)
    autoencoder = LSTMAutoencoderTransformer(units=4, epochs=2)
    windows = WindowCodeTransformer(autoencoder, window=16, random_state=0).fit(X)
    windows.set_params(window=8)  # transform cuts windows as fit did: so must the loaded copy
    windows.save(tmp_path / "windows.lstmae")
    loaded = sklearn_lstmae.load(tmp_path / "windows.lstmae")
    assert type(loaded) is WindowCodeTransformer
    assert loaded.window == 8 and isinstance(loaded.estimator, LSTMAutoencoderTransformer)
    np.testing.assert_array_equal(loaded.transform(X), windows.transform(X))
    sequences = [X[0, :40], X[1, :10]]  # a list: one short sequence, one of several windows
    np.testing.assert_array_equal(loaded.transform(sequences), windows.transform(sequences))
    assert loaded.n_windows_ == windows.n_windows_ and loaded.stride_ == windows.stride_
    pca = WindowCodeTransformer(PCA(2), window=16).fit(X)
    with pytest.raises(TypeError, match="skops"):
        pca.save(tmp_path / "pca.lstmae")
    assert not (tmp_path / "pca.lstmae").exists()
