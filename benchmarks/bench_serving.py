"""Serving speed: the exported encoder in onnxruntime against ``transform`` and PyTorch.

Two fitted ``LSTMAutoencoderTransformer`` networks on 140-step univariate
sequences: the defaults (``units=100``, bidirectional, ``code="states_and_pools"``)
and the classic autoencoder (``units=64``, one direction, ``code="last_hidden"``).
For each, in one process and interleaved round by round:

- ``transform``: the estimator (TensorFlow);
- PyTorch: ``nn.LSTM`` of the same shapes with the fitted weights copied
  (Keras's and PyTorch's gate orders agree), the code's read-outs in torch,
  ``torch.inference_mode``;
- onnxruntime: the graph of ``sklearn_lstmae.onnx.to_onnx(transformer, X[:1])``.

Both are compared with ``transform``'s codes (the share of code values within
relative 1e-4, and the largest difference). The positive shares average
``sigmoid(output / SHARE_TEMPERATURE)``, so that rounding moves them by at most
``rounding / (4 * SHARE_TEMPERATURE)``, not by 1/140 where a step's output changes sign.

Batches of 1, 32 and 1,000 sequences; medians of ``--calls`` calls per round
(fewer for 1,000), over ``--rounds`` rounds. PyTorch and onnxruntime get
``--threads`` threads (2), TensorFlow its defaults.

    python benchmarks/bench_serving.py [--rounds 5] [--calls 100] [--threads 2]

Needs the ``benchmark`` extra (torch) and the ``onnx`` extra.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

STEPS = 140
NETWORKS = {
    "default (100 units, bidirectional, states_and_pools)": dict(units=100),
    "classic (64 units, last_hidden)": dict(units=64, bidirectional=False, code="last_hidden"),
}
BATCHES = (1, 32, 1000)


def sequences(n, seed=0):
    """``n`` noisy sine waves of ``STEPS`` steps, ``(n, STEPS, 1)`` float32."""
    rng = np.random.RandomState(seed)
    t = np.linspace(0, 12, STEPS)
    waves = np.sin(t * rng.uniform(0.5, 2, (n, 1)) + rng.uniform(0, 6, (n, 1)))
    return (waves + 0.1 * rng.normal(size=waves.shape)).astype(np.float32)[:, :, None]


def torch_encoder(transformer):
    """A PyTorch function computing ``transformer.transform`` for equal-length input."""
    import torch

    from sklearn_lstmae._engine.networks import SHARE_TEMPERATURE

    params = transformer.network_params_
    encoder = transformer.encoder_
    (units,) = params["units"]
    bidirectional = params["bidirectional"]
    lstm = torch.nn.LSTM(1, units, batch_first=True, bidirectional=bidirectional)
    names = ["encoder_lstm_0"] + (["encoder_backward_lstm_0"] if bidirectional else [])
    with torch.no_grad():
        for suffix, name in zip(("", "_reverse"), names, strict=False):
            kernel, recurrent, bias = encoder.get_layer(name).get_weights()
            getattr(lstm, f"weight_ih_l0{suffix}").copy_(torch.from_numpy(kernel.T))
            getattr(lstm, f"weight_hh_l0{suffix}").copy_(torch.from_numpy(recurrent.T))
            getattr(lstm, f"bias_ih_l0{suffix}").copy_(torch.from_numpy(bias))
            getattr(lstm, f"bias_hh_l0{suffix}").zero_()
    lstm.eval()

    def encode(x):
        with torch.inference_mode():
            outputs, (h, c) = lstm(torch.from_numpy(x))
            if params["code"] == "last_hidden":
                return torch.cat(list(h), dim=1).numpy()
            states = [h[0], c[0]] + ([h[1], c[1]] if bidirectional else [])
            pools = [
                outputs.mean(1),
                outputs.max(1).values,
                torch.sigmoid(outputs / SHARE_TEMPERATURE).mean(1),
            ]
            return torch.cat(states + pools, dim=1).numpy()

    return encode


def onnx_encoder(transformer, X, threads):
    """An onnxruntime session of the exported transformer, as a function of ``x``."""
    import onnxruntime as ort

    from sklearn_lstmae.onnx import to_onnx

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    # Threads that spin after a call would take the cores from the next runner.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(
        to_onnx(transformer, X[:1]).SerializeToString(),
        options,
        providers=["CPUExecutionProvider"],
    )
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x})[0]


def median_ms(function, x, calls):
    """Median milliseconds of ``calls`` calls of ``function(x)``."""
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function(x)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2, help="PyTorch's and onnxruntime's")
    args = parser.parse_args()

    import torch

    from sklearn_lstmae import LSTMAutoencoderTransformer

    torch.set_num_threads(args.threads)
    X = sequences(1000)
    rows, agreement = [], []
    for label, settings in NETWORKS.items():
        transformer = LSTMAutoencoderTransformer(**settings, epochs=1, random_state=0)
        transformer.fit(X[:256])
        runners = {
            "transform": transformer.transform,
            "PyTorch": torch_encoder(transformer),
            "onnxruntime": onnx_encoder(transformer, X, args.threads),
        }
        want = transformer.transform(X)
        for name in ("PyTorch", "onnxruntime"):
            got = runners[name](X)
            close = np.isclose(got, want, rtol=1e-4, atol=1e-6)
            agreement.append(
                f"- {label}, {name} against `transform` on {len(X):,} sequences: "
                f"{close.mean():.4%} of the code values within rtol 1e-4 (atol 1e-6), "
                f"largest difference {np.max(np.abs(got - want)):.2g}"
            )
        for n in BATCHES:
            x = X[:n]
            calls = max(3, args.calls if n < 1000 else args.calls // 20)
            for runner in runners.values():  # warm-up
                runner(x)
            times = {name: [] for name in runners}
            for _ in range(args.rounds):
                for name, runner in runners.items():
                    times[name].append(median_ms(runner, x, calls))
            rows.append((label, n, {name: statistics.median(t) for name, t in times.items()}))
    print(f"Milliseconds per call (median), {STEPS} steps, 1 channel, {args.threads} threads.\n")
    print(
        "| network | sequences | `transform` | PyTorch | onnxruntime "
        "| onnxruntime / PyTorch | `transform` / onnxruntime |"
    )
    print("|---|---|---|---|---|---|---|")
    for label, n, ms in rows:
        print(
            f"| {label} | {n:,} | {ms['transform']:.2f} | {ms['PyTorch']:.2f} | "
            f"{ms['onnxruntime']:.2f} | {ms['onnxruntime'] / ms['PyTorch']:.2f}x | "
            f"{ms['transform'] / ms['onnxruntime']:.1f}x |"
        )
    print("\nAgreement of the codes:\n")
    print("\n".join(agreement))


if __name__ == "__main__":
    main()
