"""
Outlier detection: learn the normal recordings, flag the others
===============================================================

An :class:`~sklearn_lstmae.LSTMAutoencoderOutlierDetector` is trained on normal
sequences only; a new sequence that it cannot rebuild well, or whose code lies far
from the codes of the training sequences, scores as an outlier. Here the normal
sequences are GunPoint's class 1 (a gun drawn from a holster; sktime ships the data
set, nothing is downloaded) and the outliers its class 2 (a finger pointed): the
detector sees no class 2 recording while it trains.

The network is small (16 units) and trains for 60 epochs, so that the gallery builds
in a few minutes; the defaults (100 units, 100 epochs) train a larger network for
longer. ``examples/anomaly_detection.py`` runs a longer training with Mahalanobis
scoring.
"""

# %%
# Train on the normal class
# -------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    roc_auc_score,
)
from sktime.datasets import load_gunpoint

from sklearn_lstmae import LSTMAutoencoderOutlierDetector
from sklearn_lstmae.plotting import (
    AnomalyScoreDisplay,
    ReconstructionDisplay,
)

X_train, y_train = load_gunpoint("train", return_type="numpy2D")
X_test, y_test = load_gunpoint("test", return_type="numpy2D")
X_normal = X_train[y_train == "1"]
# +1 normal, -1 outlier, as predict returns
labels = np.where(y_test == "1", 1, -1)
is_outlier = labels == -1

detector = LSTMAutoencoderOutlierDetector(
    units=16,
    epochs=60,
    batch_size=8,
    random_state=0,
)
detector.fit(X_normal)
print(f"trained on {len(X_normal)} normal recordings")
print(f"scoring_={detector.scoring_!r}")
print(f"test: {is_outlier.sum()} outliers among {len(labels)}")

# %%
# Scores and flags
# ----------------
# ``score_samples`` is higher for more normal sequences, as in scikit-learn's
# outlier detectors, so the ranking metrics take its negation. ``predict`` flags
# the sequences below ``offset_``, a threshold set from the training scores
# (``contamination="auto"``: Tukey's fence), with no outlier seen.
anomaly_scores = -detector.score_samples(X_test)
auc = roc_auc_score(is_outlier, anomaly_scores)
ap = average_precision_score(is_outlier, anomaly_scores)
print(f"ROC AUC {auc:.3f}, average precision {ap:.3f}")
flags = detector.predict(X_test)
f1 = f1_score(labels, flags, pos_label=-1)
print(f"flagged {np.sum(flags == -1)} test recordings; F1 {f1:.3f}")

# %%
# Every test recording's score
# ----------------------------
# :class:`~sklearn_lstmae.plotting.AnomalyScoreDisplay` draws one marker per test
# recording, the threshold (``-offset_``), the flagged recordings (red crosses) and,
# given the labels, the true outliers (ringed).
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
AnomalyScoreDisplay.from_estimator(detector, X_test, labels, ax=ax)
ax.set_xlabel("test recording")
ax.set_title("GunPoint test recordings (class 2: the outliers)")
# The legend beside the axes, off the points.
ax.legend(loc="upper left", bbox_to_anchor=(1, 1))

# %%
# A threshold from a few labels
# -----------------------------
# With 24 training recordings, a threshold set on the training scores alone may sit
# low, as above, and flag many normal recordings. Where a few labelled recordings
# exist, :meth:`~sklearn_lstmae.LSTMAutoencoderOutlierDetector.set_offset_from_labels`
# picks ``offset_`` from them: here one half of the test split picks it, and the
# other half is scored.
half = np.arange(len(labels)) % 2 == 0
detector.set_offset_from_labels(X_test[half], labels[half])
flags = detector.predict(X_test[~half])
f1 = f1_score(labels[~half], flags, pos_label=-1)
print(f"F1 on the other half, threshold picked on labels: {f1:.3f}")

# %%
# The most and the least normal recordings
# ----------------------------------------
# The test recording of each class that scores lowest, and the one that scores
# highest, beside their reconstructions.
order = np.argsort(anomaly_scores)
normal = np.flatnonzero(~is_outlier)
outlier = np.flatnonzero(is_outlier)
shown = [
    order[np.isin(order, normal)][0],
    order[np.isin(order, normal)][-1],
    order[np.isin(order, outlier)][0],
    order[np.isin(order, outlier)][-1],
]
display = ReconstructionDisplay.from_estimator(
    detector,
    X_test[shown],
)
names = ["lowest", "highest", "lowest", "highest"]
panels = display.ax_[:, 0]
for panel, i, name in zip(panels, shown, names, strict=True):
    panel.set_ylabel(f"test {i}\n(class {y_test[i]}, {name})")
display.ax_[0, 0].set_title("Lowest and highest score of each class")
display.figure_.set_size_inches(8, 6.5)
plt.show()
