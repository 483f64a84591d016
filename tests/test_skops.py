"""skops.io round-trips the estimators, trusting only the library's own types."""

import numpy as np
import pytest

from sklearn_lstmae import (
    LSTMAutoencoderOutlierDetector,
    LSTMAutoencoderTransformer,
    WindowCodeTransformer,
)

sio = pytest.importorskip("skops.io")


@pytest.mark.parametrize("Estimator", [LSTMAutoencoderTransformer, LSTMAutoencoderOutlierDetector])
def test_skops_round_trip_trusts_only_library_types(Estimator, italy_power):
    X = italy_power[0][:24]
    estimator = Estimator(units=4, epochs=2, batch_size=8, random_state=0).fit(X)
    data = sio.dumps(estimator)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted and all(name.startswith("sklearn_lstmae.") for name in untrusted)
    with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
        sio.loads(data)
    loaded = sio.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(loaded.score_samples(X), estimator.score_samples(X))
    np.testing.assert_array_equal(loaded.history_["loss"], estimator.history_["loss"])
    loaded.partial_fit(X)  # optimizer state came along: training goes on
    assert loaded.n_iter_ == 3


def test_skops_round_trip_of_window_codes_trusts_only_library_types(italy_power):
    X = italy_power[0][:24]
    autoencoder = LSTMAutoencoderTransformer(units=4, epochs=2, batch_size=8)
    windows = WindowCodeTransformer(autoencoder, window=8, random_state=0).fit(X)
    data = sio.dumps(windows)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted and all(name.startswith("sklearn_lstmae.") for name in untrusted)
    loaded = sio.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(loaded.transform(X), windows.transform(X))
