"""Keras's Adam update, run by TensorFlow's fused ``ResourceApplyAdam`` kernel.

Keras's ``Adam.apply`` on TensorFlow traces about a dozen small ops per
variable (moments, bias correction, update, their reads and writes), which
the step loop of :mod:`._training` traces, optimizes and instantiates before
its first step (for the tutorial's toy, the loop's first call took 0.66 s
with them, 0.53 s without). TensorFlow's kernel does the same update in one
op per variable, on the optimizer's own moment variables, with the same
formula:

    alpha = lr * sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
    m += (g - m) * (1 - beta_1)
    v += (g ** 2 - v) * (1 - beta_2)
    variable -= m * alpha / (sqrt(v) + epsilon)

(results equal to float32 rounding), then counts the step in
``optimizer.iterations`` as Keras does. It applies to plain ``keras.optimizers.Adam``
only (not subclasses), without AMSGrad, weight decay, gradient clipping, EMA,
gradient accumulation or loss scaling, on float32 variables without
constraints, outside ``tf.distribute`` strategies; everything else keeps
``optimizer.apply``.
"""

from __future__ import annotations

import keras


def fused_adam_applies(optimizer, variables, grads) -> bool:
    """Return whether :func:`apply_fused_adam` computes ``optimizer.apply(grads, variables)``."""
    import tensorflow as tf

    if type(optimizer) is not keras.optimizers.Adam or not optimizer.built:
        return False
    if optimizer.amsgrad or optimizer.use_ema or optimizer.gradient_accumulation_steps:
        return False
    if any(
        getattr(optimizer, name) is not None
        for name in (
            "weight_decay",
            "clipnorm",
            "clipvalue",
            "global_clipnorm",
            "loss_scale_factor",
        )
    ):
        return False
    if not all(
        hasattr(optimizer, name) for name in ("_momentums", "_velocities", "_get_variable_index")
    ):
        return False  # pragma: no cover - a Keras that renamed Adam's slots
    return all(
        grad is not None
        and variable.constraint is None
        and not variable.overwrite_with_gradient
        and keras.backend.standardize_dtype(variable.dtype) == "float32"
        and not isinstance(variable.value, tf.distribute.DistributedValues)
        for variable, grad in zip(variables, grads, strict=True)
    )


def apply_fused_adam(optimizer, grads, variables):
    """Update ``variables`` with ``grads`` as ``optimizer.apply`` would; return the op.

    Only where :func:`fused_adam_applies`. For use inside a ``tf.function``.
    """
    import tensorflow as tf

    def as_float32(value):
        return tf.cast(value, tf.float32)

    step = as_float32(optimizer.iterations + 1)
    beta_1, beta_2 = as_float32(optimizer.beta_1), as_float32(optimizer.beta_2)
    hyperparameters = dict(
        beta1_power=tf.pow(beta_1, step),
        beta2_power=tf.pow(beta_2, step),
        lr=as_float32(optimizer.learning_rate),  # the schedule's value, if any
        beta1=beta_1,
        beta2=beta_2,
        epsilon=as_float32(optimizer.epsilon),
    )
    updates = []
    for grad, variable in zip(grads, variables, strict=True):
        index = optimizer._get_variable_index(variable)
        updates.append(
            tf.raw_ops.ResourceApplyAdam(
                var=variable.handle,
                m=optimizer._momentums[index].handle,
                v=optimizer._velocities[index].handle,
                grad=tf.convert_to_tensor(grad),
                **hyperparameters,
            )
        )
    with tf.control_dependencies(updates):
        return optimizer.iterations.assign_add(1)
