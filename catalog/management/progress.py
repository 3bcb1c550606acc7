"""A tqdm bar on a command's standard error, fed by a service's `progress(done, total)` calls."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm


class ProgressBar:
    """Draws (done, total) reports as a tqdm bar; created on the first report, when the total
    is known. Use as a context manager so the bar is closed even when the service raises."""

    def __init__(self, command: BaseCommand, *, desc: str, unit: str, verbosity: int = 1):
        # tqdm redraws with carriage returns, which OutputWrapper.write would end with newlines,
        # so the bar writes to the wrapped stream itself.
        self._stream = getattr(command.stderr, "_out", sys.stderr)
        self._desc = desc
        self._unit = unit
        self._disable = verbosity == 0
        self._bar: tqdm | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = tqdm(
                total=total,
                desc=self._desc,
                unit=self._unit,
                file=self._stream,
                disable=self._disable,
            )
        self._bar.update(done - self._bar.n)

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._bar is not None:
            self._bar.close()
