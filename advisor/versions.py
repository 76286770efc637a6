"""Broker versions: parsing, ordering, and what an unstated version means (the current release).

A workload may state the versions it will run (`versions: {rabbitmq: "3.13"}`); a probe detects
the version a server runs. Rules compare versions with `lt`, `gte` and friends on the facts
`redis_version`, `rabbitmq_version` and `kafka_version`, so advice that depends on a version is
one rule entry, not a branch in code. The current release of each broker is data:
`assets/versions.yaml`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from advisor import paths, safe_load
from advisor.workload import Broker

if TYPE_CHECKING:
    from advisor.probe.models import ProbeResult

# "4.3", "3.13.7", "8.2.1", "7.0.15-1~deb12u1" (Debian), "4.1.0-rc.1", "v4.4.0".
_VERSION = re.compile(
    r"^v?(\d{1,4})(?:\.(\d{1,4}))?(?:\.(\d{1,6}))?([-+~._][0-9A-Za-z.+~_-]{0,40})?$"
)
MAX_TEXT = 64


class VersionError(ValueError):
    """A version string that cannot be read; `text` is what was given."""

    def __init__(self, text: str, problem: str) -> None:
        super().__init__(problem)
        self.text = text
        self.problem = problem


@functools.total_ordering
class Version:
    """A broker version, ordered by (major, minor, patch); prints as it was written."""

    __slots__ = ("parts", "text")

    def __init__(self, parts: tuple[int, int, int], text: str) -> None:
        self.parts = parts
        self.text = text

    @classmethod
    def parse(cls, text: str) -> Version:
        """Read "4.3", "3.13.7", "7.0.15-1~deb12u1"; a missing minor or patch counts as 0."""
        if not isinstance(text, str):
            raise VersionError(repr(text), f'a version is text like "4.3", got {text!r}')
        stripped = text.strip()
        if len(stripped) > MAX_TEXT:
            raise VersionError(stripped[:MAX_TEXT], f"a version is at most {MAX_TEXT} characters")
        match = _VERSION.match(stripped)
        if not match:
            shown = stripped.encode("unicode_escape").decode("ascii")
            raise VersionError(
                shown, f'\'{shown}\' is not a version: expected numbers like "4.3" or "3.13.7"'
            )
        major, minor, patch = (int(g) if g else 0 for g in match.groups()[:3])
        return cls((major, minor, patch), stripped.removeprefix("v"))

    @property
    def major_minor(self) -> str:
        return f"{self.parts[0]}.{self.parts[1]}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self.parts == other.parts

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self.parts < other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Version({self.text!r})"

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)


def loose_parts(text: str) -> tuple[int, int, int]:
    """The leading numbers of a server's version text ("7.0.15", "3.10.8-rc.1", "4.3 or
    later"); missing or unreadable parts count as 0. For comparisons that must not fail."""
    parts: list[int] = []
    for piece in str(text).strip().removeprefix("v").split(".")[:3]:
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        parts.append(int(digits[:9]))
    return (*parts, 0, 0, 0)[:3]  # type: ignore[return-value]


def validate_text(text: str) -> str:
    """The version text as stored in a workload (stripped), or VersionError."""
    return Version.parse(text).text


class CurrentRelease(BaseModel):
    """The release an unstated version stands for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(description="The current stable release line, e.g. 4.3.")
    released: str = Field(default="", description="When that line was released (YYYY-MM).")
    source: str = Field(default="", description="Where the release is announced.")

    @field_validator("version")
    @classmethod
    def _readable(cls, value: str) -> str:
        return validate_text(value)


class VersionTable(BaseModel):
    """assets/versions.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    checked: date = Field(description="When the current releases were last checked.")
    current: dict[Broker, CurrentRelease]

    @field_validator("current")
    @classmethod
    def _every_broker(cls, value: dict[Broker, CurrentRelease]) -> dict[Broker, CurrentRelease]:
        missing = [b.value for b in Broker if b not in value]
        if missing:
            raise ValueError(f"no current release for {', '.join(missing)}")
        return value


class VersionTableError(ValueError):
    """assets/versions.yaml cannot be used; the message names the file and the problem."""


@functools.cache
def table() -> VersionTable:
    path = paths.assets_dir() / "versions.yaml"
    try:
        data = safe_load.load_yaml(path, safe_load.VERSION_TABLE)
        return VersionTable.model_validate(data)
    except safe_load.LoadError as error:
        raise VersionTableError(str(error)) from None
    except ValidationError as error:
        raise VersionTableError(f"{path}: {error}") from None


@functools.lru_cache(maxsize=1024)
def _parsed(text: str) -> Version:
    """Version.parse, remembered: the engine reads the same few version texts many times."""
    return Version.parse(text)


def current(broker: Broker) -> Version:
    """The current release line of a broker (what an unstated version means)."""
    return _parsed(table().current[broker].version)


def effective(stated: Mapping[Any, str], broker: Broker) -> Version:
    """The version a workload will run: the stated one, else the current release."""
    text = stated.get(broker) or stated.get(broker.value)
    return _parsed(text) if text else current(broker)


def label(stated: Mapping[Any, str], broker: Broker) -> str:
    """ "RabbitMQ 3.13" or "RabbitMQ 4.3 (current release, assumed)"."""
    version = effective(stated, broker)
    if stated.get(broker) or stated.get(broker.value):
        return f"{broker.title} {version}"
    return f"{broker.title} {version} (current release, assumed)"


def detected(results: Iterable[ProbeResult]) -> dict[Broker, str]:
    """The server version each probed broker reported (the last result per broker wins).

    Versions that do not read as versions ("?", a banner) are left out: the advice then stays
    with the stated or current version.
    """
    found: dict[Broker, str] = {}
    for result in results:
        text = (result.summary.version or "").strip()
        # A Kafka probe infers a lower bound from the APIs a broker offers: "4.3 or later".
        text = text.removesuffix(" or later")
        if not text:
            continue
        try:
            found[result.broker] = validate_text(text)
        except VersionError:
            continue
    return found
