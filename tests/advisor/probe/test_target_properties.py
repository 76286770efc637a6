"""Any text as a target URL: a ProbeTarget or a TargetError naming the field, quickly, never
another exception; the message is printable and short."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.probe.targets import TargetError, parse_target

SCHEMES = ["redis", "rediss", "redis+sentinel", "amqp", "amqps", "kafka", "kafka+ssl", "SASL_SSL"]
PIECES = st.sampled_from(
    [":", "@", "/", "?", "#", "%", "[", "]", "::1", "&", "=", "password=", "%2F", "\x1b", " ", "é"]
)
URLISH = st.builds(
    lambda scheme, parts: f"{scheme}://" + "".join(parts),
    st.sampled_from(SCHEMES),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12),
)


def _check(text: str, management_url: str | None = None) -> None:
    started = time.monotonic()
    try:
        parse_target(text, management_url=management_url)
    except TargetError as error:
        message = str(error)
        assert message.isprintable() and len(message) < 2_000
        assert error.field is not None
    assert time.monotonic() - started < 5.0  # bounded (a loose bound: not a speed target)


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_any_text_is_a_target_or_a_named_error(text: str) -> None:
    _check(text)


@given(URLISH, st.one_of(st.none(), URLISH, st.text(max_size=60)))
@settings(max_examples=300)
def test_url_shaped_text_is_a_target_or_a_named_error(text: str, management: str | None) -> None:
    _check(text, management)


def test_a_huge_target_is_refused_quickly() -> None:
    _check("redis://" + "a" * 5_000_000 + ":6379")
