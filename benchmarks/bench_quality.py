"""Quality: LSTM-AE codes and anomaly scores against simple baselines, in one run.

Six data sets that sktime ships (nothing is downloaded): GunPoint, ArrowHead,
ItalyPowerDemand, OSULeaf (univariate), BasicMotions (6 channels) and
JapaneseVowels (12 channels, 7 to 29 steps). Every method sees the data as
sktime loads it: no normalization beyond what each pipeline does itself.

Features (test accuracy, train/test split as shipped):

- ``LSTM-AE``: ``LSTMAutoencoderTransformer(random_state=seed) -> StandardScaler
  -> LogisticRegression`` (defaults, plus ``--params`` if given);
- ``LSTM-AE windows``: ``WindowCodeTransformer(random_state=seed) -> StandardScaler
  -> LogisticRegression``: an LSTM autoencoder (defaults) fitted on windows of 32
  steps, its window codes pooled per sequence (``--params`` does not apply);
- ``raw+logistic``: ``StandardScaler -> LogisticRegression`` on the raw values;
- ``1-NN ED``: 1-nearest neighbour, Euclidean distance on the raw values;
- ``1-NN DTW`` (JapaneseVowels): sktime's 1-NN with dynamic time warping, on
  the sequences of their own lengths;
- ``MiniRocket`` (a strong *supervised* reference, not a target): sktime's
  MiniRocket features -> ``RidgeClassifierCV``.

Raw-value methods take JapaneseVowels resampled (linear interpolation) to 26
steps, its longest training length; the LSTM-AE takes the sequences as a list.

Anomaly detection (one-class protocol of ``bench_anomaly.py``): each class in
turn is normal, the detector is fitted on that class's training sequences and
scores every test sequence; mean ROC AUC over the normal classes. Baselines
on the flattened raw values, z-normalized per channel with the normal training
data's statistics (the LSTM-AE detector gets the data as loaded, and its
defaults; JapaneseVowels NaN-padded to the longest length to be scored, 29 steps, since
the decoder generates as many steps as the longest training sequence): ``IsolationForest``,
``OneClassSVM``, ``LocalOutlierFactor(novelty=True)``.

``--protocol cv`` evaluates every method by 3-fold stratified
cross-validation *on the training split* instead (test data untouched): the
protocol for choosing defaults.

    pip install -e ".[benchmark]"
    python benchmarks/bench_quality.py [--seeds 0 1 2] [--datasets GunPoint ...]
        [--tasks features anomaly] [--protocol test|cv] [--params '{"units": 64}']
        [--methods LSTM-AE "LSTM-AE windows" ...]
"""

import argparse
import json
import time
import warnings

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression, RidgeClassifierCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM

from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    LSTMAutoencoderTransformer,
    WindowCodeTransformer,
)

DATASETS = [
    "GunPoint",
    "ArrowHead",
    "ItalyPowerDemand",
    "OSULeaf",
    "BasicMotions",
    "JapaneseVowels",
]


# ---------------------------------------------------------------------- data
def _as_list(X):
    """sktime's nested DataFrame -> list of (length, n_channels) arrays."""
    return [
        np.stack([X.iloc[i, j].to_numpy() for j in range(X.shape[1])], axis=1)
        for i in range(len(X))
    ]


def load(name):
    """Return ((X_train, y_train), (X_test, y_test)); X as (n, T, C) or a list."""
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


def fixed_length(X, width):
    """(n, width, C): arrays as they are, lists resampled by linear interpolation."""
    if not isinstance(X, list):
        return X
    grid = np.linspace(0, 1, width)
    return np.stack(
        [
            np.stack(
                [np.interp(grid, np.linspace(0, 1, len(s)), s[:, c]) for c in range(s.shape[1])],
                axis=1,
            )
            for s in X
        ]
    )


def nan_padded(sequences, width):
    """A list of (length, C) sequences as one (n, width, C) array, NaN after each end."""
    padded = np.full((len(sequences), width, sequences[0].shape[1]), np.nan)
    for i, sequence in enumerate(sequences):
        padded[i, : len(sequence)] = sequence
    return padded


def take(X, index):
    return [X[i] for i in index] if isinstance(X, list) else X[index]


def splits(X, y, X_test, y_test, protocol):
    """Yield (X_fit, y_fit, X_eval, y_eval): the shipped split, or CV folds of training data."""
    if protocol == "test":
        yield X, y, X_test, y_test
        return
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    for fit, held_out in folds.split(np.zeros(len(y)), y):
        yield take(X, fit), y[fit], take(X, held_out), y[held_out]


def flat(X):
    return X.reshape(len(X), -1)


# ------------------------------------------------------------------ features
def _minirocket(n_channels, variable_length):
    from sktime.transformations.panel.rocket import MiniRocket, MiniRocketMultivariate

    transformer = MiniRocketMultivariate if n_channels > 1 else MiniRocket
    return transformer, RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))


def feature_methods(params, seed):
    """Name -> fit_and_score(X_fit, y_fit, X_eval, y_eval, width) -> accuracy."""

    def codes_and_logistic(transformer, X, y, Xe, ye):
        pipe = make_pipeline(transformer, StandardScaler(), LogisticRegression(max_iter=2000))
        return pipe.fit(X, y).score(Xe, ye)

    def lstm_ae(X, y, Xe, ye, width):
        transformer = LSTMAutoencoderTransformer(random_state=seed, **params)
        return codes_and_logistic(transformer, X, y, Xe, ye)

    def lstm_ae_windows(X, y, Xe, ye, width):
        return codes_and_logistic(WindowCodeTransformer(random_state=seed), X, y, Xe, ye)

    def raw_logistic(X, y, Xe, ye, width):
        pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        return pipe.fit(flat(fixed_length(X, width)), y).score(flat(fixed_length(Xe, width)), ye)

    def nn_euclidean(X, y, Xe, ye, width):
        knn = KNeighborsClassifier(n_neighbors=1)
        return knn.fit(flat(fixed_length(X, width)), y).score(flat(fixed_length(Xe, width)), ye)

    def nn_dtw(X, y, Xe, ye, width):
        from tslearn.metrics import cdist_dtw
        from tslearn.utils import to_time_series_dataset

        # tslearn pads sequences of different lengths with NaN and ignores it.
        train, evaluate = to_time_series_dataset(X), to_time_series_dataset(Xe)
        knn = KNeighborsClassifier(n_neighbors=1, metric="precomputed")
        return knn.fit(cdist_dtw(train), y).score(cdist_dtw(evaluate, train), ye)

    def minirocket(X, y, Xe, ye, width):
        X, Xe = fixed_length(X, width), fixed_length(Xe, width)
        transformer, ridge = _minirocket(X.shape[2], False)
        rocket = transformer(random_state=seed)
        features = rocket.fit_transform(X.transpose(0, 2, 1))
        scaler = StandardScaler().fit(features)
        ridge.fit(scaler.transform(features), y)
        return ridge.score(scaler.transform(rocket.transform(Xe.transpose(0, 2, 1))), ye)

    return {
        "LSTM-AE": (lstm_ae, True),
        "LSTM-AE windows": (lstm_ae_windows, True),
        "raw+logistic": (raw_logistic, False),
        "1-NN ED": (nn_euclidean, False),
        "1-NN DTW": (nn_dtw, False),
        "MiniRocket": (minirocket, True),
    }


# ------------------------------------------------------------------- anomaly
def anomaly_methods(params, seed):
    """Name -> (estimator, raw): raw-value methods get flattened, z-normalized input."""
    return {
        "LSTM-AE": (LSTMAutoencoderOutlierDetector(random_state=seed, **params), False),
        "IsolationForest": (IsolationForest(random_state=seed), True),
        "OneClassSVM": (OneClassSVM(), True),
        "LOF": (LocalOutlierFactor(novelty=True), True),
    }


def anomaly_aucs(X, y, Xe, ye, width, params, seed, seeded_only):
    """Per method, the mean ROC AUC over the normal classes, and the fit+score time."""
    results = {}
    for name, (estimator, raw) in anomaly_methods(params, seed).items():
        if seeded_only and name in ("OneClassSVM", "LOF"):
            continue
        aucs, seconds = [], 0.0
        for normal in np.unique(y):
            rows = np.flatnonzero(y == normal)
            X_normal = take(X, rows)
            is_anomaly = ye != normal
            if raw:
                fit = fixed_length(X_normal, width)
                mean, std = fit.mean(axis=(0, 1)), fit.std(axis=(0, 1)) + 1e-8
                fit, evaluate = (
                    flat((fit - mean) / std),
                    flat((fixed_length(Xe, width) - mean) / std),
                )
            elif isinstance(X, list):
                # The decoder generates as many steps as the longest training sequence: pad
                # the normal sequences (NaN, masked) to the longest length to be scored.
                longest = max(len(s) for s in X + Xe)
                fit, evaluate = nan_padded(X_normal, longest), nan_padded(Xe, longest)
            else:
                fit, evaluate = X_normal, Xe
            start = time.perf_counter()
            scores = estimator.fit(fit).score_samples(evaluate)
            seconds += time.perf_counter() - start
            aucs.append(roc_auc_score(is_anomaly, -scores))
        results[name] = (float(np.mean(aucs)), seconds)
    return results


# ---------------------------------------------------------------------- main
def run(args):
    params = json.loads(args.params)
    rows = []  # (task, data set, method, seed, score, seconds)
    for name in args.datasets:
        (X, y), (X_test, y_test) = load(name)
        lengths = [len(s) for s in X] if isinstance(X, list) else [X.shape[1]]
        width = max(lengths)
        folds = list(splits(X, y, X_test, y_test, args.protocol))
        for seed_index, seed in enumerate(args.seeds):
            if "features" in args.tasks:
                for method, (function, seeded) in feature_methods(params, seed).items():
                    if method == "1-NN DTW" and not isinstance(X, list):
                        continue  # 1-NN DTW only where the set is variable-length
                    if method == "MiniRocket" and args.no_minirocket:
                        continue
                    if args.methods and method not in args.methods:
                        continue
                    if seed_index and not seeded:
                        continue  # deterministic: once
                    start = time.perf_counter()
                    score = np.mean([function(*fold, width) for fold in folds])
                    rows.append(
                        ("features", name, method, seed, score, time.perf_counter() - start)
                    )
                    print(f"features {name:16s} {method:15s} seed {seed}: {score:.3f}", flush=True)
            if "anomaly" in args.tasks:
                per_fold = [
                    anomaly_aucs(*fold, width, params, seed, seeded_only=seed_index > 0)
                    for fold in folds
                ]
                for method in per_fold[0]:
                    auc = np.mean([fold[method][0] for fold in per_fold])
                    seconds = np.sum([fold[method][1] for fold in per_fold])
                    rows.append(("anomaly", name, method, seed, auc, seconds))
                    print(f"anomaly  {name:16s} {method:13s} seed {seed}: {auc:.3f}", flush=True)
    return rows


def table(rows, task):
    methods = list(dict.fromkeys(r[2] for r in rows if r[0] == task))
    datasets = list(dict.fromkeys(r[1] for r in rows if r[0] == task))
    if not methods:
        return
    what = "test accuracy" if task == "features" else "mean ROC AUC over normal classes"
    print(f"\n{task}: {what}, mean ± std over seeds (fit+score seconds per seed)")
    print("| data set | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    for name in datasets:
        cells = []
        for method in methods:
            got = [(r[4], r[5]) for r in rows if r[0] == task and r[1] == name and r[2] == method]
            if not got:
                cells.append("")
                continue
            scores, seconds = np.array(got).T
            spread = f" ± {scores.std():.3f}" if len(scores) > 1 else ""
            cells.append(f"{scores.mean():.3f}{spread} ({seconds.mean():.0f} s)")
        print(f"| {name} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=DATASETS, choices=DATASETS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--tasks", nargs="+", default=["features", "anomaly"])
    parser.add_argument("--protocol", choices=["test", "cv"], default="test")
    parser.add_argument("--params", default="{}", help="JSON of LSTM-AE parameters to set")
    parser.add_argument("--no-minirocket", action="store_true")
    parser.add_argument("--methods", nargs="+", help="feature methods to run (default: all)")
    args = parser.parse_args()
    unknown = sorted(set(args.methods or ()) - set(feature_methods({}, 0)))
    if unknown:
        parser.error(f"unknown --methods {unknown}; choose from {list(feature_methods({}, 0))}")
    print(f"protocol={args.protocol} params={args.params} seeds={args.seeds}", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        rows = run(args)
    for task in ("features", "anomaly"):
        table(rows, task)


if __name__ == "__main__":
    main()
