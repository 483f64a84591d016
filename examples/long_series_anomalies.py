"""Anomalies in one long series: fit on a normal stretch, find where the rest goes wrong
=====================================================================================

sktime ships an excerpt of the MIT-BIH arrhythmia database (7,500 points of one
ECG lead, labelled per point). ``SeriesAnomalyDetector`` learns the first 3,000
points (normal heartbeats; the last 600 of them held out to fit the
threshold), scores every point of the whole recording, flags those above the
threshold (peaks over threshold), and reports the events: runs of flagged points,
merged where they are at most one window apart. The script
prints point-wise metrics and saves a figure: the series with flagged and true
anomalies shaded, and the per-point score against the threshold.

The anomaly here is a missed heartbeat: an R peak that does not come. Each of
its points is easy to reconstruct (a missing peak is easy to rebuild), so the
reconstruction error alone misses it; the windows around it, though, are
unlike any training window. The detector's default point score
(``point_scores="either"``) takes, per point, the larger of the two, each on
the scale of its own alert threshold, set on the held-out points: it finds odd
points and odd patterns alike. On this recording it ranks the missed beat
high, but at the automatic threshold the defaults flag no event (seed 0): the
two held-out beats hold windows that the window part scores higher than the
missed beat's points (each the mean over the windows that cover it), so its
threshold, set on them, lies above the missed beat. ``fit`` warns about it: the
calibration points hold 2.0 windows, fewer than 10. The benchmarks page has the
figures.

Run it with::

    pip install -e ".[examples]"
    python examples/long_series_anomalies.py [--figure long_series_anomalies.png]

It writes a figure file and trains the detector's defaults, a few minutes on 2 CPU
cores, so it is not run when the documentation is built: its output is not shown here.
:ref:`sphx_glr_auto_examples_plot_long_series.py` runs a shorter training on the same
recording and shows its figures.
"""

import argparse
import importlib.util
import pathlib
import time

import matplotlib

matplotlib.use("Agg")  # write a file, no window
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402

from sklearn_lstmae import SeriesAnomalyDetector  # noqa: E402
from sklearn_lstmae.plotting import AnomalyScoreDisplay  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--figure", default="long_series_anomalies.png", help="where to save it")
args = parser.parse_args()

data = pathlib.Path(importlib.util.find_spec("sktime").origin).parent / "datasets" / "data"
frame = pd.read_csv(data / "mitdb" / "mitdb.csv")  # columns: data, label (1 = anomaly)
series, labels = frame["data"].to_numpy(np.float32), frame["label"].to_numpy(int)
train = series[:3000]

start = time.perf_counter()
detector = SeriesAnomalyDetector(random_state=0)  # the defaults
detector.fit(train)
print(
    f"fitted on {len(train)} normal points in {time.perf_counter() - start:.0f} s: "
    f"window_={detector.window_} points (the heartbeat period), "
    f"threshold_={detector.threshold_:.3g} (peaks over threshold)"
)

scores = detector.score_series(series)
flags = detector.predict_series(series)
print(
    f"whole recording, {len(series)} points, {labels.sum()} anomalous: "
    f"ROC AUC {roc_auc_score(labels, scores):.3f}, "
    f"average precision {average_precision_score(labels, scores):.3f}, "
    f"point F1 at threshold_ {f1_score(labels, flags):.3f}"
)
true_start, true_stop = np.flatnonzero(labels)[[0, -1]] + [0, 1]
print(f"true anomaly: {true_start} to {true_stop}")
events = detector.anomaly_ranges(series)
print(f"{len(events)} events (runs above threshold_, merged where at most one window apart):")
for event in events:
    found = event.start < true_stop and event.stop > true_start
    print(
        f"    {event.start:5d} to {event.stop:5d}, peak {event.peak_score:8.3g} at "
        f"{event.peak_index}, p-value {event.p_value:.3g}"
        + ("  <- the missed beat" if found else "")
    )

display = AnomalyScoreDisplay.from_estimator(detector, series, labels)
display.figure_.suptitle("MIT-BIH excerpt: trained on the first 3,000 points")
display.figure_.savefig(args.figure, dpi=100)
print(f"figure saved to {args.figure}")
