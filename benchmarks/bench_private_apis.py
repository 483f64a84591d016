"""Do the speed-ups built on private TensorFlow/Keras APIs earn their keep?

Four speed-ups of the package rely on APIs that TensorFlow or Keras do not
promise to keep:

1. fused Adam (``_fused_adam``: ``tf.raw_ops.ResourceApplyAdam`` in the step loop),
2. one-pass Grappler optimization (``_engine/training.py``, ``_one_pass_graph_optimization``:
   ``tensorflow.python.eager.context``), also in the step loop only,
3. ``FusedLSTM`` (``tf.raw_ops.BlockLSTM``),
4. ``RepeatedInputLSTM``'s shortcut (``keras.src.backend.rnn``).

Each is switched off by patching the package for the duration of one variant
(restored afterwards), and the whole ``GridSearchCV.fit`` of a realistic
small-model search is timed:

    GunPoint (sktime, 50 training sequences x 150 steps),
    Pipeline(LSTMAutoencoderTransformer(random_state=0, epochs=EPOCHS),
             StandardScaler(), LogisticRegression(max_iter=1000)),
    GridSearchCV(ae__units in [16, 32], ae__learning_rate in [1e-3, 3e-3],
                 cv=3, n_jobs=1): 12 fits + the refit.

Variants run interleaved (each repetition runs every variant once, in
alternating order), and the table gives per-variant medians and the ratio to
"all on". A speed-up is worth keeping if it saves at least 10% of the search's
wall time ("saving" = 1 - all on / variant, the share of the variant's time
that switching the speed-up on removes).

Inference is timed apart: ``transform`` of 1,000 sequences of 150 steps on one
fitted model, FusedLSTM on vs off (two copies of the model, each traced under
its variant before timing; steady-state calls, interleaved).

    TF_CPP_MIN_LOG_LEVEL=2 python benchmarks/bench_private_apis.py [--repeats 3]

Note: the step loop (where fused Adam and one-pass optimization act) only runs
when a training call takes at least ``LOOP_MIN_STEPS`` (``_engine/training.py``) steps; the
script prints how many steps the search's fits take. Where it does not run,
the fused-Adam and one-pass variants execute the same code as "all on" and
their spread measures the machine's noise (an A/A control).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import math
import pickle
import statistics
import time
import warnings

import numpy as np

GRID = {"ae__units": [16, 32], "ae__learning_rate": [1e-3, 3e-3]}
CV = 3


# ------------------------------------------------------------------- switches
class SpeedUpAbsent(LookupError):
    """The package no longer has the hook a variant patches (the speed-up was removed)."""


@contextlib.contextmanager
def _patched(obj, name, value):
    if not hasattr(obj, name):
        raise SpeedUpAbsent(f"{getattr(obj, '__name__', obj)}.{name}")
    original = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, original)


def no_fused_adam():
    from sklearn_lstmae._engine import training as _training

    return _patched(_training, "fused_adam_applies", lambda *args, **kwargs: False)


def no_one_pass():
    from sklearn_lstmae._engine import training as _training

    return _patched(_training, "_one_pass_graph_optimization", contextlib.nullcontext)


@contextlib.contextmanager
def neither_fused_adam_nor_one_pass():
    with no_fused_adam(), no_one_pass():
        yield


def no_fused_lstm():
    from sklearn_lstmae._engine.layers import FusedLSTM  # the class itself is public to the package

    return _patched(FusedLSTM, "_fused_kernel_applies", lambda self, sequences, training: False)


def no_repeated_input_shortcut():
    from sklearn_lstmae._engine import layers as _layers

    if hasattr(_layers, "_keras_rnn"):  # before private_apis.py
        return _patched(_layers, "_keras_rnn", None)
    return _patched(_layers, "keras_rnn_loop", lambda: None)


VARIANTS = {
    "all on": contextlib.nullcontext,
    "no fused Adam": no_fused_adam,
    "no one-pass": no_one_pass,
    "neither fused Adam nor one-pass": neither_fused_adam_nor_one_pass,
    "no FusedLSTM": no_fused_lstm,
    "no RepeatedInputLSTM shortcut": no_repeated_input_shortcut,
}


def applicable(variant):
    """Return whether ``variant`` can be switched on in this version of the package."""
    try:
        with VARIANTS[variant]():
            pass
    except (SpeedUpAbsent, ImportError) as error:
        print(f"skipping {variant!r}: the package has no {error} any more")
        return False
    return True


# ------------------------------------------------------------------- workload
def load_data():
    from sktime.datasets import load_gunpoint

    X, y = load_gunpoint(split="train", return_type="numpy2d")
    return X.astype(np.float32), y


def make_search(epochs, units):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from sklearn_lstmae import LSTMAutoencoderTransformer

    pipe = Pipeline(
        [
            ("ae", LSTMAutoencoderTransformer(random_state=0, epochs=epochs)),
            ("scale", StandardScaler()),
            ("clf", LogisticRegression(max_iter=1000)),
        ]
    )
    return GridSearchCV(pipe, param_grid=dict(GRID, ae__units=units), cv=CV, n_jobs=1)


def steps_per_fit(n_samples, epochs, batch_size=32):
    return epochs * max(1, math.ceil(n_samples / batch_size))


def _fresh_state():
    import keras

    gc.collect()
    keras.backend.clear_session()


def time_search(X, y, epochs, units, variant):
    _fresh_state()
    search = make_search(epochs, units)
    with VARIANTS[variant]():
        start = time.perf_counter()
        search.fit(X, y)
        seconds = time.perf_counter() - start
    return seconds, search.best_score_


def time_inference(X, y, repeats, epochs, n_sequences=1000):
    """Median seconds of ``transform`` on ``n_sequences`` sequences, FusedLSTM on and off."""
    from sklearn_lstmae import LSTMAutoencoderTransformer

    _fresh_state()
    model = LSTMAutoencoderTransformer(units=32, random_state=0, epochs=epochs).fit(X)
    rng = np.random.default_rng(0)
    rows = rng.integers(0, X.shape[0], n_sequences)
    X_big = X[rows] + rng.normal(0, 0.05, (n_sequences, X.shape[1])).astype(np.float32)

    variants = {"FusedLSTM on": contextlib.nullcontext, "FusedLSTM off": no_fused_lstm}
    copies, first_call, codes = {}, {}, {}
    for name, switch in variants.items():
        copies[name] = pickle.loads(pickle.dumps(model))  # a fresh Keras model: traced anew
        with switch():
            start = time.perf_counter()
            codes[name] = copies[name].transform(X_big)  # traces the forward pass
            first_call[name] = time.perf_counter() - start
    gap = float(np.max(np.abs(codes["FusedLSTM on"] - codes["FusedLSTM off"])))

    times = {name: [] for name in variants}
    for rep in range(repeats):
        order = list(variants) if rep % 2 == 0 else list(variants)[::-1]
        for name in order:
            with variants[name]():
                start = time.perf_counter()
                copies[name].transform(X_big)
                times[name].append(time.perf_counter() - start)
    return times, first_call, gap


# ------------------------------------------------------------------- reporting
def table(times, reference):
    base = statistics.median(times[reference])
    lines = [
        f"| variant | median s | runs (s) | ratio to {reference!r} | saving |",
        "|---|---|---|---|---|",
    ]
    for name, values in times.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.1f}" if v >= 1 else f"{v:.3f}" for v in values)
        saving = 1.0 - base / median  # share of this variant's time the speed-up removes
        lines.append(
            f"| {name} | {median:.3f} | {runs} | {median / base:.3f} | {100 * saving:+.1f}% |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="searches per variant")
    parser.add_argument("--epochs", type=int, default=30, help="epochs per fit")
    parser.add_argument(
        "--units", type=int, nargs="+", default=GRID["ae__units"], help="the grid's units"
    )
    parser.add_argument(
        "--variants",
        nargs="+",
        choices=list(VARIANTS),
        default=list(VARIANTS),
        help='variants to time ("all on" is always included)',
    )
    parser.add_argument("--inference-repeats", type=int, default=5)
    parser.add_argument("--no-search", action="store_true", help="time inference only")
    parser.add_argument("--no-inference", action="store_true", help="time the search only")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore")

    import keras
    import sklearn
    import tensorflow as tf

    from sklearn_lstmae._engine import training as _training

    print(
        f"tensorflow {tf.__version__}, keras {keras.__version__}, "
        f"scikit-learn {sklearn.__version__}, epochs={args.epochs}, units={args.units}"
    )
    X, y = load_data()
    n_train = [X.shape[0] - X.shape[0] // CV - (i < X.shape[0] % CV) for i in range(CV)]
    steps = sorted({steps_per_fit(n, args.epochs) for n in [*n_train, X.shape[0]]})
    threshold = getattr(_training, "LOOP_MIN_STEPS", None)
    if threshold is None:
        print(f"training steps per fit: {steps}")
    else:
        loop = [s >= threshold for s in steps]
        print(
            f"training steps per fit: {steps}; step loop (where fused Adam and one-pass act) "
            f"from {threshold} steps: "
            + ("yes" if all(loop) else "no" if not any(loop) else "for some fits")
        )

    # Warm-up (not timed): TensorFlow's first ops, Keras's first traces.
    from sklearn_lstmae import LSTMAutoencoderTransformer

    LSTMAutoencoderTransformer(units=8, epochs=2, random_state=0).fit(X[:8]).transform(X[:8])

    if not args.no_search:
        names = ["all on", *[v for v in args.variants if v != "all on" and applicable(v)]]
        times = {name: [] for name in names}
        for rep in range(args.repeats):
            order = names if rep % 2 == 0 else names[::-1]
            for name in order:
                seconds, score = time_search(X, y, args.epochs, args.units, name)
                times[name].append(seconds)
                print(
                    f"  rep {rep + 1} {name}: {seconds:.1f} s (best CV score {score:.3f})",
                    flush=True,
                )
        print(
            f"\n12-fit GridSearchCV on GunPoint, epochs={args.epochs}, "
            f"{args.repeats} interleaved repetitions:\n"
        )
        print(table(times, "all on"))

    if not args.no_inference and applicable("no FusedLSTM"):
        times, first_call, gap = time_inference(X, y, args.inference_repeats, args.epochs)
        print(
            f"\ntransform of 1,000 x 150 (units=32), {args.inference_repeats} interleaved "
            f"calls after a first (tracing) call; max |code difference| {gap:.1e}:\n"
        )
        print(table(times, "FusedLSTM on"))
        print(
            "\nfirst call (tracing + run): "
            + ", ".join(f"{k} {v:.2f} s" for k, v in first_call.items())
        )


if __name__ == "__main__":
    main()
