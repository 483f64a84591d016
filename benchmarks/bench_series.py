"""Long-series anomaly detection: SeriesAnomalyDetector against window baselines, one run.

Labelled long series that ship inside PyPI packages (nothing is downloaded):

- ``UCR-135``: UCR anomaly archive series 135 (InternalBleeding16), in aeon's
  wheel; trained on its normal prefix (1,200 points), scored whole (7,501);
- ``ECG-3``: aeon's ecg-diff-count-3 (a GutenTAG synthetic ECG), trained on its
  anomaly-free training series (10,000), scored on its test series (10,000,
  three anomalies);
- ``MITDB``: sktime's mitdb excerpt (7,500 points, one anomaly at 6,936-7,287),
  trained on its first 3,000 points, scored whole;
- ``Yahoo``: sktime's yahoo excerpt (1,000 points, 7 point anomalies from 431),
  trained on its first 400 points, scored whole.

Methods, on the same windows (the LSTM detector's resolved ``window_``):

- ``LSTM-AE``: ``SeriesAnomalyDetector(random_state=seed)``, its defaults
  (``point_scores="either"``);
- ``LSTM recon`` and ``LSTM window``: the two parts of that same fitted
  detector's scores, alone: the squared reconstruction error (the default
  before ``point_scores="either"``, whose network it is) and the window
  scores of ``scoring="combined"``; each flagged where it exceeds the
  default's threshold on its own scale (the default flags a point where
  either part does);
- ``IForest``: ``IsolationForest`` on the flattened windows (through
  ``SeriesAnomalyDetector``, window scores spread to their points);
- ``Sub-PCA``: PCA reconstruction error of the flattened windows (95% of the
  variance), the same way;
- ``z-score``: a moving z-score, ``|x_t - mean| / std`` over the previous
  ``window`` points (pandas ``rolling``), the maximum over channels.

Metrics of the scores: point-wise average precision (AP) and ROC AUC
(scikit-learn); VUS-PR (TSB-AD's ``generate_curve``, sliding window =
``window``).

Metrics of the events each method flags at its automatic threshold (POT at the
detector's default ``risk``, fitted on its own calibration scores: the held-out
last 20% of the training series, scored by a fit on the rest; the moving
z-score's on all its training scores), with the detector's default event rules
(flagged runs at most ``window`` points apart merged, no minimum duration):
event precision, recall and F1 (a flagged event counts if it overlaps a true
one, a true one is found if a flagged one overlaps it), false alarms (flagged
events that overlap no true one) per 10,000 normal points, and range-based F1
(``prts``, flat bias, reciprocal cardinality) of the flagged points. Means over
seeds where a method is random.

    pip install -e ".[benchmark]"
    pip install --no-deps aeon==1.6.0 prts==1.0.0.3 TSB-AD==1.5  # data and metrics
    python benchmarks/bench_series.py [--seeds 0 1 2] [--series UCR-135 ...]
        [--refit] [--window-mahalanobis]

``--refit`` passes ``refit=True`` to every ``SeriesAnomalyDetector`` of the run
(the LSTM detector and the window baselines): after calibration, each window
detector is fitted again on all the training points.

``--window-mahalanobis`` adds a candidate that is not the default: the same
LSTM detector (same training budget) scoring whole windows with EncDec-AD's
Mahalanobis distance of the error vector (``scoring="mahalanobis"``), spread
to the window's points (``point_scores="window"``).
"""

import argparse
import importlib.util
import pathlib
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score

from sklearn_lstmae import SeriesAnomalyDetector
from sklearn_lstmae._series import MAX_TRAINING_WINDOWS, _default_window_detector
from sklearn_lstmae._utils.events import flagged_runs, merged_runs
from sklearn_lstmae._utils.thresholds import pot_threshold

RISK = SeriesAnomalyDetector().risk  # the default alert budget, for every method

SERIES = ["UCR-135", "ECG-3", "MITDB", "Yahoo"]


def _package_data(package, *parts):
    return pathlib.Path(importlib.util.find_spec(package).origin).parent.joinpath(*parts)


def _aeon_csv(*parts):
    frame = pd.read_csv(_package_data("aeon", "datasets", "data", *parts))
    values = frame.drop(columns=["timestamp", "is_anomaly"]).to_numpy(np.float32)
    return values, frame["is_anomaly"].to_numpy(int)


def _sktime_csv(name):
    frame = pd.read_csv(_package_data("sktime", "datasets", "data", name, f"{name}.csv"))
    return frame[["data"]].to_numpy(np.float32), frame["label"].to_numpy(int)


def load(name):
    """Return ``(train, test, labels)``: 2-D series and per-point 0/1 labels of ``test``."""
    if name == "UCR-135":
        test, labels = _aeon_csv("KDD-TSAD_135", "135_UCR_Anomaly_InternalBleeding16_TEST.csv")
        return test[:1200], test, labels
    if name == "ECG-3":
        train, _ = _aeon_csv("UnitTest", "ecg-diff-count-3_TRAIN_NA.csv")
        test, labels = _aeon_csv("UnitTest", "ecg-diff-count-3_TEST.csv")
        return train, test, labels
    if name == "MITDB":
        test, labels = _sktime_csv("mitdb")
        return test[:3000], test, labels
    if name == "Yahoo":
        test, labels = _sktime_csv("yahoo")
        return test[:400], test, labels
    raise ValueError(name)


class PCAReconstruction(BaseEstimator):
    """Sub-PCA: minus the squared PCA reconstruction error of each (flattened) window."""

    def __init__(self, n_components=0.95):
        self.n_components = n_components

    def fit(self, X, y=None):
        self.pca_ = PCA(n_components=self.n_components, svd_solver="full").fit(X)
        return self

    def score_samples(self, X):
        rebuilt = self.pca_.inverse_transform(self.pca_.transform(X))
        return -np.sum((X - rebuilt) ** 2, axis=1)


def moving_z_score(series, window):
    frame = pd.DataFrame(series)
    past = frame.shift(1).rolling(window, min_periods=2)
    z = ((frame - past.mean()) / past.std()).abs().to_numpy()
    z = np.where(np.isfinite(z), z, 0.0)
    return z.max(axis=1)


def event_flags(scores, threshold, window):
    """0/1 per point: the events above ``threshold``, merged as the detector merges them."""
    flags = np.zeros(scores.shape[0], int)
    for start, stop in merged_runs(scores > threshold, max_gap=window, min_duration=1):
        flags[start:stop] = 1
    return flags


def event_metrics(labels, flags):
    """Event precision, recall, F1 and false alarms per 10,000 normal points."""
    true, flagged = flagged_runs(labels), flagged_runs(flags)

    def overlaps(event, others):
        return any(start < event[1] and event[0] < stop for start, stop in others)

    hits = sum(overlaps(event, true) for event in flagged)
    found = sum(overlaps(event, flagged) for event in true)
    precision = hits / len(flagged) if flagged else 0.0
    recall = found / len(true)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    false_alarms = (len(flagged) - hits) / np.sum(labels == 0) * 10_000
    return {"event P": precision, "event R": recall, "event F1": f1, "FA/10k": false_alarms}


def metrics(labels, scores, flags, window):
    row = {
        "AP": average_precision_score(labels, scores),
        "ROC AUC": roc_auc_score(labels, scores),
        **event_metrics(labels, flags),
    }
    try:
        from TSB_AD.evaluation.basic_metrics import generate_curve

        row["VUS-PR"] = generate_curve(labels, scores, slidingWindow=window)[-1]
    except ImportError:
        pass
    try:
        from prts import ts_fscore

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            row["range F1"] = (
                ts_fscore(
                    labels,
                    flags,
                    beta=1.0,
                    p_alpha=0.0,
                    r_alpha=0.0,
                    cardinality="reciprocal",
                    p_bias="flat",
                    r_bias="flat",
                )
                if flags.any()
                else 0.0
            )
    except ImportError:
        pass
    return row


def run_detector(detector, train, test, labels):
    start = time.perf_counter()
    detector.fit(train)
    fit_s = time.perf_counter() - start
    scores = detector.score_series(test)
    flags = detector.predict_series(test)  # the detector's events
    row = metrics(labels, scores, flags, detector.window_)
    row["fit s"] = fit_s
    return row, detector.window_


def part_rows(detector, train, test, labels):
    """Metrics of each part of a fitted ``point_scores="either"`` detector's scores, alone.

    The parts (reconstruction score, window score) come from a private
    method: benchmark only.
    """
    rows = []
    test_parts = detector._each(test, output="parts")
    for column in (0, 1):
        scores = test_parts[:, column]
        # The default's threshold on this part's scale: the default flags a point where
        # either part exceeds it.
        threshold = (
            detector.part_offsets_[column] + detector.threshold_ * detector.part_scales_[column]
        )
        flags = event_flags(scores, threshold, detector.window_)
        rows.append(metrics(labels, scores, flags, detector.window_))
    return rows


def window_scoring(train, window, seed, scoring):
    """The default LSTM detector's budget, scoring whole windows with ``scoring``."""
    n_windows = len(train) - window + 1
    stride = max(1, -(-n_windows // MAX_TRAINING_WINDOWS))
    estimator = _default_window_detector(-(-n_windows // stride), seed)
    estimator.set_params(scoring=scoring)
    return SeriesAnomalyDetector(estimator, window=window, point_scores="window", random_state=seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", nargs="+", default=SERIES, choices=SERIES)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--window-mahalanobis", action="store_true")
    parser.add_argument("--refit", action="store_true")
    args = parser.parse_args()
    refit = {"refit": True} if args.refit else {}
    table = []
    for name in args.series:
        train, test, labels = load(name)
        runs = {name: [] for name in ("LSTM-AE", "LSTM recon", "LSTM window")}
        runs.update({"IForest": [], "Sub-PCA": [], "z-score": []})
        candidates = {"LSTM-AE win-Mahal": "mahalanobis"} if args.window_mahalanobis else {}
        for method in candidates:
            runs[method] = []
        for seed in args.seeds:
            lstm = SeriesAnomalyDetector(random_state=seed, **refit)
            row, window = run_detector(lstm, train, test, labels)
            runs["LSTM-AE"].append(row)
            recon, window_part = part_rows(lstm, train, test, labels)
            runs["LSTM recon"].append(recon)
            runs["LSTM window"].append(window_part)
            forest = SeriesAnomalyDetector(
                IsolationForest(random_state=seed), window=window, **refit
            )
            runs["IForest"].append(run_detector(forest, train, test, labels)[0])
            for method, scoring in candidates.items():
                candidate = window_scoring(train, window, seed, scoring)
                runs[method].append(run_detector(candidate, train, test, labels)[0])
        pca = SeriesAnomalyDetector(PCAReconstruction(), window=window, **refit)
        runs["Sub-PCA"].append(run_detector(pca, train, test, labels)[0])
        z_train, z_test = moving_z_score(train, window), moving_z_score(test, window)
        threshold = pot_threshold(z_train, risk=RISK, initial_quantile=0.98, min_excesses=60)
        row = metrics(labels, z_test, event_flags(z_test, threshold, window), window)
        runs["z-score"].append({**row, "fit s": 0.0})
        print(
            f"\n{name}: train {train.shape}, test {test.shape}, anomalous points "
            f"{labels.sum()}, window {window}"
        )
        for method, rows in runs.items():
            frame = pd.DataFrame(rows)
            cells = "  ".join(
                f"{column} {frame[column].mean():.3f}"
                + (f" ± {frame[column].std(ddof=0):.3f}" if len(frame) > 1 else "")
                for column in frame.columns
            )
            print(f"  {method:8s} {cells}")
            table.append({"series": name, "method": method, **frame.mean().to_dict()})
    print("\nMeans (markdown):")
    frame = pd.DataFrame(table)
    metric_names = ("AP", "VUS-PR", "event F1", "FA/10k", "range F1", "ROC AUC")
    for metric in [c for c in metric_names if c in frame]:
        pivot = frame.pivot(index="series", columns="method", values=metric).loc[args.series]
        print(f"\n{metric}\n")
        methods = list(runs)
        print("| series | " + " | ".join(methods) + " |")
        print("|---" * (len(methods) + 1) + "|")
        for series, values in pivot[methods].iterrows():
            print(f"| {series} | " + " | ".join(f"{v:.3f}" for v in values) + " |")


if __name__ == "__main__":
    main()
