"""Thresholds on anomaly scores (higher = more anomalous): from normal scores or labels.

- :func:`pot_threshold`: peaks over threshold (extreme value theory, as in
  SPOT, Siffer et al., KDD 2017): a generalized Pareto distribution, fitted
  with :data:`scipy.stats.genpareto`, models the scores' upper tail above a
  high initial quantile, and the threshold is the score exceeded with
  probability ``risk``. It extrapolates beyond the scores seen, where a plain
  quantile cannot.
- :func:`threshold_from_labels`: the threshold that maximises F1 of the
  anomaly class on labelled data, or catches the most anomalies at a bounded
  false positive rate.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.stats import genpareto
from sklearn.metrics import precision_recall_curve, roc_curve


def pot_threshold(scores, *, risk, initial_quantile):
    """Return the score that normal data exceeds with probability ``risk`` (POT).

    Parameters
    ----------
    scores : array-like of shape (n,)
        Anomaly scores of normal data.
    risk : float in (0, 1)
        Probability that a normal score exceeds the threshold.
    initial_quantile : float in (0, 1)
        Quantile above which the tail is modelled (SPOT uses 0.98).

    Returns
    -------
    threshold : float
        At least the initial quantile. Where the tail has fewer than 10
        excesses, or ``risk`` is not below the tail's share, the initial
        quantile itself.
    """
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    start = float(np.quantile(scores, initial_quantile))
    excesses = scores[scores > start] - start
    tail_share = excesses.size / scores.size
    if excesses.size < 10 or risk >= tail_share or not np.ptp(excesses) > 0:
        return start
    shape, _, scale = genpareto.fit(excesses, floc=0)
    # P(score > start + z) = tail_share * (1 - GPD cdf(z)) = risk.
    return float(start + genpareto.isf(risk / tail_share, shape, loc=0, scale=scale))


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
