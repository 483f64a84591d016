"""How the default's two parts become a point score: pooling the windows, the window part's tail.

``SeriesAnomalyDetector``'s default (``point_scores="either"``) scores a point by two parts
over the windows that cover it: its squared reconstruction error and the windows' anomaly
scores. A window that holds an odd point or pattern is rebuilt badly as a whole, so a mean of
the errors lifts the normal points next to an anomaly too, which can outrank the window part's
ranking (issue 33's goal: the default's AP at least its parts'). A point's error in the window
that rebuilds it best does not spread so. Since 2026-12-08 the default's reconstruction part is
that smallest error (per channel, then the mean over channels), on the scale of the mean over
the covering windows (the first run of this script's ``min, mean scale``). Candidates, all
from one fit of the defaults per series (the per-window values come from private methods:
benchmark only):

- ``default``: the detector's own scores and events;
- ``recon part`` and ``window part``: its two parts alone, flagged above their own threshold
  (scaled 1), as ``bench_series.py`` flags them;
- ``mean``: the reconstruction part is the mean over the covering windows, on its own scale
  (the default until 2026-12-08);
- ``min``: the smallest errors, put on the scale of their own calibration points (median 0,
  POT threshold at ``risk / 2`` 1, as the detector fits the mean's);
- ``median, mean scale``: the median over the covering windows, on the mean's scale.

Each of these keeps the default's window part and scores a point by the larger of its two
scaled parts, flagged above 1, runs at most one window apart merged.

The window part's scale is the POT threshold of one score per calibration window (every
window: consecutive ones overlap). Exceedances come in runs (an odd stretch lifts every window
that holds it) and a run is one event, so a budget of events per point allows each window more.
The default (since 2026-12-07, "tail per run" in the first run of this script) estimates the
mean run as ``1 / theta``, ``theta`` the extremal index of the calibration windows' scores above
the tail's start by the intervals estimator (Ferro and Segers, 2003, "Inference for clusters of
extreme values", JRSS B 65(2)), and cuts the tail at ``risk / 2 / theta`` per window.
Candidates, each with the default's reconstruction part: ``tail per window``, the cut at
``risk / 2`` per window (the default until 2026-12-07); ``tail per w/4``, ``w/2`` and ``w``, at
``risk / 2 * c`` per window for runs of ``c`` = a quarter, half or all of ``window_`` windows.

The window part pools the covering windows by their mean, which is below the highest of them
wherever an odd stretch lifts only some: its threshold, set on the windows' own scores, is
then reached later than by any window. Candidate ``window max``: the highest window score over
the covering windows, on the default's window scale (with the default's reconstruction part),
so that a point is flagged where a window that covers it exceeds the window threshold.
Candidate ``window points' tail``: the default's window part (the mean) on a scale fitted on
the calibration points' own window parts (their median, and a POT tail of them cut at
``risk / 2 / theta`` per point, ``theta`` their extremal index above the tail's start), the
scale the mean is compared with, instead of the windows' own scores.

Series (``--suites``): ``dev``, ``bench_series_dev.py``'s synthetic series (window 50, both
shapes, five kinds of anomaly, the same training series for every kind at a seed); ``series``,
``bench_series.py``'s four labelled series; ``stitched``, ``bench_series_stitched.py``'s six
series stitched from development sets (false alarms on its normal-only series).

Metrics: point-wise AP, event F1 (a flagged event counts if it overlaps a true one), false
alarms per 10,000 normal points. ``--cache DIR`` keeps the fits (the library's format), keyed on
the library's source files as ``bench_series_stitched.py`` keys them.

    python benchmarks/bench_series_aggregation.py [--suites dev series stitched]
        [--seeds 0 1 2] [--cache DIR]
"""

import argparse

import bench_series
import bench_series_dev
import bench_series_stitched
import dev_suite
import numpy as np
from bench_series import event_flags, event_metrics
from sklearn.metrics import average_precision_score

from sklearn_lstmae import sliding_windows
from sklearn_lstmae._series import _tail, _window_threshold
from sklearn_lstmae._utils.events import flagged_runs
from sklearn_lstmae._utils.thresholds import extremal_index, tail_threshold

# name: (how the reconstruction part pools the covering windows, the pooling its scale is
# fitted on)
CANDIDATES = {
    "mean": ("mean", "mean"),
    "min": ("min", "min"),
    "median, mean scale": ("median", "mean"),
}
# name: the run of exceeding windows taken as one event, as a share of window_
WINDOW_TAILS = {"tail per w/4": 0.25, "tail per w/2": 0.5, "tail per w": 1.0}
NAMES = ["default", "recon part", "window part", *CANDIDATES, "window max", "window points' tail"]
NAMES += ["tail per window"]
NAMES += [*WINDOW_TAILS]


def fitted(cache, name, seed, train, window="auto"):
    """The default detector fitted on ``train``, from ``cache`` where it is there."""
    return bench_series_stitched.fitted_detector(train, window, seed, {}, cache, name)[0]


def window_values(detector, series):
    """Every scored window's values (``_window_values``) and the windows' starts."""
    series = np.asarray(series, np.float32).reshape(len(series), -1)
    width, stride = detector.window_, detector.scoring_stride_
    starts = np.arange(0, len(series) - width + 1, stride)
    if starts[-1] != len(series) - width:  # the detector adds one ending at the last point
        starts = np.append(starts, len(series) - width)
    windows = sliding_windows(series, width)
    values = [
        detector._window_values(windows[starts[i : i + 2048]]) for i in range(0, len(starts), 2048)
    ]
    return starts, np.concatenate(values)


def pooled(detector, starts, values, n_points, how):
    """Per point, the reconstruction and window parts, the covering windows pooled by ``how``."""
    width, columns = detector.window_, values.shape[2]
    points = (starts[:, None] + np.arange(width)).ravel()
    flat = values.reshape(-1, columns)
    if how == "mean":
        sums = np.zeros((n_points, columns))
        np.add.at(sums, points, flat)
        pooled_values = sums / np.bincount(points, minlength=n_points)[:, None]
    elif how in ("min", "max"):
        ufunc, start = (np.minimum, np.inf) if how == "min" else (np.maximum, -np.inf)
        pooled_values = np.full((n_points, columns), start)
        ufunc.at(pooled_values, points, flat)
    else:  # median
        order = np.argsort(points, kind="stable")
        bounds = np.searchsorted(points[order], np.arange(n_points + 1))
        ordered = flat[order]
        pooled_values = np.stack(
            [np.median(ordered[a:b], axis=0) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
        )
    errors = pooled_values[:, : detector.n_channels_]
    return np.column_stack([errors.mean(axis=1), pooled_values[:, -1]])


def scores_and_flags(detector, calibration, series):
    """``{method: (scores, flags)}`` on ``series``; ``calibration``, the held-out training end."""
    calibration = np.asarray(calibration, np.float32).reshape(len(calibration), -1)
    parts = {
        "calibration": window_values(detector, calibration),
        "series": window_values(detector, series),
    }
    sizes = {"calibration": len(calibration), "series": len(series)}
    memo = {}

    def part(which, how):
        if (which, how) not in memo:
            memo[which, how] = pooled(detector, *parts[which], sizes[which], how)
        return memo[which, how]

    window = detector.window_
    library_parts = detector._each(series, output="parts")  # score_series's, before scaling
    default = detector._combine(library_parts)
    result = {"default": (default, detector.predict_series(series))}
    mean = part("series", "mean")
    # The library's own parts, recomputed here: the smallest errors and the mean window score.
    # The same, point by point, to float rounding (the network's outputs depend a little on
    # how the windows are batched).
    own_parts = np.column_stack([part("series", "min")[:, 0], mean[:, 1]])
    np.testing.assert_allclose(
        own_parts,
        library_parts,
        rtol=1e-4,
        atol=1e-6,
        err_msg="the pooling here does not give the detector's parts",
    )
    for column, method in enumerate(("recon part", "window part")):
        offset, scale = detector.part_offsets_[column], detector.part_scales_[column]
        scaled = (own_parts[:, column] - offset) / scale
        result[method] = (scaled, event_flags(scaled, 1.0, window))
    window_part = result["window part"][0]
    for name, (how, scale_how) in CANDIDATES.items():
        values = part("series", how)[:, 0]
        reference = part("calibration", scale_how)[:, 0]
        median = np.median(reference)
        high = tail_threshold(_tail(reference), detector.risk / 2)
        scale = max(high - median, np.finfo(float).tiny)
        if scale_how == "mean":  # the default's scale of the reconstruction part
            fitted = [detector.part_offsets_[0], detector.part_scales_[0]]
            assert np.allclose([median, scale], fitted), "not the default's scale"
        scaled = (values - median) / scale
        scores = np.maximum(scaled, window_part)
        result[name] = (scores, event_flags(scores, 1.0, window))
    highest = (part("series", "max")[:, 1] - detector.part_offsets_[1]) / detector.part_scales_[1]
    scores = np.maximum(result["recon part"][0], highest)
    result["window max"] = (scores, event_flags(scores, 1.0, window))
    reference = part("calibration", "mean")[:, 1]
    points_tail = _tail(reference)
    theta = extremal_index([reference], points_tail.start)
    median = np.median(reference)
    high = tail_threshold(points_tail, min(0.5, detector.risk / 2 / theta))
    points_part = (mean[:, 1] - median) / max(high - median, np.finfo(float).tiny)
    scores = np.maximum(result["recon part"][0], points_part)
    result["window points' tail"] = (scores, event_flags(scores, 1.0, window))
    (window_scores,) = detector._calibration_window_scores([calibration])  # in order
    tail = _tail(window_scores)
    offset = detector.part_offsets_[1]
    # The default's own window scale (per run of windows), from the calibration stretch.
    default_high = _window_threshold([window_scores], detector.risk / 2)
    assert np.isclose(default_high - offset, detector.part_scales_[1])
    runs = {"tail per window": 1.0}
    runs.update({name: share * window for name, share in WINDOW_TAILS.items()})
    for name, run in runs.items():
        risk = min(0.5, detector.risk / 2 * max(1.0, run))
        scale = max(tail_threshold(tail, risk) - offset, np.finfo(float).tiny)
        scores = np.maximum(result["recon part"][0], (mean[:, 1] - offset) / scale)
        result[name] = (scores, event_flags(scores, 1.0, window))
    return result


def rows_of(labels, result, normal_result=None):
    rows = {}
    for method, (scores, flags) in result.items():
        events = event_metrics(labels, flags)
        false_alarms = events["FA/10k"]
        if normal_result is not None:  # false alarms on the normal-only series
            normal_flags = normal_result[method][1]
            false_alarms = len(flagged_runs(normal_flags)) / len(normal_flags) * 10_000
        rows[method] = {
            "AP": average_precision_score(labels, scores),
            "event F1": events["event F1"],
            "FA/10k": false_alarms,
        }
    return rows


def runs(suites, seeds, cache):
    """Yield ``(suite, series name, seed, rows)``."""
    if "dev" in suites:
        for shape in bench_series_dev.SHAPES:
            for seed in seeds:
                rng = np.random.default_rng(100 + seed)
                train = bench_series_dev.periodic(3000, rng, shape=shape)
                normal_test = bench_series_dev.periodic(3000, rng, shape=shape)
                detector = fitted(cache, f"dev-{shape}", seed, train, window=50)
                calibration = train[-len(detector.calibration_scores_) :]
                state = rng.bit_generator.state
                for kind in bench_series_dev.KINDS:
                    rng.bit_generator.state = state  # as bench_series_dev draws each kind
                    test, labels = bench_series_dev.with_anomalies(kind, normal_test, rng, shape)
                    result = scores_and_flags(detector, calibration, test)
                    yield "dev", f"{shape}, {kind}", seed, rows_of(labels, result)
    if "series" in suites:
        for name in bench_series.SERIES:
            train, test, labels = bench_series.load(name)
            for seed in seeds:
                detector = fitted(cache, name, seed, train)
                calibration = train[-len(detector.calibration_scores_) :]
                result = scores_and_flags(detector, calibration, test)
                yield "series", name, seed, rows_of(labels, result)
    if "stitched" in suites:
        for name in bench_series_stitched.DATASETS:
            split = dev_suite.load(name)
            normal = bench_series_stitched.normal_class(split)
            window = split[0][0].shape[1]
            for seed in seeds:
                train, normal_test, mixed, labels = bench_series_stitched.stitched(
                    split, normal, seed, 300
                )
                # bench_series_stitched.py's cache key: its fits serve here too.
                detector = fitted(cache, name, seed, train, window=window)
                calibration = train[-len(detector.calibration_scores_) :]
                result = scores_and_flags(detector, calibration, mixed)
                normal_result = scores_and_flags(detector, calibration, normal_test)
                yield "stitched", name, seed, rows_of(labels, result, normal_result)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", nargs="+", default=["dev", "series", "stitched"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--cache", default=None)
    args = parser.parse_args()
    results = {}
    for suite, name, seed, rows in runs(args.suites, args.seeds, args.cache):
        for method, row in rows.items():
            for metric, value in row.items():
                results.setdefault((suite, name, method, metric), []).append(value)
        print(
            f"{suite} {name} seed {seed}: "
            + "  ".join(f"{m} AP {r['AP']:.3f} F1 {r['event F1']:.3f}" for m, r in rows.items()),
            flush=True,
        )
    for suite in args.suites:
        names = list(dict.fromkeys(n for s, n, *_ in results if s == suite))
        print(f"\n{suite}: mean over seeds {args.seeds}, then over series\n")
        print("| series | metric | " + " | ".join(NAMES) + " |")
        print("|---" * (len(NAMES) + 2) + "|")
        for metric in ("AP", "event F1", "FA/10k"):
            for name in names:
                cells = [np.mean(results[suite, name, m, metric]) for m in NAMES]
                print(f"| {name} | {metric} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
            means = [np.mean([np.mean(results[suite, n, m, metric]) for n in names]) for m in NAMES]
            print(f"| **mean** | {metric} | " + " | ".join(f"{c:.3f}" for c in means) + " |")


if __name__ == "__main__":
    main()
