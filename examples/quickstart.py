"""Quickstart: LSTM autoencoder codes as features for time-series classification
================================================================================

GunPoint (sktime ships it; nothing is downloaded): 50 training and 150 test
recordings of a hand's x-position, 150 steps each, two classes (a gun drawn,
or a finger pointed). The autoencoder learns, without labels, to compress
each recording into one code vector (its defaults: a bidirectional LSTM
encoder whose code holds its final states and, pooled over time, the mean,
maximum and share of positive values of its outputs); a logistic
regression then classifies the codes.

Baselines, on the same split: the same logistic regression on the raw 150
values, and 1-nearest-neighbour (Euclidean distance), the classic baseline
of this archive. MiniRocket, a supervised feature extractor, does better
still; the autoencoder's codes were learnt without a single label.
``benchmarks/bench_quality.py`` runs three seeds of the same comparison and
five more data sets, including those where the codes lose (see
benchmarks/README.md).

Run it with::

    pip install -e ".[examples]"
    python examples/quickstart.py

Takes about a minute on 2 CPU cores, so it is not run when the documentation is
built: its output is not shown here.
:ref:`sphx_glr_auto_examples_plot_features_pipeline.py` makes the same comparison
with a shorter training.
"""

import time

from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_gunpoint

from sklearn_lstmae import LSTMAutoencoderTransformer

X_train, y_train = load_gunpoint(split="train", return_X_y=True, return_type="numpy2D")
X_test, y_test = load_gunpoint(split="test", return_X_y=True, return_type="numpy2D")
print(f"GunPoint: train {X_train.shape}, test {X_test.shape} (one univariate series per row)")

pipelines = {
    "raw values + logistic": make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "1-NN (Euclidean)": KNeighborsClassifier(n_neighbors=1),
    "LSTM-AE codes + logistic": make_pipeline(
        LSTMAutoencoderTransformer(random_state=0),  # the defaults; only the seed is set
        StandardScaler(),
        LogisticRegression(max_iter=1000),
    ),
}
for name, pipeline in pipelines.items():
    start = time.perf_counter()
    accuracy = pipeline.fit(X_train, y_train).score(X_test, y_test)
    print(f"{name:26s} test accuracy {accuracy:.3f}   ({time.perf_counter() - start:.1f} s)")

autoencoder = pipelines["LSTM-AE codes + logistic"][0]
print(
    f"autoencoder: {autoencoder.n_iter_} epochs, codes of {autoencoder.transform(X_test).shape[1]} "
    f"values, test reconstruction MSE {-autoencoder.score(X_test):.4f}"
)
