"""
Anomalies in one long series: where does an ECG go wrong?
=========================================================

sktime ships an excerpt of the MIT-BIH arrhythmia database: 7,500 points of one ECG
lead, labelled per point. A :class:`~sklearn_lstmae.SeriesAnomalyDetector` learns
the first 3,000 points (normal heartbeats), cut into overlapping windows; it holds
out the last 20% of them to set its threshold. It then scores every point of the
whole recording, and reports the events: runs of points above the threshold, merged
where they are at most one window apart. The anomaly is a missed heartbeat: an R peak
that does not come. At the automatic threshold the default score misses it here (see
below why): this page shows where the detector stands, not a tuned result.

The default window detector trains for about 1,500 mini-batch steps (minutes on two
CPU cores; ``examples/long_series_anomalies.py`` runs the defaults). For the
gallery's build time, the window detector here is smaller (16 units), sees every
8th window and trains for 20 epochs.
"""

# %%
# The recording
# -------------
import importlib.util
import pathlib

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    SeriesAnomalyDetector,
)
from sklearn_lstmae.plotting import AnomalyScoreDisplay

sktime = importlib.util.find_spec("sktime").origin
data = pathlib.Path(sktime).parent / "datasets" / "data"
# columns: data, label (1 = anomaly)
frame = pd.read_csv(data / "mitdb" / "mitdb.csv")
series = frame["data"].to_numpy(np.float32)
labels = frame["label"].to_numpy(int)
true_start, true_stop = np.flatnonzero(labels)[[0, -1]] + [0, 1]
print(f"{len(series)} points")
print(f"the anomaly: points {true_start} to {true_stop}")

# %%
# Fit on the normal stretch
# -------------------------
# ``window="auto"`` (the default) takes the series' dominant period, here one
# heartbeat. The window detector is the default's, with fewer units and epochs.
window_detector = LSTMAutoencoderOutlierDetector(
    16,
    standardize=True,
    code="states_and_means",
    n_neighbors=5,
    epochs=20,
)
detector = SeriesAnomalyDetector(
    window_detector,
    stride=8,
    random_state=0,
)
detector.fit(series[:3000])
print(f"window_={detector.window_} points")
print(f"window detector trained {detector.estimator_.n_iter_} epochs")
print(f"point_scores_={detector.point_scores_!r}")
print(f"threshold_={detector.threshold_:.3g}")

# %%
# Score the whole recording
# -------------------------
# ``score_series`` gives one score per point; ``anomaly_ranges`` the events: runs
# of points above ``threshold_``, merged where at most ``merge_gap`` points (one
# window) part them, each with its peak and a conformal p-value.
scores = detector.score_series(series)
auc = roc_auc_score(labels, scores)
ap = average_precision_score(labels, scores)
print(f"ROC AUC {auc:.3f}, average precision {ap:.3f}")
events = detector.anomaly_ranges(series)
print(f"{len(events)} events")
for event in events:
    found = event.start < true_stop and event.stop > true_start
    where = f"    {event.start:5d} to {event.stop:5d}"
    peak = f"peak {event.peak_score:.3g} at {event.peak_index}"
    note = "  <- the missed beat" if found else ""
    print(f"{where}, {peak}, p-value {event.p_value:.3g}{note}")

# %%
# The series above its scores
# ---------------------------
# For a series detector,
# :meth:`AnomalyScoreDisplay.from_estimator
# <sklearn_lstmae.plotting.AnomalyScoreDisplay.from_estimator>` draws the
# series with its events (red) and the true anomaly (orange) shaded, above the
# per-point scores and the threshold. Here, at the automatic threshold, the
# detector may flag nothing: the default score (``point_scores="either"``) takes,
# per point, the larger of a reconstruction part and a window part, each on the
# scale of its own threshold, set on the calibration stretch. That stretch is
# two beats long (``fit`` warns that it holds 2.0 windows, fewer than 10), and
# its single windows can score higher by the window part than the missed
# beat's points, each the mean over the windows that cover it (with the
# default training, up to 8.3 against 7.5), so the window part's threshold
# lies above the missed beat, while the scores still rank it high.
display = AnomalyScoreDisplay.from_estimator(detector, series, labels)
display.series_ax_.set_ylabel("ECG lead")
display.series_ax_.set_title("MIT-BIH excerpt, trained on 0 to 2,999")
# The legends beside the panels, off the data.
for ax in (display.series_ax_, display.ax_):
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))

# %%
# Around the missed beat
# ----------------------
# The same display drawn again (``plot`` reuses the scores it holds), from
# point 6,000 on: the two panels share their x axis.
display.plot()
display.ax_.set_xlim(6000, len(series))
display.series_ax_.set_ylabel("ECG lead")
display.series_ax_.set_title("The last 1,500 points")
for ax in (display.series_ax_, display.ax_):
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
plt.show()
