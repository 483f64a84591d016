"""
LSTM autoencoder codes as features in a Pipeline
================================================

GunPoint (sktime ships it; nothing is downloaded) holds 50 training and 150 test
recordings of a hand's x-position, 150 steps each, in two classes: a gun drawn from
a holster, or a finger pointed. An :class:`~sklearn_lstmae.LSTMAutoencoderTransformer`
learns, without labels, to compress each recording into one code vector; a logistic
regression then classifies the codes. The same logistic regression on the 150 raw
values is the baseline.

The autoencoder here trains a small network (16 units) for 30 epochs, so that the
gallery builds in a few minutes. Its defaults (100 units, 100 epochs) take about a
minute on two CPU cores; ``examples/quickstart.py`` runs them.
"""

# %%
# The data
# --------
# ``return_type="numpy2D"`` gives one univariate recording per row, which the
# estimators take as they are.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_gunpoint

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae.plotting import (
    LossCurveDisplay,
    ReconstructionDisplay,
)

X_train, y_train = load_gunpoint("train", return_type="numpy2D")
X_test, y_test = load_gunpoint("test", return_type="numpy2D")
print(f"train {X_train.shape}, test {X_test.shape}")
print(f"classes {np.unique(y_train)}")

# %%
# Two pipelines
# -------------
# The autoencoder is a transformer: in a :class:`~sklearn.pipeline.Pipeline` it is
# fitted on the training recordings (their labels are not used) and its
# ``transform`` hands the codes to the next step.
raw = make_pipeline(
    StandardScaler(),
    LogisticRegression(max_iter=1000),
)
autoencoder = LSTMAutoencoderTransformer(
    units=16,
    epochs=30,
    batch_size=10,
    random_state=0,
)
codes = make_pipeline(
    autoencoder,
    StandardScaler(),
    LogisticRegression(max_iter=1000),
)
# Test accuracy of each.
for name, pipeline in [("raw values", raw), ("LSTM-AE codes", codes)]:
    accuracy = pipeline.fit(X_train, y_train).score(X_test, y_test)
    print(f"{name:14s} + logistic regression: {accuracy:.3f}")

# The pipeline's first step is the fitted autoencoder.
n_codes = autoencoder.transform(X_test[:1]).shape[1]
print(f"codes of {n_codes} values per recording")
print(f"test reconstruction MSE {-autoencoder.score(X_test):.4f}")

# %%
# What the autoencoder rebuilds
# -----------------------------
# :class:`~sklearn_lstmae.plotting.ReconstructionDisplay` draws recordings beside
# their reconstructions (decoded from the codes), one panel each: here the first
# two test recordings of each class.
first = np.r_[
    np.flatnonzero(y_test == "1")[:2],
    np.flatnonzero(y_test == "2")[:2],
]
display = ReconstructionDisplay.from_estimator(
    autoencoder,
    X_test[first],
)
for panel, index in zip(display.ax_[:, 0], first, strict=True):
    panel.set_ylabel(f"test {index}\n(class {y_test[index]})")
display.ax_[0, 0].set_title("GunPoint test recordings, reconstructed")
display.figure_.set_size_inches(8, 6)

# %%
# How training went
# -----------------
# :class:`~sklearn_lstmae.plotting.LossCurveDisplay` plots ``history_``: the mean
# squared reconstruction error per epoch, the best epoch marked.
fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
LossCurveDisplay.from_estimator(autoencoder, ax=ax)
ax.set_title("Training loss of the autoencoder")
plt.show()
