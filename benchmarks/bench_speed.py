"""Speed: the library against raw Keras and a native PyTorch LSTM autoencoder.

Workloads (same network everywhere: LSTM encoder, code repeated over time,
LSTM decoder, per-step Dense; Adam, MSE):

(a) the tutorial's toy: 1 sequence x 9 steps x 1 channel, LSTM(100, relu),
    300 epochs, batch 1; fit time, model construction included; the library
    also with its default tanh (PyTorch's nn.LSTM is tanh only);
(b) ECG: 2,000 windows x 140 steps x 1 channel of the MIT-BIH record shipped
    with sktime (``load_mitdb``-style CSV), LSTM(64, tanh), batch 64;
(c) motion: 1,000 windows x 50 steps x 6 channels of BasicMotions (the
    nearest real multichannel set shipped with sktime; the issue's 8 channels
    would be 6 here), LSTM(64, tanh), batch 64;

plus encoding on the model trained on (b): ``transform`` of 1 and of 32
sequences against ``encoder.predict`` of the same fitted model, and 100,000
sequences against ``encoder.predict(batch_size=32)``.

Per-epoch times are medians over the epochs after the first (which carries
tracing/compilation, reported apart). Implementations run interleaved,
``--repeats`` times, in one process per Keras backend: the current backend
in this process, then (``--backends``) others in child processes started
with ``KERAS_BACKEND`` set for the child only.

    python benchmarks/bench_speed.py [--repeats 3] [--epochs 3] [--backends jax]

Needs the ``benchmark`` extra (sktime, torch, jax).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

TOY = np.linspace(0.1, 0.9, 9, dtype=np.float32).reshape(1, 9, 1)
# The tutorial's network (and the configuration timed before the quality defaults): one
# forward encoder whose code is the last hidden state.
TUTORIAL = dict(bidirectional=False, code="last_hidden")


# ----------------------------------------------------------------------- data
def ecg_windows(n=2000, width=140):
    """``n`` z-normalized windows of the MIT-BIH ECG record shipped with sktime."""
    from pathlib import Path

    import pandas as pd
    import sktime

    path = Path(sktime.__file__).parent / "datasets" / "data" / "mitdb" / "mitdb.csv"
    signal = pd.read_csv(path)["data"].to_numpy(np.float32)
    signal = (signal - signal.mean()) / signal.std()
    starts = np.linspace(0, signal.size - width, n).astype(int)
    return np.stack([signal[s : s + width] for s in starts])[:, :, None]


def motion_windows(n=1000, width=50):
    """``n`` windows of BasicMotions (6 channels), channels z-normalized."""
    from sktime.datasets import load_basic_motions

    X, _ = load_basic_motions(return_type="numpy3D")  # (80, 6, 100)
    X = np.transpose(X, (0, 2, 1)).astype(np.float32)
    X = (X - X.mean(axis=(0, 1))) / X.std(axis=(0, 1))
    per_series = int(np.ceil(n / X.shape[0]))
    starts = np.linspace(0, X.shape[1] - width, per_series).astype(int)
    windows = np.stack([X[:, s : s + width] for s in starts], axis=1)
    return windows.reshape(-1, width, X.shape[2])[:n]


# ------------------------------------------------------------ implementations
def keras_network(n_timesteps, n_channels, units, activation):
    """The tutorial's network as raw Keras code."""
    from keras import Input, Sequential
    from keras.layers import LSTM, Dense, RepeatVector, TimeDistributed

    return Sequential(
        [
            Input((n_timesteps, n_channels)),
            LSTM(units, activation=activation),
            RepeatVector(n_timesteps),
            LSTM(units, activation=activation, return_sequences=True),
            TimeDistributed(Dense(n_channels)),
        ]
    )


def keras_epochs(x, units, activation, batch_size, epochs):
    """Raw Keras ``model.fit``: per-epoch wall times from a callback."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.start)

    times = []
    model = keras_network(x.shape[1], x.shape[2], units, activation)
    model.compile(optimizer="adam", loss="mse")
    start = time.perf_counter()
    model.fit(x, x, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[EpochTimer()])
    return time.perf_counter() - start, times, model


def library_epochs(x, units, activation, batch_size, epochs, seed=0):
    """The library: first epoch by ``partial_fit``, then one call per epoch."""
    from sklearn_lstmae import LSTMAutoencoderTransformer

    ae = LSTMAutoencoderTransformer(
        units=units, activation=activation, batch_size=batch_size, random_state=seed, **TUTORIAL
    )
    start = time.perf_counter()
    times = []
    for _ in range(epochs):
        epoch_start = time.perf_counter()
        ae.partial_fit(x)
        times.append(time.perf_counter() - epoch_start)
    return time.perf_counter() - start, times, ae


def torch_epochs(x, units, activation, batch_size, epochs, seed=0):
    """A native PyTorch LSTM autoencoder of the same shape (``nn.LSTM`` is tanh)."""
    import torch

    class Autoencoder(torch.nn.Module):
        def __init__(self, n_channels):
            super().__init__()
            self.encoder = torch.nn.LSTM(n_channels, units, batch_first=True)
            self.decoder = torch.nn.LSTM(units, units, batch_first=True)
            self.output = torch.nn.Linear(units, n_channels)

        def forward(self, batch):
            _, (h, _) = self.encoder(batch)
            repeated = h[-1].unsqueeze(1).expand(-1, batch.shape[1], -1)
            return self.output(self.decoder(repeated)[0])

    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    start = time.perf_counter()
    model = Autoencoder(x.shape[2])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = torch.from_numpy(x)
    times = []
    for _ in range(epochs):
        epoch_start = time.perf_counter()
        order = torch.randperm(data.shape[0], generator=generator)
        for i in range(0, data.shape[0], batch_size):
            batch = data[order[i : i + batch_size]]
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(model(batch), batch)
            loss.backward()
            optimizer.step()
        times.append(time.perf_counter() - epoch_start)
    return time.perf_counter() - start, times, model


# ------------------------------------------------------------------ workloads
def toy(repeats, with_torch):
    """Workload (a): fit time (model construction included) and worst error."""
    import keras

    from sklearn_lstmae import LSTMAutoencoderTransformer

    def tutorial():
        model = keras_network(9, 1, 100, "relu")
        model.compile(optimizer="adam", loss="mse")
        model.fit(TOY, TOY, epochs=300, verbose=0)
        return lambda: model.predict(TOY, verbose=0)

    def library(seed, activation="relu"):
        ae = LSTMAutoencoderTransformer(
            100, activation=activation, epochs=300, random_state=seed, **TUTORIAL
        )
        ae.fit(TOY)
        return lambda: ae.reconstruct(TOY)

    runs = {
        "raw Keras (model.fit)": tutorial,
        "sklearn-lstmae": library,  # the tutorial's network: relu
        # the library's default activation (which TensorFlow's fused LSTM kernel runs)
        "sklearn-lstmae, tanh": lambda seed: library(seed, "tanh"),
    }
    if with_torch:
        runs["native PyTorch"] = None
    results = {name: {"fit_s": [], "error": []} for name in runs}
    for repeat in range(repeats):
        for name in runs:
            start = time.perf_counter()
            if name == "native PyTorch":
                _, _, model = torch_epochs(TOY, 100, "tanh", 1, 300, seed=repeat)
                elapsed = time.perf_counter() - start
                import torch

                with torch.no_grad():
                    reconstruction = model(torch.from_numpy(TOY)).numpy()
            else:
                reconstruct = runs[name](repeat) if name.startswith("sklearn") else runs[name]()
                elapsed = time.perf_counter() - start
                reconstruction = reconstruct()
            results[name]["fit_s"].append(elapsed)
            results[name]["error"].append(float(np.max(np.abs(reconstruction - TOY))))
    keras.backend.clear_session()
    return results


def training(name, x, repeats, epochs, with_torch):
    """Workloads (b) and (c): per-epoch and first-epoch times."""
    runs = {"raw Keras (model.fit)": keras_epochs, "sklearn-lstmae": library_epochs}
    if with_torch:
        runs["native PyTorch"] = torch_epochs
    results = {run: {"epoch_s": [], "first_epoch_s": []} for run in runs}
    fitted = None
    for _ in range(repeats):
        for run, function in runs.items():
            _, times, model = function(x, 64, "tanh", 64, epochs)
            results[run]["first_epoch_s"].append(times[0])
            results[run]["epoch_s"].extend(times[1:])
            if run == "sklearn-lstmae":
                fitted = model
    return results, fitted


def encoding(ae, x, repeats, n_large):
    """Goal 3: transform (default and XLA) against encoder.predict on the same fitted model."""
    import pickle

    encoder = ae.encoder_
    xla = pickle.loads(pickle.dumps(ae)).set_params(xla_inference=True)  # same weights
    calls = {
        "transform": ae.transform,
        "transform, xla_inference": xla.transform,
        "encoder.predict": lambda batch: encoder.predict(batch, verbose=0),
    }
    results = {}
    for n in (1, 32):
        batch = x[:n]
        for call in calls.values():  # compile once, like predict's first call
            call(batch)
        timings = {name: [] for name in calls}
        for _ in range(max(repeats, 1) * 10):
            for name, call in calls.items():
                start = time.perf_counter()
                call(batch)
                timings[name].append(time.perf_counter() - start)
        results[f"{n} sequences"] = timings
    large = np.resize(x, (n_large, *x.shape[1:]))
    calls = {
        "transform": ae.transform,
        "transform, xla_inference": xla.transform,
        "encoder.predict(batch_size=32)": lambda X: encoder.predict(X, batch_size=32, verbose=0),
    }
    timings, codes = {}, {}
    for name, call in calls.items():  # XLA's compilations (1,024 rows, the rest) included
        start = time.perf_counter()
        codes[name] = call(large)
        timings[name] = [time.perf_counter() - start]
    results[f"{n_large} sequences"] = timings
    reference = codes.pop("encoder.predict(batch_size=32)")
    results["max_abs_difference"] = {
        name: float(np.max(np.abs(value - reference))) for name, value in codes.items()
    }
    return results


def run_backend(args):
    """All workloads on the backend of this process; results as a dict."""
    import keras

    with_torch = importlib.util.find_spec("torch") is not None and not args.no_torch
    report = {"backend": keras.backend.backend(), "keras": keras.__version__}
    report["toy"] = toy(args.repeats, with_torch)
    x_ecg = ecg_windows()
    report["ecg"], fitted = training("ecg", x_ecg, args.repeats, args.epochs, with_torch)
    report["motion"], _ = training(
        "motion", motion_windows(), args.repeats, args.epochs, with_torch
    )
    report["encoding"] = encoding(fitted, x_ecg, args.repeats, args.n_large)
    return report


# ------------------------------------------------------------------- printing
def median(values):
    return statistics.median(values) if values else float("nan")


def print_report(report):
    print(f"\n## Keras {report['keras']}, backend {report['backend']}")
    toy = report["toy"]
    base = median(toy["raw Keras (model.fit)"]["fit_s"])
    print("\n(a) toy, 300 epochs: fit s (median), speed-up over raw Keras, worst max abs error")
    for name, values in toy.items():
        fit = median(values["fit_s"])
        print(f"  {name:24s} {fit:8.2f} {base / fit:7.1f}x {max(values['error']):8.4f}")
    for workload in ("ecg", "motion"):
        results = report[workload]
        print(
            f"\n({'b' if workload == 'ecg' else 'c'}) {workload}: s per epoch (median), "
            "first epoch s, per-epoch time relative to raw Keras / to PyTorch (lower is faster)"
        )
        keras_epoch = median(results["raw Keras (model.fit)"]["epoch_s"])
        torch_epoch = median(results.get("native PyTorch", {}).get("epoch_s", []))
        for name, values in results.items():
            epoch = median(values["epoch_s"])
            to_torch = f"{epoch / torch_epoch:7.2f}x" if torch_epoch == torch_epoch else "      -"
            print(
                f"  {name:24s} {epoch:8.2f} {median(values['first_epoch_s']):8.2f} "
                f"{epoch / keras_epoch:7.2f}x {to_torch}"
            )
    encoding = report["encoding"]
    print("\nencoding (model of (b)): median s per call, speed-up over Keras's predict")
    for key, timings in encoding.items():
        if key == "max_abs_difference":
            continue
        *ours, (baseline, base_times) = timings.items()
        print(f"  {key:18s} {baseline:32s} {median(base_times):9.4f}")
        for name, times in ours:
            speed_up = median(base_times) / median(times)
            print(f"  {'':18s} {name:32s} {median(times):9.4f} {speed_up:6.1f}x")
    for name, difference in encoding["max_abs_difference"].items():
        print(f"  codes, max abs difference {name} vs predict: {difference:.2e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per training run")
    parser.add_argument("--n-large", type=int, default=100_000)
    parser.add_argument("--backends", nargs="*", default=["jax"], help="also run these")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON report and exit")
    args = parser.parse_args()
    if args.json:
        print(json.dumps(run_backend(args)))
        return
    reports = [run_backend(args)]
    for backend in args.backends:
        command = [sys.executable, __file__, "--json", "--no-torch"]
        command += ["--repeats", str(args.repeats), "--epochs", str(args.epochs)]
        command += ["--n-large", str(args.n_large)]
        env = dict(os.environ, KERAS_BACKEND=backend)  # the child's environment only
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    for report in reports:
        print_report(report)


if __name__ == "__main__":
    main()
