"""Scale of SeriesAnomalyDetector with its defaults: fit on 100,000 points, score 1,000,000.

A synthetic two-channel series (two sines of period 100 plus noise). Prints the
fit and scoring times, the points scored per second, and the process's peak
resident memory before and after scoring (scoring runs in chunks, so memory
should stay bounded).

    python benchmarks/bench_series_scale.py [--fit-points 100000] [--score-points 1000000]
"""

import argparse
import resource
import time

import numpy as np

from sklearn_lstmae import SeriesAnomalyDetector


def series(n, seed):
    rng = np.random.RandomState(seed)
    t = np.arange(n)[:, None] + np.array([0, 25])
    return (np.sin(2 * np.pi * t / 100) + 0.1 * rng.randn(n, 2)).astype(np.float32)


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit-points", type=int, default=100_000)
    parser.add_argument("--score-points", type=int, default=1_000_000)
    args = parser.parse_args()
    train, test = series(args.fit_points, 0), series(args.score_points, 1)
    start = time.perf_counter()
    detector = SeriesAnomalyDetector(random_state=0).fit(train)
    fit_s = time.perf_counter() - start
    print(
        f"fit on {args.fit_points:,} points: {fit_s:.0f} s (window_={detector.window_}, "
        f"stride_={detector.stride_}, scoring_stride_={detector.scoring_stride_}, "
        f"epochs run {detector.estimator_.n_iter_}); peak memory {peak_mib():.0f} MiB"
    )
    start = time.perf_counter()
    scores = detector.score_series(test)
    score_s = time.perf_counter() - start
    print(
        f"score {args.score_points:,} points: {score_s:.0f} s "
        f"({args.score_points / score_s:,.0f} points/s); peak memory {peak_mib():.0f} MiB; "
        f"flagged {np.mean(scores > detector.threshold_):.4%}"
    )


if __name__ == "__main__":
    main()
