"""LSTM autoencoders (standalone and composite) as scikit-learn estimators.

Importing this package does not import Keras or TensorFlow; they load on the
first ``fit`` (or when a fitted estimator is unpickled).
"""

from sklearn_lstmae._transformer import LSTMAutoencoderTransformer

__all__ = ["LSTMAutoencoderTransformer"]
__version__ = "0.1.0"
