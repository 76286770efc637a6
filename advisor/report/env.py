"""The one jinja2 Environment of reports: StrictUndefined, autoescaped HTML, report filters."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path

import jinja2
from markupsafe import Markup

from advisor import i18n, paths

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


def tr_html(message: str, /, **values: object) -> Markup:
    """`tr()` for HTML: the message and its translation are the app's own markup (an entity, a
    `<b>`); values are escaped unless already marked safe (a `<code>` span)."""
    text = Markup(i18n.catalogue(i18n.language()).get(message, message))
    return text.format(**values) if values else text


def digits(value: object) -> str:
    """A number in running text as the language writes it: Persian digits in Persian."""
    text = str(value)
    return text.translate(i18n.PERSIAN_DIGITS) if i18n.language() == "fa" else text


_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_FIRST_LETTER = re.compile(r"[^\W\d_]")


def bidi(value: object) -> object:
    """A Latin run (a broker name, an id, an address, a figure with its unit) isolated inside
    right-to-left text, so its neighbours' punctuation stays on the right side; as is in English."""
    if not i18n.is_rtl() or _ARABIC_SCRIPT.search(str(value)):
        return value  # Persian text, maybe with Latin words: the paragraph's direction fits it
    # <bdi> for browsers; the first-strong isolate characters inside it for Qt's rich text (the
    # PDF), which ignores the element but honours the characters.
    return Markup("<bdi>\u2068{}\u2069</bdi>").format(value)


def text_direction(value: object) -> str:
    """'rtl' or 'ltr' by the first letter of the text (user text, such as a workload's notes)."""
    match = _FIRST_LETTER.search(str(value))
    return "rtl" if match and _ARABIC_SCRIPT.match(match.group(0)) else "ltr"


def isolate(value: object) -> str:
    """A Latin run in right-to-left plain text (the decision record), isolated by Unicode's
    first-strong isolate characters; as is in English."""
    return f"\u2068{value}\u2069" if i18n.is_rtl() else str(value)


def _at_render(function: Callable[[object], object]) -> Callable[..., object]:
    @jinja2.pass_context
    def at_render(_context: jinja2.runtime.Context, value: object) -> object:
        return function(value)

    return at_render


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
        # These follow the language at render time: never folded into a constant when a
        # template is compiled (as a filter on a literal otherwise would be, once, for good).
        digits=_at_render(digits),
        bidi=_at_render(bidi),
        isolate=_at_render(isolate),
        text_direction=_at_render(text_direction),
    )
    # Messages in templates: tr("English") in the current language (assets/i18n/fa/report.yaml).
    env.globals.update(tr=i18n.tr, trh=tr_html, lang=i18n.language, direction=i18n.direction)
    return env


def environment(folder: Path | None = None) -> jinja2.Environment:
    """The report template environment for a folder (default: assets/templates), cached."""
    return _environment(str(folder or paths.templates_dir()))
