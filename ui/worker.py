"""The one way to run work off the main thread: a QRunnable whose results arrive as signals."""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class WorkerSignals(QObject):
    """Signals of a worker; they live in the main thread, so slots run there."""

    started = Signal()
    # The work's own types: any object (a worker runs any function or generator).
    progress = Signal(object)
    returned = Signal(object)
    errored = Signal(Exception)
    finished = Signal()


class CancelledError(Exception):
    """Raised inside a generator's thread when the worker was cancelled between yields."""


# Workers are kept alive here until they finish: the pool does not own the Python wrapper.
_RUNNING: set[Worker] = set()


class Worker(QRunnable):
    """Run a function (or drive a generator) on the global thread pool.

    A plain function's return value is emitted as ``returned``. A generator's yields become
    ``progress`` and its return value ``returned``. ``cancel()`` sets a flag that is checked
    between yields (threads cannot be killed, so blocking calls need their own timeouts); a
    function may also take ``is_cancelled`` by passing ``pass_cancel=True``. Nothing here
    touches a widget: connect the signals and do that in the slots, on the main thread.
    """

    def __init__(
        self, func: Callable[..., Any], *args: Any, pass_cancel: bool = False, **kwargs: Any
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = WorkerSignals()
        self._func = func
        self._args = args
        self._kwargs = kwargs
        self._cancel = threading.Event()
        self._pool: QThreadPool | None = None
        if pass_cancel:
            self._kwargs["is_cancelled"] = self._cancel.is_set
        self.signals.finished.connect(self._on_finished)

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next yield; its results will not be emitted."""
        self._cancel.set()

    def start(self, pool: QThreadPool | None = None) -> Worker:
        """Queue the worker on the global thread pool (or the given one)."""
        self._pool = pool or QThreadPool.globalInstance()
        _RUNNING.add(self)
        self._pool.start(self)
        return self

    def run(self) -> None:
        try:
            self._emit("started")
            result = self._func(*self._args, **self._kwargs)
            if inspect.isgenerator(result):
                result = self._drive(result)
            if not self.is_cancelled:
                self._emit("returned", result)
        except CancelledError:
            pass
        except Exception as error:  # delivered to the main thread, where it is reported
            if not self.is_cancelled:
                self._emit("errored", error)
        finally:
            self._emit("finished")

    def _emit(self, name: str, *args: Any) -> None:
        try:
            getattr(self.signals, name).emit(*args)
        except RuntimeError:
            # The app is shutting down and the signals object is gone: nobody is listening.
            self._cancel.set()

    def _drive(self, gen: Generator[Any, Any, Any]) -> Any:
        try:
            while True:
                if self.is_cancelled:
                    gen.close()
                    raise CancelledError
                value = next(gen)
                if not self.is_cancelled:
                    self._emit("progress", value)
        except StopIteration as stop:
            return stop.value

    def _on_finished(self) -> None:
        _RUNNING.discard(self)


def create_worker(
    func: Callable[..., Any],
    *args: Any,
    on_returned: Callable[[Any], None] | None = None,
    on_errored: Callable[[Exception], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    start: bool = True,
    **kwargs: Any,
) -> Worker:
    """Build a worker, connect the given callbacks, and start it unless start=False."""
    worker = Worker(func, *args, **kwargs)
    if on_returned is not None:
        worker.signals.returned.connect(on_returned)
    if on_errored is not None:
        worker.signals.errored.connect(on_errored)
    if on_progress is not None:
        worker.signals.progress.connect(on_progress)
    if on_finished is not None:
        worker.signals.finished.connect(on_finished)
    if start:
        worker.start()
    return worker


def cancel_all(wait_ms: int = 2_000) -> bool:
    """At shutdown: ask every running worker to stop, then wait a little for every pool.

    Every pool a worker still runs on is waited for, not only the global one: a probe on its
    own pool that outlived the event loop would still be running Python while the interpreter
    tears down. The wait is shared: all pools together take at most wait_ms.
    """
    running = list(_RUNNING)
    for item in running:
        item.cancel()
    pools = [QThreadPool.globalInstance()]
    for item in running:
        if item._pool is not None and all(item._pool is not p for p in pools):
            pools.append(item._pool)
    deadline = time.monotonic() + wait_ms / 1000
    done = True
    for pool in pools:
        left_ms = max(0, int((deadline - time.monotonic()) * 1000))
        done = pool.waitForDone(left_ms) and done
    return done


def active_workers() -> int:
    """How many workers have been started and not finished (for tests and shutdown)."""
    return len(_RUNNING)
