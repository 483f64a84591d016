"""Anomaly detection: train on normal sequences, flag what the autoencoder cannot rebuild.

GunPoint (sktime ships it): recordings of a hand drawing a gun ("1") or
pointing a finger ("2"). The detector learns class 1 only; in the test split,
class 2 recordings are the anomalies. The script prints detection metrics, then
saves a figure of an anomalous test recording with its per-step anomaly score
(the squared reconstruction error).

    pip install -e ".[examples]"
    python examples/anomaly_detection.py [--figure anomaly_detection.png]
"""

import argparse

import matplotlib

matplotlib.use("Agg")  # write a file, no window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402
from sktime.datasets import load_gunpoint  # noqa: E402

from sklearn_lstmae import LSTMAutoencoderOutlierDetector  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--figure", default="anomaly_detection.png", help="where to save the figure")
args = parser.parse_args()

X_train, y_train = load_gunpoint(split="train", return_X_y=True, return_type="numpy2D")
X_test, y_test = load_gunpoint(split="test", return_X_y=True, return_type="numpy2D")
X_normal = X_train[y_train == "1"]
labels = np.where(y_test == "1", 1, -1)  # +1 normal, -1 anomaly, as predict returns

detector = LSTMAutoencoderOutlierDetector(
    units=32, epochs=100, batch_size=8, scoring="mahalanobis", random_state=0
).fit(X_normal)
scores = detector.score_samples(X_test)
print(
    f"trained on {len(X_normal)} normal recordings; test: {np.sum(labels == -1)} anomalies "
    f"among {len(labels)}"
)
print(
    f"ROC AUC {roc_auc_score(labels == -1, -scores):.3f}   "
    f"average precision {average_precision_score(labels == -1, -scores):.3f}"
)
print(
    f"F1 at the threshold fitted on normal data (contamination='auto'): "
    f"{f1_score(labels, detector.predict(X_test), pos_label=-1):.3f}"
)

# With a few labels, pick the threshold on one half of the test split, evaluate on the other.
half = np.arange(len(labels)) % 2 == 0
detector.set_offset_from_labels(X_test[half], labels[half])
print(
    f"F1 with the threshold picked on labelled validation data: "
    f"{f1_score(labels[~half], detector.predict(X_test[~half]), pos_label=-1):.3f}"
)

# Where is the worst anomaly abnormal? Per-step squared reconstruction error.
worst = np.argmin(np.where(labels == -1, scores, np.inf))
sequence = X_test[worst : worst + 1]
reconstruction = detector.reconstruct(sequence)[0]
error = detector.reconstruction_error(sequence)[0]

figure, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(8, 5))
top.plot(sequence[0], label=f"test recording {worst} (class 2: anomaly)")
top.plot(reconstruction, "--", label="its reconstruction")
top.legend(loc="upper left")
bottom.fill_between(np.arange(len(error)), error, step="mid")
bottom.set_ylabel("squared error")
bottom.set_xlabel("time step")
figure.suptitle("Per-step anomaly score of the least normal test recording")
figure.tight_layout()
figure.savefig(args.figure, dpi=100)
print(f"figure saved to {args.figure}")
