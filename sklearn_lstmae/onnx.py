"""Export fitted estimators, and pipelines that hold them, to ONNX.

Read more in the :ref:`User Guide <serving>`.
"""

from __future__ import annotations

__all__ = ["register_converters", "to_onnx"]


def register_converters():
    """Register the estimators' converters with skl2onnx.

    After this call, :func:`skl2onnx.to_onnx` and
    :func:`skl2onnx.convert_sklearn` convert
    :class:`~sklearn_lstmae.LSTMAutoencoderTransformer` (``transform``),
    :class:`~sklearn_lstmae.WindowCodeTransformer` (``transform``, its
    window autoencoder an ``LSTMAutoencoderTransformer``) and
    :class:`~sklearn_lstmae.LSTMAutoencoderOutlierDetector` (``predict``,
    ``decision_function`` and, with the option ``{"score_samples": True}``,
    ``score_samples``), alone or inside a pipeline. Calling it again changes
    nothing. Needs ``onnx`` and ``skl2onnx`` (``pip install
    sklearn-lstmae[onnx]``).

    See Also
    --------
    to_onnx : Register the converters and convert a model.

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from sklearn_lstmae import LSTMAutoencoderTransformer
    >>> from sklearn_lstmae.onnx import register_converters
    >>> X = np.sin(np.linspace(0, 20, 200)).reshape(20, 10).astype(np.float32)
    >>> transformer = LSTMAutoencoderTransformer(units=4, epochs=1, random_state=0).fit(X)
    >>> register_converters()
    >>> onx = skl2onnx.to_onnx(transformer, X[:1])
    >>> [output.name for output in onx.graph.output]
    ['variable']
    """
    from sklearn_lstmae._onnx.converters import register

    register()


def to_onnx(model, X, **kwargs):
    """Convert a fitted estimator or pipeline to an ONNX model.

    :func:`register_converters`, then :func:`skl2onnx.to_onnx`.

    Parameters
    ----------
    model : estimator or Pipeline
        A fitted estimator of this package, or a pipeline (or any model
        skl2onnx converts) that holds some.
    X : ndarray
        A few rows of input, of the dtype and shape to serve (e.g. ``X[:1]``):
        they name the input's type and its non-batch dimensions.
    **kwargs : dict
        Passed to :func:`skl2onnx.to_onnx` (``target_opset``, ``options``,
        ``name``, ...).

    Returns
    -------
    onx : onnx.ModelProto
        The ONNX model; ``onx.SerializeToString()`` gives the bytes of a
        ``.onnx`` file.

    See Also
    --------
    register_converters : Register the converters with skl2onnx only.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort
    >>> from sklearn_lstmae import LSTMAutoencoderTransformer
    >>> from sklearn_lstmae.onnx import to_onnx
    >>> X = np.sin(np.linspace(0, 20, 200)).reshape(20, 10).astype(np.float32)
    >>> transformer = LSTMAutoencoderTransformer(units=4, epochs=1, random_state=0).fit(X)
    >>> onx = to_onnx(transformer, X[:1])
    >>> session = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
    >>> (codes,) = session.run(None, {session.get_inputs()[0].name: X})
    >>> codes.shape  # final h and c, mean, max, positive share; 2 directions
    (20, 40)
    """
    import skl2onnx

    register_converters()
    return skl2onnx.to_onnx(model, X, **kwargs)
