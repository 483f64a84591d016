"""Export fitted estimators, and pipelines that hold them, to ONNX.

Read more in the :ref:`User Guide <serving>`.
"""

from __future__ import annotations

__all__ = ["register_converters", "to_onnx"]


def register_converters():
    """Register the estimators' converters with skl2onnx.

    After this call, :func:`skl2onnx.to_onnx` and
    :func:`skl2onnx.convert_sklearn` convert
    :class:`~sklearn_lstmae.LSTMAutoencoderTransformer`,
    :class:`~sklearn_lstmae.LSTMAutoencoderOutlierDetector` and
    :class:`~sklearn_lstmae.WindowCodeTransformer`, alone or inside a
    pipeline. Calling it again changes nothing. Needs ``onnx`` and
    ``skl2onnx`` (``pip install sklearn-lstmae[onnx]``).

    See Also
    --------
    to_onnx : Register the converters and convert a model.
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
    """
    import skl2onnx

    register_converters()
    return skl2onnx.to_onnx(model, X, **kwargs)
