"""The outlier detector's scores as ONNX nodes: reconstruction distances, k-NN code distances.

What :class:`~sklearn_lstmae.LSTMAutoencoderOutlierDetector` computes after
the network, in float64 as it does: the reconstruction aligned with each
sequence (the composite model's prediction after each window's end), its
errors at the real steps, their mean square or their squared Mahalanobis
distance from the training errors' Gaussian, the mean distance of the
standardized code to its nearest training codes, and the combined score.

The Mahalanobis distance of a sequence shorter than ``n_timesteps_`` is the
one under the Gaussian's marginal of its first steps: with ``L`` the
Cholesky factor of the covariance, ``L^{-1}``'s leading block is the inverse
of the leading block's factor, so one matrix serves every length.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto

from sklearn_lstmae._onnx import layout

DOUBLE = TensorProto.DOUBLE
TINY = np.array(np.finfo(np.float64).tiny)  # a distance of 0 is the most normal, not -inf


def aligned_outputs(ops, outputs, lengths, n_timesteps, future_steps):
    """Return the outputs ``(batch, n_timesteps, channels)``, aligned with each sequence.

    ``outputs`` is ``[reconstruction]`` or (composite) ``[reconstruction,
    prediction]``: the reconstruction of each observed window, then the
    prediction of the ``future_steps`` after its end, as
    :meth:`~sklearn_lstmae._autoencoder.sequence_layout.SequenceLayoutMixin._outputs`.
    """
    if not future_steps:
        return outputs[0]
    full = ops("Concat", *outputs, axis=1)  # window reconstruction, then the prediction
    steps = np.arange(n_timesteps, dtype=np.float32)[None]
    observed = ops.unsqueeze(ops("Sub", lengths, np.array(future_steps, np.float32)), [1])
    predicted = ops(
        "Add", ops("Sub", steps, observed), np.array(n_timesteps - future_steps, np.float32)
    )
    index = ops("Where", ops("Less", steps, observed), steps, predicted)
    index = ops("Clip", index, np.array(0, np.float32), np.array(n_timesteps - 1, np.float32))
    index = ops.unsqueeze(ops("Cast", index, to=TensorProto.INT64), [2])
    index = ops("Expand", index, ops("Shape", full))
    return ops("GatherElements", full, index, axis=1)


def signed_errors(ops, outputs, x, real):
    """Return ``outputs - x`` (float64) at the real steps, 0 at padding."""
    errors = ops("Sub", ops("Cast", outputs, to=DOUBLE), ops("Cast", x, to=DOUBLE))
    is_real = ops("Cast", ops.unsqueeze(real, [2]), to=TensorProto.BOOL)
    return ops("Where", is_real, errors, np.array(0.0))


def mean_squared_errors(ops, errors, lengths, n_channels):
    """Mean squared error over each sequence's real steps and channels, float64 ``(batch,)``."""
    total = ops.reduce("Sum", ops("Mul", errors, errors), [1, 2])
    count = ops("Mul", ops("Cast", lengths, to=DOUBLE), np.array(float(n_channels)))
    return ops("Div", total, count)


def whitening(gaussian):
    """``L^{-1}`` for the Cholesky factor ``L`` of the error model's covariance."""
    covariance = np.asarray(gaussian.covariance_, np.float64)
    try:
        factor = np.linalg.cholesky(covariance)
    except np.linalg.LinAlgError as error:
        raise ValueError(
            "Cannot export scoring='mahalanobis' (or 'combined' with its error model): the "
            "error covariance (error_covariance_.covariance_) is not positive definite."
        ) from error
    return np.linalg.solve(factor, np.eye(covariance.shape[0]))


def mahalanobis(ops, errors, lengths, gaussian, n_channels):
    """Squared Mahalanobis distances of the absolute errors, float64 ``(batch,)``.

    A sequence of ``length`` steps has the error vector of its first
    ``length * n_channels`` values, under the marginal Gaussian of those.
    """
    vectors = ops("Reshape", ops("Abs", errors), np.array([0, -1], np.int64))
    size = gaussian.location_.shape[0]
    values = ops("Mul", ops("Cast", lengths, to=DOUBLE), np.array(float(n_channels)))
    real = ops("Less", np.arange(size, dtype=np.float64)[None], ops.unsqueeze(values, [1]))
    real = ops("Cast", real, to=DOUBLE)
    deviation = ops("Mul", ops("Sub", vectors, np.asarray(gaussian.location_, np.float64)), real)
    whitened = ops("Mul", ops("MatMul", deviation, whitening(gaussian).T), real)
    return ops.reduce("Sum", ops("Mul", whitened, whitened), [1])


def knn_distances(ops, codes, code_mean, code_scale, training_codes, n_neighbors):
    """Mean distance of each standardized code to its nearest training codes, ``(batch,)``.

    As the detector scores new sequences: none of them is a training code.
    """
    codes = ops("Div", ops("Sub", ops("Cast", codes, to=DOUBLE), code_mean), code_scale)
    reference = np.asarray(training_codes, np.float64)
    k = min(n_neighbors, reference.shape[0] - 1)
    squares = ops.reduce("Sum", ops("Mul", codes, codes), [1], keepdims=1)
    cross = ops("MatMul", codes, reference.T)
    squared = ops(
        "Add", ops("Sub", squares, ops("Mul", cross, np.array(2.0))), (reference**2).sum(1)[None]
    )
    distances = ops("Sqrt", ops("Max", squared, np.array(0.0)))
    nearest = ops("TopK", distances, np.array([k], np.int64), axis=1, largest=0)[0]
    return ops.reduce("Mean", nearest, [1])


def not_nan(ops, distances):
    """``distances`` with NaN (a model that overflowed) replaced by +inf."""
    return ops("Where", ops("IsNaN", distances), np.array(np.inf), distances)


def combined(ops, reconstruction, knn):
    """Minus the log of the product of the two distances (higher is more normal)."""
    logs = [ops("Log", ops("Max", distance, TINY)) for distance in (reconstruction, knn)]
    return ops("Neg", ops("Add", *logs))


def real_steps(ops, x, lengths):
    """1.0 at the real steps of ``x`` ``(batch, time, ...)``, else 0.0 (see :mod:`.layout`)."""
    return layout.step_mask(ops, x, lengths, time_axis=1)
