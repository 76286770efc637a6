"""What every broker's verdict rules are made of: the Rule, the workload facts, shared judges.

A `Rule` names a requirement, when it applies (a predicate over the workload's fields, read from
`workload.model_dump()`, never from the live object), the check that is its evidence, and a
judge that turns the probe result into (status, message, advice). Each broker package lists its
rules in `<broker>/verdicts.py`; `advisor.probe.verdicts` adds the common ones and judges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from advisor.i18n import N_, tr
from advisor.probe.models import CheckStatus, ProbeCheck, ProbeResult

Facts = Mapping[str, Any]
Judgement = tuple[CheckStatus, str, str]  # status, message, advice
Judge = Callable[[Facts, ProbeResult, ProbeCheck], Judgement]


@dataclass(frozen=True)
class Rule:
    """One requirement a live check can confirm."""

    requirement: str
    applies: Callable[[Facts], bool]
    evidence: str | Callable[[ProbeResult], str]
    judge: Judge


def needs_durability(w: Facts) -> bool:
    return not w.get("crash_may_lose_messages", False)


def needs_failover(w: Facts) -> bool:
    return int(w.get("tolerated_node_failures", 0)) >= 1


def at_least_once(w: Facts) -> bool:
    return str(w.get("delivery", "at_least_once")) != "at_most_once"


def fact(result: ProbeResult, name: str) -> Any:
    return result.summary.facts.get(name)


# --- ordering and exactly-once on one queue (Redis and RabbitMQ) ----------------------------------


def wants_order(w: Facts) -> bool:
    return str(w.get("ordering", "none")) != "none"


def wants_exactly_once(w: Facts) -> bool:
    return str(w.get("delivery", "at_least_once")) == "exactly_once"


# How a check's details say its messages came back out of order, in either language (a result
# worded in one language may be judged again in the other, for a report).
_OUT_OF_ORDER = ("in order", "به ترتیب")


def queue_order(broker_words: str, single_consumer: str) -> Judge:
    """Ordering on one queue: FIFO was checked; competing consumers break it anyway.

    Both texts are marked with N_() by the caller and worded when judged."""

    def judge(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
        order = str(w.get("ordering"))
        broken = c.status is CheckStatus.FAIL and (
            any(words in c.details for words in _OUT_OF_ORDER)
            or str(c.figures.get("in_order", "")) == "false"
        )
        if broken:
            return (
                CheckStatus.FAIL,
                tr(
                    "the workload needs {order} order, but the probe's messages "
                    "came back out of order: {details}",
                    order=order.replace("_", "-"),
                    details=c.details,
                ),
                tr(
                    "Find what reorders them (another consumer on the probe's queue, a policy) "
                    "before relying on order."
                ),
            )
        if c.status is CheckStatus.FAIL:
            return (
                CheckStatus.SKIPPED,
                tr(
                    "check {check} failed ({failure}), so order cannot be judged",
                    check=c.id,
                    failure=c.failure_class,
                ),
                "",
            )
        if str(w.get("consumption")) == "competing_workers":
            return (
                CheckStatus.WARN,
                tr(
                    "{broker_words} kept FIFO order with one consumer, but the workload has "
                    "competing workers: they process messages in parallel, and a redelivered "
                    "message comes back after later ones were handled",
                    broker_words=tr(broker_words),
                ),
                tr(single_consumer),
            )
        return (
            CheckStatus.PASS,
            tr("{broker_words} kept FIFO order with one consumer", broker_words=tr(broker_words)),
            tr(single_consumer),
        )

    return judge


def at_least_once_only(what: str, *advice: str) -> Judge:
    """`what` and the sentences of `advice` are marked with N_() and worded when judged."""

    def judge(w: Facts, r: ProbeResult, c: ProbeCheck) -> Judgement:
        return (
            CheckStatus.WARN,
            tr(
                "the workload asks for exactly-once, but {what}: a message whose consumer dies "
                "before acknowledging is delivered again (at least once)",
                what=tr(what),
            ),
            " ".join(tr(sentence) for sentence in advice),
        )

    return judge


IDEMPOTENT_CONSUMERS = N_(
    "Make consumers idempotent: record each message id (an idempotency key) in the same "
    "transaction as its effect, and skip ids already seen."
)
