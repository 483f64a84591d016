"""LSTM autoencoder features feeding a scikeras KerasClassifier, in one Pipeline
=============================================================================

BasicMotions (sktime ships it): accelerometer and gyroscope recordings, 6
channels x 100 steps, 4 activities. The autoencoder turns each recording into a
code; a small dense Keras network, wrapped by scikeras, classifies the codes.
The whole pipeline fits, predicts, cross-validates and pickles as one
scikit-learn estimator.

Run it with::

    pip install -e ".[examples]"
    python examples/keras_classifier_pipeline.py

It takes about a minute on 2 CPU cores (and needs scikeras), so it is not run when
the documentation is built: its output is not shown here.
"""

import pickle

import keras
import numpy as np
from scikeras.wrappers import KerasClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_basic_motions

from sklearn_lstmae import LSTMAutoencoderTransformer


def load(split):
    X, y = load_basic_motions(split=split, return_X_y=True, return_type="numpy3D")
    return X.transpose(0, 2, 1), y  # sktime: (n, channels, time); we take (n, time, channels)


def dense_classifier(meta):
    """A small dense network sized from the data scikeras passes in ``meta``."""
    model = keras.Sequential(
        [
            keras.Input((meta["n_features_in_"],)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(meta["n_classes_"], activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    return model


(X_train, y_train), (X_test, y_test) = load("train"), load("test")
# Scale each channel with training statistics (accelerometer and gyroscope differ in range).
mean, std = X_train.mean(axis=(0, 1)), X_train.std(axis=(0, 1))
X_train, X_test = (X_train - mean) / std, (X_test - mean) / std

pipeline = make_pipeline(
    LSTMAutoencoderTransformer(units=32, epochs=100, batch_size=8, random_state=0),
    StandardScaler(),
    KerasClassifier(dense_classifier, epochs=100, batch_size=8, verbose=0, random_state=0),
)
pipeline.fit(X_train, y_train)
print(f"BasicMotions test accuracy: {pipeline.score(X_test, y_test):.3f}")

restored = pickle.loads(pickle.dumps(pipeline))
same = np.array_equal(restored.predict(X_test), pipeline.predict(X_test))
print(f"pickled pipeline predicts the same: {same}")
