"""
Anomalies in one long series: where does an ECG go wrong?
=========================================================

sktime ships an excerpt of the MIT-BIH arrhythmia database: 7,500 points of one ECG
lead, labelled per point. A :class:`~sklearn_lstmae.SeriesAnomalyDetector` learns
the first 3,000 points (normal heartbeats), cut into overlapping windows; it holds
out the last 20% of them to set its threshold. It then scores every point of the
whole recording, flags the points above the threshold and reports the flagged
ranges. The anomaly is a missed heartbeat: an R peak that does not come.

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
# ``score_series`` gives one score per point; ``anomaly_ranges`` the ``(start,
# stop)`` runs of points above ``threshold_``.
scores = detector.score_series(series)
auc = roc_auc_score(labels, scores)
ap = average_precision_score(labels, scores)
print(f"ROC AUC {auc:.3f}, average precision {ap:.3f}")
ranges = detector.anomaly_ranges(series)
inside = [r for r in ranges if r[0] < true_stop and r[1] > true_start]
print(f"{len(ranges)} flagged ranges")
print(f"overlapping the anomaly: {inside}")
print("all flagged ranges, (start, stop):")
for k in range(0, len(ranges), 4):
    print("   ", ranges[k : k + 4])

# %%
# The series above its scores
# ---------------------------
# For a series detector,
# :meth:`AnomalyScoreDisplay.from_estimator
# <sklearn_lstmae.plotting.AnomalyScoreDisplay.from_estimator>` draws the
# series with the flagged ranges (red) and the true anomaly (orange) shaded, above
# the per-point scores and the threshold. Besides the missed beat, short ranges at
# R peaks cross the threshold: the reconstruction part of the score
# (``point_scores="either"``) finds the peaks hard to rebuild.
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
