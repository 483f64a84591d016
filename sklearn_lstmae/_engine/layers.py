"""Keras layers of the autoencoders (the builders live in :mod:`.networks`).

- :class:`NaNMask` turns NaN right padding into a Keras mask;
- :class:`ReverseTime` flips sequences in time;
- :class:`MaskedTimePooling` pools outputs over real steps (maximum, share of
  positive values, means over stretches of time);
- :class:`LeadingFeatures` keeps the part of a code that a decoder reads;
- :class:`FusedLSTM` and :class:`RepeatedInputLSTM` are ``keras.layers.LSTM``
  with the same weights, saved format and results (to float32 rounding), but
  faster off cuDNN: the first runs TensorFlow's fused CPU kernel for a whole
  sequence, the second projects an input repeated over time once.

Both LSTMs step aside for Keras's own code wherever it would take the cuDNN
kernel (TensorFlow with a GPU) or where their shortcut does not apply, and
:func:`xla_compatible_lstms` makes them trace Keras's generic loop, which XLA
can compile.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import numbers

import keras

from sklearn_lstmae._engine.private_apis import (
    LSTMInnerLoopHook,
    block_lstm,
    keras_rnn_loop,
    private_apis_enabled,
)

__all__ = [
    "FusedLSTM",
    "NaNMask",
    "RepeatedInputLSTM",
    "ReverseTime",
    "ReverseWithinLength",
    "cudnn_may_run",
    "xla_compatible_lstms",
]

_XLA_COMPATIBLE = contextvars.ContextVar("sklearn_lstmae_xla_compatible_lstms", default=False)


@contextlib.contextmanager
def xla_compatible_lstms():
    """Make the LSTM layers traced in this context use Keras's generic loop.

    TensorFlow's fused LSTM kernel has no XLA implementation; a function that
    ``tf.function(jit_compile=True)`` compiles must be traced in this context.
    """
    token = _XLA_COMPATIBLE.set(True)
    try:
        yield
    finally:
        _XLA_COMPATIBLE.reset(token)


# The keras.layers.LSTM options the faster layers know (an allow-list): a layer
# whose configuration holds any other option (a newer Keras's) runs Keras's loop.
_KNOWN_LSTM_OPTIONS = frozenset(
    {
        "activation",
        "activity_regularizer",
        "bias_constraint",
        "bias_initializer",
        "bias_regularizer",
        "dropout",
        "dtype",
        "go_backwards",
        "kernel_constraint",
        "kernel_initializer",
        "kernel_regularizer",
        "name",
        "recurrent_activation",
        "recurrent_constraint",
        "recurrent_dropout",
        "recurrent_initializer",
        "recurrent_regularizer",
        "return_sequences",
        "return_state",
        "seed",
        "stateful",
        "trainable",
        "unit_forget_bias",
        "units",
        "unroll",
        "use_bias",
        "zero_output_for_mask",
    }
)


def _only_known_options(layer) -> bool:
    """Return whether every option of ``layer``'s configuration is one the shortcuts know."""
    return set(layer.get_config()) <= _KNOWN_LSTM_OPTIONS


@functools.cache  # the backend and the devices are fixed once a process uses them
def cudnn_may_run() -> bool:
    """Return whether Keras's LSTM may take the cuDNN kernel here (TensorFlow, a GPU)."""
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    return bool(tf.config.list_logical_devices("GPU"))


def _as_mask(mask):
    """Keras passes one mask per input; an LSTM has one input."""
    return mask[0] if isinstance(mask, list | tuple) else mask


@keras.saving.register_keras_serializable(package="sklearn_lstmae")
class ReverseTime(keras.layers.Layer):
    """Reverse a batch of sequences along the time axis (axis 1)."""

    def call(self, inputs):
        """Return ``inputs`` with the time axis flipped."""
        return keras.ops.flip(inputs, axis=1)

    def compute_output_shape(self, input_shape):
        """Return ``input_shape`` unchanged."""
        return input_shape


@keras.saving.register_keras_serializable(package="sklearn_lstmae")
class ReverseWithinLength(keras.layers.Layer):
    """Reverse each sequence's real steps in time; right padding stays on the right.

    The backward half of a bidirectional encoder reads each sequence last
    step first. Flipping the whole padded width (``go_backwards``) would put
    the padding first, which neither cuDNN nor the fused CPU kernel accept;
    reversing within each sequence's length keeps the mask right padding, so
    the backward LSTM runs the same kernels as the forward one. Applied twice,
    it gives back its input (it realigns a backward LSTM's outputs in time).
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        """Return ``inputs`` with each sequence's first ``length`` steps reversed."""
        ops = keras.ops
        if mask is None:
            return ops.flip(inputs, axis=1)
        steps = ops.arange(ops.shape(inputs)[1])[None, :]
        lengths = ops.sum(ops.cast(_as_mask(mask), "int32"), axis=1, keepdims=True)
        index = ops.where(steps < lengths, lengths - 1 - steps, steps)
        return ops.take_along_axis(inputs, ops.expand_dims(index, -1), axis=1)

    def compute_mask(self, inputs, mask=None):
        """Return the input mask: padding stays where it was."""
        return mask

    def compute_output_shape(self, input_shape):
        """Return ``input_shape`` unchanged."""
        return input_shape


@keras.saving.register_keras_serializable(package="sklearn_lstmae")
class MaskedTimePooling(keras.layers.Layer):
    """Pool each sequence's real steps over time: maximum, share of positives, segment means.

    ``(batch, time, features)`` to ``(batch, features)`` (``"segment_means"``:
    ``(batch, segments * features)``); masked (padded) steps take no part.
    ``"max"`` passes its gradient to the step that holds each maximum;
    ``"positive_share"`` is the fraction of steps above zero (the PPV of
    ROCKET): with ``temperature`` 0 a count, which passes no gradient and
    jumps by ``1 / length`` where a value crosses zero; with ``temperature``
    t > 0 the mean of ``sigmoid(value / t)``, which equals the count but for
    values within a few t of zero and moves by at most ``d / (4 t)`` when
    every value moves by ``d``, so that another kernel's rounding (ONNX)
    cannot flip it. ``"segment_means"`` cuts each
    sequence's real steps into ``segments`` stretches of (nearly) equal length
    and averages every feature over each, so the code keeps *when* an output
    was high; segment by segment, a sequence shorter than ``segments`` steps
    gets zeros for the stretches that hold no step.

    Parameters
    ----------
    statistic : {"max", "positive_share", "segment_means"}
        What to compute over time.
    segments : int, default=8
        Stretches of ``"segment_means"``.
    temperature : float >= 0, default=0.0
        Of ``"positive_share"``: 0 counts the steps above zero; t > 0 averages
        ``sigmoid(value / t)``. The networks the library builds use
        ``networks.SHARE_TEMPERATURE``; those saved by version 0.1.0 have no
        temperature in their configuration, and count.
    """

    STATISTICS = ("max", "positive_share", "segment_means")

    def __init__(self, statistic, segments=8, temperature=0.0, **kwargs):
        super().__init__(**kwargs)
        if statistic not in self.STATISTICS:
            raise ValueError(f"statistic must be one of {self.STATISTICS}; got {statistic!r}.")
        if isinstance(segments, bool) or int(segments) != segments or segments < 1:
            raise ValueError(f"segments must be a positive integer; got {segments!r}.")
        if (
            isinstance(temperature, bool)
            or not isinstance(temperature, numbers.Real)
            or not 0 <= temperature < float("inf")
        ):
            raise ValueError(f"temperature must be a finite number >= 0; got {temperature!r}.")
        self.statistic = statistic
        self.segments = int(segments)
        self.temperature = float(temperature)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        """Return the statistic of every feature over each sequence's real steps."""
        ops = keras.ops
        real = ops.ones(ops.shape(inputs)[:2], "bool") if mask is None else _as_mask(mask)
        if self.statistic == "segment_means":
            return self._segment_means(inputs, ops.cast(real, inputs.dtype))
        real = ops.expand_dims(real, -1)
        if self.statistic == "max":
            lowest = ops.full_like(inputs, -3.0e38)
            return ops.max(ops.where(real, inputs, lowest), axis=1)
        real = ops.cast(real, inputs.dtype)
        if self.temperature:
            positive = ops.sigmoid(inputs / self.temperature) * real
        else:
            positive = ops.cast(ops.greater(inputs, 0), inputs.dtype) * real
        return ops.sum(positive, axis=1) / ops.maximum(ops.sum(real, axis=1), 1.0)

    def _segment_means(self, inputs, real):
        """Means of every feature over ``segments`` stretches of each sequence's real steps."""
        ops = keras.ops
        lengths = ops.sum(real, axis=1, keepdims=True)  # (batch, 1)
        steps = ops.cast(ops.arange(ops.shape(inputs)[1]), inputs.dtype)[None]  # (1, time)
        # Step t of a sequence of L real steps lies in stretch floor(t * segments / L).
        stretch = ops.floor(steps * self.segments / ops.maximum(lengths, 1.0))
        stretch = ops.cast(ops.minimum(stretch, self.segments - 1), "int32")
        weights = ops.one_hot(stretch, self.segments, dtype=inputs.dtype) * real[..., None]
        sums = ops.einsum("btf,bts->bsf", inputs, weights)
        means = sums / ops.maximum(ops.sum(weights, axis=1), 1.0)[..., None]
        return ops.reshape(means, (-1, self.segments * inputs.shape[-1]))

    def compute_mask(self, inputs, mask=None):
        """Return None: the time axis, and its mask, are pooled away."""
        return None

    def compute_output_shape(self, input_shape):
        """Return ``(batch, features)`` (``segments`` times that for segment means)."""
        if self.statistic == "segment_means":
            return (input_shape[0], self.segments * input_shape[2])
        return (input_shape[0], input_shape[2])

    def get_config(self):
        """Return the layer's configuration: ``statistic``, ``segments``, ``temperature``."""
        return {
            **super().get_config(),
            "statistic": self.statistic,
            "segments": self.segments,
            "temperature": self.temperature,
        }


@keras.saving.register_keras_serializable(package="sklearn_lstmae")
class LeadingFeatures(keras.layers.Layer):
    """Keep the first ``n`` features of ``(batch, features)`` inputs.

    A decoder that takes the whole code but reads only its first part (the
    rest is read out for downstream models) starts with this layer.

    Parameters
    ----------
    n : int
        How many leading features to keep.
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = int(n)

    def call(self, inputs):
        """Return ``inputs[:, :n]``."""
        return inputs[:, : self.n]

    def compute_output_shape(self, input_shape):
        """Return ``(batch, n)``."""
        return (input_shape[0], self.n)

    def get_config(self):
        """Return the layer's configuration, ``n`` included."""
        return {**super().get_config(), "n": self.n}


@keras.saving.register_keras_serializable(package="sklearn_lstmae")
class NaNMask(keras.layers.Layer):
    """Mask the time steps that are NaN in every channel, and zero them.

    Sequences of different lengths travel right-padded with NaN. This layer
    turns the padding into a Keras mask, so the LSTMs that follow skip padded
    steps (an LSTM's final state is then its state after the sequence's last
    real step), and replaces the NaN by 0 so no NaN reaches the arithmetic.
    Right padding keeps the fused cuDNN LSTM kernel usable on GPU.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        """Return ``inputs`` with NaN replaced by 0."""
        return keras.ops.where(keras.ops.isnan(inputs), keras.ops.zeros_like(inputs), inputs)

    def compute_mask(self, inputs, mask=None):
        """Return True for the steps with a value in any channel."""
        return keras.ops.logical_not(keras.ops.all(keras.ops.isnan(inputs), axis=-1))

    def compute_output_shape(self, input_shape):
        """Return ``input_shape`` unchanged."""
        return input_shape


@keras.saving.register_keras_serializable(package="sklearn_lstmae")
class RepeatedInputLSTM(LSTMInnerLoopHook):
    """An LSTM layer for inputs that are the same vector at every step.

    A decoder reads its code repeated over time (``RepeatVector``), so the
    input projection ``code @ kernel + bias`` is the same at every step.
    Keras's LSTM recomputes it at each step; off cuDNN this layer computes it
    once per sequence and runs Keras's own loop on the recurrent part only:
    the same weights and the same results as ``keras.layers.LSTM`` (to float32
    rounding), in less time per training step off cuDNN (see benchmarks/README.md).

    The input must be constant along the time axis (it is the caller's
    guarantee: only the first step is read). Where the fused cuDNN kernel may
    run (TensorFlow with a GPU), with input dropout in training, with a mask,
    ``go_backwards`` or ``unroll``, the layer is exactly ``keras.layers.LSTM``.
    """

    def fast_inner_loop(self, sequences, initial_state, mask, training):
        """Run the LSTM over ``sequences``, or return None; see the class docstring."""
        rnn_loop = keras_rnn_loop()
        if (
            rnn_loop is None
            or not _only_known_options(self)
            or mask is not None
            or self.go_backwards
            or self.unroll
            or (training and (self.dropout or self.recurrent_dropout))
            or cudnn_may_run()
        ):
            return None
        ops = keras.ops
        cell = self.cell
        projected = ops.matmul(sequences[:, 0], cell.kernel)
        if cell.use_bias:
            projected = ops.add(projected, cell.bias)

        def step(_, states):
            h, c = states
            z = ops.add(projected, ops.matmul(h, cell.recurrent_kernel))
            z_i, z_f, z_c, z_o = ops.split(z, 4, axis=1)
            i = cell.recurrent_activation(z_i)
            f = cell.recurrent_activation(z_f)
            c = f * c + i * cell.activation(z_c)
            h = cell.recurrent_activation(z_o) * cell.activation(c)
            return h, [h, c]

        # The loop only needs the time axis of its input: one channel of it
        # (the full width would be sliced, and its zero gradient stacked, per step).
        return rnn_loop(
            step,
            sequences[:, :, :1],
            list(initial_state),
            input_length=sequences.shape[1],
            return_all_outputs=self.return_sequences,
        )


@keras.saving.register_keras_serializable(package="sklearn_lstmae")
class FusedLSTM(LSTMInnerLoopHook):
    """An LSTM layer that runs a whole sequence in one TensorFlow kernel.

    Off cuDNN, Keras's LSTM is a ``tf.while_loop`` of a dozen small ops per
    time step, forward and backward, and the loop's overhead outweighs the
    arithmetic of small layers. TensorFlow's fused ``BlockLSTM`` kernel runs
    all the steps in one op (and its gradient in another): same weights,
    saved format and results as ``keras.layers.LSTM`` (to float32 rounding),
    faster training and much faster inference on CPU (see
    benchmarks/README.md), and a shorter trace.

    The kernel computes the tanh/sigmoid LSTM on float32. As with cuDNN, a
    mask must be right padding (True steps, then False steps): any other mask
    raises ``InvalidArgumentError`` when the layer runs. The layer is exactly
    ``keras.layers.LSTM`` on other backends, where cuDNN may run, with other
    activations or dtypes, with dropout in training, with ``go_backwards``,
    ``unroll`` or ``zero_output_for_mask``, and within
    :func:`xla_compatible_lstms` (XLA cannot compile the kernel).
    """

    def fast_inner_loop(self, sequences, initial_state, mask, training):
        """Run the LSTM over ``sequences``, or return None; see the class docstring."""
        if not self._fused_kernel_applies(sequences, training):
            return None
        # Keras's model-level jit_compile="auto" must not pick XLA (as for cuDNN).
        self.supports_jit = False
        h0, c0 = initial_state
        return _block_lstm(self.cell, sequences, h0, c0, _as_mask(mask), self.return_sequences)

    def _fused_kernel_applies(self, sequences, training):
        cell = self.cell
        return (
            keras.backend.backend() == "tensorflow"
            and private_apis_enabled()
            and _only_known_options(self)
            and not _XLA_COMPATIBLE.get()
            and not (self.go_backwards or self.unroll or self.zero_output_for_mask)
            and not (training and (self.dropout or self.recurrent_dropout))
            and cell.activation is keras.activations.tanh
            and cell.recurrent_activation is keras.activations.sigmoid
            and keras.backend.standardize_dtype(sequences.dtype) == "float32"
            and keras.backend.standardize_dtype(cell.kernel.dtype) == "float32"
            and not cudnn_may_run()
        )


def _icfo(tensor):
    """Reorder Keras's gate blocks (i, f, c, o) on the last axis to (i, c, f, o)."""
    import tensorflow as tf

    i, f, c, o = tf.split(tensor, 4, axis=-1)
    return tf.concat([i, c, f, o], axis=-1)


def _last_steps(lengths):
    """Return the ``(step, row)`` indices of each row's last step in time-major states."""
    import tensorflow as tf

    return tf.stack([tf.maximum(lengths - 1, 0), tf.range(tf.shape(lengths)[0])], axis=1)


def _block_lstm(cell, sequences, h0, c0, mask, return_sequences):
    """Keras's ``inner_loop`` result, computed by TensorFlow's ``BlockLSTM`` op.

    The kernel runs on two independent halves of the rows, which TensorFlow's
    executor runs side by side: one kernel keeps about one core busy. With an
    odd row count the halves share the middle row, so
    neither is ever empty (the kernel's gradient is garbage for zero rows).
    """
    import tensorflow as tf

    units = cell.units
    kernel = cell.kernel.value
    blocks = [kernel, cell.recurrent_kernel.value]
    x = tf.transpose(sequences, [1, 0, 2])  # the op is time-major
    if sequences.shape[-1] % 2:  # the op is slower (and logs a warning per call)
        # for odd batch sizes with odd input widths: a zero channel makes it even
        x = tf.pad(x, [[0, 0], [0, 0], [0, 1]])
        blocks.insert(1, tf.zeros([1, 4 * units], kernel.dtype))
    weights = _icfo(tf.concat(blocks, axis=0))
    bias = _icfo(cell.bias.value if cell.use_bias else tf.zeros([4 * units], kernel.dtype))
    n_rows = tf.shape(x)[1]
    row_halves = (slice(None, (n_rows + 1) // 2), slice(n_rows // 2, None))
    shared = n_rows % 2  # the second half's copy of the middle row is dropped

    def joined(first, second):
        """Both halves' rows (axis -2) as one tensor."""
        return tf.concat([first, second[..., shared:, :]], axis=-2)

    # Only what is returned is joined: the final states, and the outputs with
    # return_sequences (not the cell states of every step).
    (cs_1, h_1), (cs_2, h_2) = (
        block_lstm(x[:, rows], h0[rows], c0[rows], weights, bias) for rows in row_halves
    )
    if mask is None:
        h_last, c_last = joined(h_1[-1], h_2[-1]), joined(cs_1[-1], cs_2[-1])
        if return_sequences:
            outputs = joined(h_1, h_2)
    else:
        # Right padding: a sequence's final state is the state after its last
        # step, and Keras repeats its last output over the padded steps.
        mask = tf.cast(mask, tf.bool)
        lengths = tf.reduce_sum(tf.cast(mask, tf.int32), axis=1)
        right_padding = tf.sequence_mask(lengths, tf.shape(mask)[1])
        tf.debugging.assert_equal(
            mask, right_padding, message="FusedLSTM needs masks that are right padding."
        )

        def at_last_step(first, second):
            """Each row's state at its last step, from both halves' states of every step."""
            return joined(
                *(
                    tf.gather_nd(states, _last_steps(lengths[rows]))
                    for states, rows in zip((first, second), row_halves, strict=True)
                )
            )

        has_steps = (lengths > 0)[:, None]
        h_seen = at_last_step(h_1, h_2)
        h_last = tf.where(has_steps, h_seen, h0)
        c_last = tf.where(has_steps, at_last_step(cs_1, cs_2), c0)
        if return_sequences:
            carried = tf.where(has_steps, h_seen, tf.zeros_like(h_seen))
            outputs = tf.where(tf.transpose(mask)[:, :, None], joined(h_1, h_2), carried)
    if return_sequences:
        outputs = tf.transpose(outputs, [1, 0, 2])
    else:
        outputs = h_last[:, None]
    return h_last, outputs, [h_last, c_last]
