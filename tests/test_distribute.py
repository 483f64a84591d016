"""Training under a tf.distribute strategy (a child process: devices are set before TF starts)."""

import json
import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.multidevice]  # the fast lane: -m 'not slow'

SCRIPT = textwrap.dedent(
    """
    import json, pickle
    import numpy as np
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from sktime.datasets import load_italy_power_demand
    from sklearn.base import clone
    from sklearn_lstmae import LSTMAutoencoderTransformer

    X, _ = load_italy_power_demand(split="train", return_X_y=True, return_type="numpy2D")
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    params = dict(units=4, epochs=3, batch_size=8, random_state=0)
    mirrored = LSTMAutoencoderTransformer(**params, distribute_strategy=strategy).fit(X)
    single = LSTMAutoencoderTransformer(**params).fit(X)
    kernel = mirrored.encoder_.get_layer("encoder_lstm_0").cell.kernel
    restored = pickle.loads(pickle.dumps(mirrored))
    named = LSTMAutoencoderTransformer(**params, distribute_strategy="mirrored").fit(X)
    from sklearn_lstmae._engine.training import distribute_batch
    shares = distribute_batch(strategy, (X[:8], [X[:8], X[:8, :2]]))
    rows = [v.shape[0] for v in strategy.experimental_local_results(shares[1][1])]
    print(json.dumps({
        "replicas": mirrored.model_.distribute_strategy.num_replicas_in_sync,
        "mirrored_variable": type(kernel.value).__name__,
        "max_code_difference": float(np.abs(mirrored.transform(X) - single.transform(X)).max()),
        "loss_difference": float(np.abs(
            np.subtract(mirrored.history_["loss"], single.history_["loss"])).max()),
        "clone_keeps_strategy": clone(mirrored).distribute_strategy is not None,
        "pickled_strategy": restored.distribute_strategy,
        "pickled_codes_equal": bool(np.allclose(restored.transform(X), mirrored.transform(X))),
        "named_kept": pickle.loads(pickle.dumps(named)).distribute_strategy,
        "rows_per_replica": rows,
    }))
    """
)


def test_mirrored_strategy_on_two_logical_cpus_trains_like_one_device():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2
    assert "Mirrored" in report["mirrored_variable"]
    # Each batch is split across the replicas; the gradient is the same.
    assert report["loss_difference"] < 1e-4
    assert report["max_code_difference"] < 1e-4
    assert report["clone_keeps_strategy"]
    assert report["pickled_strategy"] is None and report["pickled_codes_equal"]
    assert report["named_kept"] == "mirrored"
    assert report["rows_per_replica"] == [4, 4]  # each replica gets half a batch
