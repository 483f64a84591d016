"""JapaneseVowels: LSTM-AE features with masking vs the same pipeline on zero padding.

270 training / 370 test utterances of 9 speakers, 12 channels, 7 to 29 steps
(sktime ships the data). Pipelines, all with a logistic regression on top:

- masked: the utterances as a list (padding masked: codes, loss and scores
  ignore it);
- unmasked: the same utterances zero-padded to 29 steps as a plain 3-D
  array, so the network reads the padding as data;
- 1-NN (Euclidean) on the zero-padded utterances, a classic baseline.

Channels are z-normalized with training statistics. For reference, measured
on the same split: 1-NN Euclidean on padded input 0.9216, multichannel 1-NN
DTW 0.9486.

    python benchmarks/bench_vowels.py [--repeats 3] [--epochs 100]
"""

import argparse
import statistics
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sktime.datasets import load_japanese_vowels

from sklearn_lstmae import LSTMAutoencoderTransformer


def load(split):
    X, y = load_japanese_vowels(split=split, return_X_y=True)
    sequences = [
        np.stack([X.iloc[i, j].to_numpy() for j in range(X.shape[1])], axis=1)
        for i in range(len(X))
    ]
    return sequences, np.asarray(y)


def zero_padded(sequences, width):
    padded = np.zeros((len(sequences), width, sequences[0].shape[1]))
    for i, sequence in enumerate(sequences):
        padded[i, : len(sequence)] = sequence
    return padded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--units", type=int, default=64)
    args = parser.parse_args()

    (train, y_train), (test, y_test) = load("train"), load("test")
    stacked = np.concatenate(train)
    mean, std = stacked.mean(axis=0), stacked.std(axis=0)
    train = [(s - mean) / std for s in train]
    test = [(s - mean) / std for s in test]
    width = max(len(s) for s in train + test)
    print(
        f"JapaneseVowels: {len(train)} train / {len(test)} test, lengths "
        f"{min(map(len, train + test))}-{width}, 12 channels; units={args.units}, "
        f"epochs={args.epochs}"
    )

    knn = KNeighborsClassifier(n_neighbors=1).fit(
        zero_padded(train, width).reshape(len(train), -1), y_train
    )
    knn_accuracy = knn.score(zero_padded(test, width).reshape(len(test), -1), y_test)

    def pipeline(seed):
        return make_pipeline(
            LSTMAutoencoderTransformer(units=args.units, epochs=args.epochs, random_state=seed),
            StandardScaler(),
            LogisticRegression(max_iter=2000),
        )

    forms = {
        "masked (list)": (train, test),
        "unmasked (zero-padded array)": (zero_padded(train, width), zero_padded(test, width)),
    }
    results = {name: {"accuracy": [], "seconds": []} for name in forms}
    for seed in range(args.repeats):
        for name, (X_train, X_test) in forms.items():  # interleaved
            start = time.perf_counter()
            model = pipeline(seed).fit(X_train, y_train)
            results[name]["seconds"].append(time.perf_counter() - start)
            results[name]["accuracy"].append(model.score(X_test, y_test))
            print(f"  seed {seed} {name:30s} accuracy {results[name]['accuracy'][-1]:.4f}")

    print(f"\n{'pipeline':50s} {'accuracy (median, min-max)':>28s} {'fit s (median)':>15s}")
    for name, result in results.items():
        accuracy, seconds = result["accuracy"], statistics.median(result["seconds"])
        print(
            f"{'LSTM-AE + logistic, ' + name:50s} {statistics.median(accuracy):10.4f} "
            f"({min(accuracy):.4f}-{max(accuracy):.4f}) {seconds:15.1f}"
        )
    print(f"{'1-NN Euclidean, zero-padded':50s} {knn_accuracy:10.4f}")
    print(f"{'1-NN DTW (reference figure)':50s} {0.9486:10.4f}")


if __name__ == "__main__":
    main()
