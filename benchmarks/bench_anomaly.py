"""One-class anomaly detection on UCR/UEA sets shipped with sktime.

Protocol: for each data set and each class c, train on the training-split
sequences of class c only ("normal"), then score every test sequence; the
other classes are the anomalies. Reports ROC AUC and average precision of the
scores and F1 (anomaly class) at each method's own fitted threshold, for

- LSTMAutoencoderOutlierDetector with scoring="mse" and scoring="mahalanobis",
- scikit-learn's IsolationForest and OneClassSVM on the raw sequences
  (flattened), with their default settings,

all in one run. Sequences are z-normalized per channel with statistics of the
normal training data.

    python benchmarks/bench_anomaly.py [--datasets GunPoint ItalyPowerDemand ...]
"""

import argparse
import time

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score
from sklearn.svm import OneClassSVM

from sklearn_lstmae import LSTMAutoencoderOutlierDetector


def load(name):
    from sktime import datasets

    loader = {
        "GunPoint": datasets.load_gunpoint,
        "ItalyPowerDemand": datasets.load_italy_power_demand,
        "ArrowHead": datasets.load_arrow_head,
        "BasicMotions": datasets.load_basic_motions,
    }[name]
    splits = [loader(split=s, return_X_y=True, return_type="numpy3D") for s in ("train", "test")]
    # sktime: (n, channels, time); the library takes (n, time, channels).
    return [(X.transpose(0, 2, 1), y) for X, y in splits]


def methods():
    def detector(scoring):
        return LSTMAutoencoderOutlierDetector(
            units=32, epochs=100, batch_size=8, scoring=scoring, random_state=0
        )

    return {
        "LSTM-AE mse": (detector("mse"), False),
        "LSTM-AE mahalanobis": (detector("mahalanobis"), False),
        "IsolationForest": (IsolationForest(random_state=0), True),
        "OneClassSVM": (OneClassSVM(), True),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets",
        nargs="+",
        default=["GunPoint", "ItalyPowerDemand", "ArrowHead", "BasicMotions"],
    )
    args = parser.parse_args()
    rows = []
    for name in args.datasets:
        (X_train, y_train), (X_test, y_test) = load(name)
        for normal in np.unique(y_train):
            X_normal = X_train[y_train == normal]
            mean, std = X_normal.mean(axis=(0, 1)), X_normal.std(axis=(0, 1)) + 1e-8
            X_fit, X_eval = (X_normal - mean) / std, (X_test - mean) / std
            is_anomaly = y_test != normal
            for method, (estimator, flatten) in methods().items():
                fit_X = X_fit.reshape(len(X_fit), -1) if flatten else X_fit
                eval_X = X_eval.reshape(len(X_eval), -1) if flatten else X_eval
                start = time.perf_counter()
                estimator.fit(fit_X)
                scores = estimator.score_samples(eval_X)
                seconds = time.perf_counter() - start
                predicted_anomaly = estimator.predict(eval_X) == -1
                rows.append(
                    (
                        name,
                        normal,
                        method,
                        roc_auc_score(is_anomaly, -scores),
                        average_precision_score(is_anomaly, -scores),
                        f1_score(is_anomaly, predicted_anomaly),
                        seconds,
                    )
                )
                print(
                    f"{name:17s} normal={normal!s:10s} {method:20s} AUC {rows[-1][3]:.3f}  "
                    f"AP {rows[-1][4]:.3f}  F1 {rows[-1][5]:.3f}  {seconds:6.1f} s",
                    flush=True,
                )
    print("\nMean over the normal classes of each data set:")
    print(
        f"{'data set':17s} {'method':20s} {'ROC AUC':>8s} {'AP':>6s} {'F1':>6s}"
        f" {'fit+score s':>12s}"
    )
    for name in args.datasets:
        for method in methods():
            selected = np.array([r[3:] for r in rows if r[0] == name and r[2] == method])
            auc, ap, f1, seconds = selected.mean(axis=0)
            print(f"{name:17s} {method:20s} {auc:8.3f} {ap:6.3f} {f1:6.3f} {seconds:12.1f}")


if __name__ == "__main__":
    main()
