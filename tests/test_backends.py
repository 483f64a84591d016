"""The library on Keras's JAX backend (run in a child process: a process has one backend)."""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.jax]  # the fast lane: -m 'not slow'

SCRIPT = textwrap.dedent(
    """
    import json, pickle, sys
    import keras
    import numpy as np
    from sktime.datasets import load_italy_power_demand
    from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer

    X, _ = load_italy_power_demand(split="train", return_X_y=True, return_type="numpy2D")
    X = X.astype(np.float32)
    fast = dict(units=4, epochs=2, batch_size=8, random_state=0)
    ae = LSTMAutoencoderTransformer(**fast).fit(X)
    Z = ae.transform(X)
    again = LSTMAutoencoderTransformer(**fast).fit(X).transform(X)
    restored = pickle.loads(pickle.dumps(ae))
    composite = LSTMAutoencoderTransformer(**fast, future_steps=2).fit(X)
    ragged = [X[0, :10], X[1], X[2, :17]]
    detector = LSTMAutoencoderOutlierDetector(**fast).fit(X)
    print(json.dumps({
        "backend": keras.backend.backend(),
        "tensorflow_loaded": "tensorflow" in sys.modules,
        "codes_shape": list(Z.shape),
        "seeded_codes_equal": bool(np.array_equal(Z, again)),
        "pickled_codes_equal": bool(np.allclose(restored.transform(X), Z, atol=1e-6)),
        "xla_inference_codes_equal": bool(
            np.array_equal(restored.set_params(xla_inference=True).transform(X), Z)
        ),
        "decoded_shape": list(ae.inverse_transform(Z).shape),
        "loss_finite": bool(np.all(np.isfinite(ae.history_["loss"]))),
        "score": float(ae.score(X)),
        "forecast_shape": list(composite.forecast(X[:5, :22]).shape),
        "ragged_lengths": [len(r) for r in ae.reconstruct(ragged)],
        "outliers": int(np.sum(detector.predict(X) == -1)),
    }))
    """
)


def test_runs_on_the_jax_backend():
    assert importlib.util.find_spec("jax"), "JAX comes with the test extra: pip install -e .[test]"
    env = dict(os.environ, KERAS_BACKEND="jax")  # the child's environment only
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["backend"] == "jax"
    assert report["codes_shape"] == [67, 5 * 2 * 4]  # h, c and three pools, both directions
    assert report["seeded_codes_equal"] and report["pickled_codes_equal"]
    assert report["xla_inference_codes_equal"]  # no effect on JAX: already compiled
    assert report["decoded_shape"] == [67, 24]
    assert report["loss_finite"] and report["score"] < 0
    assert report["forecast_shape"] == [5, 2]
    assert report["ragged_lengths"] == [10, 24, 17]
    assert 0 <= report["outliers"] < 67
