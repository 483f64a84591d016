"""The tutorial's composite LSTM autoencoder, through the library
==============================================================

One encoder, two decoders: one reconstructs the observed window, one predicts
the steps that follow (Srivastava et al., 2015). With ``future_steps=1`` the
model reads 0.1 ... 0.8, reconstructs it and predicts 0.9::

    python examples/seed_composite.py

It takes about 25 seconds on 2 CPU cores and is not run when the documentation is
built: its output is not shown here.
:ref:`sphx_glr_auto_examples_plot_composite_forecast.py` draws the composite model's
forecasts.
"""

import numpy as np

from sklearn_lstmae import LSTMAutoencoderTransformer

sequence = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]).reshape((1, 9, 1))

autoencoder = LSTMAutoencoderTransformer(
    units=100,
    activation="relu",
    epochs=300,
    future_steps=1,
    random_state=0,
    bidirectional=False,
    code="last_hidden",  # the tutorial's encoder
).fit(sequence)

codes = autoencoder.transform(sequence)  # encodes the observed window 0.1 ... 0.8
window = autoencoder.inverse_transform(codes)  # reconstruction, then prediction
future = autoencoder.forecast(sequence[:, :8])  # what follows a given window

autoencoder.model_.summary()
print("reconstruction + prediction:", np.round(window.ravel(), 3))
print(f"max abs error:               {np.max(np.abs(window - sequence)):.4f}")
print(f"forecast after 0.1 ... 0.8:  {future.ravel()[0]:.3f}")
print("feature shape:              ", codes.shape)
