"""The temporary objects a probe creates, registered before they exist and deleted at cleanup.

A check registers a `TempResource` (Redis key, RabbitMQ queue or exchange, Kafka topic) with
`ctx.resources.add(...)` before the call that creates it returns, so a create that fails half-way
is still cleaned; whatever went with its connection is `discard`ed. At the end of the run (also
after a failure or a cancel) `delete_all` hands what is left to the broker's one delete function,
whose calls are bounded by `ctx.cleanup_timeout()`, within `runner.CLEANUP_ALLOWANCE_S`. What the
delete function could not remove stays registered, so the runner names what may remain.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from advisor.i18n import tr
from advisor.probe.classify import describe
from advisor.workload import Broker


@dataclass(frozen=True)
class TempResource:
    """One temporary object of a probe run; `str()` is how a report names it ("queue x")."""

    broker: Broker
    kind: str  # "key", "queue", "exchange", "topic"
    name: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


class Registry:
    """The run's temporary objects not yet removed, in the order they were registered.

    Thread-safe: the runner reads it (to wait for cleanup, or name leftovers) while the probe's
    worker thread adds and removes.
    """

    def __init__(self) -> None:
        self._items: list[TempResource] = []
        self._lock = threading.Lock()

    def add(self, resource: TempResource) -> TempResource:
        """Register an object about to be created; returns it (adding twice keeps one)."""
        with self._lock:
            if resource not in self._items:
                self._items.append(resource)
        return resource

    def discard(self, resource: TempResource) -> None:
        """The object is gone: deleted, never created, or it went with its connection."""
        with self._lock:
            if resource in self._items:
                self._items.remove(resource)

    def pending(self, broker: Broker | None = None) -> list[TempResource]:
        """What is still registered (of one broker, if given)."""
        with self._lock:
            return [r for r in self._items if broker is None or r.broker is broker]

    def names(self) -> list[str]:
        return [str(r) for r in self.pending()]

    def __bool__(self) -> bool:
        with self._lock:
            return bool(self._items)

    def __iter__(self) -> Iterator[TempResource]:
        return iter(self.pending())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


class CleanupContext(Protocol):
    """What `delete_all` needs of the probe context."""

    resources: Registry

    def cleanup_problem(self, text: str) -> None: ...


Deleter = Callable[[Sequence[TempResource]], None]
"""A broker's delete function: removes what it can and `discard`s each removed object; raises
(or records a cleanup problem) for the rest."""


def delete_all(ctx: CleanupContext, delete: Deleter) -> None:
    """Hand every registered object to `delete`; an exception becomes a cleanup problem."""
    pending = ctx.resources.pending()
    if not pending:
        return
    try:
        delete(pending)
    except Exception as error:  # cleanup must never raise past the probe
        left = ctx.resources.pending()
        ctx.cleanup_problem(
            tr(
                "could not delete {count} probe object(s) ({error}): {names}",
                count=len(left),
                error=describe(error),
                names=", ".join(str(r) for r in left),
            )
        )
