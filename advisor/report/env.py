"""The one jinja2 Environment of reports: StrictUndefined, autoescaped HTML, report filters."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import jinja2

from advisor import paths

# Characters with a meaning in CommonMark/GFM inline text; escaping them keeps user text inert.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!~])|&(?=#?[A-Za-z0-9]+;)")
_MD_ANGLE = re.compile(r"([<>])")
_BACKTICKS = re.compile(r"`+")
_SENTENCE_END = (".", "!", "?", ":")


def md_escape(text: object) -> str:
    """User text made inert in Markdown: no emphasis, links, entities or raw HTML."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), str(text))


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


def md_code(text: object) -> str:
    """Any text as one inline code span that it cannot end early.

    The fence is one backtick longer than the longest run of backticks inside; a value that starts
    or ends with a backtick is padded with a space, which CommonMark strips again.
    """
    value = one_line(text)
    if not value:
        return ""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(value)), default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def md_code_cell(text: object) -> str:
    """A code span inside a table cell: GFM splits cells at '|' even in code, unless escaped."""
    return md_code(text).replace("|", "\\|")


def md_fence(code: object, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run in the code."""
    body = str(code)
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    fence = "`" * max(3, longest + 1)
    if not body.endswith("\n"):
        body += "\n"
    return f"{fence}{one_line(language)}\n{body}{fence}"


def sentence(text: object) -> str:
    """Text ending with a full stop, unless it already ends a sentence."""
    value = str(text).rstrip()
    return value if not value or value.endswith(_SENTENCE_END) else value + "."


def one_line(text: object) -> str:
    """Whitespace, newlines included, collapsed to single spaces."""
    return " ".join(str(text).split())


def py_string(text: object) -> str:
    """A Python string literal (also valid JSON) for generated code."""
    return json.dumps(str(text), ensure_ascii=False)


def py_comment(text: object) -> str:
    """Text safe inside a one-line Python comment."""
    return one_line(text)


# Names that keep their capital after "because"; acronyms and CamelCase (AOF, RabbitMQ,
# MirrorMaker) keep theirs anyway, as only a capital followed by lower case is lowered.
PROPER_NOUNS = frozenset(
    {
        "redis",
        "rabbitmq",
        "kafka",
        "celery",
        "django",
        "kombu",
        "pika",
        "python",
        "sentinel",
        "raft",
        "khepri",
        "zookeeper",
        "kraft",
        "flink",
        "debezium",
        "confluent",
        "java",
        "linux",
        "kubernetes",
        "amazon",
        "google",
        "azure",
        "valkey",
        "erlang",
    }
)
_FIRST_WORD = re.compile(r"[A-Za-z]+")


def because(text: object) -> str:
    """A sentence made to follow 'because': 'A work queue...' -> 'a work queue...'.

    Only a first word written as an ordinary capitalised word ('A', 'Managed', 'Self-hosted') is
    lowered; names (Kafka, Celery's), acronyms (AOF) and CamelCase (RabbitMQ) are kept.
    """
    value = str(text)
    match = _FIRST_WORD.match(value)
    if match is None:
        return value
    word = match.group(0)
    if len(word) == 1:
        # Of the one-letter words only the article is lowered: "I", "I/O" and "Q3" are not.
        ordinary = value.startswith("A ")
    else:
        ordinary = word[0].isupper() and word[1:].islower()
    if not ordinary or word.lower() in PROPER_NOUNS:
        return value
    return value[:1].lower() + value[1:]


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
        md_code=md_code,
        md_code_cell=md_code_cell,
        md_fence=md_fence,
        sentence=sentence,
        one_line=one_line,
        py_string=py_string,
        py_comment=py_comment,
    )
    return env


def environment(folder: Path | None = None) -> jinja2.Environment:
    """The report template environment for a folder (default: assets/templates), cached."""
    return _environment(str(folder or paths.templates_dir()))
