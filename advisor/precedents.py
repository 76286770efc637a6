"""Published broker decisions of real teams: loaded from assets/precedents/, matched by workload."""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from advisor import i18n, paths, safe_load
from advisor.facts import NOT_STATED, compute_facts, workload_data
from advisor.recommendation import PrecedentMatch
from advisor.workload import Broker, Workload, WorkloadFileError, parse_workload

NEAREST = 3


class PrecedentError(Exception):
    """A precedent file that is invalid; carries the file and what is wrong."""

    def __init__(self, path: Path | str, problems: list[str]) -> None:
        self.path = str(path)
        self.problems = safe_load.tidy(problems)  # escaped and cut, as they may quote the file
        super().__init__(f"{self.path}: " + "; ".join(self.problems))


class Precedent(BaseModel):
    """One published decision: the workload as its write-up states it, and what was chosen."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$", title="Id")
    organisation: str = Field(min_length=1, max_length=120, title="Organisation")
    title: str = Field(min_length=3, max_length=120, title="Decision")
    year: int = Field(ge=1995, le=2100, title="Year of the write-up")
    source: str = Field(title="Source", description="Address of the published write-up.")
    chosen: Broker = Field(title="Chosen")
    left: Broker | None = Field(None, title="Left", description="The broker migrated away from.")
    also_uses: list[Broker] = Field(default_factory=list, title="Also uses")
    reasons: list[str] = Field(min_length=1, max_length=6, title="Deciding reasons")
    workload: Workload = Field(title="Workload")
    notes: str = Field("", max_length=4000, title="Notes")

    @field_validator("source")
    @classmethod
    def _address(cls, value: str) -> str:
        if not value.startswith(("https://", "http://")) or any(
            c.isspace() or c in '<>"`\\' for c in value
        ):
            raise ValueError("must be the http(s) address of the published write-up")
        return value


def _check(precedent: Precedent, path: Path) -> list[str]:
    problems = []
    if precedent.id != path.stem:
        problems.append(f"id '{precedent.id}' differs from the file name '{path.stem}'")
    if precedent.left == precedent.chosen:
        problems.append("left and chosen name the same broker")
    if precedent.chosen in precedent.also_uses:
        problems.append("also_uses repeats the chosen broker")
    if precedent.left is not None and precedent.workload.leaving not in (None, precedent.left):
        problems.append("workload.leaving differs from left")
    return problems


def load_precedent(path: Path) -> Precedent:
    """Read and validate one precedent file."""
    try:
        raw = safe_load.load_yaml(path, safe_load.PRECEDENT)
    except safe_load.LoadError as error:
        raise PrecedentError(path, [error.problem]) from None
    if not isinstance(raw, dict):
        raise PrecedentError(path, ["expected a mapping of precedent fields"])
    try:
        workload = parse_workload(raw.get("workload") or {}, f"{path}: workload")
    except WorkloadFileError as error:
        raise PrecedentError(path, [f"workload: {p}" for p in error.problems]) from None
    try:
        precedent = Precedent.model_validate({**raw, "workload": workload})
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in item['loc']) or '(file)'}: {item['msg']}"
            for item in error.errors()
        ]
        raise PrecedentError(path, problems) from None
    problems = _check(precedent, path)
    if problems:
        raise PrecedentError(path, problems)
    return precedent


def load_precedents_from(folder: Path) -> list[Precedent]:
    """Every precedent in a folder, sorted by id; the first invalid file raises."""
    return [load_precedent(path) for path in sorted(folder.glob("*.yaml"))]


@functools.cache
def load_precedents() -> tuple[Precedent, ...]:
    """The built-in library, loaded once."""
    return tuple(load_precedents_from(paths.assets_dir() / "precedents"))


# --- texts in other languages ----------------------------------------------------------------
# A precedent's title and reasons in another language live in a folder beside the library
# (`assets/precedents/fa/`), one file per precedent under the same name, holding only those
# texts: organisation, year, source and the workload are facts and stay in the English file.

TEXT_FOLDERS: dict[i18n.Language, str] = {"fa": "fa"}
_LANGUAGE_WORDS: dict[i18n.Language, str] = {"en": "English", "fa": "Persian"}


class PrecedentText(BaseModel):
    """A precedent's words in one language: its title and its reasons, in the English order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3, max_length=240, title="Decision")
    reasons: list[str] = Field(min_length=1, max_length=6, title="Deciding reasons")


def english_texts(library: Sequence[Precedent]) -> dict[str, PrecedentText]:
    """The texts the library's own files state, by precedent id."""
    return {p.id: PrecedentText(title=p.title, reasons=list(p.reasons)) for p in library}


def load_texts_from(
    folder: Path, library: Sequence[Precedent], lang: i18n.Language
) -> dict[str, PrecedentText]:
    """Every precedent's texts in `lang` from `folder`, one file per precedent, checked
    against the library: no precedent without its file, no file without its precedent, the
    same number of reasons, only `title` and `reasons`. A problem raises PrecedentError."""
    if lang == "en":
        return english_texts(library)
    word = _LANGUAGE_WORDS[lang]
    by_id = {p.id: p for p in library}
    found = {path.stem: path for path in folder.glob("*.yaml")} if folder.is_dir() else {}
    for stem in sorted(set(found) - set(by_id)):
        close = difflib.get_close_matches(stem, sorted(by_id), n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise PrecedentError(
            found[stem],
            [f"no precedent '{stem}' in the library for these texts to translate{hint}"],
        )
    texts: dict[str, PrecedentText] = {}
    for ident, precedent in sorted(by_id.items()):
        if ident not in found:
            raise PrecedentError(
                folder / f"{ident}.yaml",
                [f"missing: every precedent needs its {word} title and reasons"],
            )
        texts[ident] = _load_text_file(found[ident], precedent, word)
    return texts


def _load_text_file(path: Path, precedent: Precedent, word: str) -> PrecedentText:
    """One precedent's translated texts, checked against its English file."""
    try:
        raw = safe_load.load_yaml(path, safe_load.PRECEDENT)
    except safe_load.LoadError as error:
        raise PrecedentError(path, [error.problem]) from None
    if not isinstance(raw, dict):
        raise PrecedentError(path, [f"expected a mapping with the {word} 'title' and 'reasons'"])
    try:
        text = PrecedentText.model_validate(raw)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in item['loc']) or '(file)'}: {item['msg']}"
            for item in error.errors()
        ]
        raise PrecedentError(path, problems) from None
    problems = []
    if len(text.reasons) != len(precedent.reasons):
        problems.append(
            f"reasons: {len(text.reasons)} given, but the English file has "
            f"{len(precedent.reasons)} (same count and order)"
        )
    blank = [n for n, reason in enumerate(text.reasons) if not reason.strip()]
    if not text.title.strip() or blank:
        where = ["title"] if not text.title.strip() else []
        problems.append(f"empty text: {', '.join(where + [f'reasons[{n}]' for n in blank])}")
    if problems:
        raise PrecedentError(path, problems)
    return text


def texts(lang: i18n.Language | None = None) -> dict[str, PrecedentText]:
    """The built-in precedents' titles and reasons in `lang` (by default the current language).

    English comes from the library's files; another language is read from its folder and
    checked the first time it is asked for, then kept.
    """
    return _texts(lang or i18n.language())


@functools.cache
def _texts(lang: i18n.Language) -> dict[str, PrecedentText]:
    library = load_precedents()
    if lang == "en":
        return english_texts(library)
    folder = paths.assets_dir() / "precedents" / TEXT_FOLDERS[lang]
    return load_texts_from(folder, library, lang)


def digits(value: object) -> str:
    """A year or a percentage as prose in the current language writes it (Persian digits)."""
    text = str(value)
    return text.translate(i18n.PERSIAN_DIGITS) if i18n.language() == "fa" else text


def worded(item: PrecedentMatch | Precedent) -> PrecedentText:
    """A precedent's title and reasons in the current language.

    A precedent outside the built-in library (a test's own) keeps the texts it carries.
    """
    found = texts().get(item.id)
    if found is not None and len(found.reasons) == len(item.reasons):
        return found
    return PrecedentText(title=item.title, reasons=list(item.reasons))


# --- similarity ----------------------------------------------------------------------------
# A feature compares one aspect of two workloads' facts, 1.0 alike, 0.0 unlike. Only aspects the
# precedent's write-up states are compared (the fields its file sets), weighted by how often such
# an aspect decided real cases.


def _log_near(span: float) -> Callable[[Any, Any], float]:
    def compare(a: Any, b: Any) -> float:
        return max(0.0, 1.0 - abs(math.log10(float(a) + 1) - math.log10(float(b) + 1)) / span)

    return compare


def _same(a: Any, b: Any) -> float:
    return 1.0 if a == b else 0.0


def _overlap(a: Any, b: Any) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


# (fact compared, workload fields that state it, weight, comparison)
FEATURES: tuple[tuple[str, tuple[str, ...], float, Callable[[Any, Any], float]], ...] = (
    ("avg_rate_msg_per_s", ("avg_rate_msg_per_s",), 1.5, _log_near(3)),
    ("peak_rate_msg_per_s", ("peak_rate_msg_per_s",), 1.0, _log_near(3)),
    ("avg_message_size_bytes", ("avg_message_size_bytes",), 0.5, _log_near(3)),
    ("history_hours", ("retention_hours", "retention_max_messages"), 1.0, _log_near(3)),
    ("replay", ("replay",), 1.5, _same),
    ("ordering", ("ordering",), 0.7, _same),
    ("delivery", ("delivery",), 0.7, _same),
    ("crash_may_lose_messages", ("crash_may_lose_messages",), 0.7, _same),
    ("consumption", ("consumption",), 1.5, _same),
    ("consumer_groups", ("consumer_groups",), 0.7, _log_near(1.5)),
    ("routing", ("routing",), 0.5, _same),
    ("needs_priorities", ("needs_priorities",), 0.5, _same),
    ("needs_delayed_delivery", ("needs_delayed_delivery",), 0.5, _same),
    ("needs_dead_lettering", ("needs_dead_lettering",), 0.5, _same),
    ("stream_processing", ("stream_processing",), 0.8, _same),
    ("cache_or_sessions", ("cache_or_sessions",), 0.5, _same),
    ("multi_region", ("multi_region",), 0.5, _same),
    ("tolerated_node_failures", ("tolerated_node_failures",), 0.4, _same),
    ("hosting", ("hosting",), 0.5, _same),
    ("ops_capacity", ("ops_capacity",), 0.5, _same),
    ("team_familiar_with", ("team_familiar_with",), 0.8, _overlap),
    ("already_running", ("already_running",), 1.5, _overlap),
    ("organisation_standard", ("organisation_standard",), 1.0, _same),
    ("leaving", ("leaving",), 2.0, _same),
    ("leaving_because", ("leaving_because",), 1.0, _overlap),
    ("languages", ("languages",), 1.2, _overlap),
    ("task_framework", ("task_framework",), 1.5, _same),
    ("uses_celery", ("uses_celery",), 1.0, _same),
    ("uses_django", ("uses_django",), 0.5, _same),
    ("short_lived_connections", ("short_lived_connections",), 0.5, _same),
    ("customer_installed", ("customer_installed",), 0.8, _same),
    ("mqtt_devices", ("mqtt_devices",), 1.0, _same),
    ("browser_delivery", ("browser_delivery",), 1.0, _same),
    ("network_partitions", ("network_partitions",), 0.5, _same),
    ("inspect_pending", ("inspect_pending",), 0.5, _same),
    ("backpressure", ("backpressure",), 0.7, _same),
)
# Aspects that a workload leaving them empty has not answered (rather than answered "none").
OPEN_WHEN_UNSTATED = frozenset(
    {
        "languages",
        "task_framework",
        "organisation_standard",
        "backpressure",
        "team_familiar_with",
        "already_running",
    }
)
# Added to the weights compared, so a write-up that states little is never a perfect match.
SPARSENESS_PENALTY = 3.0


Feature = tuple[str, float, Callable[[Any, Any], float]]


def stated_features(precedent: Precedent) -> tuple[Feature, ...]:
    """The aspects a precedent's write-up states: (fact, weight, comparison)."""
    stated = precedent.workload.model_fields_set
    return tuple(
        (fact, weight, compare)
        for fact, fields, weight, compare in FEATURES
        if stated.intersection(fields)
    )


def similarity(
    workload_facts: dict[str, Any],
    precedent: Precedent,
    theirs: dict[str, Any] | None = None,
    features: tuple[Feature, ...] | None = None,
) -> float:
    """How alike a workload (its facts) and a precedent's stated workload are, 0 to 1."""
    if theirs is None:
        theirs = compute_facts(workload_data(precedent.workload))
    if features is None:
        features = stated_features(precedent)
    total = matched = 0.0
    for fact, weight, compare in features:
        mine = workload_facts[fact]
        if fact in OPEN_WHEN_UNSTATED and _unstated(mine):
            continue
        total += weight
        matched += weight * compare(mine, theirs[fact])
    return round(matched / (total + SPARSENESS_PENALTY), 3) if total else 0.0


def _unstated(value: Any) -> bool:
    """Whether the user's workload leaves an aspect open (an empty list or an unset choice)."""
    return value == NOT_STATED or (isinstance(value, frozenset) and not value)


_Entry = tuple[Precedent, dict[str, Any], tuple[Feature, ...]]


def _entry(precedent: Precedent) -> _Entry:
    return precedent, compute_facts(workload_data(precedent.workload)), stated_features(precedent)


@functools.cache
def _library() -> tuple[_Entry, ...]:
    return tuple(_entry(p) for p in load_precedents())


def match(precedent: Precedent, score: float) -> PrecedentMatch:
    """A precedent as the recommendation shows it, worded in the current language."""
    words = worded(precedent)
    return PrecedentMatch(
        id=precedent.id,
        organisation=precedent.organisation,
        title=words.title,
        broker=precedent.chosen,
        left=precedent.left,
        year=precedent.year,
        source=precedent.source,
        similarity=score,
        reasons=list(words.reasons),
    )


def nearest(
    workload_facts: dict[str, Any],
    library: tuple[Precedent, ...] | None = None,
    count: int = NEAREST,
) -> list[PrecedentMatch]:
    """The `count` precedents most like a workload, nearest first (ties by id)."""
    items = _library() if library is None else tuple(_entry(p) for p in library)
    scored = sorted(
        ((similarity(workload_facts, p, theirs, features), p) for p, theirs, features in items),
        key=lambda sp: (-sp[0], sp[1].id),
    )
    return [match(p, s) for s, p in scored[:count] if s > 0]
