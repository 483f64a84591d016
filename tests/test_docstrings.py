"""Each public estimator documents exactly the parameters of its signature, in order."""

import inspect
import re

import pytest

import sklearn_lstmae
from sklearn_lstmae._autoencoder.parameters import PARAMETER_DOCS

ESTIMATORS = [
    sklearn_lstmae.LSTMAutoencoderTransformer,
    sklearn_lstmae.LSTMAutoencoderOutlierDetector,
    sklearn_lstmae.SeriesAnomalyDetector,
    sklearn_lstmae.WindowCodeTransformer,
]


def _section(doc, title):
    header = f"\n    {title}\n    {'-' * len(title)}\n"
    start = doc.index(header) + len(header)
    end = re.search(r"\n\n    \w[\w ]*\n    -+\n", doc[start:])
    return doc[start : start + end.start()] if end else doc[start:]


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda cls: cls.__name__)
def test_the_parameters_section_follows_the_signature(cls):
    documented = re.findall(r"^    (\w+) : ", _section(cls.__doc__, "Parameters"), re.M)
    assert documented == list(inspect.signature(cls).parameters)
    assert "%(" not in cls.__doc__


def test_the_autoencoders_share_one_text_per_parameter():
    transformer, detector = (_section(cls.__doc__, "Parameters") for cls in ESTIMATORS[:2])
    for name, text in PARAMETER_DOCS.items():
        entry = "\n".join("    " + line if line else line for line in text.splitlines())
        assert entry in transformer and entry in detector, name
