"""Searches on a local Dask cluster (module mirrors sklearn_lstmae.dask and _engine/threads.py)."""

import logging

import joblib
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline

from sklearn_lstmae import LSTMAutoencoderTransformer, set_tensorflow_threads
from sklearn_lstmae.dask import TensorFlowThreads
from tests._helpers import FAST

pytestmark = [pytest.mark.slow, pytest.mark.dask]  # the fast lane: -m 'not slow'


@pytest.fixture(scope="module")
def client():
    """Two worker processes on 127.0.0.1 only, one TensorFlow thread each."""
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        client.register_plugin(TensorFlowThreads(intra_op=1, inter_op=1))
        yield client


def _tensorflow_threads():
    import tensorflow as tf

    return (
        tf.config.threading.get_intra_op_parallelism_threads(),
        tf.config.threading.get_inter_op_parallelism_threads(),
    )


def test_plugin_bounds_tensorflow_threads_in_every_worker(client):
    assert set(client.run(_tensorflow_threads).values()) == {(1, 1)}


def test_thread_pools_cannot_change_once_tensorflow_runs():
    import tensorflow as tf

    tf.constant(1.0) + 1.0  # TensorFlow has run an operation in this process
    current = _tensorflow_threads()
    set_tensorflow_threads(*current)  # what is in force: fine
    with pytest.raises(RuntimeError, match="at the start of the process"):
        set_tensorflow_threads(current[0] + 1, current[1])
    assert _tensorflow_threads() == current


def _search_both_ways(search, X, y=None):
    sequential = clone(search).fit(X, y)
    with joblib.parallel_backend("dask"):
        distributed = clone(search).set_params(n_jobs=-1).fit(X, y)
    return sequential, distributed


def test_grid_search_on_dask_matches_sequential(client, italy_power):
    X_train, _, X_test, _ = italy_power
    search = GridSearchCV(LSTMAutoencoderTransformer(**FAST), {"learning_rate": [1e-3, 3e-2]}, cv=2)
    sequential, distributed = _search_both_ways(search, X_train)
    assert distributed.best_params_ == sequential.best_params_
    np.testing.assert_allclose(
        distributed.cv_results_["mean_test_score"],
        sequential.cv_results_["mean_test_score"],
        rtol=1e-4,
    )
    np.testing.assert_allclose(
        distributed.transform(X_test), sequential.transform(X_test), rtol=1e-4, atol=1e-5
    )


def test_pipeline_search_on_dask_matches_sequential(client, italy_power):
    X_train, y_train, X_test, _ = italy_power
    pipe = make_pipeline(LSTMAutoencoderTransformer(**FAST), LogisticRegression())
    search = GridSearchCV(pipe, {"lstmautoencodertransformer__units": [2, 6]}, cv=2)
    sequential, distributed = _search_both_ways(search, X_train, y_train)
    assert distributed.best_params_ == sequential.best_params_
    np.testing.assert_allclose(
        distributed.cv_results_["mean_test_score"], sequential.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(distributed.predict(X_test), sequential.predict(X_test))


def test_estimators_fitted_on_workers_come_back_and_transform(client, italy_power):
    X_train, _, X_test, _ = italy_power
    ae = LSTMAutoencoderTransformer(**FAST)
    with joblib.parallel_backend("dask"):
        remote = cross_validate(ae, X_train, cv=2, return_estimator=True, n_jobs=-1)
    local = cross_validate(ae, X_train, cv=2, return_estimator=True)
    for fitted_remote, fitted_local in zip(remote["estimator"], local["estimator"], strict=True):
        codes = fitted_remote.transform(X_test)
        assert codes.shape == (X_test.shape[0], 5 * 2 * 4)
        np.testing.assert_allclose(codes, fitted_local.transform(X_test), rtol=1e-4, atol=1e-5)
