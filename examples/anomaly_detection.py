"""Anomaly detection: train on normal sequences, flag what the autoencoder cannot rebuild
======================================================================================

GunPoint (sktime ships it): recordings of a hand drawing a gun ("1") or
pointing a finger ("2"). The detector learns class 1 only; in the test split,
class 2 recordings are the anomalies. The script prints detection metrics, then
saves a figure (with the library's displays): every test recording's anomaly
score against the threshold, and the least normal recording beside its
reconstruction. ``--plot-model`` also prints the network's summary and draws it
with ``keras.utils.plot_model`` (needs pydot and Graphviz).

Run it with::

    pip install -e ".[examples]"
    python examples/anomaly_detection.py [--figure anomaly_detection.png] [--plot-model net.png]

It writes a figure file and takes about 40 seconds on 2 CPU cores, so it is not run
when the documentation is built: its output is not shown here.
:ref:`sphx_glr_auto_examples_plot_outlier_detection.py` runs a shorter training and
shows its figures.
"""

import argparse

import matplotlib

matplotlib.use("Agg")  # write a file, no window
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402
from sktime.datasets import load_gunpoint  # noqa: E402

from sklearn_lstmae import LSTMAutoencoderOutlierDetector  # noqa: E402
from sklearn_lstmae.plotting import AnomalyScoreDisplay, ReconstructionDisplay  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--figure", default="anomaly_detection.png", help="where to save the figure")
parser.add_argument(
    "--plot-model", metavar="PATH", help="also print the network's summary and draw it (pydot)"
)
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

# The figure: every test recording's anomaly score against the threshold (true anomalies
# ringed), and the least normal recording beside its reconstruction.
worst = np.argmin(np.where(labels == -1, scores, np.inf))
figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6.5), layout="constrained")
AnomalyScoreDisplay.from_estimator(detector, X_test, labels, ax=top)
top.set_yscale("log")  # Mahalanobis distances are heavy-tailed
top.set_title("Anomaly score of every test recording (threshold from the validation half)")
ReconstructionDisplay.from_estimator(detector, X_test[worst : worst + 1], ax=bottom)
bottom.set_title(f"Test recording {worst} (class 2: an anomaly) and its reconstruction")
figure.savefig(args.figure, dpi=100)
print(f"figure saved to {args.figure}")

if args.plot_model:  # optional: needs pydot and Graphviz (pip install pydot; apt install graphviz)
    import keras  # noqa: E402

    detector.model_.summary()
    keras.utils.plot_model(detector.model_, to_file=args.plot_model, show_shapes=True)
    print(f"network diagram saved to {args.plot_model}")
