"""Displays of what the estimators learn, after scikit-learn's Display objects.

Each display is built by ``from_estimator`` (or ``from_predictions``, from
arrays you already have), draws with ``plot(ax=None, ...)``, and keeps the
figure in ``figure_``, its axes in ``ax_`` and the drawn artists in attributes
ending in ``_``, for changing afterwards. They need matplotlib: ``pip install
"sklearn-lstmae[plot]"``.

- :class:`ReconstructionDisplay`: sequences beside their reconstructions, one
  panel per sequence and channel, the composite model's predicted steps marked;
- :class:`LossCurveDisplay`: ``loss`` and ``val_loss`` per epoch, the best
  epoch marked;
- :class:`AnomalyScoreDisplay`: anomaly scores (per sequence, or per point of a
  long series), the threshold, flagged points and, given labels, the true
  anomalies; for a :class:`~sklearn_lstmae.SeriesAnomalyDetector`, the series
  above its scores, with flagged and true ranges shaded.
"""

from sklearn_lstmae.plotting.anomaly_score import AnomalyScoreDisplay
from sklearn_lstmae.plotting.loss_curve import LossCurveDisplay
from sklearn_lstmae.plotting.reconstruction import ReconstructionDisplay

__all__ = ["AnomalyScoreDisplay", "LossCurveDisplay", "ReconstructionDisplay"]
