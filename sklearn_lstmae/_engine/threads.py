"""TensorFlow's thread pools: the one process-wide setting the library exposes.

TensorFlow sizes its intra-op pool (threads inside one operation, e.g. a
matmul) and inter-op pool (operations run side by side) to the number of cores
when it first runs an operation, and the sizes cannot change afterwards. With
several training processes on one machine (joblib or Dask workers), each
sizing its pools to every core, the processes fight over the cores. The
library never changes these settings by itself; users who want to call
:func:`set_tensorflow_threads` once, at the start of each process, or let
:class:`sklearn_lstmae.dask.TensorFlowThreads` do it in every Dask worker.
"""

from __future__ import annotations


def set_tensorflow_threads(intra_op: int = 1, inter_op: int = 1) -> None:
    """Size TensorFlow's thread pools in this process, before it runs anything.

    Read more in the :ref:`User Guide <scaling_out>`.

    Parameters
    ----------
    intra_op : int, default=1
        Threads used inside one operation (0 lets TensorFlow choose).
    inter_op : int, default=1
        Operations run concurrently (0 lets TensorFlow choose).

    Raises
    ------
    RuntimeError
        If TensorFlow has already run an operation in this process with other
        pool sizes (they are fixed from then on). Asking for the sizes already
        in force is not an error.

    Examples
    --------
    >>> from sklearn_lstmae import set_tensorflow_threads
    >>> import tensorflow as tf
    >>> same = tf.config.threading.get_intra_op_parallelism_threads()
    >>> set_tensorflow_threads(same, tf.config.threading.get_inter_op_parallelism_threads())
    """
    import tensorflow as tf

    threading = tf.config.threading
    current = (
        threading.get_intra_op_parallelism_threads(),
        threading.get_inter_op_parallelism_threads(),
    )
    if current == (intra_op, inter_op):
        return
    try:
        threading.set_intra_op_parallelism_threads(intra_op)
        threading.set_inter_op_parallelism_threads(inter_op)
    except RuntimeError as error:
        raise RuntimeError(
            f"TensorFlow's thread pools are already in use in this process with "
            f"intra_op, inter_op = {current}; they cannot become ({intra_op}, {inter_op}). "
            "Call set_tensorflow_threads at the start of the process, before the first "
            "fit (in Dask workers: client.register_plugin(TensorFlowThreads(...)) right "
            "after the cluster starts)."
        ) from error
