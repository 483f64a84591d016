"""The tutorial's standalone LSTM autoencoder, through the library
===============================================================

The tutorial trains ``LSTM(100, relu) -> RepeatVector(9) -> LSTM(100, relu) ->
TimeDistributed(Dense(1))`` on the sequence 0.1 ... 0.9 for 300 epochs and then
reads the encoder off the trained model. Here that is one estimator::

    python examples/seed_standalone.py

It takes about 20 seconds on 2 CPU cores and is not run when the documentation is
built: its output is not shown here.
"""

import numpy as np

from sklearn_lstmae import LSTMAutoencoderTransformer

sequence = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]).reshape((1, 9, 1))

autoencoder = LSTMAutoencoderTransformer(
    units=100,
    activation="relu",
    epochs=300,
    random_state=0,
    bidirectional=False,
    code="last_hidden",  # the tutorial's encoder
).fit(sequence)

codes = autoencoder.transform(sequence)  # the tutorial's `encoder.predict(seq)`
reconstruction = autoencoder.inverse_transform(codes)  # the tutorial's `model.predict(seq)`

autoencoder.model_.summary()
print("reconstruction:", np.round(reconstruction.ravel(), 3))
print(f"max abs error:  {np.max(np.abs(reconstruction - sequence)):.4f}")
print(f"score (-MSE):   {autoencoder.score(sequence):.2e}")
print("feature shape: ", codes.shape)
