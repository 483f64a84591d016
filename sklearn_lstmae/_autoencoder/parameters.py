"""The autoencoder estimators' parameters: their constraints and their documentation.

One source for both estimators (and for the docs site): each estimator states
its own ``__init__`` (scikit-learn reads the signature), and its docstring
names where the shared entries go, as ``%(units)s`` for one parameter or
``%(autoencoder_parameters)s`` for every shared one not placed by name, and
``%(autoencoder_attributes)s`` for the shared fitted attributes.
"""

from __future__ import annotations

import re
from numbers import Integral, Real

from sklearn.utils._param_validation import HasMethods, StrOptions

from sklearn_lstmae._utils.validation import StrictInterval

OPTIMIZERS = frozenset(
    {"adam", "adamw", "adamax", "adagrad", "adadelta", "ftrl", "lion", "nadam", "rmsprop", "sgd"}
)
# The widest LSTM or bottleneck accepted: 4 * 4096**2 weights (64M) per LSTM
# already take 256 MB, three times that with Adam's moments. Larger requests
# are refused before anything is allocated, rather than exhausting memory.
MAX_WIDTH = 4096
# More epochs than this is a typo, not a plan: refused rather than run for ever.
MAX_EPOCHS = 1_000_000
CODES = frozenset(
    {
        "last_hidden",
        "all_states",
        "states_and_means",
        "states_and_pools",
        "states_pools_and_segments",
    }
)


PARAMETER_CONSTRAINTS: dict = {
    "units": [StrictInterval(Integral, 1, MAX_WIDTH, closed="both"), tuple, list],
    "latent_dim": [StrictInterval(Integral, 1, MAX_WIDTH, closed="both"), None],
    "bidirectional": ["boolean"],
    "code": [StrOptions(set(CODES))],
    "standardize": ["boolean"],
    "activation": [str],
    "future_steps": [StrictInterval(Integral, 0, None, closed="left")],
    "reverse_reconstruction": ["boolean"],
    "prediction_weight": [StrictInterval(Real, 0, None, closed="left")],
    "dropout": [StrictInterval(Real, 0, 1, closed="left")],
    "recurrent_dropout": [StrictInterval(Real, 0, 1, closed="left")],
    "epochs": [StrictInterval(Integral, 1, MAX_EPOCHS, closed="both")],
    "batch_size": [StrictInterval(Integral, 1, None, closed="left")],
    "optimizer": [StrOptions(set(OPTIMIZERS)), HasMethods(["apply_gradients", "get_config"])],
    "learning_rate": [StrictInterval(Real, 0, None, closed="neither")],
    "validation_split": [StrictInterval(Real, 0, 1, closed="left")],
    "early_stopping": ["boolean"],
    "patience": [StrictInterval(Integral, 1, None, closed="left")],
    "min_delta": [StrictInterval(Real, 0, None, closed="left")],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "distribute_strategy": [None, StrOptions({"mirrored"}), HasMethods(["scope", "run"])],
    "xla_inference": ["boolean"],
    "callbacks": [list, None],
}

PARAMETER_DOCS: dict[str, str] = {
    "units": """\
units : int or tuple of int, default=100
    Size of the encoder LSTM, or sizes of stacked encoder LSTMs from input
    to code, each at most 4,096. The decoders mirror them. Training takes
    about 16 bytes a weight (the weight, its gradient, Adam's two moments):
    a network that would need more than the machine's memory is refused
    before it is built, and one that needs more than 1 GiB gets a warning.
""",
    "latent_dim": """\
latent_dim : int, default=None
    If set, a linear ``Dense(latent_dim)`` bottleneck after the encoder
    gives the code (``latent_dim`` values, read from the states and means).
    If None, the code is what ``code`` selects.
""",
    "bidirectional": """\
bidirectional : bool, default=True
    Give every encoder layer a second LSTM that reads each sequence last
    step first (within its length, so padding stays on the right); the
    code then holds both directions' states. The backward state
    summarises the sequence's start, which a forward LSTM's final state
    keeps least of. The decoders are unchanged.
""",
    "code": """\
code : {"states_and_pools", "states_pools_and_segments", "states_and_means", \
        "all_states", "last_hidden"}, default="states_and_pools"
    What the encoder's code holds (before ``latent_dim``, if set), each
    part for every direction: ``"last_hidden"``, the last encoder LSTM's
    final hidden state (``units[-1]`` values per direction), as in the
    classic LSTM autoencoder; ``"all_states"``, the final hidden and cell
    states of every encoder LSTM, concatenated (``2 * sum(units)`` per
    direction), as in TimeNet (Malhotra et al., 2017);
    ``"states_and_means"``, those states and each LSTM's outputs averaged
    over the sequence's real steps (``3 * sum(units)`` per direction):
    the means summarise the whole sequence, not only its end;
    ``"states_and_pools"``, the states and, for each LSTM, the mean, the
    maximum and the share of positive values of its outputs over the real
    steps (``5 * sum(units)`` per direction), pooled as ROCKET pools its
    convolutions (Dempster et al., 2020): they say which patterns occur
    anywhere in the sequence, and how often. The share counts each output
    as ``sigmoid(output / 3e-4)``: 0 or 1 but within a few thousandths of
    0, where it moves smoothly, so that rounding (an exported graph's) cannot
    move it by a whole step's ``1 / length``. The decoder reads the
    states and means only: the maxima and shares (the code's last
    ``2 * sum(units)`` values per direction) are a read-out for downstream
    models, so training is that of ``"states_and_means"``.
    ``"states_pools_and_segments"``, all of that and then each LSTM's
    outputs averaged over 8 stretches of the sequence's real steps
    (``13 * sum(units)`` per direction), a read-out too: where the pools
    say which patterns occur, the segment means say when. With
    ``latent_dim``, the bottleneck reads the states and means and the
    code holds no pools.
""",
    "standardize": """\
standardize : bool, default=False
    Standardize each channel with the mean and standard deviation of the
    training data's real steps (``channel_mean_``, ``channel_scale_``)
    before the network, as tanh LSTMs saturate on large values. Outputs
    (reconstructions, forecasts, errors, scores) stay in the units of
    the data; the training loss is in standardized units. Set by the
    first ``fit`` (or ``partial_fit``); training that continues keeps it.
""",
    "activation": """\
activation : str, default="tanh"
    Activation of the LSTM cells. ``"tanh"`` keeps the fused cuDNN kernel
    usable on GPU and trains stably on long sequences, where ``"relu"``
    LSTMs can diverge.
""",
    "future_steps": """\
future_steps : int, default=0
    0 gives the standalone autoencoder; ``k > 0`` the composite model,
    which predicts the last ``k`` steps of each sequence from the rest.
    Must be smaller than the sequence length. Reconstruction errors and
    scores then cover the predicted steps too.
""",
    "reverse_reconstruction": """\
reverse_reconstruction : bool, default=False
    Let the reconstruction decoder generate the sequence last step first
    (Srivastava et al., 2015), which gives it short-range dependencies to
    start from. Outputs are always returned in natural time order.
""",
    "prediction_weight": """\
prediction_weight : float, default=1.0
    Weight of the prediction loss relative to the reconstruction loss
    (composite model only).
""",
    "dropout": """\
dropout : float, default=0.0
    Dropout on the inputs of every LSTM layer during training.
""",
    "recurrent_dropout": """\
recurrent_dropout : float, default=0.0
    Dropout on the recurrent state of every LSTM layer. Any value above 0
    rules out the fused cuDNN kernel on GPU.
""",
    "epochs": """\
epochs : int, default=100
    Number of passes over the training data in ``fit``, at most 1,000,000.
""",
    "batch_size": """\
batch_size : int, default=32
    Sequences per gradient step.
""",
    "optimizer": """\
optimizer : str or keras.optimizers.Optimizer, default="adam"
    Name of a Keras optimizer, built with ``learning_rate``; or an
    optimizer instance, of which each fit uses a fresh copy (its own
    learning rate applies, ``learning_rate`` is ignored).
""",
    "learning_rate": """\
learning_rate : float, default=1e-3
    Learning rate of a named optimizer.
""",
    "validation_split": """\
validation_split : float, default=0.0
    Fraction of the training sequences (the last ones, as in Keras) held
    out to report ``val_loss`` and to monitor early stopping.
""",
    "early_stopping": """\
early_stopping : bool, default=False
    Stop training once the monitored loss (``val_loss`` with a validation
    split, else the training loss) has not improved by more than
    ``min_delta`` for ``patience`` epochs, then restore the weights of the
    best epoch (kept in memory; no file is written).
""",
    "patience": """\
patience : int, default=10
    Epochs without improvement before early stopping.
""",
    "min_delta": """\
min_delta : float, default=0.0
    Smallest decrease of the monitored loss that counts as improvement.
""",
    "shuffle": """\
shuffle : bool, default=True
    Draw a new order of the training sequences every epoch.
""",
    "random_state": """\
random_state : int, RandomState instance or None, default=None
    Seeds weight initialization, dropout and shuffling. An int gives the
    same model for the same data in one process; no global random state
    (NumPy, Python, TensorFlow) is set or changed.
""",
    "verbose": """\
verbose : int, default=0
    0 is silent, 1 shows Keras's progress bar, 2 prints one line per epoch.
    The bar follows every batch, so with 1 each batch is a separate call
    (slower for small models).
""",
    "warm_start": """\
warm_start : bool, default=False
    If True, ``fit`` continues training the fitted model instead of
    building a new one (the architecture parameters must be unchanged).
""",
    "distribute_strategy": """\
distribute_strategy : None, "mirrored" or tf.distribute.Strategy, default=None
    Build and train the model under this TensorFlow strategy, e.g.
    ``tf.distribute.MirroredStrategy()`` to split each batch across the
    GPUs of one host (``"mirrored"`` creates that one at ``fit``). Each
    batch of ``batch_size`` is divided among the replicas; the gradient is
    the same as on one device. A strategy instance cannot be pickled: a
    pickled estimator comes back with ``distribute_strategy=None`` (the
    string is kept). TensorFlow backend only.
""",
    "xla_inference": """\
xla_inference : bool, default=False
    Run inference (every method that runs the network: codes, scores,
    reconstructions, forecasts) through XLA-compiled functions on
    TensorFlow. Each new input shape (batch sizes rounded up to a power of
    two, at most 1,024; lengths as given) is compiled once (a noticeable
    pause), after which calls are faster, most for large batches: worth it
    when one fitted model answers many requests, not for a single call.
    Results agree with the default path to float32 rounding. Training is
    never XLA-compiled (slower for LSTMs on CPU). No effect on JAX, where
    Keras always compiles, nor with a GPU, where Keras runs the LSTMs
    through cuDNN (which XLA cannot compile). Read at call time, so it can
    be switched on a fitted model with ``set_params``.
""",
    "callbacks": """\
callbacks : list of keras.callbacks.Callback, default=None
    Keras callbacks for training (``fit`` and ``partial_fit``), e.g.
    ``keras.callbacks.TensorBoard`` or a logger of your own. Each event
    comes once, in order: ``on_train_begin``, per epoch ``on_epoch_begin``
    and ``on_epoch_end`` (logs ``loss``, and ``val_loss`` with
    ``validation_split``), per batch ``on_train_batch_begin`` and
    ``on_train_batch_end`` (the epoch's mean loss so far), then
    ``on_train_end``. Where the compiled step loop trains (TensorFlow,
    100 steps or more per call), batch events are reported when the
    epoch's call returns, not as each batch ends; epoch events are never
    delayed. Setting ``self.model.stop_training = True`` stops training
    after the epoch. A callback is bound to the network (``set_model``)
    during training only. ``clone`` and searches give every copy deep
    copies of the callbacks; a pickled estimator keeps the callbacks that
    can be pickled and drops the others (with a warning).
""",
}

ATTRIBUTE_DOCS = """\
model_ : keras.Model
    The one trained Keras model, sequences in and reconstructions out
    (composite: ``[reconstruction, prediction]``).
encoder_ : keras.Model
    View of ``model_``'s encoder: sequences to codes. Shares its weights.
decoder_ : keras.Model
    View of ``model_``'s decoder: codes to reconstructions (composite:
    ``[reconstruction, prediction]``). Shares its weights.
history_ : dict of str to list of float
    Per-epoch ``"loss"`` (and ``"val_loss"`` with a validation split),
    across ``fit``, warm starts and ``partial_fit``.
n_iter_ : int
    Number of epochs the model has been trained for.
best_loss_ : float
    Lowest monitored loss (``val_loss`` if any, else ``loss``) seen.
n_timesteps_ : int
    Length ``T`` of the longest fitted sequence (future steps included):
    the number of steps the decoder generates.
n_channels_ : int
    Values per time step.
input_ndim_ : int
    2 if ``fit`` got univariate sequences as rows of a 2-D array, else 3:
    the layout of the sequences the estimator returns from codes
    (``inverse_transform``).
network_params_ : dict
    Keyword arguments the network was built with.
channel_mean_ : ndarray of shape (`n_channels_`,) or None
    Per-channel mean of the training data's real steps, subtracted before
    the network (``standardize=True``); None otherwise.
channel_scale_ : ndarray of shape (`n_channels_`,) or None
    Per-channel standard deviation the network's input is divided by
    (1 for a constant channel); None without ``standardize``.
n_features_in_ : int
    Number of time steps of the input (``X.shape[1]``), as scikit-learn
    counts features.
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Column names, when ``fit`` got a DataFrame with string column names.
"""

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _indented(text, indent="    "):
    return "".join(indent + line if line.strip() else line for line in text.splitlines(True))


def fill_parameter_docs(cls):
    """Class decorator: put the shared parameter and attribute entries into ``cls.__doc__``."""
    doc = cls.__doc__
    placed = set(_PLACEHOLDER.findall(doc)) & PARAMETER_DOCS.keys()
    rest = "".join(text for name, text in PARAMETER_DOCS.items() if name not in placed)
    entries = {name: text for name, text in PARAMETER_DOCS.items()}
    entries["autoencoder_parameters"] = rest
    entries["autoencoder_attributes"] = ATTRIBUTE_DOCS

    def entry(match):
        return _indented(entries[match.group(1)]).rstrip("\n").lstrip()

    cls.__doc__ = _PLACEHOLDER.sub(entry, doc)
    return cls
