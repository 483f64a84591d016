"""Where the codes lose: paired tests against the winning baseline, and the codes under 1-NN.

For the sets on which ``bench_quality.py --tasks features`` finds the default
codes behind a raw-value baseline (ArrowHead behind 1-NN Euclidean,
ItalyPowerDemand and JapaneseVowels behind raw values + logistic), this script
fits the same pipeline, ``LSTMAutoencoderTransformer(random_state=seed) ->
StandardScaler -> LogisticRegression``, and compares its predictions with the
baseline's, sequence by sequence:

- how many sequences only the codes classify right, how many only the
  baseline does, and the exact McNemar test on those two counts (a two-sided
  binomial test, ``scipy.stats.binomtest``): is the loss more than chance?
- the same fitted codes under 1-NN (scaled, and as they are): do the codes keep
  the neighbourhoods that make 1-NN strong on raw values?
- codes from an autoencoder fitted without labels on the training and the
  evaluated sequences together (transductive; 2.4 to 16 times the training
  split's sequences here), frozen, under the same logistic regression fitted on
  the training labels: does more unlabelled data of the same kind close the gap?

    pip install -e ".[benchmark]"
    python benchmarks/bench_losses.py [--seeds 0 1 2] [--protocol test|cv]
"""

import argparse

import numpy as np
from bench_quality import fixed_length, flat, load, splits
from scipy.stats import binomtest
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderTransformer

LOST = {  # data set -> the baseline that beats the codes on its test split
    "ArrowHead": "1-NN ED",
    "ItalyPowerDemand": "raw+logistic",
    "JapaneseVowels": "raw+logistic",
}


def baseline(name):
    if name == "1-NN ED":
        return KNeighborsClassifier(n_neighbors=1)
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def predictions(X, y, Xe, width, seed, baseline_name):
    """Method -> predictions on ``Xe``, every method fitted on ``X, y`` (and unlabelled ``Xe``)."""
    raw = baseline(baseline_name).fit(flat(fixed_length(X, width)), y)
    encoder = LSTMAutoencoderTransformer(random_state=seed).fit(X)
    codes, codes_eval = encoder.transform(X), encoder.transform(Xe)
    scaler = StandardScaler().fit(codes)
    scaled, scaled_eval = scaler.transform(codes), scaler.transform(codes_eval)
    everything = X + Xe if isinstance(X, list) else np.concatenate([X, Xe])
    transductive = make_pipeline(
        FrozenEstimator(LSTMAutoencoderTransformer(random_state=seed).fit(everything)),
        StandardScaler(),
        LogisticRegression(max_iter=2000),
    )
    return {
        baseline_name: raw.predict(flat(fixed_length(Xe, width))),
        "codes + logistic": LogisticRegression(max_iter=2000).fit(scaled, y).predict(scaled_eval),
        "codes (scaled) + 1-NN": KNeighborsClassifier(1).fit(scaled, y).predict(scaled_eval),
        "codes + 1-NN": KNeighborsClassifier(1).fit(codes, y).predict(codes_eval),
        "codes fitted on all sequences + logistic": transductive.fit(X, y).predict(Xe),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--protocol", choices=["test", "cv"], default="test")
    args = parser.parse_args()
    others = ["codes (scaled) + 1-NN", "codes + 1-NN", "codes fitted on all sequences + logistic"]
    columns = [
        "data set",
        "seed",
        "baseline",
        "codes + logistic",
        "only codes right",
        "only baseline right",
        "McNemar p",
        *others,
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for name, baseline_name in LOST.items():
        (X, y), (X_test, y_test) = load(name)
        width = max(len(s) for s in X) if isinstance(X, list) else X.shape[1]
        for seed in args.seeds:
            right = {}
            for X_fit, y_fit, X_eval, y_eval in splits(X, y, X_test, y_test, args.protocol):
                for method, predicted in predictions(
                    X_fit, y_fit, X_eval, width, seed, baseline_name
                ).items():
                    right.setdefault(method, []).append(predicted == y_eval)
            right = {method: np.concatenate(hits) for method, hits in right.items()}
            codes, base = right["codes + logistic"], right[baseline_name]
            only_codes, only_base = int(np.sum(codes & ~base)), int(np.sum(~codes & base))
            discordant = only_codes + only_base
            p = binomtest(only_codes, discordant).pvalue if discordant else 1.0
            cells = [
                name,
                seed,
                f"{base.mean():.3f} ({baseline_name})",
                f"{codes.mean():.3f}",
                only_codes,
                only_base,
                f"{p:.3f}",
                *(f"{right[m].mean():.3f}" for m in others),
            ]
            print("| " + " | ".join(str(cell) for cell in cells) + " |", flush=True)


if __name__ == "__main__":
    main()
