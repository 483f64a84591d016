"""Few labels, many unlabelled sequences: a frozen autoencoder against raw-value baselines.

Recordings are often cheap and labels not. ItalyPowerDemand (sktime ships
it; nothing is downloaded) holds 1,096 days of Italian electricity demand,
24 hourly values each, labelled by season (October to March, or April to
September). Here only 30 days are labelled; another 600 are unlabelled; the
remaining 466 are a test set that no model sees before it is scored.

- The autoencoder learns, without labels, from the 630 days it may see (the
  30 labelled ones included), then is frozen (``FrozenEstimator``), so fitting
  the pipeline on the 30 labels fits only the classifier on top.
- Baselines, on the same 30 labels: a logistic regression on the raw values,
  1-nearest-neighbour (Euclidean), and the same autoencoder pipeline trained
  on the 30 labelled days alone.

Each line is the mean and standard deviation over 3 draws of the 30 labelled
days (``random_state`` 0 to 2 also seeds the autoencoder).

    pip install -e ".[benchmark]"
    python benchmarks/bench_semisupervised.py

Takes a few minutes on 2 CPU cores.
"""

import time

import numpy as np
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_italy_power_demand

from sklearn_lstmae import LSTMAutoencoderTransformer

X, y = load_italy_power_demand(return_X_y=True, return_type="numpy2D")  # (1096, 24)
print(f"ItalyPowerDemand: {X.shape[0]} days of {X.shape[1]} hourly values, 2 seasons")


def classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


results = {}
for seed in range(3):
    X_seen, X_test, y_seen, y_test = train_test_split(
        X, y, test_size=466, stratify=y, random_state=seed
    )
    # 30 labelled days; the labels of the other 600 seen days are never used.
    X_labelled, _, y_labelled, _ = train_test_split(
        X_seen, y_seen, train_size=30, stratify=y_seen, random_state=seed
    )
    start = time.perf_counter()
    autoencoder = LSTMAutoencoderTransformer(random_state=seed).fit(X_seen)  # no labels
    pretrain_seconds = time.perf_counter() - start
    pipelines = {
        "raw values + logistic": classifier(),
        "1-NN (Euclidean)": KNeighborsClassifier(n_neighbors=1),
        "LSTM-AE on the 30 labelled only": make_pipeline(
            LSTMAutoencoderTransformer(random_state=seed), classifier()
        ),
        "LSTM-AE on all 630, frozen": make_pipeline(FrozenEstimator(autoencoder), classifier()),
    }
    for name, pipeline in pipelines.items():
        accuracy = pipeline.fit(X_labelled, y_labelled).score(X_test, y_test)
        results.setdefault(name, []).append(accuracy)

print(
    f"test accuracy on 466 unseen days from 30 labels "
    f"(autoencoder pretraining {pretrain_seconds:.0f} s)"
)
for name, accuracies in results.items():
    print(f"  {name:32s} {np.mean(accuracies):.3f} ± {np.std(accuracies):.3f}")
