"""LSTM autoencoders (standalone and composite) as scikit-learn estimators.

Importing this package does not import Keras or TensorFlow; they load on the
first ``fit`` (or when a fitted estimator is loaded or unpickled).
"""

from sklearn_lstmae._outlier import LSTMAutoencoderOutlierDetector
from sklearn_lstmae._persistence import load
from sklearn_lstmae._series import SeriesAnomalyDetector, SeriesStream
from sklearn_lstmae._threads import set_tensorflow_threads
from sklearn_lstmae._transformer import LSTMAutoencoderTransformer
from sklearn_lstmae._window_codes import WindowCodeTransformer
from sklearn_lstmae._windows import fold_windows, sliding_windows

__all__ = [
    "LSTMAutoencoderOutlierDetector",
    "LSTMAutoencoderTransformer",
    "SeriesAnomalyDetector",
    "SeriesStream",
    "WindowCodeTransformer",
    "fold_windows",
    "load",
    "set_tensorflow_threads",
    "sliding_windows",
]
__version__ = "0.1.0"
