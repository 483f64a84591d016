"""Pretraining on a pool of sets: one autoencoder for several sets against one per set.

An autoencoder trained on one small set sees few sequences (ArrowHead: 36).
Here one autoencoder learns, without labels, from the training splits of
several univariate sets that sktime ships (different lengths: the list input
takes any), and is then frozen (``FrozenEstimator``) in front of the same
classifier for each set. Against it, in the same run: the library's default
protocol (an autoencoder fitted on the set's own training split), a logistic
regression on the raw values and 1-NN Euclidean. Every autoencoder has the
default parameters (only ``random_state`` set); test accuracy, mean and
standard deviation over seeds.

    pip install -e ".[benchmark]"
    python benchmarks/bench_pretraining.py [--sets GunPoint ArrowHead ...] [--seeds 0 1 2]

Takes about 10 minutes on 2 CPU cores with the default sets.
"""

import argparse
import time

import numpy as np
from bench_quality import feature_methods, load
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderTransformer


def classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=["GunPoint", "ArrowHead", "ItalyPowerDemand"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    args = parser.parse_args()
    data = {name: load(name) for name in args.sets}
    pool = [sequence for (X, _), _ in data.values() for sequence in X]
    lengths = sorted({len(sequence) for sequence in pool})
    print(f"pool: {len(pool)} training sequences of {args.sets}, lengths {lengths}")
    results, fit_seconds = {}, []
    for seed in args.seeds:
        start = time.perf_counter()
        pooled = LSTMAutoencoderTransformer(random_state=seed).fit(pool)
        fit_seconds.append(time.perf_counter() - start)
        for name, ((X, y), (X_test, y_test)) in data.items():
            pipelines = {
                "own training split": make_pipeline(
                    LSTMAutoencoderTransformer(random_state=seed), classifier()
                ),
                "pool, frozen": make_pipeline(FrozenEstimator(pooled), classifier()),
            }
            for method, pipeline in pipelines.items():
                # The pooled autoencoder takes shorter sequences as a list (or NaN-padded).
                train, test = (
                    (X, X_test) if method == "own training split" else (list(X), list(X_test))
                )
                accuracy = pipeline.fit(train, y).score(test, y_test)
                results.setdefault((name, method), []).append(accuracy)
                print(f"{name:16s} {method:18s} seed {seed}: {accuracy:.3f}", flush=True)
    print(f"\npooled autoencoder: fit {np.mean(fit_seconds):.0f} s per seed")
    print("| data set | codes, own split | codes, pool (frozen) | raw + logistic | 1-NN ED |")
    print("|---|---|---|---|---|")
    for name, ((X, y), (X_test, y_test)) in data.items():
        # The same raw-value baselines as bench_quality.py (deterministic: any seed).
        raw, nearest = (
            feature_methods({}, 0)[method][0](X, y, X_test, y_test, X.shape[1])
            for method in ("raw+logistic", "1-NN ED")
        )
        own, pooled = (results[name, method] for method in ("own training split", "pool, frozen"))
        print(
            f"| {name} | {np.mean(own):.3f} ± {np.std(own):.3f} "
            f"| {np.mean(pooled):.3f} ± {np.std(pooled):.3f} | {raw:.3f} | {nearest:.3f} |"
        )


if __name__ == "__main__":
    main()
