"""Data larger than memory: partial_fit over chunks, inference in chunks of rows."""

import tracemalloc

import numpy as np
import pytest
import sklearn

from sklearn_lstmae import LSTMAutoencoderOutlierDetector, LSTMAutoencoderTransformer
from tests._helpers import FAST


@pytest.fixture(scope="module")
def memmapped(italy_power, tmp_path_factory):
    """ItalyPowerDemand (train + test) tiled to 150,000 sequences in a memory-mapped file."""
    X = np.concatenate([italy_power[0], italy_power[2]]).astype(np.float32)
    path = tmp_path_factory.mktemp("data") / "italy.f32"
    data = np.memmap(path, dtype=np.float32, mode="w+", shape=(150_000, X.shape[1]))
    data[:] = np.resize(X, data.shape)
    data.flush()
    return np.memmap(path, dtype=np.float32, mode="r", shape=data.shape)


def _peak_bytes(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_partial_fit_over_memmap_chunks_then_streamed_transform(memmapped):
    ae = LSTMAutoencoderTransformer(**dict(FAST, batch_size=512))
    chunk = 8192

    ae.partial_fit(memmapped[:chunk])  # builds and traces the model (not data-sized)

    def train():
        for start in range(chunk, memmapped.shape[0], chunk):
            ae.partial_fit(memmapped[start : start + chunk])

    _, train_peak = _peak_bytes(train)
    assert ae.n_iter_ == -(-memmapped.shape[0] // chunk)
    chunk_bytes = chunk * memmapped.shape[1] * 4
    assert train_peak < min(4 * chunk_bytes, memmapped.nbytes / 4)

    ae.transform(memmapped[:10])  # traces the inference function
    with sklearn.config_context(working_memory=1):  # MiB: chunks of about 900 rows
        codes, transform_peak = _peak_bytes(lambda: ae.transform(memmapped))
    # The result (150,000 x 24 floats) plus about one chunk: far below the data.
    assert transform_peak < codes.nbytes + memmapped.nbytes / 10
    _, whole_peak = _peak_bytes(lambda: ae.transform(memmapped))  # default: 1 GiB chunks
    assert whole_peak > memmapped.nbytes
    in_memory = np.asarray(memmapped[:3000])
    np.testing.assert_allclose(codes[:3000], ae.transform(in_memory), atol=1e-6)
    scores = ae.score_samples(memmapped)
    np.testing.assert_allclose(scores[:3000], ae.score_samples(in_memory), rtol=1e-5)


def test_streamed_errors_name_the_row_in_the_whole_input(italy_power):
    detector = LSTMAutoencoderOutlierDetector(**FAST, scoring="mse").fit(italy_power[0])
    X = np.resize(italy_power[2], (3000, italy_power[2].shape[1]))
    X[2500, :3] = np.nan
    with (
        sklearn.config_context(working_memory=0.1),  # chunks of about 90 rows
        pytest.raises(ValueError, match=r"X\[2500\] has NaN at time step 0"),
    ):
        detector.score_samples(X)
    assert detector.predict(X[:2000]).shape == (2000,)


@pytest.mark.slow
def test_dask_array_map_blocks_over_transform(memmapped):
    import dask.array as da

    ae = LSTMAutoencoderTransformer(**FAST).fit(np.asarray(memmapped[:200]))
    X = da.from_array(memmapped, chunks=(10_000, memmapped.shape[1]))
    Z = X.map_blocks(
        ae.transform, dtype=np.float32, chunks=(X.chunks[0], (len(ae.get_feature_names_out()),))
    )
    codes = Z.compute(scheduler="threads")
    assert codes.shape == (memmapped.shape[0], 5 * 2 * 4)
    np.testing.assert_allclose(codes[-500:], ae.transform(np.asarray(memmapped[-500:])), atol=1e-6)
