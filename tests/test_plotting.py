"""The Displays draw what they should, with the Agg backend (no window opens)."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from sklearn_lstmae import (  # noqa: E402
    LSTMAutoencoderOutlierDetector,
    LSTMAutoencoderTransformer,
    fold_windows,
    sliding_windows,
)
from sklearn_lstmae.plotting import (  # noqa: E402
    AnomalyScoreDisplay,
    LossCurveDisplay,
    ReconstructionDisplay,
)
from tests import _helpers  # noqa: E402

FAST = dict(_helpers.FAST, epochs=3)  # three points on a loss curve


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _data(n=16, steps=12, channels=2):
    rng = np.random.RandomState(0)
    return np.cumsum(rng.randn(n, steps, channels), axis=1).astype(np.float32) / 3


def test_no_window_opens():
    assert matplotlib.get_backend().lower() == "agg"


def test_reconstruction_display_draws_each_sequence_and_channel():
    X = _data()
    ae = LSTMAutoencoderTransformer(**FAST).fit(X)
    display = ReconstructionDisplay.from_estimator(ae, X[:3], channel_names=["x", "y"])
    assert display.ax_.shape == (3, 2) and display.lines_.shape == (3, 2, 2)
    reconstruction = ae.reconstruct(X[:3])
    for i in range(3):
        for c in range(2):
            original, rebuilt = display.lines_[i, c]
            np.testing.assert_allclose(original.get_ydata(), X[i, :, c])
            np.testing.assert_allclose(rebuilt.get_ydata(), reconstruction[i, :, c])
    assert [a.get_title() for a in display.ax_[0]] == ["x", "y"]
    assert display.figure_ is display.ax_[0, 0].figure
    assert not display.ax_[0, 0].patches  # nothing predicted: nothing shaded


def test_reconstruction_display_marks_the_predicted_steps_and_takes_lists():
    X = [x[: 8 + i % 4] for i, x in enumerate(_data())]
    composite = LSTMAutoencoderTransformer(**FAST, future_steps=2).fit(X)
    figure, axes = plt.subplots(2, 2)
    display = ReconstructionDisplay.from_estimator(composite, X[:2], ax=axes)
    assert display.figure_ is figure
    span = display.ax_[1, 0].patches[0].get_x(), display.ax_[1, 0].patches[0].get_width()
    assert span == pytest.approx((len(X[1]) - 2 - 0.5, 2.0))  # the last 2 steps of X[1]
    assert len(display.lines_[1, 0, 0].get_ydata()) == len(X[1])
    with pytest.raises(ValueError, match="4 Axes"):
        ReconstructionDisplay.from_estimator(composite, X[:2], ax=axes[0])


def test_reconstruction_display_rejects_mismatched_predictions():
    X = _data()
    with pytest.raises(ValueError, match="shape of X"):
        ReconstructionDisplay.from_predictions(X[:2], X[:3])


def test_loss_curve_display_marks_the_best_epoch():
    X = _data()
    ae = LSTMAutoencoderTransformer(**FAST, validation_split=0.25).fit(X)
    display = LossCurveDisplay.from_estimator(ae)
    np.testing.assert_allclose(display.lines_["loss"].get_ydata(), ae.history_["loss"])
    np.testing.assert_allclose(display.lines_["val_loss"].get_ydata(), ae.history_["val_loss"])
    assert display.best_epoch_ == int(np.argmin(ae.history_["val_loss"])) + 1
    assert display.best_marker_.get_xdata()[0] == display.best_epoch_
    assert display.ax_.get_xlabel() == "epoch"


def test_loss_curve_display_without_validation_monitors_the_loss():
    display = LossCurveDisplay([4.0, 2.0, 3.0]).plot()
    assert display.best_epoch_ == 2 and set(display.lines_) == {"loss"}
    with pytest.raises(ValueError, match="one value per epoch"):
        LossCurveDisplay([]).plot()


def test_anomaly_score_display_from_a_detector():
    X = _data(n=24)
    detector = LSTMAutoencoderOutlierDetector(**FAST).fit(X)
    labels = np.where(np.arange(24) < 3, -1, 1)
    display = AnomalyScoreDisplay.from_estimator(detector, X, labels)
    scores = -detector.score_samples(X)
    np.testing.assert_allclose(display.scores_artist_.get_offsets()[:, 1], scores)
    assert display.threshold_line_.get_ydata()[0] == pytest.approx(-detector.offset_)
    flagged = display.flagged_.get_offsets()
    np.testing.assert_array_equal(flagged[:, 0], np.flatnonzero(detector.predict(X) == -1))
    legend = [text.get_text() for text in display.ax_.get_legend().get_texts()]
    assert "true anomaly" in legend and "threshold" in legend


def test_anomaly_score_display_per_step_of_a_long_series():
    series = np.sin(np.linspace(0, 30, 300)).astype(np.float32)
    series[150:160] += 2
    windows = sliding_windows(series, 20)
    detector = LSTMAutoencoderOutlierDetector(**FAST).fit(windows)
    per_step = fold_windows(detector.reconstruction_error(windows), n_timesteps=len(series))
    truth = np.zeros(300, dtype=int)
    truth[150:160] = 1
    display = AnomalyScoreDisplay.from_predictions(per_step, threshold=1.0, y_true=truth)
    np.testing.assert_allclose(display.scores_artist_.get_ydata(), per_step)
    (span,) = display.ax_.patches  # the one true anomaly, shaded
    assert span.get_x() == pytest.approx(149.5) and span.get_width() == pytest.approx(10)
    assert len(display.flagged_.get_offsets()) == int(np.sum(per_step > 1.0))
    with pytest.raises(ValueError, match="one label per score"):
        AnomalyScoreDisplay.from_predictions(per_step, y_true=truth[:10])
    with pytest.raises(ValueError, match="kind"):
        AnomalyScoreDisplay.from_predictions(per_step, kind="bars")


def test_displays_need_a_fitted_estimator():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(LSTMAutoencoderTransformer())
    with pytest.raises(NotFittedError):
        AnomalyScoreDisplay.from_estimator(LSTMAutoencoderOutlierDetector(), _data())


def test_anomaly_score_display_of_a_series_detector():
    from sklearn.ensemble import IsolationForest

    from sklearn_lstmae import SeriesAnomalyDetector

    series = np.sin(np.arange(1200) / 6).astype(np.float32)
    detector = SeriesAnomalyDetector(IsolationForest(random_state=0), window=40).fit(series)
    test = series.copy()
    test[600:650] = 0
    truth = np.zeros(1200, dtype=int)
    truth[600:650] = 1
    display = AnomalyScoreDisplay.from_estimator(detector, test, truth)
    np.testing.assert_allclose(display.scores_artist_.get_ydata(), detector.score_series(test))
    assert display.threshold_line_.get_ydata()[0] == pytest.approx(detector.threshold_)
    np.testing.assert_allclose(display.series_ax_.lines[0].get_ydata(), test)
    spans = display.series_ax_.patches
    assert len(spans) == len(detector.anomaly_ranges(test)) + 1  # flagged ranges + the true one
    assert display.ax_.get_shared_x_axes().joined(display.ax_, display.series_ax_)
    with pytest.raises(ValueError, match="one series"):
        AnomalyScoreDisplay.from_estimator(detector, [test, test])
