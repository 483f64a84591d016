"""Silence TensorFlow's retracing warning while the library's own functions trace.

The engine traces one ``tf.function`` per model (its step loop, its inference
function). TensorFlow counts traces by Python code, not by function object,
so a search that fits several models of one configuration gets "N out of the
last N calls to <function ...> triggered tf.function retracing", although
each model is traced once. :func:`no_retracing_warnings` drops that message,
and only that one, from the ``tensorflow`` logger while the library runs in
the calling thread; the filter is removed when the last such call returns.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import threading

_ACTIVE = contextvars.ContextVar("sklearn_lstmae_quiet_retracing", default=False)
_LOCK = threading.Lock()
_users = 0


class _RetracingWarningFilter(logging.Filter):
    """Drop TensorFlow's retracing warning in the contexts that asked for it."""

    def filter(self, record):
        """Return False for the retracing warning inside :func:`no_retracing_warnings`."""
        return not (_ACTIVE.get() and "triggered tf.function retracing" in record.getMessage())


_FILTER = _RetracingWarningFilter()


@contextlib.contextmanager
def no_retracing_warnings():
    """Drop TensorFlow's retracing warning raised in this context (this thread only)."""
    global _users
    logger = logging.getLogger("tensorflow")
    with _LOCK:
        if _users == 0:
            logger.addFilter(_FILTER)
        _users += 1
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
        with _LOCK:
            _users -= 1
            if _users == 0:
                logger.removeFilter(_FILTER)
