"""The file format's registry: classes register themselves; the archive knows only them."""

import io

import numpy as np
import pytest

import sklearn_lstmae
from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    LSTMAutoencoderTransformer,
    SeriesAnomalyDetector,
    WindowCodeTransformer,
)
from sklearn_lstmae._calibration_sample import CalibrationSample
from sklearn_lstmae._persistence import registry


@pytest.mark.parametrize(
    "cls",
    [
        LSTMAutoencoderTransformer,
        LSTMAutoencoderOutlierDetector,
        SeriesAnomalyDetector,
        WindowCodeTransformer,
    ],
)
def test_every_savable_estimator_registered_itself(cls):
    assert registry.savable_estimator(cls.__name__) is cls
    assert registry.is_savable_estimator(cls())


def test_a_subclass_or_a_namesake_is_not_savable():
    class LSTMAutoencoderTransformer(sklearn_lstmae.LSTMAutoencoderTransformer):
        pass

    assert not registry.is_savable_estimator(LSTMAutoencoderTransformer())
    with pytest.raises(TypeError, match="cannot save"):
        LSTMAutoencoderTransformer().save(io.BytesIO())


def test_plain_objects_are_registered_by_their_modules():
    from sklearn.covariance import LedoitWolf

    assert registry.plain_object_class("CalibrationSample") is CalibrationSample
    assert registry.plain_object_class("LedoitWolf") is LedoitWolf
    assert registry.plain_object_class("RandomState") is None


def test_a_newly_registered_class_round_trips_and_an_unknown_name_is_refused(monkeypatch):
    monkeypatch.setattr(registry, "_ESTIMATORS", dict(registry._ESTIMATORS))

    @registry.register_savable
    class Toy(sklearn_lstmae.LSTMAutoencoderTransformer):
        pass

    file = io.BytesIO()
    Toy(units=3, epochs=1).save(file)
    loaded = sklearn_lstmae.load(io.BytesIO(file.getvalue()))
    assert type(loaded) is Toy and loaded.units == 3
    del registry._ESTIMATORS["Toy"]
    with pytest.raises(ValueError, match="unknown estimator 'Toy'"):
        sklearn_lstmae.load(io.BytesIO(file.getvalue()))


def test_the_registry_imports_nothing_of_the_package():
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(registry.__file__).read_text())
    imported = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert all(getattr(n, "module", None) == "__future__" for n in imported)
    assert np.ndim(registry.savable_estimator("nothing")) == 0  # None for an unknown name
