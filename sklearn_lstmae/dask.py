"""Dask support: bound TensorFlow's threads in every worker process.

Dask runs scikit-learn's searches through joblib
(``with joblib.parallel_backend("dask"): search.fit(X)``). Dask sets
``OMP_NUM_THREADS`` in its workers, but TensorFlow sizes its own thread pools
to every core of the machine, so n workers on n cores oversubscribe them.
Register :class:`TensorFlowThreads` once, right after the cluster starts::

    from dask.distributed import Client, LocalCluster
    from sklearn_lstmae.dask import TensorFlowThreads

    cluster = LocalCluster(n_workers=2, threads_per_worker=1)
    client = Client(cluster)
    client.register_plugin(TensorFlowThreads(intra_op=1, inter_op=1))

Importing this module imports ``distributed`` (the ``dask`` extra).
"""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from sklearn_lstmae._engine.threads import set_tensorflow_threads

__all__ = ["TensorFlowThreads"]


class TensorFlowThreads(WorkerPlugin):
    """Worker plugin that sizes TensorFlow's thread pools in each Dask worker.

    Runs :func:`sklearn_lstmae.set_tensorflow_threads` in every worker
    process when the plugin is registered and in workers that join later.
    Register it before the workers train anything: TensorFlow fixes its pool
    sizes when it first runs an operation (a worker that already has other
    sizes fails the registration with a ``RuntimeError``).

    Read more in the :ref:`User Guide <scaling_out>`.

    Parameters
    ----------
    intra_op : int, default=1
        Threads inside one TensorFlow operation, per worker.
    inter_op : int, default=1
        TensorFlow operations run concurrently, per worker.

    Examples
    --------
    >>> from sklearn_lstmae.dask import TensorFlowThreads
    >>> plugin = TensorFlowThreads(intra_op=1, inter_op=1)
    >>> plugin.name
    'sklearn-lstmae-tensorflow-threads'
    """

    name = "sklearn-lstmae-tensorflow-threads"
    idempotent = True

    def __init__(self, intra_op: int = 1, inter_op: int = 1):
        self.intra_op = intra_op
        self.inter_op = inter_op

    def setup(self, worker):
        """Set the pool sizes in the worker's process."""
        set_tensorflow_threads(self.intra_op, self.inter_op)
