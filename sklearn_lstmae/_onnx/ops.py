"""A thin layer over skl2onnx's operator API: one call per ONNX node, at one opset.

skl2onnx's ``Onnx*`` classes (:mod:`skl2onnx.algebra.onnx_ops`) build a graph
lazily and turn NumPy constants into initializers; the ``*Api11`` / ``*Api18``
functions hide where an opset moved ``axes`` from an attribute to an input.
:class:`Ops` fixes the opset once, so the graph builders read like NumPy.
"""

from __future__ import annotations

import numpy as np
from skl2onnx.algebra import onnx_ops

# The oldest opset the graphs are written for (ReduceSum, Squeeze and Unsqueeze
# take their axes as an input from 13 on).
MIN_OPSET = 13


class Ops:
    """Build ONNX nodes with skl2onnx's operator API at opset ``op_version``."""

    def __init__(self, op_version):
        if op_version is not None and op_version < MIN_OPSET:
            raise ValueError(
                f"The sklearn_lstmae converters need target_opset >= {MIN_OPSET}; got {op_version}."
            )
        self.op_version = op_version

    def __call__(self, op_type, *inputs, output_names=None, **attributes):
        """Return the node ``op_type`` applied to ``inputs`` (nodes, names or arrays)."""
        node = getattr(onnx_ops, f"Onnx{op_type}")
        return node(*inputs, op_version=self.op_version, output_names=output_names, **attributes)

    def reduce(self, op_type, x, axes, *, keepdims=0, output_names=None):
        """``Reduce<op_type>`` (``"Sum"``, ``"Max"``, ``"Min"``, ...) over ``axes``."""
        if op_type == "Sum":
            return onnx_ops.OnnxReduceSumApi11(
                x,
                axes=list(axes),
                keepdims=keepdims,
                op_version=self.op_version,
                output_names=output_names,
            )
        name = f"OnnxReduce{op_type}"
        versions = [getattr(onnx_ops, name + suffix) for suffix in ("", "_13", "_11", "_1")]
        return onnx_ops.OnnxReduceAnyApi18(
            *versions,
            x,
            axes=list(axes),
            keepdims=keepdims,
            op_version=self.op_version,
            output_names=output_names,
        )

    def squeeze(self, x, axes):
        """``x`` without its axes ``axes`` (of length 1)."""
        return onnx_ops.OnnxSqueezeApi11(x, axes=list(axes), op_version=self.op_version)

    def unsqueeze(self, x, axes):
        """``x`` with new axes of length 1 at ``axes``."""
        return onnx_ops.OnnxUnsqueezeApi11(x, axes=list(axes), op_version=self.op_version)

    def slice(self, x, start, end, axis, step=1):
        """``x[start:end:step]`` along ``axis``."""
        return self(
            "Slice",
            x,
            np.array([start], np.int64),
            np.array([end], np.int64),
            np.array([axis], np.int64),
            np.array([step], np.int64),
        )

    def shape_of(self, x, axis):
        """Return the length of ``x`` along ``axis``, a 1-D int64 tensor of one value."""
        return self("Gather", self("Shape", x), np.array([axis], np.int64), axis=0)
