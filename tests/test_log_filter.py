"""Fits, searches and scores log nothing from our code paths."""

import logging

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from sklearn_lstmae import LSTMAutoencoderTransformer


@pytest.mark.slow
def test_a_search_logs_no_retracing_warning(italy_power, caplog):
    # 40 epochs of 2 batches: every candidate traces its own step loop
    X = italy_power[0][:32]
    logger = logging.getLogger("tensorflow")
    filters = list(logger.filters)
    search = GridSearchCV(
        LSTMAutoencoderTransformer(units=3, epochs=40, batch_size=8, random_state=0),
        {"learning_rate": [1e-3, 2e-3, 3e-3]},
        cv=2,
    )
    with caplog.at_level(logging.WARNING):
        search.fit(X)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
    assert logger.filters == filters  # nothing left behind
    logger.warning("5 out of the last 5 calls to <f> triggered tf.function retracing.")
    assert [r for r in caplog.records if "retracing" in r.getMessage()]  # others still log
    assert np.isfinite(search.best_score_)
