"""skl2onnx shape calculators, parsers and converters of the estimators.

One converter per class, each registered with
:func:`skl2onnx.update_registered_converter` by :func:`register`: a shape
calculator says what the estimator outputs (type and shape), a converter adds
the nodes that compute it from the fitted weights and statistics.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, guess_tensor_type
from skl2onnx.common.utils import check_input_and_output_numbers
from sklearn.utils.validation import check_is_fitted

from sklearn_lstmae._onnx import layout, scores
from sklearn_lstmae._onnx.network import decode, encode
from sklearn_lstmae._onnx.ops import Ops
from sklearn_lstmae._onnx.windows import cut_windows, pooled_codes
from sklearn_lstmae._outlier import LSTMAutoencoderOutlierDetector
from sklearn_lstmae._transformer import LSTMAutoencoderTransformer
from sklearn_lstmae._window_codes import WindowCodeTransformer


def _input_rank(operator, estimator, *, fixed_width=False):
    """Return the rank (2 or 3) of the operator's input; errors name what cannot be exported.

    ``fixed_width``: the input must have ``n_timesteps_`` steps (the decoder's).
    """
    name = type(estimator).__name__
    n_channels = estimator.n_channels_
    shape = operator.inputs[0].type.shape
    if shape is None or len(shape) not in (2, 3):
        raise ValueError(
            f"{name} takes 2-D (n_samples, n_timesteps) or 3-D (n_samples, n_timesteps, "
            f"n_channels) input; the ONNX input has shape {shape}."
        )
    channels = 1 if len(shape) == 2 else shape[2]
    if isinstance(channels, int) and channels != n_channels:
        raise ValueError(
            f"{name} was fitted on {n_channels} channel(s); the ONNX input has shape {shape} "
            f"({channels} channel(s))."
        )
    width = shape[1]
    if fixed_width and isinstance(width, int) and width != estimator.n_timesteps_:
        raise ValueError(
            f"{name} scores arrays of n_timesteps_={estimator.n_timesteps_} steps (NaN-padded "
            f"after shorter sequences); the ONNX input has shape {shape}."
        )
    return len(shape)


def encoder_codes(ops, x, lengths, estimator):
    """Return the codes ``estimator.transform`` gives for sequences ``x`` of ``lengths``."""
    params = estimator.network_params_
    x = layout.standardized(ops, x, estimator.channel_mean_, estimator.channel_scale_)
    x, lengths = layout.observed(ops, x, lengths, params["future_steps"])
    return encode(ops, layout.without_nan(ops, x), lengths, estimator.encoder_, params)


def _sequences(ops, operator, estimator):
    """Return the operator's input as sequences ``(batch, time, channels)`` and their lengths."""
    x = layout.as_sequences(ops, operator.inputs[0].full_name, _input_rank(operator, estimator))
    return x, layout.lengths_of(ops, x)


def _decoded(ops, codes, estimator):
    """Return the decoders' outputs for ``codes``, in the units of the data (one or two)."""
    params, decoder = estimator.network_params_, estimator.decoder_
    k = params["future_steps"]
    if k:
        parts = [
            (decoder.get_layer("reconstruction_decoder"), estimator.n_timesteps_ - k),
            (decoder.get_layer("prediction_decoder"), k),
        ]
    else:
        parts = [(decoder, estimator.n_timesteps_)]
    outputs = []
    for i, (model, n_steps) in enumerate(parts):
        reverse = i == 0 and params["reverse_reconstruction"]
        output = decode(ops, codes, model, n_steps, params, reverse=reverse)
        mean, scale = estimator.channel_mean_, estimator.channel_scale_
        outputs.append(layout.destandardized(ops, output, mean, scale))
    return outputs


def detector_scores(ops, x, lengths, estimator):
    """``score_samples`` of sequences ``x`` of ``lengths`` (float64 ``(batch,)``)."""
    scoring = estimator.scoring_
    codes = encoder_codes(ops, x, lengths, estimator)
    if scoring != "knn":
        outputs = _decoded(ops, codes, estimator)
        k = estimator.network_params_["future_steps"]
        aligned = scores.aligned_outputs(ops, outputs, lengths, estimator.n_timesteps_, k)
        errors = scores.signed_errors(ops, aligned, x, scores.real_steps(ops, x, lengths))
        if hasattr(estimator, "error_covariance_"):
            gaussian = estimator.error_covariance_
            distance = scores.mahalanobis(ops, errors, lengths, gaussian, estimator.n_channels_)
        else:
            distance = scores.mean_squared_errors(ops, errors, lengths, estimator.n_channels_)
        distance = scores.not_nan(ops, distance)
        if scoring in ("mse", "mahalanobis"):
            return ops("Neg", distance)
    knn = scores.knn_distances(
        ops,
        codes,
        estimator.code_mean_,
        estimator.code_scale_,
        estimator.training_codes_,
        estimator.n_neighbors,
    )
    knn = scores.not_nan(ops, knn)
    if scoring == "knn":
        return ops("Neg", knn)
    return scores.combined(ops, distance, knn)


def transformer_shape(operator):
    """Shape calculator of :class:`~sklearn_lstmae.LSTMAutoencoderTransformer`: the codes."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    estimator = operator.raw_operator
    check_is_fitted(estimator)
    _codes_output(operator, estimator)


def _codes_output(operator, estimator):
    """Check the input's rank and declare the output: one row of codes per input row."""
    _input_rank(operator, estimator)
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = FloatTensorType([n, estimator._n_features_out])


def transformer_converter(scope, operator, container):
    """Convert :class:`~sklearn_lstmae.LSTMAutoencoderTransformer`: ``transform``."""
    estimator = operator.raw_operator
    ops = Ops(container.target_opset)
    codes = encoder_codes(ops, *_sequences(ops, operator, estimator), estimator)
    output = ops("Identity", codes, output_names=[operator.outputs[0].full_name])
    output.add_to(scope, container)


def _window_autoencoder(operator):
    """Return the fitted window autoencoder of a WindowCodeTransformer, if it can be exported."""
    estimator = operator.raw_operator
    check_is_fitted(estimator)
    inner = estimator.estimator_
    if not isinstance(inner, LSTMAutoencoderTransformer):
        raise ValueError(
            "Cannot export a WindowCodeTransformer whose estimator_ is a "
            f"{type(inner).__name__}: the converter encodes windows with an "
            "LSTMAutoencoderTransformer only."
        )
    width = operator.inputs[0].type.shape[1] if operator.inputs[0].type.shape else None
    if not isinstance(width, int):
        raise ValueError(
            "Cannot export a WindowCodeTransformer for input of unknown width: its windows "
            f"are cut in the graph; the ONNX input has shape {operator.inputs[0].type.shape}."
        )
    return inner, width


def window_codes_shape(operator):
    """Shape calculator of :class:`~sklearn_lstmae.WindowCodeTransformer`: pooled codes."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    estimator = operator.raw_operator
    _window_autoencoder(operator)
    _codes_output(operator, estimator)


def window_codes_converter(scope, operator, container):
    """Convert :class:`~sklearn_lstmae.WindowCodeTransformer`: ``transform``."""
    estimator = operator.raw_operator
    inner, width = _window_autoencoder(operator)
    ops = Ops(container.target_opset)
    x, lengths = _sequences(ops, operator, estimator)
    windows, window_lengths, counted = cut_windows(
        ops,
        x,
        lengths,
        width=width,
        n_channels=estimator.n_channels_,
        window=estimator._window,
        stride=estimator.stride_,
    )
    codes = encoder_codes(ops, windows, window_lengths, inner)
    pooled = pooled_codes(ops, codes, counted)
    output = ops("Identity", pooled, output_names=[operator.outputs[0].full_name])
    output.add_to(scope, container)


def detector_parser(scope, model, inputs, custom_parsers=None):
    """Parser of :class:`~sklearn_lstmae.LSTMAutoencoderOutlierDetector`.

    Outputs ``label`` (``predict``) and ``scores`` (``decision_function``), as
    skl2onnx's outlier detectors, and ``score_samples`` with the option
    ``{"score_samples": True}``.
    """
    operator = scope.declare_local_operator("SklearnLSTMAutoencoderOutlierDetector", model)
    operator.inputs = inputs
    names = ["label", "scores"]
    if scope.get_options(model, dict(score_samples=False))["score_samples"]:
        names.append("score_samples")
    for name in names:
        dtype = Int64TensorType() if name == "label" else guess_tensor_type(inputs[0].type)
        operator.outputs.append(scope.declare_local_variable(name, dtype))
    return operator.outputs


def detector_shape(operator):
    """Shape calculator of the detector: labels (int64) and scores (float32), ``(n, 1)``."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=[2, 3])
    estimator = operator.raw_operator
    check_is_fitted(estimator)
    _input_rank(operator, estimator, fixed_width=estimator.scoring_ != "knn")
    n = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = Int64TensorType([n, 1])
    for output in operator.outputs[1:]:
        output.type = FloatTensorType([n, 1])


def detector_converter(scope, operator, container):
    """Convert the detector: ``predict``, ``decision_function``, ``score_samples``."""
    estimator = operator.raw_operator
    ops = Ops(container.target_opset)
    x, lengths = _sequences(ops, operator, estimator)
    samples = detector_scores(ops, x, lengths, estimator)
    decision = ops("Sub", samples, np.array(estimator.offset_, np.float64))
    outlier = ops("Less", decision, np.array(0.0))
    label = ops("Where", outlier, np.array(-1, np.int64), np.array(1, np.int64))
    results = [label, decision] + ([samples] if len(operator.outputs) == 3 else [])
    for result, output in zip(results, operator.outputs, strict=True):
        if result is not label:
            result = ops("Cast", result, to=TensorProto.FLOAT)
        column = ops(
            "Reshape", result, np.array([-1, 1], np.int64), output_names=[output.full_name]
        )
        column.add_to(scope, container)


def register():
    """Register the converters with skl2onnx (again: the same registration)."""
    update_registered_converter(
        LSTMAutoencoderTransformer,
        "SklearnLSTMAutoencoderTransformer",
        transformer_shape,
        transformer_converter,
    )
    update_registered_converter(
        WindowCodeTransformer,
        "SklearnLSTMAEWindowCodeTransformer",
        window_codes_shape,
        window_codes_converter,
    )
    update_registered_converter(
        LSTMAutoencoderOutlierDetector,
        "SklearnLSTMAutoencoderOutlierDetector",
        detector_shape,
        detector_converter,
        parser=detector_parser,
        options={"score_samples": [False, True]},
    )
