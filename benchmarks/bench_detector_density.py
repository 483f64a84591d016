"""The detector with a nearest-neighbour density of the raw values beside its own score.

Issue 35's third direction: where ``LSTMAutoencoderOutlierDetector`` loses to raw-value
baselines in the one-class protocol, does a k-NN distance on the standardized raw values,
multiplied into its combined score, close the gap? One default detector fit per normal class,
fold and seed (``LSTMAutoencoderOutlierDetector(random_state=seed)``, the data as
``bench_quality.py`` gives it); from that fit:

- ``detector``: its ``score_samples`` (the default ``scoring="combined"``: minus the log of the
  reconstruction distance times the code k-NN distance);
- ``raw k-NN``: minus the mean Euclidean distance to the ``k`` nearest normal training sequences,
  flattened and z-normalized per channel with the normal training data's statistics (the
  raw-value baselines' input), ``k = 2`` as the detector's ``n_neighbors``;
- ``detector x raw k-NN``: ``detector`` minus the log of that distance (a third factor in the
  product, which needs no common scale);
- ``detector x raw k-NN, k = sqrt(n)``: the same with ``k = max(2, round(sqrt(n)))`` for ``n``
  normal training sequences (a rule of the training size);
- the baselines of ``bench_quality.py``'s anomaly table on the same raw input:
  ``LocalOutlierFactor(novelty=True)``, ``IsolationForest(random_state=seed)``, ``OneClassSVM()``.

Mean ROC AUC over the normal classes, as in ``bench_quality.py``'s anomaly table. ``--protocol
cv`` scores 3-fold stratified CV folds of the training split (the protocol for choosing; test
data untouched), ``test`` the shipped split.

    pip install -e ".[benchmark]"
    python benchmarks/bench_detector_density.py [--datasets GunPoint ...] [--seeds 0]
        [--protocol cv|test] [--rows density.jsonl]
    python benchmarks/bench_detector_density.py --tables-from density.jsonl ...
"""

import argparse
import time

import numpy as np
from bench_quality import MIN_NORMAL, fixed_length, flat, nan_padded, splits, take
from dev_suite import DEVELOPMENT_SUITE, load
from rows import append_row, read_rows
from scipy.spatial.distance import cdist
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM

from sklearn_lstmae import LSTMAutoencoderOutlierDetector

VARIANTS = (
    "detector",
    "raw k-NN",
    "detector x raw k-NN",
    "detector x raw k-NN, k = sqrt(n)",
    "LOF",
    "IsolationForest",
    "OneClassSVM",
)
BASELINES = VARIANTS[-3:]


def knn_distance(train, evaluate, k):
    """Mean distance of each evaluated row to its ``k`` nearest training rows (at least tiny)."""
    distances = np.sort(cdist(evaluate, train), axis=1)[:, :k].mean(axis=1)
    return np.maximum(distances, np.finfo(np.float64).tiny)


def class_scores(X, y, Xe, normal, width, seed):
    """Variant -> scores of every evaluated sequence (higher is more normal), one detector fit."""
    X_normal = take(X, np.flatnonzero(y == normal))
    raw = fixed_length(X_normal, width)
    mean, std = raw.mean(axis=(0, 1)), raw.std(axis=(0, 1)) + 1e-8
    raw_fit = flat((raw - mean) / std)
    raw_evaluate = flat((fixed_length(Xe, width) - mean) / std)
    if isinstance(X, list):
        longest = max(len(s) for s in X + Xe)
        fit, evaluate = nan_padded(X_normal, longest), nan_padded(Xe, longest)
    else:
        fit, evaluate = X_normal, Xe
    detector = LSTMAutoencoderOutlierDetector(random_state=seed).fit(fit)
    own = detector.score_samples(evaluate)
    n = len(raw_fit)
    near = knn_distance(raw_fit, raw_evaluate, min(2, n))
    rule = knn_distance(raw_fit, raw_evaluate, min(max(2, round(np.sqrt(n))), n))
    baselines = {
        "LOF": LocalOutlierFactor(novelty=True),
        "IsolationForest": IsolationForest(random_state=seed),
        "OneClassSVM": OneClassSVM(),
    }
    return {
        "detector": own,
        "raw k-NN": -near,
        "detector x raw k-NN": own - np.log(near),
        "detector x raw k-NN, k = sqrt(n)": own - np.log(rule),
        **{
            label: model.fit(raw_fit).score_samples(raw_evaluate)
            for label, model in baselines.items()
        },
    }


def run_one(name, seed, protocol):
    """Per variant, the mean ROC AUC over normal classes and folds (None if no class qualifies)."""
    (X, y), (X_test, y_test) = load(name)
    width = max(len(s) for s in X) if isinstance(X, list) else X.shape[1]
    aucs = {variant: [] for variant in VARIANTS}
    start = time.perf_counter()
    for X_fit, y_fit, X_eval, y_eval in splits(X, y, X_test, y_test, protocol):
        classes, counts = np.unique(y_fit, return_counts=True)
        for normal in classes[counts >= MIN_NORMAL]:
            scores = class_scores(X_fit, y_fit, X_eval, normal, width, seed)
            for variant, values in scores.items():
                aucs[variant].append(roc_auc_score(y_eval != normal, -values))
    if not aucs["detector"]:
        return None
    means = {variant: float(np.mean(values)) for variant, values in aucs.items()}
    return {
        "set": name,
        "seed": seed,
        "protocol": protocol,
        "seconds": time.perf_counter() - start,
        "auc": means,
    }


def table(rows):
    """Markdown: mean ROC AUC per set and variant (mean over seeds), the mean over sets."""
    sets = sorted({row["set"] for row in rows}, key=list(DEVELOPMENT_SUITE).index)
    lines = ["| data set | " + " | ".join(VARIANTS) + " |", "|---" * (len(VARIANTS) + 1) + "|"]
    per_set = {}
    for name in sets:
        chosen = [row for row in rows if row["set"] == name]
        per_set[name] = {v: np.mean([row["auc"][v] for row in chosen]) for v in VARIANTS}
        best = max(per_set[name].values())
        cells = [
            (
                f"**{per_set[name][v]:.3f}**"
                if per_set[name][v] == best
                else f"{per_set[name][v]:.3f}"
            )
            for v in VARIANTS
        ]
        seeds = ",".join(str(row["seed"]) for row in chosen)
        lines.append(f"| {name} (seeds {seeds}) | " + " | ".join(cells) + " |")
    means = [f"{np.mean([per_set[n][v] for n in sets]):.4f}" for v in VARIANTS]
    lines.append(f"| mean over {len(sets)} sets | " + " | ".join(means) + " |")
    lines.append("")
    for variant in VARIANTS[: -len(BASELINES)]:
        wins = sum(per_set[n][variant] > max(per_set[n][b] for b in BASELINES) for n in sets)
        lines.append(f"- {variant}: above the best baseline on {wins} of {len(sets)} sets")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DEVELOPMENT_SUITE))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--protocol", choices=["test", "cv"], default="cv")
    parser.add_argument("--rows", help="append each set and seed's result to this file (JSONL)")
    parser.add_argument("--tables-from", nargs="+", help="print the table of these --rows files")
    args = parser.parse_args()
    if args.tables_from:
        print(table(read_rows(args.tables_from)))
        return
    rows = []
    for name in args.datasets:
        for seed in args.seeds:
            row = run_one(name, seed, args.protocol)
            if row is None:
                print(f"{name}: skipped, no class has {MIN_NORMAL} training sequences")
                continue
            rows.append(row)
            append_row(args.rows, row)
            cells = {v: round(a, 3) for v, a in row["auc"].items()}
            print(f"{name} seed {seed} ({args.protocol}): {cells} ({row['seconds']:.0f} s)")
    if rows:
        print(table(rows))


if __name__ == "__main__":
    main()
