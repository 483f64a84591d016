"""The fitted Keras networks as ONNX graphs: the encoder's code and the decoders' outputs.

Built from the weights of the layers that
:mod:`sklearn_lstmae._engine.networks` names, with ONNX's ``LSTM`` operator:

- Keras stores each LSTM's gate blocks in the order input, forget, cell,
  output; ONNX wants input, output, forget, cell, with the kernels
  transposed, and a second (recurrent) bias that is zero here;
- a bidirectional layer is one ``direction="bidirectional"`` node: with
  ``sequence_lens``, ONNX's backward direction reads each sequence's real
  steps last first and gives its outputs back in time order, as the
  encoder's ``ReverseWithinLength`` pair does;
- the code's read-outs (final states, masked means, maxima, shares of
  positive outputs, segment means) are reductions over the real steps.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto

from sklearn_lstmae._engine.networks import SEGMENTS, decoded_size
from sklearn_lstmae._onnx.layout import step_mask

# Keras activation names -> ONNX LSTM activation names (the ones without parameters).
ACTIVATIONS = {
    "tanh": "Tanh",
    "relu": "Relu",
    "sigmoid": "Sigmoid",
    "softsign": "Softsign",
    "softplus": "Softplus",
}
# Below every float32 value: the maximum's stand-in for padded steps (as MaskedTimePooling).
LOWEST = np.array(-3.0e38, np.float32)


def _iofc(blocks):
    """Reorder Keras's gate blocks (i, f, c, o) on the last axis to ONNX's (i, o, f, c)."""
    i, f, c, o = np.split(blocks, 4, axis=-1)
    return np.concatenate([i, o, f, c], axis=-1)


def _activation(layer):
    """Return the ONNX name of ``layer``'s cell activation; raise for the others."""
    config = layer.get_config()
    recurrent = config.get("recurrent_activation")
    if recurrent != "sigmoid":
        raise ValueError(
            f"Cannot export LSTM layer {layer.name!r} to ONNX: its recurrent_activation is "
            f"{recurrent!r}; the converter supports 'sigmoid' (the estimators' gates)."
        )
    activation = config.get("activation")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"Cannot export activation={activation!r} to ONNX's LSTM operator; the "
            f"converter supports {sorted(ACTIVATIONS)}."
        )
    if config.get("go_backwards"):
        raise ValueError(f"Cannot export LSTM layer {layer.name!r}: go_backwards=True.")
    return ACTIVATIONS[activation]


def _onnx_weights(layer):
    """``W``, ``R``, ``B`` of one ONNX direction from a Keras LSTM layer (float32)."""
    kernel, recurrent, *bias = layer.get_weights()
    units = recurrent.shape[0]
    bias = bias[0] if bias else np.zeros(4 * units, np.float32)
    return (
        _iofc(kernel).T,
        _iofc(recurrent).T,
        np.concatenate([_iofc(bias), np.zeros(4 * units, bias.dtype)]),
    )


def lstm(ops, x, layers, sequence_lens=None):
    """One ONNX ``LSTM`` node: ``layers`` is ``[forward]`` or ``[forward, backward]``.

    ``x`` is time-major ``(time, batch, inputs)``. Returns the node's
    outputs ``Y`` ``(time, directions, batch, units)``, ``Y_h`` and ``Y_c``
    ``(directions, batch, units)``.
    """
    activations = [_activation(layer) for layer in layers]
    weights = [_onnx_weights(layer) for layer in layers]
    W, R, B = (np.stack(parts).astype(np.float32) for parts in zip(*weights, strict=True))
    units = R.shape[-1]
    inputs = [x, W, R, B] + ([sequence_lens] if sequence_lens is not None else [])
    node = ops(
        "LSTM",
        *inputs,
        hidden_size=units,
        direction="bidirectional" if len(layers) == 2 else "forward",
        activations=[name for g in activations for name in ("Sigmoid", g, g)],
    )
    return node[0], node[1], node[2]


def _layer(model, name):
    """``model``'s layer ``name``; an error naming it if the network has none."""
    try:
        return model.get_layer(name)
    except ValueError as error:
        raise ValueError(
            f"Cannot export this network to ONNX: it has no layer {name!r} (it is not one "
            "that sklearn_lstmae._engine.networks builds)."
        ) from error


def _segment_means(ops, outputs, real, lengths):
    """Means of ``outputs`` (time, batch, f) over ``SEGMENTS`` stretches of the real steps.

    As ``MaskedTimePooling("segment_means")``: step t of a sequence of L real
    steps lies in stretch ``floor(t * SEGMENTS / L)``; returns
    ``(batch, SEGMENTS * f)``, stretch by stretch.
    """
    width = ops("Cast", ops.squeeze(ops.shape_of(outputs, 0), [0]), to=TensorProto.FLOAT)
    steps = ops("Range", np.array(0, np.float32), width, np.array(1, np.float32))  # (time,)
    scaled = ops("Mul", ops.unsqueeze(steps, [1]), np.array(SEGMENTS, np.float32))
    stretch = ops("Floor", ops("Div", scaled, ops("Max", lengths, np.array(1, np.float32))))
    stretch = ops("Min", stretch, np.array(SEGMENTS - 1, np.float32))  # (time, batch)
    segment_ids = np.arange(SEGMENTS, dtype=np.float32)
    one_hot = ops(
        "Cast", ops("Equal", ops.unsqueeze(stretch, [2]), segment_ids), to=TensorProto.FLOAT
    )
    weights = ops("Mul", one_hot, ops.unsqueeze(real, [2]))  # (time, batch, segments)
    sums = ops(  # (batch, segments, f)
        "MatMul",
        ops("Transpose", weights, perm=[1, 2, 0]),
        ops("Transpose", outputs, perm=[1, 0, 2]),
    )
    counts = ops("Max", ops.reduce("Sum", weights, [0]), np.array(1, np.float32))
    means = ops("Div", sums, ops.unsqueeze(counts, [2]))
    return ops("Reshape", means, np.array([0, -1], np.int64))


def _positive(ops, outputs, encoder, i):
    """Each output's part in layer ``i``'s positive share: sigmoid(output / t), or 0 or 1."""
    temperature = _layer(encoder, f"encoder_share_{i}").temperature
    if temperature:
        return ops("Sigmoid", ops("Div", outputs, np.array(temperature, np.float32)))
    greater = ops("Greater", outputs, np.array(0, np.float32))
    return ops("Cast", greater, to=TensorProto.FLOAT)


def encode(ops, x, lengths, encoder, params):
    """Return the encoder's codes ``(batch, code_size)`` of ``x`` ``(batch, time, channels)``.

    ``x`` is the network's input with padding set to 0, ``lengths`` the real
    steps of each sequence (float32 ``(batch,)``); ``params`` the fitted
    ``network_params_``.
    """
    code, bidirectional = params["code"], params["bidirectional"]
    pooled = code in ("states_and_pools", "states_pools_and_segments")
    pool = pooled or code == "states_and_means"
    bottleneck = params["latent_dim"] is not None
    sequence_lens = ops("Cast", lengths, to=TensorProto.INT32)
    inputs = ops("Transpose", x, perm=[1, 0, 2])  # ONNX's LSTM is time-major
    real = step_mask(ops, inputs, lengths, time_axis=0)  # (time, batch)
    real_3d = ops.unsqueeze(real, [2])
    counts = ops.unsqueeze(lengths, [1])
    shares_counts = ops("Max", counts, np.array(1, np.float32))
    states, means, maxima, shares, segments = [], [], [], [], []
    for i in range(len(params["units"])):
        layers = [_layer(encoder, f"encoder_lstm_{i}")]
        if bidirectional:
            layers.append(_layer(encoder, f"encoder_backward_lstm_{i}"))
        y, y_h, y_c = lstm(ops, inputs, layers, sequence_lens)
        layer_states = []
        for direction in range(len(layers)):  # h, c (forward), then h, c (backward)
            index = np.array(direction, np.int64)
            layer_states += [ops("Gather", y_h, index, axis=0), ops("Gather", y_c, index, axis=0)]
        states.append(layer_states)
        # (time, directions, batch, units) -> (time, batch, directions * units)
        inputs = ops(
            "Reshape", ops("Transpose", y, perm=[0, 2, 1, 3]), np.array([0, 0, -1], np.int64)
        )
        if pool:
            total = ops.reduce("Sum", ops("Mul", inputs, real_3d), [0])
            means.append(ops("Div", total, counts))
        if pooled and not bottleneck:
            masked = ops("Where", ops("Cast", real_3d, to=TensorProto.BOOL), inputs, LOWEST)
            maxima.append(ops.reduce("Max", masked, [0]))
            positive = ops("Mul", _positive(ops, inputs, encoder, i), real_3d)
            shares.append(ops("Div", ops.reduce("Sum", positive, [0]), shares_counts))
        if code == "states_pools_and_segments" and not bottleneck:
            segments.append(_segment_means(ops, inputs, real, lengths))
    if code == "last_hidden":
        parts = states[-1][0::2]  # the final hidden states of the last layer
    else:
        parts = [state for layer_states in states for state in layer_states] + means
    parts += maxima + shares + segments
    codes = parts[0] if len(parts) == 1 else ops("Concat", *parts, axis=1)
    if bottleneck:
        kernel, bias = _layer(encoder, "bottleneck").get_weights()
        codes = ops("Add", ops("MatMul", codes, kernel.astype(np.float32)), bias)
    return codes


def decode(ops, codes, decoder, n_steps, params, *, reverse=False):
    """One decoder's output ``(batch, n_steps, channels)`` from ``codes`` ``(batch, code_size)``.

    As :func:`~sklearn_lstmae._engine.networks.build_decoder`: the code's
    leading part that the decoder reads, repeated at every step, stacked
    LSTMs, one ``Dense`` shared by all steps, and a flip in time for a
    decoder that generates in reverse.
    """
    read = decoded_size(
        params["units"],
        latent_dim=params["latent_dim"],
        bidirectional=params["bidirectional"],
        code=params["code"],
    )
    x = ops.slice(codes, 0, read, axis=1)
    repeats = np.array([n_steps, 1, 1], np.int64)
    x = ops("Expand", ops.unsqueeze(x, [0]), repeats)  # (time, batch, read)
    for i in range(len(params["units"])):
        y, _, _ = lstm(ops, x, [_layer(decoder, f"{decoder.name}_lstm_{i}")])
        x = ops.squeeze(y, [1])
    kernel, bias = _layer(decoder, "output").get_weights()
    x = ops("Add", ops("MatMul", x, kernel.astype(np.float32)), bias.astype(np.float32))
    if reverse:
        x = ops.slice(x, -1, np.iinfo(np.int64).min, axis=0, step=-1)
    return ops("Transpose", x, perm=[1, 0, 2])
