"""Development suite for SeriesAnomalyDetector's point scores: synthetic series, not the benchmark.

Choosing a default by the scores of ``bench_series.py``'s labelled series would tune it on
test data. This suite is where candidates are compared instead: a periodic series (period 50,
two harmonics, Gaussian noise 0.1), 3,000 training points, and a 3,000-point test series with
three anomalies of one kind: ``spike`` (one point, +-3), ``missing-cycle`` (one period of noise
only), ``frequency`` (two periods at 1.5 times the frequency), ``amplitude`` (two periods at 1.6
times the amplitude), ``noise`` (one period with noise 0.4 added).

Candidates, all from one fit of ``SeriesAnomalyDetector(window=50)`` per series (the period;
its defaults: the window detector scores windows with ``scoring="combined"``, and the last 20%
of the training series is held out as calibration points):

- ``reconstruction``: per-step squared reconstruction errors, the reconstruction part of
  ``point_scores="either"`` (since 2026-12-08 each point's smallest error over the covering
  windows; before, the mean over them, which was the default before ``"either"``);
- ``window``: whole-window scores of ``scoring="combined"``, spread to their points;
- ``window, window tail``: the same scores, flagged at a POT threshold fitted on the scored
  calibration windows' own scores (one per window) instead of their points' (which come in
  runs of ``scoring_stride_`` equal values); AP as ``window``;
- ``either``: ``point_scores="either"``, the detector's own scores and events: per point, the
  larger of the two, each rescaled so that a calibration median maps to 0 and a POT threshold
  at ``risk / 2`` to 1 (the reconstruction part's fitted on the calibration points' mean errors
  over the covering windows, the window part's tail on the calibration windows' own scores),
  flagged above 1;
- ``either, gated``: the same two scaled parts and the same events, but the reconstruction part
  counts only where it is beyond its own threshold (scaled above 1): elsewhere a point scores
  its window part alone, so that hard-to-rebuild normal points (peaks) below the
  reconstruction threshold do not outrank the window part's ranking;
- ``either, 99% scales``: the default's mix before 2026-12-02: the same parts with each one's
  99% calibration quantile mapped to 1, flagged at a POT threshold of the combined scores;
- ``max-root``: that with the root of the reconstruction score;
- ``sum``: the sum of the two 99%-rescaled scores instead of their max.

The last three, and ``reconstruction``, are built from the detector's parts; since 2026-12-08
the reconstruction part is the smallest error over the covering windows, so they are not the
former defaults any more (those had the mean).

These come from one fit with the defaults (``refit=False``), whose window detector never
saw the calibration points. One more candidate, from a second fit:

- ``either refit``: ``point_scores="either"`` with ``refit=True``: the same scales and
  threshold, then the window detector fitted again on all the training points.

``--drift D`` adds a linear trend that rises by ``D`` every 3,000 points, through the training
series and on through the test series (a level the training series only reaches at its end,
as in server metrics that grow).

Metrics: point-wise average precision (AP), and the events each candidate flags at its own
POT threshold (the detector's default ``risk``, fitted on the candidate's scores of the
calibration points, the tail at least their top 60 as the detector fits it; runs at most one
window apart merged, as the detector merges them): event F1 (a flagged event counts if it
overlaps a true one) and false alarms per 10,000 normal points (``bench_series.py``'s
``event_metrics``).

``--shape peaks`` adds to every cycle a narrow peak (3 high, about 2 steps wide), like an ECG's R
peak: normal points that are always hard to rebuild.

``--params JSON`` sets more of the detector's parameters (both fits), e.g.
``'{"center_windows": true}'``; ``--no-refit`` leaves out the second fit.

    python benchmarks/bench_series_dev.py [--seeds 0 1 2] [--kinds spike ...] [--drift 0]
        [--shape sines|peaks]
"""

import argparse
import json
import time

import numpy as np
from bench_series import RISK, event_flags, event_metrics
from sklearn.metrics import average_precision_score

from sklearn_lstmae import SeriesAnomalyDetector, sliding_windows
from sklearn_lstmae._series import _window_threshold
from sklearn_lstmae._utils.thresholds import pot_threshold

PERIOD = 50
KINDS = ["spike", "missing-cycle", "frequency", "amplitude", "noise"]


SHAPES = ["sines", "peaks"]


def periodic(n, rng, period=PERIOD, shape="sines"):
    """Two harmonics and noise 0.1; ``shape="peaks"`` adds a narrow peak to every cycle."""
    t = np.arange(n)
    series = (
        np.sin(2 * np.pi * t / period)
        + 0.5 * np.sin(4 * np.pi * t / period + 1)
        + 0.1 * rng.standard_normal(n)
    )
    if shape == "peaks":
        # An R-peak-like pulse, 3 high and about 2 steps wide, at one phase of each cycle:
        # normal points that are always hard to rebuild.
        phase = (t % period) * (PERIOD / period)
        series += 3.0 * np.exp(-0.5 * (phase - 10) ** 2)
    return series


def with_anomalies(kind, series, rng, shape="sines"):
    """Return ``series`` with three anomalies of ``kind`` and its 0/1 labels."""
    series, labels = series.copy(), np.zeros(len(series), int)
    for start in (700, 1500, 2300):
        s = start + int(rng.integers(0, PERIOD))
        span = {"spike": 1, "missing-cycle": PERIOD, "noise": PERIOD}.get(kind, 2 * PERIOD)
        if kind == "spike":
            series[s] += 3.0 * rng.choice([-1, 1])
        elif kind == "missing-cycle":
            series[s : s + span] = 0.1 * rng.standard_normal(span)
        elif kind == "frequency":
            series[s : s + span] = periodic(span, rng, PERIOD / 1.5, shape)
        elif kind == "amplitude":
            series[s : s + span] *= 1.6
        elif kind == "noise":
            series[s : s + span] += 0.4 * rng.standard_normal(span)
        labels[s : s + span] = 1
    return series, labels


def rescaled(scores, training_scores):
    """0 at the training scores' median, 1 at their 99% quantile."""
    median, high = np.quantile(training_scores, [0.5, 0.99])
    return (scores - median) / max(high - median, np.finfo(float).tiny)


def detector(seed, **params):
    return SeriesAnomalyDetector(window=PERIOD, random_state=seed, **params)


NAMES = ["reconstruction", "window", "window, window tail", "either", "either, gated"]
NAMES += ["either, 99% scales", "max-root", "sum"]
NAMES += ["either refit"]


def window_tail_threshold(fitted, calibration):
    """POT on the window scores of the scored calibration windows, one per run of windows.

    A point's window part is the mean over the windows that cover it, so points come in runs
    of ``scoring_stride_`` equal values; the windows' own scores have no such ties. A private
    method gives them: benchmark only.
    """
    window, stride = fitted.window_, fitted.scoring_stride_
    starts = np.arange(0, calibration.shape[0] - window + 1, stride)
    windows = sliding_windows(calibration.reshape(len(calibration), -1), window)[starts]
    scores = fitted._window_values(windows)[:, 0, -1]
    return _window_threshold([scores], RISK)  # per run of windows, as point_scores="window" cuts it


def candidates(parts, calibration_parts):
    """The candidates' point scores, from the two parts (reconstruction, window)."""
    (errors, window), (calibration_errors, calibration_window) = parts.T, calibration_parts.T
    scaled_window = rescaled(window, calibration_window)
    scaled_errors = rescaled(errors, calibration_errors)
    return {
        "reconstruction": errors,
        "window": window,
        "either, 99% scales": np.maximum(scaled_errors, scaled_window),
        "max-root": np.maximum(
            rescaled(np.sqrt(errors), np.sqrt(calibration_errors)), scaled_window
        ),
        "sum": scaled_errors + scaled_window,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--kinds", nargs="+", default=KINDS, choices=KINDS)
    parser.add_argument("--drift", type=float, default=0.0)
    parser.add_argument("--shape", choices=SHAPES, default="sines")
    parser.add_argument("--params", type=json.loads, default={})
    parser.add_argument("--no-refit", action="store_true")
    args = parser.parse_args()
    names = NAMES[:-1] if args.no_refit else NAMES
    results = {}
    for kind in args.kinds:
        for seed in args.seeds:
            rng = np.random.default_rng(100 + seed)
            trend = args.drift * np.arange(6000) / 3000
            train = periodic(3000, rng, shape=args.shape) + trend[:3000]
            test = periodic(3000, rng, shape=args.shape) + trend[3000:]
            test, labels = with_anomalies(kind, test, rng, args.shape)
            start = time.perf_counter()
            fitted = detector(seed, **args.params).fit(train)
            # The two parts of point_scores="either" (a private method: benchmark only), and
            # those of the calibration points, the held-out end of the training series.
            calibration = train[-len(fitted.calibration_scores_) :]
            calibration_parts = fitted._each(calibration, output="parts")
            scores = candidates(fitted._each(test, output="parts"), calibration_parts)
            calibration_scores = candidates(calibration_parts, calibration_parts)
            flags = {
                name: event_flags(
                    scores[name],
                    pot_threshold(
                        calibration_scores[name], risk=RISK, initial_quantile=0.98, min_excesses=60
                    ),
                    PERIOD,
                )
                for name in scores
            }
            # The detector's own: each part on the scale of its own threshold (risk / 2).
            scores["either"] = fitted.score_series(test)
            flags["either"] = fitted.predict_series(test)
            scaled = (fitted._each(test, output="parts") - fitted.part_offsets_) / (
                fitted.part_scales_
            )
            scores["either, gated"] = np.where(scaled[:, 0] > 1, scaled.max(axis=1), scaled[:, 1])
            flags["either, gated"] = event_flags(scores["either, gated"], 1.0, PERIOD)
            scores["window, window tail"] = scores["window"]
            flags["window, window tail"] = event_flags(
                scores["window"], window_tail_threshold(fitted, calibration), PERIOD
            )
            if not args.no_refit:
                refitted = detector(seed, refit=True, **args.params).fit(train)
                scores["either refit"] = refitted.score_series(test)
                flags["either refit"] = refitted.predict_series(test)
            for name, test_scores in scores.items():
                events = event_metrics(labels, flags[name])
                results.setdefault((kind, name), []).append(
                    average_precision_score(labels, test_scores)
                )
                results.setdefault((kind, name, "event F1"), []).append(events["event F1"])
                results.setdefault((kind, name, "FA/10k"), []).append(events["FA/10k"])
            print(
                f"{kind:14s} seed {seed}: "
                + "  ".join(f"{name} {results[kind, name][-1]:.3f}" for name in names)
                + f"  ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
    for metric in ("AP", "event F1", "FA/10k"):
        key = () if metric == "AP" else (metric,)
        print(f"\n{metric}, mean ± std over seeds\n")
        print("| anomaly | " + " | ".join(names) + " |")
        print("|---" * (len(names) + 1) + "|")
        for kind in args.kinds:
            cells = [
                f"{np.mean(results[(kind, n, *key)]):.3f} ± {np.std(results[(kind, n, *key)]):.3f}"
                for n in names
            ]
            print(f"| {kind} | " + " | ".join(cells) + " |")
        means = [np.mean([np.mean(results[(k, n, *key)]) for k in args.kinds]) for n in names]
        print("| mean | " + " | ".join(f"{m:.3f}" for m in means) + " |")
        if metric != "FA/10k":
            worst = [min(min(results[(k, n, *key)]) for k in args.kinds) for n in names]
            print("| worst run | " + " | ".join(f"{w:.3f}" for w in worst) + " |")


if __name__ == "__main__":
    main()
