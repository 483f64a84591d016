"""A progress bar over long work (Keras's ``Progbar``), or nothing when silent."""

from __future__ import annotations


class Progress:
    """Count ``target`` units of work on a Keras progress bar; silent with ``verbose=0``.

    Parameters
    ----------
    target : int
        The units the work holds (e.g. points to score).
    verbose : int
        0: nothing is shown, nothing is built. Otherwise Keras's bar, which
        redraws in place on a terminal and prints a line per update elsewhere.
    unit_name : str
        What is counted, shown after the rate.
    """

    def __init__(self, target: int, *, verbose: int, unit_name: str):
        self._bar = None
        if verbose:
            import keras  # only when shown: importing the package does not load Keras

            self._bar = keras.utils.Progbar(target, verbose=1, unit_name=unit_name)
        self._done = 0

    def add(self, n: int) -> None:
        """Count ``n`` more units done."""
        if self._bar is not None:
            self._done += n
            self._bar.update(self._done, finalize=self._done >= self._bar.target)
