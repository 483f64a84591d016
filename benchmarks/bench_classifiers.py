"""The classifier on the codes: the library's pipeline against others, on the same default fits.

The features goal (issue 35) is about the codes *with our pipeline*, ``StandardScaler ->
LogisticRegression(max_iter=2000)``, whose ``C=1`` was never chosen. This benchmark asks whether
another classifier on the same codes would serve users better, and gives the papers' SVM
protocol (T-Loss, TS2Vec) on the suite.

One default fit per set and seed (``LSTMAutoencoderTransformer(random_state=seed)`` on the
training split, without labels); every classifier gets that fit's codes:

- ``logistic``: ``StandardScaler -> LogisticRegression(max_iter=2000)`` (the library's pipeline);
- ``logistic, C by CV``: the same with ``C`` in 1e-3 .. 1e2 by 3-fold stratified CV inside the
  training data it is given (``C=1`` where a class has fewer than 3 sequences there);
- ``SVM (papers)``: ``bench_quality.papers_svm``, ``SVC(kernel="rbf", gamma="scale")`` on the codes
  as they are, C by 5-fold CV over 1e-4 .. 1e4 and infinity, or C = infinity on small sets (the
  ``LSTM-AE SVM`` method of ``bench_quality.py``);
- ``SVM, standardized``: the same protocol after ``StandardScaler``;
- ``ridge``: ``StandardScaler -> RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))`` (what
  MiniRocket's reference uses; leave-one-out choice of alpha);
- ``1-NN``: ``StandardScaler -> KNeighborsClassifier(n_neighbors=1)``.

Each is scored two ways:

- ``cv``: 3-fold stratified cross-validation on the training split's codes (shuffled,
  ``random_state=0``), the protocol for choosing. The transformer is fitted once on the whole
  training split, so it has seen each held-out fold's sequences (not their labels); every
  classifier shares that. Sets with a class of fewer than 3 training sequences (Fungi) have none;
- ``test``: fitted on the training split's codes, scored on the test split, for reference only.

    pip install -e ".[benchmark]"
    python benchmarks/bench_classifiers.py [--datasets GunPoint ...] [--seeds 0 1 2]
        [--rows classifiers.jsonl] [--codes DIR]
    python benchmarks/bench_classifiers.py --tables-from classifiers.jsonl ...

``--rows`` appends each set and seed's result as soon as it is known. ``--codes DIR`` keeps each
fit's codes in ``DIR`` (one ``.npz`` per set and seed, written only when asked) and reads them
back instead of fitting again, so that more classifiers can be compared on the same fits.
"""

import argparse
import os
import time

import numpy as np
from bench_quality import papers_svm
from dev_suite import DEVELOPMENT_SUITE, PUBLISHED, load
from rows import append_row, mean_cell, read_rows
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression, RidgeClassifierCV
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderTransformer

CV_FOLDS = 3
LOGISTIC_C_GRID = [1e-3, 1e-2, 1e-1, 1, 10, 100]


class LogisticCByCV:
    """``StandardScaler -> LogisticRegression`` with C by inner 3-fold CV (C=1 on tiny classes)."""

    def fit(self, X, y):
        pipe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
        if np.unique(y, return_counts=True)[1].min() < CV_FOLDS:
            self.model_ = pipe.fit(X, y)
            return self
        inner = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=0)
        grid = {"logisticregression__C": LOGISTIC_C_GRID}
        self.model_ = GridSearchCV(pipe, grid, cv=inner).fit(X, y)
        return self

    def score(self, X, y):
        return self.model_.score(X, y)


class PapersSVM:
    """``bench_quality.papers_svm``, optionally after ``StandardScaler``."""

    def __init__(self, standardize=False):
        self.standardize = standardize

    def fit(self, X, y):
        self.scaler_ = StandardScaler().fit(X) if self.standardize else None
        self.model_ = papers_svm(self._scaled(X), y)
        return self

    def _scaled(self, X):
        return X if self.scaler_ is None else self.scaler_.transform(X)

    def score(self, X, y):
        return self.model_.score(self._scaled(X), y)


def classifiers():
    """Name -> a fresh classifier with ``fit(X, y)`` and ``score(X, y)``."""
    return {
        "logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "logistic, C by CV": LogisticCByCV(),
        "SVM (papers)": PapersSVM(),
        "SVM, standardized": PapersSVM(standardize=True),
        "ridge": make_pipeline(StandardScaler(), RidgeClassifierCV(alphas=np.logspace(-3, 3, 10))),
        "1-NN": make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=1)),
    }


def fresh(classifier):
    """A new unfitted copy (our two small wrappers are not scikit-learn estimators)."""
    if isinstance(classifier, LogisticCByCV):
        return LogisticCByCV()
    if isinstance(classifier, PapersSVM):
        return PapersSVM(classifier.standardize)
    return clone(classifier)


def codes_of(name, seed, X, X_test, directory):
    """Training and test codes of one default fit, and its fit seconds (cached if asked)."""
    path = directory and os.path.join(directory, f"{name}_seed{seed}.npz")
    if path and os.path.exists(path):
        with np.load(path, allow_pickle=False) as saved:
            return saved["train"], saved["test"], float(saved["fit_seconds"])
    start = time.perf_counter()
    transformer = LSTMAutoencoderTransformer(random_state=seed).fit(X)
    seconds = time.perf_counter() - start
    train, test = transformer.transform(X), transformer.transform(X_test)
    if path:
        os.makedirs(directory, exist_ok=True)
        np.savez(path, train=train, test=test, fit_seconds=seconds)
    return train, test, seconds


def cv_accuracy(classifier, codes, y):
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=0)
    scores = []
    for fit, held_out in folds.split(codes, y):
        model = fresh(classifier).fit(codes[fit], y[fit])
        scores.append(model.score(codes[held_out], y[held_out]))
    return float(np.mean(scores))


def run_one(name, seed, directory):
    (X, y), (X_test, y_test) = load(name)
    train, test, seconds = codes_of(name, seed, X, X_test, directory)
    cross_validates = np.unique(y, return_counts=True)[1].min() >= CV_FOLDS
    result = {}
    for label, classifier in classifiers().items():
        start = time.perf_counter()
        cv = cv_accuracy(classifier, train, y) if cross_validates else None
        score = float(fresh(classifier).fit(train, y).score(test, y_test))
        result[label] = {"cv": cv, "test": score, "seconds": time.perf_counter() - start}
    return {"set": name, "seed": seed, "fit_seconds": seconds, "classifiers": result}


def table(rows):
    """Markdown: mean CV and test accuracy per classifier, then per set (CV / test)."""
    labels = list(rows[0]["classifiers"])
    sets = sorted({row["set"] for row in rows}, key=list(DEVELOPMENT_SUITE).index)
    with_cv = [row for row in rows if row["classifiers"][labels[0]]["cv"] is not None]
    n_cv = len({row["set"] for row in with_cv})
    lines = ["| classifier on the codes | " + " | ".join(labels) + " |"]
    lines.append("|---" * (len(labels) + 1) + "|")
    for key, label, chosen in [
        ("cv", f"CV accuracy, mean over {n_cv} sets", with_cv),
        ("test", f"test accuracy, mean over {len(sets)} sets", rows),
    ]:
        cells = " | ".join(mean_cell(chosen, "classifiers", name, key) for name in labels)
        lines.append(f"| {label} | {cells} |")
    published = [PUBLISHED[name][0] for name in sets]
    mean = np.mean(published)
    lines.append(f"\nT-Loss (published), mean over the same {len(sets)} sets: {mean:.4f}")
    lines += ["", "| set (CV / test) | " + " | ".join(labels) + " | T-Loss |"]
    lines.append("|---" * (len(labels) + 2) + "|")
    for name in sets:
        chosen = [row for row in rows if row["set"] == name]
        cells = []
        for label in labels:
            cv = [row["classifiers"][label]["cv"] for row in chosen]
            test = np.mean([row["classifiers"][label]["test"] for row in chosen])
            cells.append(("-" if cv[0] is None else f"{np.mean(cv):.3f}") + f" / {test:.3f}")
        seeds = ",".join(str(row["seed"]) for row in chosen)
        lines.append(
            f"| {name} (seeds {seeds}) | " + " | ".join(cells) + f" | {PUBLISHED[name][0]:.3f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DEVELOPMENT_SUITE))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--rows", help="append each set and seed's result to this file (JSONL)")
    parser.add_argument("--codes", help="keep each fit's codes in this folder and reuse them")
    parser.add_argument("--tables-from", nargs="+", help="print the table of these --rows files")
    args = parser.parse_args()
    if args.tables_from:
        print(table(read_rows(args.tables_from)))
        return
    rows = []
    for name in args.datasets:
        for seed in args.seeds:
            rows.append(run_one(name, seed, args.codes))
            append_row(args.rows, rows[-1])
            scores = {c: round(r["test"], 3) for c, r in rows[-1]["classifiers"].items()}
            seconds = rows[-1]["fit_seconds"]
            print(f"{name} seed {seed}: test {scores} ({seconds:.0f} s)", flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
