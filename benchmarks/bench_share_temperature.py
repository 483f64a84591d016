"""The positive share's temperature: count, sigmoid(output / t) for several t, or no share.

The default code (``code="states_and_pools"``) ends with, per encoder LSTM, the share of each
output's positive values over the real steps: ``mean(sigmoid(output / t))`` with ``t =
networks.SHARE_TEMPERATURE``, or with ``t = 0`` a count (version 0.1.0). This benchmark is how
``t`` was chosen (``docs/design.md``, "The positive share, tempered").

One default fit per set and seed (``LSTMAutoencoderTransformer(random_state=seed)`` on the
training split, without labels). From the fitted encoder's outputs over each sequence's real
steps the share columns are computed again at each ``t`` (``0`` is the count), or left out
(``none``); the other columns are the fit's own. One fit serves every ``t``: the decoder reads
only the states and means, and the shares have no weights, so ``t`` does not change training.
Each variant is scored with the library's pipeline, ``StandardScaler ->
LogisticRegression(max_iter=2000)``:

- ``cv``: 3-fold stratified cross-validation on the training split (shuffled, ``random_state=0``),
  the protocol for choosing; sets with a class of fewer than 3 training sequences (Fungi) have
  none;
- ``test``: fitted on the training split, scored on the test split, for reference only.

Beside them, the largest change of a share value from the count (training and test codes).
As a check, the share columns at the library's own ``t`` must equal the codes that
``transform`` returns (within 1e-4).

    pip install -e ".[benchmark]"
    python benchmarks/bench_share_temperature.py [--datasets GunPoint ...] [--seeds 0 1 2]
        [--temperatures 0 1e-4 3e-4 1e-3 3e-3 1e-2] [--rows shares.jsonl]
    python benchmarks/bench_share_temperature.py --tables-from shares.jsonl ...

``--rows`` appends each set and seed's result as soon as it is known, so that a long run can be
split (one set per invocation) and its table printed from the files afterwards.
"""

import argparse
import time

import keras
import numpy as np
from bench_quality import nan_padded
from dev_suite import DEVELOPMENT_SUITE, load
from rows import append_row, mean_cell, read_rows
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_lstmae import LSTMAutoencoderTransformer
from sklearn_lstmae._engine.networks import SHARE_TEMPERATURE

CV_FOLDS = 3


def share_inputs(transformer):
    """A model from the encoder's input to, per share layer, its outputs and real-step mask."""
    encoder = transformer.encoder_
    layers = [layer for layer in encoder.layers if layer.name.startswith("encoder_share_")]
    if not layers:
        raise ValueError("the transformer's code has no positive shares (code='states_and_pools')")
    # A layer called with a mask lists it among its inputs: (outputs, mask).
    return keras.Model(encoder.inputs, [tensor for layer in layers for tensor in layer.input])


def shares(outputs, masks, temperature):
    """Per layer, the share of each output over the real steps, concatenated: (n, features)."""
    columns = []
    for output, real in zip(outputs, masks, strict=True):
        positive = output > 0 if temperature == 0 else expit(output / temperature)
        positive = np.where(real[:, :, None], positive, 0.0)  # padded steps count for nothing
        columns.append(positive.sum(axis=1) / np.maximum(real.sum(axis=1, keepdims=True), 1))
    return np.hstack(columns)


def variants(transformer, X, temperatures):
    """Name -> codes of X: the fit's codes with the share columns recomputed, or without them."""
    codes = transformer.transform(X)
    padded = nan_padded(X, max(len(s) for s in X)) if isinstance(X, list) else X
    tensors = share_inputs(transformer).predict(padded, verbose=0)
    outputs, masks = tensors[0::2], [np.asarray(mask, bool) for mask in tensors[1::2]]
    width = sum(output.shape[2] for output in outputs)
    # The shares are the code's last columns (states, means, maxima, shares); a check:
    own = shares(outputs, masks, SHARE_TEMPERATURE)
    np.testing.assert_allclose(codes[:, -width:], own, atol=1e-4)
    kept = codes[:, :-width]
    result = {"none": kept}
    for temperature in temperatures:
        result[name_of(temperature)] = np.hstack([kept, shares(outputs, masks, temperature)])
    return result, width


def name_of(temperature):
    return "count" if temperature == 0 else f"{temperature:g}"


def pipeline():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))


def run_one(name, seed, temperatures):
    """One fit of a set and seed: per variant, CV accuracy (or None), test accuracy, change."""
    (X, y), (X_test, y_test) = load(name)
    start = time.perf_counter()
    transformer = LSTMAutoencoderTransformer(random_state=seed).fit(X)
    seconds = time.perf_counter() - start
    train, width = variants(transformer, X, temperatures)
    test, _ = variants(transformer, X_test, temperatures)
    counts = np.unique(y, return_counts=True)[1]
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=0)
    result = {}
    for variant in train:
        cv = None
        if counts.min() >= CV_FOLDS:
            cv = float(cross_val_score(pipeline(), train[variant], y, cv=folds).mean())
        score = float(pipeline().fit(train[variant], y).score(test[variant], y_test))
        change = None
        if variant != "none" and "count" in train:
            change = float(
                max(
                    np.abs(train[variant][:, -width:] - train["count"][:, -width:]).max(),
                    np.abs(test[variant][:, -width:] - test["count"][:, -width:]).max(),
                )
            )
        result[variant] = {"cv": cv, "test": score, "change": change}
    return {"set": name, "seed": seed, "fit_seconds": seconds, "variants": result}


def table(rows):
    """Markdown: mean CV and test accuracy per variant over every set and seed, per set below."""
    variants_ = list(rows[0]["variants"])
    lines = ["| share | " + " | ".join(variants_) + " |", "|---" * (len(variants_) + 1) + "|"]
    sets = sorted({row["set"] for row in rows}, key=list(DEVELOPMENT_SUITE).index)
    with_cv = [row for row in rows if row["variants"][variants_[0]]["cv"] is not None]
    n_cv = len({row["set"] for row in with_cv})
    for key, label, chosen in [
        ("cv", f"CV accuracy, mean over {n_cv} sets", with_cv),
        ("test", f"test accuracy, mean over {len(sets)} sets", rows),
    ]:
        lines.append(
            f"| {label} | " + " | ".join(mean_cell(chosen, "variants", v, key) for v in variants_)
        )
        lines[-1] += " |"
    changes = [
        f"{max(row['variants'][v]['change'] for row in rows):.3f}"
        if rows[0]["variants"][v]["change"] is not None
        else ""
        for v in variants_
    ]
    lines.append("| largest change of a share from the count | " + " | ".join(changes) + " |")
    lines += ["", "| set (CV / test) | " + " | ".join(variants_) + " |"]
    lines.append("|---" * (len(variants_) + 1) + "|")
    for name in sets:
        chosen = [row for row in rows if row["set"] == name]
        cells = []
        for v in variants_:
            cv = [row["variants"][v]["cv"] for row in chosen]
            test = np.mean([row["variants"][v]["test"] for row in chosen])
            cells.append(("-" if cv[0] is None else f"{np.mean(cv):.3f}") + f" / {test:.3f}")
        seeds = ",".join(str(row["seed"]) for row in chosen)
        lines.append(f"| {name} (seeds {seeds}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DEVELOPMENT_SUITE))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--temperatures", nargs="+", type=float, default=[0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]
    )
    parser.add_argument("--rows", help="append each set and seed's result to this file (JSONL)")
    parser.add_argument("--tables-from", nargs="+", help="print the table of these --rows files")
    args = parser.parse_args()
    if args.tables_from:
        print(table(read_rows(args.tables_from)))
        return
    rows = []
    for name in args.datasets:
        for seed in args.seeds:
            rows.append(run_one(name, seed, args.temperatures))
            append_row(args.rows, rows[-1])
            scores = {v: round(r["test"], 3) for v, r in rows[-1]["variants"].items()}
            seconds = rows[-1]["fit_seconds"]
            print(f"{name} seed {seed}: test {scores} ({seconds:.0f} s)", flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
