"""Tutorial toy: the tutorial's raw Keras code against the library, side by side.

Workload (a) of the speed issue: one sequence 0.1 ... 0.9 (9 steps, 1 channel),
LSTM(100, relu) autoencoder, 300 epochs. Runs both interleaved, several times,
and prints medians, the ratio, and the reconstruction error of each.

    python benchmarks/bench_toy.py [--repeats 3]
"""

import argparse
import statistics
import time

import numpy as np

from sklearn_lstmae import LSTMAutoencoderTransformer

SEQUENCE = np.linspace(0.1, 0.9, 9).reshape(1, 9, 1)


def tutorial_keras():
    """The tutorial's code, verbatim apart from imports."""
    from keras import Input, Sequential
    from keras.layers import LSTM, Dense, RepeatVector, TimeDistributed

    model = Sequential(
        [
            Input((9, 1)),
            LSTM(100, activation="relu"),
            RepeatVector(9),
            LSTM(100, activation="relu", return_sequences=True),
            TimeDistributed(Dense(1)),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    model.fit(SEQUENCE, SEQUENCE, epochs=300, verbose=0)
    return model.predict(SEQUENCE, verbose=0)


def library(seed):
    ae = LSTMAutoencoderTransformer(units=100, activation="relu", epochs=300, random_state=seed)
    ae.fit(SEQUENCE)
    return ae.inverse_transform(ae.transform(SEQUENCE))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import keras  # load TensorFlow before timing anything

    print(f"Keras {keras.__version__}, backend {keras.backend.backend()}")
    times = {"tutorial Keras (model.fit)": [], "sklearn-lstmae": []}
    errors = {name: [] for name in times}
    for repeat in range(args.repeats):
        for name, run in (
            ("tutorial Keras (model.fit)", tutorial_keras),
            ("sklearn-lstmae", lambda seed=repeat: library(seed)),
        ):
            start = time.perf_counter()
            reconstruction = run()
            times[name].append(time.perf_counter() - start)
            errors[name].append(float(np.max(np.abs(reconstruction - SEQUENCE))))
    baseline = statistics.median(times["tutorial Keras (model.fit)"])
    print(
        f"{'':28s} {'fit+predict (median s)':>22s} {'speed-up':>9s} {'max abs error (worst)':>22s}"
    )
    for name in times:
        median = statistics.median(times[name])
        print(f"{name:28s} {median:22.2f} {baseline / median:8.1f}x {max(errors[name]):22.4f}")


if __name__ == "__main__":
    main()
