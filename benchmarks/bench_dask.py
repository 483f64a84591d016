"""Wall time of a GridSearchCV: sequential against 2 Dask worker processes.

GunPoint (50 + 150 sequences, 150 steps; train and test pooled as in an
unsupervised search), ``LSTMAutoencoderTransformer`` over
``units`` x ``learning_rate`` (2 x 2), 3-fold CV: 12 fits plus the refit.
Three ways, interleaved ``--repeats`` times:

- sequential, in this process (TensorFlow's default threads: all cores);
- ``joblib.parallel_backend("dask")`` on a ``LocalCluster`` of 2 worker
  processes with :class:`sklearn_lstmae.dask.TensorFlowThreads` (1 thread
  each);
- the same cluster without the plugin (each worker sizes TensorFlow's pools
  to every core: oversubscribed).

Workers are started and have TensorFlow loaded before timing (as in a
session that runs several searches). Prints medians, the ratio to the
sequential run, and whether the best parameters agree.

    python benchmarks/bench_dask.py [--repeats 2] [--epochs 20]

Needs the ``benchmark`` extra (sktime, dask).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

import joblib
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.model_selection import GridSearchCV

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae.dask import TensorFlowThreads


def gunpoint():
    from sktime.datasets import load_gunpoint

    parts = [
        load_gunpoint(split=s, return_X_y=True, return_type="numpy2D")[0] for s in ("train", "test")
    ]
    X = np.concatenate(parts).astype(np.float32)
    return (X - X.mean()) / X.std()


def load_tensorflow():
    import keras  # noqa: F401

    import sklearn_lstmae  # noqa: F401


def cluster(plugin):
    local = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = Client(local)
    if plugin:
        client.register_plugin(TensorFlowThreads(intra_op=1, inter_op=1))
    client.run(load_tensorflow)
    return local, client


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=20)
    args = parser.parse_args()
    X = gunpoint()
    search = GridSearchCV(
        LSTMAutoencoderTransformer(epochs=args.epochs, batch_size=32, random_state=0),
        {"units": [16, 32], "learning_rate": [1e-3, 1e-2]},
        cv=3,
        n_jobs=-1,
    )
    load_tensorflow()
    with_plugin, without_plugin = cluster(plugin=True), cluster(plugin=False)
    clients = {
        "sequential (this process)": None,
        "2 Dask workers + TensorFlowThreads(1, 1)": with_plugin[1],
        "2 Dask workers, TensorFlow's default threads": without_plugin[1],
    }
    times = {name: [] for name in clients}
    best = {name: None for name in clients}
    try:
        for _ in range(args.repeats):
            for name, client in clients.items():
                start = time.perf_counter()
                if client is None:
                    fitted = search.set_params(n_jobs=None).fit(X)
                else:
                    with joblib.parallel_backend("dask", client=client):
                        fitted = search.set_params(n_jobs=-1).fit(X)
                times[name].append(time.perf_counter() - start)
                best[name] = fitted.best_params_
    finally:
        for local, client in (with_plugin, without_plugin):
            client.close()
            local.close()
    baseline = statistics.median(times["sequential (this process)"])
    print(
        f"GridSearchCV, {len(search.cv_results_['params'])} candidates x 3 folds + refit, "
        f"GunPoint {X.shape}, epochs={args.epochs}"
    )
    print(f"{'':46s} {'wall s (median)':>15s} {'speed-up':>9s}  best_params_")
    for name in clients:
        median = statistics.median(times[name])
        print(f"{name:46s} {median:15.1f} {baseline / median:8.2f}x  {best[name]}")


if __name__ == "__main__":
    main()
