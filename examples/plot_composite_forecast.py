"""
The composite model: reconstruct a window and forecast what follows
===================================================================

With ``future_steps=k``, :class:`~sklearn_lstmae.LSTMAutoencoderTransformer` is the
composite LSTM autoencoder of Srivastava et al. (2015): one encoder reads the first
``T - k`` steps of each sequence (the observed window), one decoder reconstructs
that window and a second one predicts the ``k`` steps after it. Both are trained
together, and ``forecast`` continues windows it has not seen.

The data are synthetic: noisy sine waves of random period (12 to 24 steps), phase
and amplitude, 40 steps each, of which the model learns to predict the last 10.
The network is small (16 units) and trains for 40 epochs, so that the gallery builds
in a few minutes; the defaults (100 units, 100 epochs) train a larger network for
longer.
"""

# %%
# Noisy sine waves
# ----------------
# ``clean`` holds the waves without noise: the truth the forecasts are compared
# with. The model only ever sees the noisy ``X``.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae.plotting import ReconstructionDisplay

rng = np.random.RandomState(0)
n_sequences, n_steps, future_steps = 200, 40, 10
period = rng.uniform(12, 24, size=(n_sequences, 1))
phase = rng.uniform(0, 2 * np.pi, size=(n_sequences, 1))
amplitude = rng.uniform(0.5, 1.0, size=(n_sequences, 1))
angle = 2 * np.pi * np.arange(n_steps) / period + phase
clean = amplitude * np.sin(angle)
noise = rng.normal(scale=0.1, size=clean.shape)
X = (clean + noise).astype(np.float32)
X_train, X_test, clean_test = X[:160], X[160:], clean[160:]
print(f"train {X_train.shape}, test {X_test.shape}")
print(f"to predict: the last {future_steps} steps of each sequence")

# %%
# Fit the composite model
# -----------------------
# Every training sequence is split in two: the first 30 steps are the observed
# window, the last 10 its future.
composite = LSTMAutoencoderTransformer(
    units=16,
    future_steps=future_steps,
    epochs=40,
    batch_size=16,
    random_state=0,
).fit(X_train)
final_loss = composite.history_["loss"][-1]
print(f"{composite.n_iter_} epochs, final loss {final_loss:.4f}")

# %%
# Forecasts against the truth
# ---------------------------
# ``forecast`` takes windows of 30 steps and returns the 10 steps that follow.
# The naive baseline repeats each window's last value.
observed = n_steps - future_steps
future = composite.forecast(X_test[:, :observed])
truth = clean_test[:, observed:]
last = X_test[:, observed - 1 : observed]
naive = np.repeat(last, future_steps, axis=1)
print(f"forecast shape {future.shape}")
print("MSE against the noise-free future:")
print(f"  forecast            {np.mean((future - truth) ** 2):.4f}")
print(f"  last value repeated {np.mean((naive - truth) ** 2):.4f}")

# %%
# The first three test sequences: the observed window, the noise-free truth,
# and the forecast after the dotted line.
fig, axes = plt.subplots(3, figsize=(8, 6), sharex=True)
fig.set_layout_engine("constrained")
steps = np.arange(n_steps)
past, ahead = steps[:observed], steps[observed:]
for i, ax in enumerate(axes):
    ax.plot(past, X_test[i, :observed], c="0.4", label="observed")
    ax.plot(steps, clean_test[i], c="tab:blue", lw=1, label="truth")
    ax.plot(ahead, future[i], "o--", c="tab:red", label="forecast")
    ax.axvline(observed - 0.5, color="0.6", linestyle=":")
    ax.set_ylabel(f"test {i}")
axes[0].set_title("Forecasts of the 10 steps after each window")
axes[0].legend(loc="upper left", bbox_to_anchor=(1, 1))
axes[-1].set_xlabel("time step")

# %%
# Reconstruction and prediction in one picture
# --------------------------------------------
# :class:`~sklearn_lstmae.plotting.ReconstructionDisplay` draws what the model
# returns for whole test sequences: its reconstruction of the observed window, then
# its prediction of the future, shaded.
display = ReconstructionDisplay.from_estimator(composite, X_test[:3])
for i, panel in enumerate(display.ax_[:, 0]):
    panel.set_ylabel(f"test {i}")
display.ax_[0, 0].set_title("Reconstruction, then prediction")
display.figure_.set_size_inches(8, 5)
plt.show()
