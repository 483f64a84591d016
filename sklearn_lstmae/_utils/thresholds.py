"""Thresholds on anomaly scores (higher = more anomalous): from normal scores or labels.

- :func:`pot_threshold`: peaks over threshold (extreme value theory, as in
  SPOT, Siffer et al., KDD 2017): a generalized Pareto distribution, fitted
  with :data:`scipy.stats.genpareto`, models the scores' upper tail above a
  high initial quantile, and the threshold is the score exceeded with
  probability ``risk``. It extrapolates beyond the scores seen, where a plain
  quantile cannot (:func:`fit_tail` fits the tail, :func:`tail_threshold`
  cuts it). Small samples keep at least ``min_excesses`` scores in the tail
  (ten by default, at most a quarter of them); a tail
  with a finite end is taken as exponential, and one without a mean is
  refitted with shape 1.
- :func:`extremal_index`: how much scores in time order cluster above a
  level (1: exceedances come alone; ``1 / k``: in runs of about ``k``), so
  that a budget of events, not of exceeding scores, can be cut from a tail.
- :func:`threshold_from_labels`: the threshold that maximises F1 of the
  anomaly class on labelled data, or catches the most anomalies at a bounded
  false positive rate.
"""

from __future__ import annotations

from numbers import Real
from typing import NamedTuple

import numpy as np
from scipy.stats import genpareto
from sklearn.metrics import precision_recall_curve, roc_curve

# The fewest calibration scores a POT tail is fitted on.
MIN_EXCESSES = 10
# The largest Pareto shape a fitted tail keeps: from a few dozen excesses the shape's
# estimate is noisy, and above 1 (a tail without a mean) it puts thresholds out of reach.
MAX_SHAPE = 1.0


class Tail(NamedTuple):
    """A generalized Pareto model of the scores above ``start`` (see :func:`fit_tail`)."""

    start: float
    share: float  # of the scores above start
    shape: float
    scale: float


def fit_tail(scores, *, initial_quantile, min_excesses=MIN_EXCESSES):
    """Fit a generalized Pareto tail to the upper scores (peaks over threshold).

    Parameters
    ----------
    scores : array-like of shape (n,)
        Anomaly scores of normal data.
    initial_quantile : float in (0, 1)
        Quantile above which the tail is modelled (SPOT uses 0.98), lowered
        where needed so that the tail holds at least ``min_excesses`` scores
        (but at most a quarter of them): a few hundred scores still give a
        fitted tail, not a bare quantile.
    min_excesses : int, default=10
        The fewest scores the tail is fitted on.

    Returns
    -------
    tail : Tail
        Where fewer than two scores exceed the start (ties at the start are
        not in the tail) or those are all equal, a tail of scale 0: nothing
        normal lies above its start. A fitted tail with a finite end (a
        negative shape) is taken as exponential instead: from a few dozen
        scores the end cannot be told from the largest score seen, and normal
        data beyond it would then always be flagged. A shape above 1 (a tail
        without a mean) is refitted at 1: from a few dozen scores such an
        estimate is mostly noise, and it would put thresholds out of reach.
    """
    scores = np.sort(np.asarray(scores, dtype=np.float64).reshape(-1))
    n = scores.size
    n_tail = int(max(np.ceil((1 - initial_quantile) * n), min(min_excesses, n // 4), 1))
    start = float(scores[max(n - n_tail - 1, 0)])
    excesses = scores[scores > start] - start  # ties at the start are not in the tail
    share = excesses.size / n
    if excesses.size < 2 or not np.ptp(excesses) > 0:
        return Tail(start, share, 0.0, 0.0)
    shape, _, scale = genpareto.fit(excesses, floc=0)
    if shape < 0:  # exponential: the maximum-likelihood fit of a zero shape
        shape, scale = 0.0, float(excesses.mean())
    elif shape > MAX_SHAPE:  # a tail without a mean: the fit at the bound instead
        shape, _, scale = genpareto.fit(excesses, f0=MAX_SHAPE, floc=0)
    return Tail(start, share, float(shape), float(scale))


def tail_threshold(tail, risk):
    """Return the score exceeded with probability ``risk`` under ``tail``.

    At least the tail's start: where ``risk`` is not below the tail's share
    of the scores, or the tail has scale 0, the start itself.
    """
    if risk >= tail.share or tail.scale == 0:
        return tail.start
    # P(score > start + z) = share * (1 - GPD cdf(z)) = risk.
    excess = genpareto.isf(risk / tail.share, tail.shape, loc=0, scale=tail.scale)
    return float(tail.start + excess)


def pot_threshold(scores, *, risk, initial_quantile, min_excesses=MIN_EXCESSES):
    """Return the score that normal data exceeds with probability ``risk`` (POT).

    Parameters
    ----------
    scores : array-like of shape (n,)
        Anomaly scores of normal data.
    risk : float in (0, 1)
        Probability that a normal score exceeds the threshold.
    initial_quantile : float in (0, 1)
        See :func:`fit_tail`.
    min_excesses : int, default=10
        See :func:`fit_tail`.

    Returns
    -------
    threshold : float
        ``tail_threshold(fit_tail(scores, ...), risk)``: at least the tail's
        start.
    """
    tail = fit_tail(scores, initial_quantile=initial_quantile, min_excesses=min_excesses)
    return tail_threshold(tail, risk)


def extremal_index(scores, level):
    """Return the extremal index of ``scores`` (in time order) above ``level``.

    The intervals estimator (Ferro and Segers, 2003), from the gaps between
    the exceedances' positions: 1 where scores exceed ``level`` one at a time,
    about ``1 / k`` where they exceed it in runs of ``k`` that are apart. Normal
    scores that exceed a threshold with probability ``p`` then give about
    ``p * theta`` runs per score, so ``risk / theta`` per score keeps
    ``risk`` runs, as far as runs at that threshold are as long as at
    ``level`` (higher up they tend to be shorter, so there are more runs).

    Parameters
    ----------
    scores : array-like of shape (n,), or a list of them
        Scores in time order (of overlapping windows, say). A list of 1-D
        arrays is one per series: gaps are taken within each and pooled.
    level : float
        Scores above it are exceedances.

    Returns
    -------
    theta : float in (0, 1]
        1 where fewer than three scores exceed ``level`` (too few gaps to
        tell runs from lone exceedances), and where no two exceedances are
        more than 2 apart (the estimator's first form is then at least 1:
        one cluster says nothing about how often clusters come). Scores
        equal to ``level`` do not exceed it.
    """
    if not (isinstance(scores, list) and scores and all(np.ndim(s) == 1 for s in scores)):
        scores = [scores]
    times = [np.flatnonzero(np.asarray(s, dtype=np.float64).reshape(-1) > level) for s in scores]
    gaps = np.concatenate([np.diff(t) for t in times]).astype(np.float64)
    if sum(t.size for t in times) < 3 or gaps.size == 0:
        return 1.0
    if gaps.max() <= 2:
        theta = 2 * gaps.sum() ** 2 / (gaps.size * (gaps**2).sum())
    else:
        theta = 2 * (gaps - 1).sum() ** 2 / (gaps.size * ((gaps - 1) * (gaps - 2)).sum())
    return float(min(1.0, theta))


def threshold_from_labels(scores, is_anomaly, *, max_false_positive_rate=None):
    """Return the threshold (flag ``scores >= threshold``) that best fits labels.

    Parameters
    ----------
    scores : ndarray of shape (n,)
        Anomaly scores, higher is more anomalous.
    is_anomaly : ndarray of shape (n,), dtype bool
        True for anomalies; both classes must occur.
    max_false_positive_rate : float in [0, 1], default=None
        None: maximise F1 of the anomaly class. Else: maximise recall with at
        most this false positive rate.

    Returns
    -------
    threshold : float
    """
    if max_false_positive_rate is None:
        precision, recall, thresholds = precision_recall_curve(is_anomaly, scores)
        with np.errstate(invalid="ignore", divide="ignore"):
            f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
        return float(thresholds[np.argmax(f1[:-1])])
    if not isinstance(max_false_positive_rate, Real) or not (0 <= max_false_positive_rate <= 1):
        raise ValueError(
            "max_false_positive_rate must be a float in [0, 1] or None; got "
            f"{max_false_positive_rate!r}."
        )
    fpr, tpr, thresholds = roc_curve(is_anomaly, scores, drop_intermediate=False)
    allowed = np.flatnonzero(fpr <= max_false_positive_rate)
    return float(thresholds[allowed[np.argmax(tpr[allowed])]])
