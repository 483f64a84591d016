"""All or nothing: an estimator's attributes restored when the body of a ``with`` raises."""

from __future__ import annotations

import contextlib
import copy


@contextlib.contextmanager
def restore_on_failure(estimator, *, copied=(), random_states=(), snapshots=()):
    """Give ``estimator`` back the attributes it had if the body raises (interrupts included).

    Parameters
    ----------
    estimator : object
        Its ``vars`` are recorded and, on failure, restored as they were.
    copied : iterable of str
        Attributes that the body may change in place (a history dict), deep-copied.
    random_states : iterable of str
        Attributes holding a ``numpy.random.RandomState`` whose draws are undone.
    snapshots : iterable
        More state the estimator does not hold by value, each with a
        ``restore()`` method (the values of a network's variables, say).
    """
    saved = dict(vars(estimator))
    copies = {name: copy.deepcopy(saved[name]) for name in copied if saved.get(name) is not None}
    generators = {name: saved[name] for name in random_states if saved.get(name) is not None}
    positions = {name: generator.get_state() for name, generator in generators.items()}
    snapshots = list(snapshots)
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(saved, **copies)
        for name, generator in generators.items():
            generator.set_state(positions[name])
        for snapshot in snapshots:
            snapshot.restore()
        raise
