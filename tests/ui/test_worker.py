"""The one background worker: results on the main thread, progress from yields, cancellation."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread

from ui import worker


def test_function_result_arrives_on_the_main_thread(qtbot: Any) -> None:
    seen: dict[str, Any] = {}

    def work(a: int, b: int) -> int:
        seen["work_thread"] = threading.get_ident()
        return a + b

    def on_returned(value: int) -> None:
        seen["value"] = value
        seen["slot_in_main"] = QThread.currentThread() is qtbot_main_thread()

    w = worker.Worker(work, 2, 3)
    w.signals.returned.connect(on_returned)
    with qtbot.waitSignal(w.signals.finished, timeout=5_000):
        w.start()
    assert seen["value"] == 5
    assert seen["slot_in_main"]
    assert seen["work_thread"] != threading.get_ident()


def qtbot_main_thread() -> QThread:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    assert app is not None
    return app.thread()


def test_generator_yields_become_progress_and_its_return_value_returned(qtbot: Any) -> None:
    def steps() -> Any:
        yield 1
        yield 2
        return "done"

    progress: list[int] = []
    returned: list[str] = []
    w = worker.Worker(steps)
    w.signals.progress.connect(progress.append)
    w.signals.returned.connect(returned.append)
    with qtbot.waitSignal(w.signals.finished, timeout=5_000):
        w.start()
    assert progress == [1, 2]
    assert returned == ["done"]


def test_exceptions_are_delivered_as_errored(qtbot: Any) -> None:
    def fail() -> None:
        raise ValueError("boom")

    w = worker.Worker(fail)
    with qtbot.waitSignal(w.signals.errored, timeout=5_000) as blocker:
        w.start()
    assert isinstance(blocker.args[0], ValueError)


def test_cancel_stops_a_generator_between_yields(qtbot: Any) -> None:
    gate = threading.Event()
    closed = threading.Event()

    def steps() -> Any:
        try:
            yield "first"
            gate.wait(5)
            yield "second"
            yield "third"
            return "never"
        finally:
            closed.set()

    w = worker.Worker(steps)
    returned: list[Any] = []
    progress: list[Any] = []
    w.signals.returned.connect(returned.append)
    w.signals.progress.connect(progress.append)

    def cancel_after_first(value: Any) -> None:
        w.cancel()
        gate.set()

    w.signals.progress.connect(cancel_after_first)
    with qtbot.waitSignal(w.signals.finished, timeout=5_000):
        w.start()
    assert progress == ["first"]
    assert returned == []
    assert closed.is_set()
    assert worker.active_workers() == 0


def test_a_function_can_poll_for_cancellation(qtbot: Any) -> None:
    started = threading.Event()

    def work(is_cancelled: Any) -> str:
        started.set()
        while not is_cancelled():
            threading.Event().wait(0.005)
        return "stopped"

    w = worker.Worker(work, pass_cancel=True)
    returned: list[Any] = []
    w.signals.returned.connect(returned.append)
    w.signals.started.connect(w.cancel)
    with qtbot.waitSignal(w.signals.finished, timeout=5_000):
        w.start()
    assert returned == []  # cancelled work does not deliver a result


@pytest.mark.parametrize("count", [20])
def test_many_workers_all_finish(qtbot: Any, count: int) -> None:
    results: list[int] = []
    workers = [
        worker.create_worker(lambda n=n: n * n, on_returned=results.append) for n in range(count)
    ]
    qtbot.waitUntil(lambda: len(results) == count, timeout=5_000)
    assert sorted(results) == [n * n for n in range(count)]
    assert all(isinstance(w, worker.Worker) for w in workers)
