"""Result rows of the benchmarks' ``--rows`` files (one JSON object per line) and their means."""

import json

import numpy as np


def append_row(path, row):
    """Append ``row`` to the file at ``path`` as one JSON line (nothing if ``path`` is None)."""
    if path:
        with open(path, "a") as file:
            file.write(json.dumps(row) + "\n")


def read_rows(paths):
    """The rows of these files, in order."""
    rows = []
    for path in paths:
        with open(path) as file:
            rows += [json.loads(line) for line in file if line.strip()]
    return rows


def mean_cell(rows, field, name, key):
    """Mean over sets of each set's mean over seeds of ``row[field][name][key]``.

    ± the spread over seeds of the mean over sets, for the seeds every set has; "-" without rows.
    """
    if not rows:
        return "-"
    by_set = {}
    for row in rows:
        by_set.setdefault(row["set"], {})[row["seed"]] = row[field][name][key]
    mean = np.mean([np.mean(list(seeds.values())) for seeds in by_set.values()])
    common = set.intersection(*(set(seeds) for seeds in by_set.values()))
    spread = ""
    if len(common) > 1:
        per_seed = [np.mean([seeds[s] for seeds in by_set.values()]) for s in sorted(common)]
        spread = f" ± {np.std(per_seed):.4f}"
    return f"{mean:.4f}{spread}"
