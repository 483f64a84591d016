"""
Codes of short windows: local patterns as features
==================================================

:class:`~sklearn_lstmae.WindowCodeTransformer` cuts every sequence into overlapping
short windows, fits one autoencoder on all of them, and describes each sequence by
the mean and the maximum of its windows' codes. Many short windows are many more
training examples than a few long sequences, and short windows are easier for an
LSTM to rebuild.

BasicMotions (sktime ships it; nothing is downloaded): 40 training and 40 test
recordings of a smart watch's 3-D accelerometer and 3-D gyroscope (6 channels, 100
steps), while walking, standing, running or playing badminton. The window
autoencoder here is small (32 units) and trains for 60 epochs, so that the gallery
builds in a few minutes; the default window autoencoder (100 units) trains for about
2,000 mini-batch steps instead.
"""

# %%
# The data
# --------
# sktime gives ``(n, channels, time)``; the estimators take ``(n, time, channels)``.
# Each channel is scaled with the training recordings' mean and standard deviation.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_basic_motions

from sklearn_lstmae import (
    LSTMAutoencoderTransformer,
    WindowCodeTransformer,
    sliding_windows,
)
from sklearn_lstmae.plotting import ReconstructionDisplay


def load(split):
    X, y = load_basic_motions(split, return_type="numpy3D")
    return X.transpose(0, 2, 1).astype(np.float32), y


(X_train, y_train), (X_test, y_test) = load("train"), load("test")
mean, std = X_train.mean(axis=(0, 1)), X_train.std(axis=(0, 1))
X_train, X_test = (X_train - mean) / std, (X_test - mean) / std
print(f"train {X_train.shape}, test {X_test.shape}")
print(f"classes {np.unique(y_train)}")

# %%
# Window codes against raw values
# -------------------------------
# Windows of 20 steps (2 seconds), one every 10 steps: 9 per recording. The
# baseline is the same logistic regression on the 600 raw values of a recording.
windows = WindowCodeTransformer(
    LSTMAutoencoderTransformer(units=32, epochs=60),
    window=20,
    stride=10,
    random_state=0,
)
codes = make_pipeline(
    windows,
    StandardScaler(),
    LogisticRegression(max_iter=1000),
)
codes.fit(X_train, y_train)
raw = make_pipeline(
    StandardScaler(),
    LogisticRegression(max_iter=1000),
)
flat_train = X_train.reshape(len(X_train), -1)
flat_test = X_test.reshape(len(X_test), -1)
raw.fit(flat_train, y_train)
n_features = codes[0].transform(X_test[:1]).shape[1]
print(f"{windows.n_windows_} training windows; {n_features} features")
raw_accuracy = raw.score(flat_test, y_test)
codes_accuracy = codes.score(X_test, y_test)
print("test accuracy of a logistic regression on")
print(f"  raw values   {raw_accuracy:.3f}")
print(f"  window codes {codes_accuracy:.3f}")

# %%
# What the window autoencoder rebuilds
# ------------------------------------
# The fitted window autoencoder is ``estimator_``: a plain
# :class:`~sklearn_lstmae.LSTMAutoencoderTransformer` of 20-step windows.
# :class:`~sklearn_lstmae.plotting.ReconstructionDisplay` draws one panel per
# channel; passing ``ax`` lays the six panels out on a 2 x 3 grid.
running = np.flatnonzero(y_test == "running")[0]
# The fifth window of a running recording: steps 40 to 59.
window = sliding_windows(X_test[running], 20, stride=10)[4:5]
fig, axes = plt.subplots(2, 3, figsize=(9, 4.5), sharex=True)
fig.set_layout_engine("constrained")
estimator = windows.estimator_  # the fitted window autoencoder
display = ReconstructionDisplay.from_estimator(
    estimator,
    window,
    ax=axes,
)
for panel in axes.ravel():
    panel.set_xlabel("time step" if panel in axes[-1] else "")
    panel.set_ylabel("scaled value" if panel in axes[:, 0] else "")
# One legend for the figure, below the panels.
handles, names = axes[0, 0].get_legend_handles_labels()
axes[0, 0].get_legend().remove()
fig.legend(handles, names, loc="outside lower center", ncol=2)
fig.suptitle(f"Test recording {running} (running), steps 40 to 59")
plt.show()
