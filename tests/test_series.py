"""SeriesAnomalyDetector: per-point scores, flags, ranges, thresholds and streaming."""

import io
import json
import warnings
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.ensemble import IsolationForest

import sklearn_lstmae
from sklearn_lstmae import (
    AnomalyRange,
    LSTMAutoencoderOutlierDetector,
    SeriesAnomalyDetector,
    _series,
    sliding_windows,
)
from sklearn_lstmae._utils.thresholds import (
    extremal_index,
    fit_tail,
    pot_threshold,
    tail_threshold,
)

TINY_LSTM = LSTMAutoencoderOutlierDetector(units=4, epochs=2, batch_size=32, scoring="mse")


def _waves(n=1500, channels=2, period=40, seed=0):
    rng = np.random.RandomState(seed)
    t = np.arange(n)[:, None] + np.arange(channels) * period / 4
    return (np.sin(2 * np.pi * t / period) + 0.05 * rng.randn(n, channels)).astype(np.float32)


def _forest(**params):
    return SeriesAnomalyDetector(IsolationForest(random_state=0), random_state=0, **params)


def test_shapes_for_one_series_and_for_a_list():
    train = _waves()
    detector = SeriesAnomalyDetector(TINY_LSTM, window=20, random_state=0).fit(train)
    assert detector.point_scores_ == "either" and detector.window_ == 20
    scores = detector.score_series(train[:300])
    assert scores.shape == (300,) and np.all(np.isfinite(scores))
    flags = detector.predict_series(train[:300])
    assert set(np.unique(flags)) <= {0, 1}
    assert flags[scores > detector.threshold_].all()  # and the points of short gaps
    flags = detector.set_params(merge_gap=0).predict_series(train[:300])
    assert_array_equal(flags, (scores > detector.threshold_).astype(int))
    several = detector.score_series([train[:100], train[200:450]])
    assert [s.shape for s in several] == [(100,), (250,)]
    assert_allclose(several[1], detector.score_series(train[200:450]), rtol=1e-6)
    assert detector.score_channels(train[:50]).shape == (50, 2)
    univariate = SeriesAnomalyDetector(TINY_LSTM, window=20).fit(train[:, 0])
    assert univariate.score_series(train[:64, 0]).shape == (64,)
    assert univariate.n_channels_ == 1


def test_ranges_are_the_runs_of_flagged_points():
    train = _waves(channels=1)[:, 0]
    detector = _forest(window=40, merge_gap=0).fit(train)
    test = train.copy()
    test[700:760] = 0.0  # a flat stretch where a wave should be
    scores = detector.score_series(test)
    flags = detector.predict_series(test)
    assert_array_equal(flags, (scores > detector.threshold_).astype(int))
    ranges = detector.anomaly_ranges(test)
    rebuilt = np.zeros_like(flags)
    for event in ranges:
        assert isinstance(event, AnomalyRange)
        assert flags[event.start : event.stop].all() and event.start < event.stop
        assert event.start <= event.peak_index < event.stop
        assert event.peak_score == scores[event.start : event.stop].max()
        assert event.channel is None  # IsolationForest scores whole windows
        rebuilt[event.start : event.stop] = 1
    assert_array_equal(rebuilt, flags)
    assert any(start < 760 and stop > 700 for start, stop, *_ in ranges)
    assert scores.argmax() in range(660, 800)


def test_events_merge_nearby_flags_and_drop_short_ones():
    train = _waves(channels=1)[:, 0]
    test = train.copy()
    test[300:340] = 0.0
    test[420:460] = 0.0  # 80 points after the first flat stretch
    detector = _forest(window=40, merge_gap=0).fit(train)
    scores = detector.score_series(test)
    raw = detector.anomaly_ranges(test)
    # Scores are deterministic (IsolationForest, random_state=0): only the rules differ.
    gaps = [b.start - a.stop for a, b in zip(raw[:-1], raw[1:], strict=True)]
    assert gaps, "two separate runs are expected to merge"
    widest = max(gaps)
    detector.set_params(merge_gap=widest)
    merged = detector.anomaly_ranges(test)
    assert len(merged) == 1
    assert (merged[0].start, merged[0].stop) == (raw[0].start, raw[-1].stop)
    assert merged[0].peak_score == max(event.peak_score for event in raw)
    flags = detector.predict_series(test)
    assert flags[raw[0].start : raw[-1].stop].all() and flags.sum() == raw[-1].stop - raw[0].start
    assert not (scores[flags == 1] > detector.threshold_).all()  # the gaps' points join it
    detector.set_params(merge_gap=0, min_duration=max(e.stop - e.start for e in raw) + 1)
    assert detector.anomaly_ranges(test) == [] and not detector.predict_series(test).any()
    several = detector.set_params(min_duration=1).anomaly_ranges([test, train])
    assert several[0] == raw and isinstance(several[1], list)


def test_events_name_the_channel_to_blame_and_a_p_value():
    train = _waves(channels=3)
    test = train.copy()
    test[600:610, 2] += 4.0  # a burst on channel 2 only
    detector = SeriesAnomalyDetector(TINY_LSTM, window=20, random_state=0).fit(train)
    events = detector.anomaly_ranges(test)
    hit = [e for e in events if e.start < 610 and e.stop > 600]
    assert hit and hit[0].channel == 2
    calibration = detector.calibration_scores_
    for event in events:
        n_at_least = np.sum(calibration >= event.peak_score)
        assert event.p_value == pytest.approx((1 + n_at_least) / (1 + calibration.size))
        assert 0 < event.p_value <= 1


def test_verbose_shows_training_and_scoring_progress_and_is_silent_when_off(capsys, monkeypatch):
    train = _waves(n=600, channels=1)
    params = dict(window=20, random_state=0, stride=8)
    monkeypatch.setattr(_series, "TRAINING_STEPS", 20)  # the default detector, cut short
    quiet = SeriesAnomalyDetector(**params).fit(train)
    quiet.score_series(train)
    assert capsys.readouterr().out == ""
    loud = SeriesAnomalyDetector(verbose=1, **params).fit(train)
    fit_output = capsys.readouterr().out
    loud.score_series(train)
    score_output = capsys.readouterr().out
    assert "Epoch 1/" in fit_output and "point" in fit_output  # calibration points scored
    assert "600/600" in score_output and "point" in score_output


@pytest.mark.parametrize(
    "scoring_stride, point_scores", [(1, "reconstruction"), (3, "either"), (7, "either")]
)
def test_streaming_equals_scoring_the_whole_series(scoring_stride, point_scores):
    train = _waves(n=600)
    detector = SeriesAnomalyDetector(
        TINY_LSTM,
        window=24,
        scoring_stride=scoring_stride,
        point_scores=point_scores,
        random_state=0,
    ).fit(train)
    series = _waves(n=997, seed=1)
    whole = detector.score_series(series)
    stream = detector.stream()
    parts, longest_tail = [], 0
    for size in [5, 30, 1, 200, 17, 400, 344]:  # chunks shorter and longer than a window
        parts.append(stream.update(series[:size]))
        series = series[size:]
        longest_tail = max(longest_tail, len(stream._tail))
    scores = np.concatenate([*parts, stream.finish()])
    assert_allclose(scores, whole, rtol=1e-5, atol=1e-7)
    assert longest_tail <= 24 + scoring_stride  # memory: about one window of points
    with pytest.raises(ValueError, match="finished"):
        stream.finish()


def test_centered_windows_ignore_the_level():
    train, test = _waves(n=900), _waves(n=500, seed=1)
    level = np.array([4.0, -2.5], np.float32)
    centered = SeriesAnomalyDetector(TINY_LSTM, window=24, center_windows=True, random_state=0)
    scores = centered.fit(train).score_series(test)
    # A shifted level, in training or in scoring, changes nothing but rounding.
    assert_allclose(centered.score_series(test + level), scores, rtol=1e-3, atol=1e-4)
    shifted = SeriesAnomalyDetector(TINY_LSTM, window=24, center_windows=True, random_state=0)
    assert_allclose(shifted.fit(train + level).score_series(test), scores, rtol=1e-3, atol=1e-4)
    assert_allclose(shifted.calibration_scores_, centered.calibration_scores_, rtol=1e-3, atol=1e-4)
    # Without centering the level is part of what the detector learns.
    plain = SeriesAnomalyDetector(TINY_LSTM, window=24, center_windows=False, random_state=0)
    plain.fit(train)
    assert np.median(plain.score_series(test + level)) > 10 * np.median(plain.score_series(test))
    stream = centered.stream()
    parts = [stream.update(test[:130]), stream.update(test[130:])]
    assert_allclose(np.concatenate([*parts, stream.finish()]), scores, rtol=1e-5, atol=1e-7)


def test_long_series_are_scored_in_chunks_with_the_same_result(monkeypatch):
    detector = _forest(window=30, scoring_stride=4).fit(_waves(n=900))
    series = _waves(n=2000, seed=2)
    whole = detector.score_series(series)
    monkeypatch.setattr(_series, "CHUNK_POINTS", 97)
    assert_allclose(detector.score_series(series), whole, rtol=1e-12)


def test_every_point_is_covered_up_to_the_ends():
    detector = _forest(window=30, scoring_stride=7).fit(_waves(n=600))
    stream = detector.stream()
    stream.update(_waves(n=101, seed=3))
    assert stream._counts[-1] == 0  # the last point waits for the extra end window
    scores = detector.score_series(_waves(n=101, seed=3))
    assert scores.shape == (101,) and np.all(np.isfinite(scores))


def test_the_channel_to_blame():
    train = _waves(n=1200, channels=3)
    detector = SeriesAnomalyDetector(TINY_LSTM, window=40, random_state=0).fit(train)
    test = train[:600].copy()
    test[300:320, 2] += 3.0
    blame = detector.score_channels(test)[300:320].argmax(axis=1)
    assert np.mean(blame == 2) > 0.8
    with pytest.raises(ValueError, match="whole windows"):
        _forest(window=40).fit(train).score_channels(test)


def test_either_is_the_larger_part_each_on_the_scale_of_its_own_threshold():
    train, test = _waves(n=800), _waves(n=400, seed=1)
    test[200:205, 1] += 2.0
    fitted = {
        point_scores: SeriesAnomalyDetector(
            TINY_LSTM, window=20, point_scores=point_scores, random_state=0
        ).fit(train)
        for point_scores in ("reconstruction", "window", "either")
    }
    either = fitted["either"]
    # Each part's threshold at risk / 2: the reconstruction part's from the calibration
    # points, the window part's from one score per calibration window (as
    # point_scores="window" thresholds them); either flags where one part passes its own.
    assert either.threshold_ == 1.0
    risk = either.risk
    scaled = []  # each part's scores, on the scale either gives it
    for i, part in enumerate(("reconstruction", "window")):
        median = np.median(fitted[part].calibration_scores_)
        assert either.part_offsets_[i] == pytest.approx(median, rel=1e-5)
        if part == "reconstruction":
            tail = _series._tail(fitted[part].calibration_scores_)
            high = tail_threshold(tail, risk / 2)
            assert pot_threshold(
                fitted[part].calibration_scores_, risk=risk, initial_quantile=0.98, min_excesses=60
            ) == pytest.approx(fitted[part].threshold_)
        else:
            # One score per calibration window (the last 160 points): every window, centered.
            windows = sliding_windows(train[-160:], 20)
            centered = windows - windows.mean(axis=1, keepdims=True)
            window_scores = -either.estimator_.score_samples(centered)
            assert window_scores.shape == (141,)
            # The window tail is cut per run of windows: theta is the extremal index.
            tail = _series._tail(window_scores)
            theta = extremal_index(window_scores, tail.start)
            assert theta < 0.5  # overlapping windows exceed the tail's start in runs
            high = tail_threshold(tail, risk / 2 / theta)
            assert either.extremal_index_ == pytest.approx(theta)
            assert fitted[part].extremal_index_ == pytest.approx(theta)
            # The same window tail gives point_scores="window" its threshold at risk.
            assert fitted[part].threshold_ == pytest.approx(tail_threshold(tail, risk / theta))
            assert fitted[part].threshold_ < high
        assert either.part_scales_[i] == pytest.approx(high - median, rel=1e-5)
        scaled.append((fitted[part].score_series(test) - median) / (high - median))
    # One pass of the library's detector gives what its two public methods give, on the
    # centered windows (center_windows=True, the default).
    windows = sliding_windows(test, 20)
    values = either._window_values(windows)
    centered = windows - windows.mean(axis=1, keepdims=True)
    errors = either.estimator_.reconstruction_error(centered)
    assert_allclose(values[..., :2], errors, rtol=1e-4, atol=1e-6)
    assert_allclose(values[:, 0, 2], -either.estimator_.score_samples(centered), rtol=1e-4)
    # The reconstruction part: per channel, a point's smallest error over the windows that
    # cover it (every window: scoring_stride_ is 1), then the mean over channels, on the scale
    # of the mean over the windows (point_scores="reconstruction"'s scores).
    assert either.scoring_stride_ == 1
    minima = np.full((400, 2), np.inf)
    points = (np.arange(windows.shape[0])[:, None] + np.arange(20)).ravel()
    np.minimum.at(minima, points, errors.reshape(-1, 2))
    channels = either.score_channels(test)  # the reconstruction part, per channel
    assert_allclose(channels, minima, rtol=1e-4, atol=1e-7)
    means = fitted["reconstruction"].score_channels(test)
    assert np.all(means >= channels - 1e-6) and np.any(means > channels + 1e-3)
    assert channels[200:205].argmax(axis=1).tolist() == [1] * 5
    reconstruction_part = (minima.mean(axis=1) - either.part_offsets_[0]) / either.part_scales_[0]
    expected = np.maximum(reconstruction_part, scaled[1])  # scaled[1]: the window part
    assert_allclose(either.score_series(test), expected, rtol=1e-4, atol=1e-5)


def test_the_default_window_detector_scores_what_the_points_need(monkeypatch):
    monkeypatch.setattr(_series, "TRAINING_STEPS", 8)  # 256 windows: 2 epochs of 221, 1 of 281
    train = _waves(n=300)
    default = SeriesAnomalyDetector(window=20, random_state=0).fit(train)
    assert default.point_scores_ == "either" and default.estimator_.scoring_ == "combined"
    # The settings its window scores were chosen with, whatever the detector's own defaults.
    assert default.estimator_.code == "states_and_means" and default.estimator_.n_neighbors == 5
    # The first fit (the default keeps it) saw 221 windows; refit=True all 281, as many steps.
    assert default.estimator_.epochs == 2
    assert SeriesAnomalyDetector(window=20, refit=True).fit(train).estimator_.epochs == 1
    errors_only = SeriesAnomalyDetector(window=20, point_scores="reconstruction").fit(train)
    assert errors_only.estimator_.scoring_ == "mse"
    window = SeriesAnomalyDetector(window=20, point_scores="window").fit(train)
    assert window.estimator_.scoring_ == "combined"


def test_thresholds():
    train = _waves(n=1200, channels=1)
    quantile = _forest(window=40, threshold="quantile", quantile=0.9).fit(train)
    flagged = np.mean(quantile.calibration_scores_ > quantile.threshold_)
    assert flagged == pytest.approx(0.1, abs=0.01)
    fixed = _forest(window=40, threshold=0.5).fit(train)
    assert fixed.threshold_ == 0.5
    pot = _forest(window=40).fit(train)
    assert pot.threshold_ >= np.quantile(pot.calibration_scores_, _series.POT_INITIAL_QUANTILE)


def test_the_threshold_is_set_on_held_out_points():
    train = _waves(n=1000, channels=1)
    detector = _forest(window=40).fit(train)
    assert detector.calibration_scores_.shape == (200,)  # the last 20%
    # The window detector never saw the held-out points: it is the one fitted on the rest.
    rest = _forest(window=40, calibration_fraction=0).fit(train[:800])
    assert_allclose(detector.score_series(train), rest.score_series(train), rtol=1e-12)
    assert_allclose(detector.calibration_scores_, rest.score_series(train[800:]), rtol=1e-12)
    # refit=True: the same threshold, then a detector fitted on every point.
    refitted = _forest(window=40, refit=True).fit(train)
    assert refitted.threshold_ == detector.threshold_
    assert_array_equal(refitted.calibration_scores_, detector.calibration_scores_)
    whole = _forest(window=40, calibration_fraction=0).fit(train)
    assert_allclose(refitted.score_series(train), whole.score_series(train), rtol=1e-12)
    assert not np.allclose(refitted.score_series(train), detector.score_series(train))
    assert _forest(window=40, calibration_fraction=0).fit(train).calibration_scores_.shape == (
        1000,
    )
    # A series too short to split trains whole; the longer one gives calibration points.
    listed = _forest(window=40).fit([train[:70], train])
    assert listed.calibration_scores_.shape == (200,)
    with pytest.raises(ValueError, match="calibration_fraction=0"):
        _forest(window=40).fit(train[:70])


def test_a_short_calibration_stretch_warns():
    train = _waves(n=1000, channels=1)  # 200 calibration points: 5 windows of 40
    with pytest.warns(UserWarning, match="hold 5.0 windows of 40 points") as record:
        _forest(window=40).fit(train)
    assert record[0].filename == __file__  # points at the caller of fit
    assert "at least 2000 points" in str(record[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        _forest(window=40).fit(_waves(n=2000, channels=1))  # 10 windows
        # A fixed threshold on the window scores rests on no calibration.
        _forest(window=40, threshold=0.5).fit(train)
    with pytest.warns(UserWarning, match="windows of 40"):  # the scales of "either" do
        SeriesAnomalyDetector(TINY_LSTM, window=40, threshold=0.5, random_state=0).fit(train)


def test_fit_tail_keeps_a_quarter_at_most_and_a_tail_of_scale_zero_is_its_start():
    scores = np.random.RandomState(0).exponential(size=100)
    tail = fit_tail(scores, initial_quantile=0.98, min_excesses=60)
    assert tail.share == 0.25 and tail.start == np.sort(scores)[-26]  # at most a quarter
    assert tail_threshold(tail, risk=0.3) == tail.start  # risk not below the tail's share
    assert tail_threshold(tail, risk=0.01) > scores.max()
    flat = fit_tail(np.r_[np.zeros(97), np.ones(3)], initial_quantile=0.9)
    assert flat.scale == 0.0 and tail_threshold(flat, risk=1e-9) == flat.start == 0.0


@pytest.mark.parametrize("run", [1, 2, 4, 10])
def test_the_extremal_index_is_one_over_the_run_of_exceedances(run):
    rng = np.random.default_rng(run)
    scores = rng.uniform(0, 0.5, size=200_000)
    for start in np.flatnonzero(rng.random(scores.size) < 0.002):  # runs start at random
        scores[start : start + run] = 1 + rng.random(len(scores[start : start + run]))
    assert extremal_index(scores, 0.9) == pytest.approx(1 / run, rel=0.1)
    assert extremal_index(scores, 5.0) == 1.0  # nothing exceeds the level
    assert extremal_index([0.0, 1.0, 0.0, 1.0], 0.5) == 1.0  # two exceedances: too few gaps
    # No gap above 2 (one cluster, holes of one score): the first form, at least 1.
    assert extremal_index([1.0, 1.0, 1.0, 1.0], 0.5) == 1.0
    assert extremal_index([1.0, 0.0, 1.0, 1.0, 0.0, 1.0], 0.5) == 1.0
    # One array per series: gaps within each, pooled, so a run does not cross series.
    pattern = np.r_[np.ones(3), np.zeros(30), np.ones(3), np.zeros(10), np.ones(3)]
    assert extremal_index([pattern, pattern], 0.5) == pytest.approx(extremal_index(pattern, 0.5))
    assert extremal_index(np.r_[pattern, pattern], 0.5) != pytest.approx(
        extremal_index(pattern, 0.5)
    )
    # Scores equal to the level do not exceed it: three runs of 3 apart, not one run.
    tied = [1.0] * 3 + [0.5] * 10 + [1.0] * 3 + [0.5] * 20 + [1.0] * 3
    assert extremal_index(tied, 0.5) == pytest.approx(1800 / 3760)


def test_pot_extrapolates_an_exponential_tail():
    scores = np.random.RandomState(0).exponential(size=200_000)
    for risk in (1e-3, 1e-4, 1e-5):  # the exact quantile is -log(risk)
        assert pot_threshold(scores, risk=risk, initial_quantile=0.98) == pytest.approx(
            -np.log(risk), rel=0.1
        )
    # 100 scores: the tail still holds 10 of them, and extrapolates past the largest.
    few = pot_threshold(scores[:100], risk=1e-3, initial_quantile=0.98)
    assert few > scores[:100].max() and few == pytest.approx(-np.log(1e-3), rel=0.2)


def test_pot_takes_a_bounded_tail_as_exponential():
    scores = np.random.RandomState(0).uniform(size=10_000)  # its tail ends at 1
    assert pot_threshold(scores, risk=1e-4, initial_quantile=0.98) > scores.max()
    assert pot_threshold(np.ones(50), risk=1e-3, initial_quantile=0.98) == 1.0


def test_pot_refits_a_tail_without_a_mean_at_shape_one():
    scores = np.random.RandomState(0).pareto(0.5, size=100_000)  # Pareto shape 2
    capped = pot_threshold(scores, risk=1e-4, initial_quantile=0.98)
    assert np.quantile(scores, 0.999) < capped < np.quantile(scores, 1 - 1e-4)


def test_threshold_from_labels():
    train = _waves(n=1200, channels=1)
    detector = _forest(window=40).fit(train)
    test = train[:800].copy()
    test[400:450] = 0.0
    labels = np.zeros(800, dtype=int)
    labels[400:450] = 1
    scores = detector.score_series(test)
    detector.set_threshold_from_labels(test, labels)
    flags = detector.predict_series(test)
    assert_array_equal(flags, (scores > detector.threshold_).astype(int))
    assert flags[labels == 1].mean() > 0.5
    detector.set_threshold_from_labels(test, labels, max_false_positive_rate=0.0)
    assert not detector.predict_series(test)[labels == 0].any()
    detector.set_threshold_from_labels([test, test], [labels, labels])
    with pytest.raises(ValueError, match="both present"):
        detector.set_threshold_from_labels(test, np.zeros(800))
    with pytest.raises(ValueError, match="labels"):
        detector.set_threshold_from_labels(test, labels[:10])


def test_auto_window_is_the_period():
    assert _forest().fit(_waves(n=2000, period=50)).window_ in (49, 50, 51)
    noise = np.random.RandomState(0).randn(2000)
    assert _forest().fit(noise).window_ == _series.FALLBACK_WINDOW


def test_random_state_makes_fits_repeatable():
    train = _waves(n=600)
    a = SeriesAnomalyDetector(TINY_LSTM, window=20, random_state=3).fit(train)
    b = SeriesAnomalyDetector(TINY_LSTM, window=20, random_state=3).fit(train)
    assert_array_equal(a.score_series(train[:200]), b.score_series(train[:200]))
    assert TINY_LSTM.random_state is None  # the given estimator itself is left alone


def test_bad_input_gets_a_clear_error():
    train = _waves(n=600)
    detector = _forest(window=40).fit(train)
    with pytest.raises(ValueError, match="fewer than one window"):
        detector.score_series(train[:39])
    with pytest.raises(ValueError, match="fewer than one window"):
        _forest(window=40).fit([train, train[:10]])
    gap = train.copy()
    gap[100, 0] = np.nan
    with pytest.raises(ValueError, match="NaN at step 100.*split the series"):
        detector.score_series(gap)
    with pytest.raises(ValueError, match="3 channels.*fitted on 2"):
        detector.score_series(np.zeros((100, 3)))
    with pytest.raises(ValueError, match="3 dimensions"):
        detector.score_series(np.zeros((2, 100, 2)))
    with pytest.raises(ValueError, match="must not exceed"):
        _forest(window=10, scoring_stride=11).fit(train)
    for point_scores in ("reconstruction", "either"):
        with pytest.raises(ValueError, match=f"{point_scores}.*reconstruction_error"):
            _forest(window=10, point_scores=point_scores).fit(train)
    with pytest.raises(ValueError, match="different channel counts"):
        _forest(window=10).fit([train, train[:, :1]])


class _FailsOnAllTheWindows(IsolationForest):
    def fit(self, X, y=None):
        if len(X) > 500:  # the refit: 561 windows of 40 in 600 points (441 without the last 20%)
            raise MemoryError
        return super().fit(X, y)


class _NaNScores(IsolationForest):
    def score_samples(self, X):
        return np.full(len(X), np.nan)


class _InfiniteWindowScores(IsolationForest):
    def score_samples(self, X):  # one window in each call infinitely odd, the rest not
        scores = super().score_samples(X)
        scores[0] = -np.inf
        return scores

    def reconstruction_error(self, windows):
        return np.zeros(np.shape(windows))


def test_infinite_window_scores_get_the_library_s_error():
    detector = SeriesAnomalyDetector(_InfiniteWindowScores(random_state=0), window=40)
    with pytest.raises(ValueError, match="not all finite"):
        detector.fit(_waves(n=2000, channels=1))
    assert not hasattr(detector, "estimator_")


def test_a_failed_fit_leaves_the_detector_as_it_was():
    train = _waves(n=600)
    detector = _forest(window=40).fit(train)
    before = dict(vars(detector))
    detector.set_params(estimator=_NaNScores(random_state=0), window=20)
    with pytest.raises(ValueError, match="not all finite"):
        detector.fit(train)
    assert {k: v for k, v in vars(detector).items() if k.endswith("_")} == {
        k: v for k, v in before.items() if k.endswith("_")
    }
    assert detector.window_ == 40 and detector.threshold_ == before["threshold_"]
    # A refit that fails, after the state was set from the first fit, restores it too.
    detector.set_params(estimator=_FailsOnAllTheWindows(random_state=0), window=40, refit=True)
    with pytest.raises(MemoryError):
        detector.fit(train)
    assert detector.estimator_ is before["estimator_"] and detector.window_ == 40


def test_a_detector_fitted_before_the_minimum_pooling_still_scores_by_the_mean():
    train, test = _waves(n=800), _waves(n=400, seed=1)
    detector = SeriesAnomalyDetector(TINY_LSTM, window=20, random_state=0).fit(train)
    assert detector._error_pooling == "min"
    # Saved before 2026-12-08 (a pickle or a file): the state has no _error_pooling.
    state = dict(detector.__getstate__())
    del state["_error_pooling"]
    old = SeriesAnomalyDetector.__new__(SeriesAnomalyDetector)
    old.__setstate__(state)
    assert old._error_pooling == "mean"
    old_parts = old._each(test, output="fit parts")
    assert_array_equal(old_parts[:, 0], old_parts[:, 2])  # the part is the mean error
    assert_allclose(old.score_series(test), old._combine(old_parts[:, :2]))
    parts = detector._each(test, output="fit parts")
    assert_array_equal(parts[:, 1:], old_parts[:, 1:])
    assert np.all(parts[:, 0] <= parts[:, 2]) and np.any(parts[:, 0] < parts[:, 2])
    # A file keeps the pooling; a file naming another is refused.
    file = io.BytesIO()
    detector.save(file)
    loaded = sklearn_lstmae.load(io.BytesIO(file.getvalue()))
    assert loaded._error_pooling == "min"
    assert_array_equal(loaded.score_series(test), detector.score_series(test))
    with zipfile.ZipFile(io.BytesIO(file.getvalue())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for name, value, message in [
        ("_error_pooling", "max", "_error_pooling is 'mean' or 'min'"),
        ("extremal_index_", 2.0, r"extremal_index_ must be in \(0, 1\]"),
    ]:
        metadata = json.loads(members["metadata.json"])
        assert name in metadata["state"]
        metadata["state"][name] = value
        tampered = io.BytesIO()
        with zipfile.ZipFile(tampered, "w") as archive:
            for member, content in {**members, "metadata.json": json.dumps(metadata)}.items():
                archive.writestr(member, content)
        with pytest.raises(ValueError, match=f"fitted state.*{message}"):
            sklearn_lstmae.load(io.BytesIO(tampered.getvalue()))


@pytest.mark.parametrize("scoring_stride", [3, 7, 24])
def test_the_reconstruction_part_is_each_channel_s_smallest_error_over_the_scored_windows(
    scoring_stride,
):
    detector = SeriesAnomalyDetector(
        TINY_LSTM, window=24, scoring_stride=scoring_stride, random_state=0
    ).fit(_waves(n=600))
    series = _waves(n=1000, seed=1)
    starts = np.arange(0, 1000 - 24 + 1, scoring_stride)
    assert starts[-1] != 1000 - 24  # the extra window that ends at the last point is needed
    starts = np.append(starts, 1000 - 24)
    windows = sliding_windows(series, 24)[starts]
    centered = windows - windows.mean(axis=1, keepdims=True)
    points = (starts[:, None] + np.arange(24)).ravel()
    minima = np.full((1000, 2), np.inf)
    np.minimum.at(minima, points, detector.estimator_.reconstruction_error(centered).reshape(-1, 2))
    channels = detector.score_channels(series)
    assert np.isfinite(channels).all()
    assert_allclose(channels, minima, rtol=1e-4, atol=1e-7)
    # The window part is the mean over the same windows; the score, the larger scaled part.
    sums, counts = np.zeros(1000), np.bincount(points, minlength=1000)
    window_scores = -detector.estimator_.score_samples(centered)
    np.add.at(sums, points, np.repeat(window_scores, 24))
    parts = np.column_stack([minima.mean(axis=1), sums / counts])
    expected = ((parts - detector.part_offsets_) / detector.part_scales_).max(axis=1)
    assert_allclose(detector.score_series(series), expected, rtol=1e-4, atol=1e-5)
    stream = detector.stream()  # in chunks, the last one shorter than a window
    chunks = [stream.update(series[i : i + 310]) for i in range(0, 1000, 310)]
    assert_allclose(np.concatenate([*chunks, stream.finish()]), expected, rtol=1e-4, atol=1e-5)


class _NaNErrors(IsolationForest):
    def reconstruction_error(self, windows):
        return np.full(np.shape(windows), np.nan)


def test_a_failed_either_fit_restores_every_attribute():
    train = _waves(n=600)
    detector = SeriesAnomalyDetector(
        TINY_LSTM, window=20, point_scores="reconstruction", random_state=0
    ).fit(train)
    assert detector._error_pooling == "mean"

    def state(estimator):
        return {k: v for k, v in vars(estimator).items() if k.endswith("_") or k.startswith("_")}

    before = state(detector)
    detector.set_params(estimator=_NaNErrors(random_state=0), point_scores="either")
    with pytest.raises(ValueError, match="not all finite"):
        detector.fit(train)
    after = state(detector)
    assert after.keys() == before.keys()
    assert all(after[name] is value for name, value in before.items())
    fresh = SeriesAnomalyDetector(_NaNErrors(random_state=0), window=20, point_scores="either")
    with pytest.raises(ValueError, match="not all finite"):
        fresh.fit(train)
    assert state(fresh) == {}


def test_a_refit_of_another_kind_keeps_none_of_the_previous_fit_s_scales():
    train = _waves(n=600)
    detector = SeriesAnomalyDetector(TINY_LSTM, window=20, random_state=0).fit(train)
    assert 0 < detector.extremal_index_ <= 1 and detector.part_scales_.shape == (2,)
    detector.set_params(point_scores="reconstruction").fit(train)
    for name in ("part_offsets_", "part_scales_", "extremal_index_"):
        assert not hasattr(detector, name)
    assert detector._error_pooling == "mean"
    quantile = _forest(window=20, threshold="quantile").fit(train)  # no window tail is cut
    assert not hasattr(quantile, "extremal_index_")
