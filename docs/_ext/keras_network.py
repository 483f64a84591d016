"""Draw the tutorial's composite network for the guide page "Coming from the Keras tutorial".

At the start of each build, fit the tutorial's composite model through the library (one
sequence, a few epochs: the picture shows the architecture, not a trained model), then
write ``generated/composite_network.png`` with ``keras.utils.plot_model`` (needs pydot and
Graphviz's ``dot``) and ``generated/composite_summary.txt`` with ``model.summary()``.
The page includes both, so they always show the network the library builds today.
"""

from pathlib import Path


def _draw(app):
    import keras
    import numpy as np

    from sklearn_lstmae import LSTMAutoencoderTransformer

    out = Path(app.srcdir) / "generated"
    out.mkdir(exist_ok=True)
    sequence = np.linspace(0.1, 0.9, 9).reshape(1, 9, 1)
    composite = LSTMAutoencoderTransformer(
        units=100,
        activation="relu",
        epochs=2,
        future_steps=1,
        bidirectional=False,
        code="last_hidden",
        random_state=0,
    ).fit(sequence)
    keras.utils.plot_model(
        composite.model_,
        to_file=str(out / "composite_network.png"),
        show_shapes=True,
        show_layer_names=True,
        dpi=72,
    )
    lines = []
    composite.model_.summary(print_fn=lambda line, **kwargs: lines.append(line), line_length=80)
    (out / "composite_summary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def setup(app):
    """Register the drawing for the start of the build."""
    app.connect("builder-inited", _draw)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
