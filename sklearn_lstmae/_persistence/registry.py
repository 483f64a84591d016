"""The classes the library's file format may hold, registered by the classes themselves.

A leaf module, as Keras's ``object_registration``: the estimators register
themselves with :func:`register_savable` when their module is imported, and
the archive (:mod:`sklearn_lstmae._persistence.archive`) looks names up here,
so it never imports an estimator and a file can only name a class that
registered itself.
"""

from __future__ import annotations

_ESTIMATORS: dict[str, type] = {}
_OBJECTS: dict[str, type] = {}


def register_savable(cls: type) -> type:
    """Class decorator: instances of ``cls`` (an estimator) may be saved and loaded."""
    _ESTIMATORS[cls.__name__] = cls
    return cls


def register_plain_object(cls: type) -> type:
    """Register a class whose instances the file holds as plain fields (a dataclass or ``vars``)."""
    _OBJECTS[cls.__name__] = cls
    return cls


def savable_estimator(name: str) -> type | None:
    """Return the estimator class registered under ``name``, or None."""
    return _ESTIMATORS.get(name)


def plain_object_class(name: str) -> type | None:
    """Return the plain-object class registered under ``name``, or None."""
    return _OBJECTS.get(name)


def is_savable_estimator(value) -> bool:
    """Whether ``value`` is an instance of a registered estimator class (exactly)."""
    return _ESTIMATORS.get(type(value).__name__) is type(value)


def is_plain_object(value) -> bool:
    """Whether ``value`` is an instance of a registered plain-object class (exactly)."""
    return _OBJECTS.get(type(value).__name__) is type(value)
