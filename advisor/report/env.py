"""The one jinja2 Environment of reports: StrictUndefined, autoescaped HTML, report filters."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import jinja2

from advisor import paths

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!])")
_MD_ANGLE = re.compile(r"([<>])")


def md_escape(text: object) -> str:
    """User text made inert in Markdown: no emphasis, links or raw HTML (backslash escapes)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def md_text(text: object) -> str:
    """The app's own text in Markdown: only raw HTML is neutralised, so it stays readable."""
    return _MD_ANGLE.sub(r"\\\1", str(text))


def md_quote(text: object) -> str:
    """Multi-line user text as an escaped Markdown block quote."""
    lines = str(text).splitlines() or [""]
    return "\n".join(("> " + md_escape(line)).rstrip() for line in lines)


def md_cell(text: object) -> str:
    """The app's text safe inside a Markdown table cell: one line, pipes and HTML escaped."""
    return md_text(" ".join(str(text).split())).replace("|", "\\|")


def one_line(text: object) -> str:
    """Whitespace, newlines included, collapsed to single spaces."""
    return " ".join(str(text).split())


def py_string(text: object) -> str:
    """A Python string literal (also valid JSON) for generated code."""
    return json.dumps(str(text), ensure_ascii=False)


def py_comment(text: object) -> str:
    """Text safe inside a one-line Python comment."""
    return one_line(text)


# Words that start a sentence but not a name: lower-cased after "Good, because".
_COMMON_STARTS = frozenset(
    {
        "a",
        "an",
        "the",
        "with",
        "without",
        "each",
        "every",
        "no",
        "one",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "all",
        "any",
        "some",
        "only",
        "most",
        "many",
        "several",
        "there",
        "when",
        "if",
        "since",
        "for",
        "on",
        "in",
        "at",
        "by",
        "to",
        "messages",
        "consumers",
        "producers",
        "workers",
        "ordering",
        "retention",
        "delivery",
        "replay",
    }
)


def because(text: object) -> str:
    """A sentence made to follow 'because': 'A work queue...' -> 'a work queue...'."""
    value = str(text)
    first = value.split(" ", 1)[0]
    if first.lower() in _COMMON_STARTS and first[:1].isupper() and first[1:].islower():
        return value[:1].lower() + value[1:]
    return value


@functools.cache
def _environment(folder: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "html.j2", "xml"), default_for_string=True, default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        because=because,
        md=md_escape,
        md_text=md_text,
        md_quote=md_quote,
        md_cell=md_cell,
        one_line=one_line,
        py_string=py_string,
        py_comment=py_comment,
    )
    return env


def environment(folder: Path | None = None) -> jinja2.Environment:
    """The report template environment for a folder (default: assets/templates), cached."""
    return _environment(str(folder or paths.templates_dir()))
