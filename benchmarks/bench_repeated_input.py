"""The decoder's first LSTM: RepeatedInputLSTM's shortcut against Keras's LSTM.

``RepeatedInputLSTM`` projects the repeated code through its input weights once
per sequence, using Keras's private RNN loop (``keras.src.backend.rnn``, see
``sklearn_lstmae/_engine/private_apis.py``); without the shortcut the layer is Keras's LSTM,
which projects the code again at every step. The wider the code, the more that
costs: this times fits of the default model (``units=100``, bidirectional,
``code="states_and_means"``: a 600-value code) on GunPoint, both variants
interleaved, for a short fit (train_on_batch per batch) and a longer one (the
compiled step loop), and ``transform`` of 1,000 sequences.

    TF_CPP_MIN_LOG_LEVEL=2 python benchmarks/bench_repeated_input.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time

import numpy as np


@contextlib.contextmanager
def shortcut(enabled):
    from sklearn_lstmae._engine import layers as _layers

    original = _layers.keras_rnn_loop
    if not enabled:
        _layers.keras_rnn_loop = lambda: None  # RepeatedInputLSTM is then Keras's LSTM
    try:
        yield
    finally:
        _layers.keras_rnn_loop = original


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, nargs="+", default=[20, 60])
    args = parser.parse_args(argv)

    from sktime.datasets import load_gunpoint

    from sklearn_lstmae import LSTMAutoencoderTransformer

    X, _ = load_gunpoint(split="train", return_type="numpy2d")
    X_large = np.resize(X, (1000, X.shape[1]))
    times = {}
    for repeat in range(args.repeats):
        variants = ["shortcut", "Keras LSTM"]
        for name in variants if repeat % 2 == 0 else variants[::-1]:
            with shortcut(name == "shortcut"):
                for epochs in args.epochs:
                    start = time.perf_counter()
                    ae = LSTMAutoencoderTransformer(epochs=epochs, random_state=0).fit(X)
                    times.setdefault((name, f"fit, {epochs} epochs"), []).append(
                        time.perf_counter() - start
                    )
                ae.transform(X_large[:10])  # traces
                start = time.perf_counter()
                ae.transform(X_large)
                times.setdefault((name, "transform 1,000"), []).append(time.perf_counter() - start)
    print("| work | shortcut (s) | Keras LSTM (s) | shortcut / Keras |")
    print("|---|---|---|---|")
    for work in dict.fromkeys(work for _, work in times):
        on = statistics.median(times["shortcut", work])
        off = statistics.median(times["Keras LSTM", work])
        print(f"| {work} | {on:.2f} | {off:.2f} | {on / off:.2f} |")


if __name__ == "__main__":
    main()
