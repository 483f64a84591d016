"""LSTM autoencoders (standalone and composite) as scikit-learn estimators.

Importing this package does not import Keras or TensorFlow; they load on the
first ``fit`` (or when a fitted estimator is loaded or unpickled).
"""

from sklearn_lstmae._engine.threads import set_tensorflow_threads
from sklearn_lstmae._outlier import LSTMAutoencoderOutlierDetector
from sklearn_lstmae._persistence.archive import load
from sklearn_lstmae._series import SeriesAnomalyDetector
from sklearn_lstmae._series_stream import SeriesStream
from sklearn_lstmae._transformer import LSTMAutoencoderTransformer
from sklearn_lstmae._utils.events import AnomalyRange
from sklearn_lstmae._utils.windows import fold_windows, sliding_windows
from sklearn_lstmae._version import __version__  # noqa: F401 - not a public name
from sklearn_lstmae._window_codes import WindowCodeTransformer

__all__ = [
    "AnomalyRange",
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
