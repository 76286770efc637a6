"""The built-in guide: Markdown files in assets/guide split into sections with stable ids."""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from advisor import i18n, paths

_HEADING = re.compile(r"^(#{2,3})\s+(.+?)\s*\{#([a-z0-9][a-z0-9.\-]*)\}\s*$")
_ANY_HEADING = re.compile(r"^#{2,3}\s+\S")
_FENCE = re.compile(r"^(```|~~~)")


class GuideError(Exception):
    """A guide file that cannot be loaded; names the file and what is wrong."""


class GuideSection(BaseModel):
    """One citable section of the guide."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(title="Section id")
    part: str = Field(title="Part", description="redis, rabbitmq, kafka or comparison.")
    part_title: str = Field(title="Part title")
    title: str = Field(title="Title")
    level: int = Field(title="Heading level", ge=2, le=3)
    parent: str | None = Field(None, title="Parent section id")
    body: str = Field(title="Body (Markdown)")
    path: str = Field(title="File")
    line: int = Field(title="Line")

    def markdown(self) -> str:
        """The section as Markdown, its heading included."""
        return f"{'#' * self.level} {self.title}\n\n{self.body}".rstrip() + "\n"


class GuidePart(BaseModel):
    """One file of the guide."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    intro: str
    section_ids: list[str]


class Guide(BaseModel):
    """The whole guide, with sections by id in reading order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    parts: list[GuidePart]
    sections: dict[str, GuideSection]

    def section(self, section_id: str) -> GuideSection:
        try:
            return self.sections[section_id]
        except KeyError:
            hint = suggest(section_id, list(self.sections))
            message = i18n.tr("no guide section '{section}'", section=section_id)
            raise KeyError(message + hint) from None

    def children(self, section_id: str) -> list[GuideSection]:
        return [s for s in self.sections.values() if s.parent == section_id]

    def section_with_children(self, section_id: str) -> str:
        """A level-2 section's Markdown followed by its subsections."""
        head = self.section(section_id)
        return head.markdown() + "".join("\n" + c.markdown() for c in self.children(section_id))

    def part(self, part_id: str) -> GuidePart | None:
        return next((p for p in self.parts if p.id == part_id), None)

    def search(self, text: str, limit: int | None = 50) -> list[GuideSection]:
        """Sections where every word of text starts a word of the title, body or id.

        Title matches come first, then reading order; limit=None returns every match (so a
        caller can tell how many there are beyond the first page).
        """
        words = [w.lower() for w in _WORD.findall(_normal(text))]
        if not words:
            return []
        scored: list[tuple[int, int, GuideSection]] = []
        for order, section in enumerate(self.sections.values()):
            title, body = _words(section.title), _words(section.body + " " + section.id)
            if all(_starts_any(w, title) or _starts_any(w, body) for w in words):
                in_title = sum(_starts_any(w, title) for w in words)
                scored.append((-in_title, order, section))
        scored.sort(key=lambda item: (item[0], item[1]))
        found = [s for _, _, s in scored]
        return found if limit is None else found[:limit]


_WORD = re.compile(r"[\w][\w\-.]*")
# Persian text is typed with Arabic or Persian forms of ye and kaf, Persian, Arabic-Indic or
# Latin digits, and optional vowel marks and tatweel: all searched as one.
_SEARCH_FOLD = str.maketrans(
    {"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "ـ": None}
    | {chr(mark): None for mark in range(0x064B, 0x0653)}
)


def _normal(text: str) -> str:
    return i18n.latin_digits(text).translate(_SEARCH_FOLD)


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    """The words of a text, lower-cased, with their dotted or hyphenated pieces too."""
    found: set[str] = set()
    for raw in _WORD.findall(_normal(text).lower()):
        word = raw.rstrip(".-")
        found.add(word)
        found.update(piece for piece in re.split(r"[.\-]", word) if piece)
    return frozenset(found)


def _starts_any(prefix: str, words: frozenset[str]) -> bool:
    return prefix in words or any(word.startswith(prefix) for word in words)


def suggest(word: str, choices: list[str]) -> str:
    """A ' (did you mean ...?)' suffix, or '' when nothing is close."""
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return i18n.tr(" (did you mean '{word}'?)", word=match[0]) if match else ""


def _parse_file(path: Path, sections: dict[str, GuideSection]) -> GuidePart:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    meta: dict[str, object] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        try:
            end = lines.index("---", 1)
        except ValueError:
            raise GuideError(f"{path}: front matter opened with '---' is never closed") from None
        loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
        if not isinstance(loaded, dict):
            raise GuideError(f"{path}: front matter must be a mapping")
        meta = loaded
        start = end + 1
    part_id = str(meta.get("id", path.stem))
    part_title = str(meta.get("title", part_id.title()))
    intro: list[str] = []
    current: dict[str, object] | None = None
    body: list[str] = []
    ids: list[str] = []
    last_level2: str | None = None
    in_fence = False

    def flush() -> None:
        if current is not None:
            section = GuideSection.model_validate(
                {**current, "body": "\n".join(body).strip() + "\n"}
            )
            sections[section.id] = section

    for number, line in enumerate(lines[start:], start=start + 1):
        if _FENCE.match(line.strip()):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match is None and not in_fence and _ANY_HEADING.match(line):
            raise GuideError(
                f"{path}:{number}: heading without an id: {line.strip()!r} "
                "(write it as '## Title {#part.slug}')"
            )
        if match is None:
            (body if current is not None else intro).append(line)
            continue
        flush()
        hashes, title, section_id = match.groups()
        if section_id in sections or section_id in ids:
            raise GuideError(f"{path}:{number}: section id '{section_id}' is used twice")
        if not section_id.startswith(part_id + "."):
            raise GuideError(
                f"{path}:{number}: section id '{section_id}' must start with '{part_id}.'"
            )
        level = len(hashes)
        parent = None
        if level == 2:
            last_level2 = section_id
        else:
            parent = last_level2
        current = {
            "id": section_id,
            "part": part_id,
            "part_title": part_title,
            "title": title,
            "level": level,
            "parent": parent,
            "path": str(path),
            "line": number,
        }
        body = []
        ids.append(section_id)
    flush()
    if not ids:
        raise GuideError(f"{path}: no sections found")
    return GuidePart(id=part_id, title=part_title, intro="\n".join(intro).strip(), section_ids=ids)


PART_ORDER = ("redis", "rabbitmq", "kafka", "comparison")


def load_guide_from(folder: Path) -> Guide:
    """Load and validate every guide file in a folder."""
    files = sorted(
        folder.glob("*.md"),
        key=lambda p: (PART_ORDER.index(p.stem) if p.stem in PART_ORDER else 99, p.stem),
    )
    if not files:
        raise GuideError(f"{folder}: no guide files (*.md)")
    sections: dict[str, GuideSection] = {}
    parts = [_parse_file(path, sections) for path in files]
    return Guide(parts=parts, sections=sections)


def load_guide(lang: i18n.Language | None = None) -> Guide:
    """The built-in guide in a language (default: the current one), loaded once each."""
    return _load_guide(lang or i18n.language())


@functools.cache
def _load_guide(lang: i18n.Language) -> Guide:
    english = load_guide_from(paths.guide_dir())
    if lang == "en":
        return english
    translated = load_guide_from(paths.guide_dir() / lang)
    check_translation(english, translated, lang)
    return translated


def check_translation(english: Guide, translated: Guide, lang: str) -> None:
    """A translated guide has every part and section of the English one, in the same order, so
    every citation resolves in either language."""
    for part in english.parts:
        other = translated.part(part.id)
        if other is None:
            raise GuideError(f"the {lang} guide has no part {part.id!r} ({part.id}.md)")
        if other.section_ids != part.section_ids:
            missing = [i for i in part.section_ids if i not in other.section_ids]
            extra = [i for i in other.section_ids if i not in part.section_ids]
            problem = (
                f"lacks {', '.join(missing)}"
                if missing
                else f"has sections the English lacks: {', '.join(extra)}"
                if extra
                else "has its sections in another order"
            )
            raise GuideError(f"the {lang} guide's part {part.id!r} {problem}")
    extra_parts = [p.id for p in translated.parts if english.part(p.id) is None]
    if extra_parts:
        raise GuideError(f"the {lang} guide has parts the English lacks: {', '.join(extra_parts)}")
