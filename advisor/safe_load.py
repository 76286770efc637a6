"""Bounded reading of user-supplied YAML and JSON files, with short, escaped error messages.

Workload files, rule files, probe results and precedents all come through here, so a hostile
file (an alias bomb, a 60 MB file, a FIFO, 3,000 nested lists, a value holding terminal escape
sequences) is refused with a named problem before it can cost time or memory, and whatever an
error message quotes from the file is cut short and shown escaped.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advisor import i18n
from advisor.i18n import N_

KIB = 1024
MIB = 1024 * KIB


_wording = threading.local()


def tr(message: str, /, **values: object) -> str:
    """`i18n.tr()`, except while a message catalogue is being read: a problem found in a
    catalogue cannot be worded through the catalogues, so it stays English."""
    if getattr(_wording, "busy", False):
        return message.format(**values) if values else message
    _wording.busy = True
    try:
        return i18n.tr(message, **values)
    finally:
        _wording.busy = False


@dataclass(frozen=True)
class Limits:
    """What one kind of file may hold; `kind` names it in messages ("a workload file is ...")."""

    kind: str
    max_bytes: int
    # Values (scalars, lists, mappings) once a YAML file's aliases are expanded. Counted while
    # composing, so an alias bomb ("billion laughs") is refused before it expands; the code
    # that walks the data afterwards (json.dumps, pydantic) costs time in proportion.
    max_values: int


# --- limits ---------------------------------------------------------------------------------
# YAML is read by PyYAML's pure-Python parser (the C one cannot count values while it composes
# them) at about 0.7 MB/s and 60,000 values/s, so these caps are also caps on time. JSON is
# read by the C parser, more than 100 times faster, and has no aliases: its size bounds it.
#
# The presets are about 1 KiB and state ~100 values; a file stating every field with long notes
# (at most 20,000 characters) and comments stays far below 256 KiB (~0.3 s to parse).
WORKLOAD = Limits(N_("workload file"), max_bytes=256 * KIB, max_values=5_000)
# The largest rule file is 15 KiB with ~930 values, the 15 shipped files ~8,300 together: a
# rulebook written as one file still fits, and 20,000 values parse in about 0.3 s.
RULE_FILE = Limits(N_("rule file"), max_bytes=512 * KIB, max_values=20_000)
# One precedent is about 2 KiB with ~40 values (256 KiB was the precedent loader's cap before).
PRECEDENT = Limits(N_("precedent file"), max_bytes=256 * KIB, max_values=5_000)
# assets/versions.yaml is under 1 KiB with ~30 values.
CATALOGUE = Limits(N_("message catalogue"), max_bytes=2 * MIB, max_values=50_000)
VERSION_TABLE = Limits(N_("version table"), max_bytes=64 * KIB, max_values=1_000)
# A probe of one broker saves 2-20 KB of JSON with 50-500 values; 8 MiB holds hundreds of
# results and still parses and validates in about a second.
PROBE_RESULTS = Limits(N_("probe results file"), max_bytes=8 * MIB, max_values=1_000_000)

# Aliases (*name) a YAML file may use: none of the shipped files uses one.
MAX_ALIASES = 1_000
# How deep lists and mappings may nest. Rule files nest 10 levels, workloads 3; the parsers,
# json.dumps, pydantic and the rule compiler recurse once per level and Python stops at 1,000.
MAX_DEPTH = 64
# How much of a value an error message quotes (the rest is counted, not shown).
MAX_SHOWN_CHARS = 80
# How long one problem line may be: the longest real one lists the 48 workload fields (~830).
MAX_PROBLEM_CHARS = 1_000
# How many problems an error lists (one per bad field; a file can have thousands).
MAX_PROBLEMS = 20


class LoadError(Exception):
    """A file that cannot be read or parsed; `problem` says what is wrong in one short line."""

    def __init__(
        self,
        path: Path | str,
        problem: str,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = str(path)
        self.problem = problem
        self.line = line
        self.column = column
        super().__init__(f"{self.path}: {problem}")


# --- showing values in messages -------------------------------------------------------------
# The invisible marks Persian wording uses (zero-width non-joiner, left-to-right and right-to-left
# marks, first-strong isolate and its end): kept in a problem line worded in a language other
# than English; none of them reorders text outside its isolate. Everything else is escaped.
WORDING_MARKS = frozenset("\u200c\u200e\u200f\u2068\u2069")


def escaped(text: str, limit: int = MAX_SHOWN_CHARS, keep: frozenset[str] = frozenset()) -> str:
    """Text for a message: control and other unprintable characters escaped (an escape
    sequence cannot reach the terminal), cut to `limit` characters with its length."""
    pieces: list[str] = []
    used = 0
    for char in text:
        printable = char.isprintable() or char in keep
        piece = char if printable else char.encode("unicode_escape").decode("ascii")
        if used + len(piece) > limit:
            return "".join(pieces) + f"… ({len(text):,} characters)"
        pieces.append(piece)
        used += len(piece)
    return "".join(pieces)


def shown(value: Any, limit: int = MAX_SHOWN_CHARS) -> str:
    """A value as Python writes it (repr: quoted, unprintable characters escaped), cut short."""
    if isinstance(value, str):
        text = repr(value[: limit + 1])
        if len(value) <= limit and len(text) <= limit + 2:
            return text
        return text[:limit] + f"… ({len(value):,} characters)"
    text = repr(value)
    if len(text) <= limit:
        return text
    return text[:limit] + f"… ({len(text):,} characters)"


def clean_line(text: str) -> str:
    """One problem line for a message: escaped and cut to MAX_PROBLEM_CHARS (the marks of
    the wording kept, when it is not English)."""
    return escaped(text, MAX_PROBLEM_CHARS, _wording_marks())


def _wording_marks() -> frozenset[str]:
    return WORDING_MARKS if i18n.language() != "en" else frozenset()


def tidy(problems: Iterable[str]) -> list[str]:
    """At most MAX_PROBLEMS clean lines, and how many more there were."""
    kept: list[str] = []
    more = 0
    for problem in problems:
        if len(kept) < MAX_PROBLEMS:
            kept.append(clean_line(problem))
        else:
            more += 1
    if more:
        if more > 1:
            kept.append(tr("… and {count} more problems", count=f"{more:,}"))
        else:
            kept.append(tr("… and {count} more problem", count=f"{more:,}"))
    return kept


def _size(count: int) -> str:
    if count >= MIB:
        return f"{count / MIB:,.1f} MiB"
    if count >= KIB:
        return f"{count / KIB:,.0f} KiB"
    return tr("{count} bytes", count=count)


# --- reading --------------------------------------------------------------------------------
def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is refused, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return tr("cannot be read: {reason}", reason=os.strerror(errno.EISDIR))
    if stat.S_ISFIFO(mode):
        kind = N_("a named pipe (FIFO)")
    elif stat.S_ISCHR(mode):
        kind = N_("a character device")
    elif stat.S_ISBLK(mode):
        kind = N_("a block device")
    elif stat.S_ISSOCK(mode):
        kind = N_("a socket")
    else:
        kind = N_("a special file")
    return tr("cannot be read: it is {kind}, not a regular file", kind=tr(kind))


def _os_problem(error: OSError) -> str:
    return tr("cannot be read: {reason}", reason=error.strerror or error)


def read_bytes(path: Path | str, limits: Limits) -> bytes:
    """The bytes of a regular file of at most `limits.max_bytes`.

    Devices, FIFOs and directories are refused before the file is opened (reading /dev/zero
    never ends, opening a FIFO waits for a writer), and the file is opened non-blocking and
    checked again, in case another file was put in its place in between.
    """
    try:
        info = os.stat(path)
    except OSError as error:
        raise LoadError(path, _os_problem(error)) from None
    refused = _not_regular(info.st_mode)
    if refused:
        raise LoadError(path, refused)
    max_bytes = limits.max_bytes
    if info.st_size > max_bytes:
        raise LoadError(
            path,
            tr(
                "too large: a {kind} is at most {limit}, this one is {size}",
                kind=tr(limits.kind),
                limit=_size(max_bytes),
                size=_size(info.st_size),
            ),
        )
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise LoadError(path, _os_problem(error)) from None
    chunks: list[bytes] = []
    try:
        refused = _not_regular(os.fstat(fd).st_mode)
        if refused:
            raise LoadError(path, refused)
        left = max_bytes + 1  # one byte more tells a file that grew past the cap
        while left > 0:
            chunk = os.read(fd, min(left, MIB))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as error:
        raise LoadError(path, _os_problem(error)) from None
    finally:
        os.close(fd)
    if left <= 0:
        raise LoadError(
            path,
            tr(
                "too large: a {kind} is at most {limit}, this one is larger",
                kind=tr(limits.kind),
                limit=_size(max_bytes),
            ),
        )
    return b"".join(chunks)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text, or a LoadError naming the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LoadError(
            path,
            tr(
                "not UTF-8 text (byte {byte}): not a text file, or saved in another encoding",
                byte=error.start,
            ),
        ) from None


def read_text(path: Path | str, limits: Limits) -> str:
    """The UTF-8 text of a regular file within `limits.max_bytes` (see read_bytes)."""
    return decode(read_bytes(path, limits), path)


# --- YAML -----------------------------------------------------------------------------------
def _tag(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


class BoundedLoader(yaml.SafeLoader):
    """A safe YAML loader that bounds nesting, aliases and expanded size while composing, refuses
    a key given twice and a key that is a list or mapping, and reports a value its tag cannot
    read (`!!int` with no value, a 13th month) as a YAML error with its line."""

    def __init__(self, stream: str, max_values: int = WORKLOAD.max_values) -> None:
        super().__init__(stream)
        self._max_values = max_values
        self._depth = 0
        self._nodes = 0
        self._aliases = 0
        # Expanded size of every complete node, so that an alias costs its target's size.
        self._sizes: dict[yaml.Node, int] = {}

    def _refuse(self, problem: str, mark: yaml.Mark | None) -> yaml.composer.ComposerError:
        return yaml.composer.ComposerError(None, None, problem, mark)

    def _count(self, nodes: int, mark: yaml.Mark | None) -> None:
        self._nodes += nodes
        if self._nodes > self._max_values:
            raise self._refuse(
                tr(
                    "more than {count} values once aliases (*name) are expanded; "
                    "a file this large or repetitive is refused",
                    count=f"{self._max_values:,}",
                ),
                mark,
            )

    def _next_event(self) -> Any:
        return self.peek_event()  # type: ignore[no-untyped-call]  # untyped in types-PyYAML

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self._next_event()
            target = self.anchors.get(event.anchor)
            if target is not None:  # an unknown alias is the composer's own error
                size = self._sizes.get(target)
                if size is None:
                    raise self._refuse(
                        tr(
                            "the alias {alias} refers to a value that contains it",
                            alias=f"*{escaped(str(event.anchor))}",
                        ),
                        event.start_mark,
                    )
                self._aliases += 1
                if self._aliases > MAX_ALIASES:
                    raise self._refuse(
                        tr(
                            "more than {count} aliases (*name) are used",
                            count=f"{MAX_ALIASES:,}",
                        ),
                        event.start_mark,
                    )
                self._count(size, event.start_mark)
            return super().compose_node(parent, index)
        if self._depth >= MAX_DEPTH:
            raise self._refuse(
                tr("lists and mappings nest more than {depth} levels deep", depth=MAX_DEPTH),
                self._next_event().start_mark,
            )
        self._depth += 1
        before = self._nodes
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is None:
            return None
        self._count(1, node.start_mark)
        self._sizes[node] = self._nodes - before
        return node

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node: yaml.MappingNode = super().compose_mapping_node(anchor)
        for key, _value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self._refuse(
                    tr(
                        "a key must be a plain value such as a name, not a list or mapping "
                        "(as in {example})",
                        example="'? [a, b]'",
                    ),
                    key.start_mark,
                )
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as e:
            # PyYAML's constructors fail with Python's own errors on values their tag does not
            # fit; only a ValueError's text (int(), date()) says something to the reader.
            tag = _tag(node.tag)
            if isinstance(node, yaml.ScalarNode) and not node.value:
                problem = tr("{tag} is given no value", tag=tag)
            else:
                reason = escaped(str(e)) if isinstance(e, ValueError) and str(e) else ""
                if not isinstance(node, yaml.ScalarNode):
                    problem = tr("the value cannot be read as {tag}", tag=tag)
                    if reason:
                        problem = tr(
                            "the value cannot be read as {tag} ({reason})", tag=tag, reason=reason
                        )
                elif reason:
                    problem = tr(
                        "{value} cannot be read as {tag} ({reason})",
                        value=shown(node.value),
                        tag=tag,
                        reason=reason,
                    )
                else:
                    problem = tr(
                        "{value} cannot be read as {tag}", value=shown(node.value), tag=tag
                    )
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    seen: set[Any] = set()
    for key_node, _value in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, tr("field {name} is given twice", name=shown(key)), key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


BoundedLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)
# YAML 1.1 reads 1e7 (no dot, no sign) as a string; people mean a number, as in YAML 1.2.
BoundedLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def parse_yaml(text: str, path: Path | str = "<input>", limits: Limits = WORKLOAD) -> Any:
    """The data of one YAML document, or a LoadError saying where and what is wrong."""
    try:
        loader = BoundedLoader(text, limits.max_values)  # a SafeLoader subclass
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = escaped(
            error.problem or error.context or "unreadable", MAX_PROBLEM_CHARS // 2, _wording_marks()
        )
        if mark is None:
            raise LoadError(path, tr("invalid YAML: {problem}", problem=problem)) from None
        line, column = mark.line + 1, mark.column + 1
        raise LoadError(
            path,
            tr(
                "invalid YAML at line {line}, column {column}: {problem}",
                line=line,
                column=column,
                problem=problem,
            ),
            line,
            column,
        ) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        character = (
            f"#x{error.character:04x}" if isinstance(error.character, int) else error.character
        )
        raise LoadError(
            path,
            tr(
                "invalid YAML at line {line}, column {column}: character {character} is not "
                "allowed (control characters must be written as escapes in double quotes)",
                line=line,
                column=column,
                character=character,
            ),
            line,
            column,
        ) from None
    except yaml.YAMLError as error:
        raise LoadError(
            path, tr("invalid YAML: {problem}", problem=escaped(str(error), MAX_PROBLEM_CHARS))
        ) from None
    except RecursionError:
        raise LoadError(
            path,
            tr(
                "invalid YAML: {problem}",
                problem=tr(
                    "lists and mappings nest more than {depth} levels deep", depth=MAX_DEPTH
                ),
            ),
        ) from None


# --- JSON -----------------------------------------------------------------------------------
def _json_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(tr("field {name} is given twice", name=shown(key)))
        data[key] = value
    return data


def _json_too_deep() -> str:
    return tr("invalid JSON: lists and objects nest more than {depth} levels deep", depth=MAX_DEPTH)


def _check_json(data: Any, path: Path | str, max_values: int) -> None:
    """Refuse JSON that nests deeper than MAX_DEPTH or holds more than max_values values."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    values = 1
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise LoadError(path, _json_too_deep())
        children = value.values() if isinstance(value, dict) else value
        values += len(children)
        if values > max_values:
            raise LoadError(
                path, tr("invalid JSON: more than {count} values", count=f"{max_values:,}")
            )
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))


def parse_json(text: str, path: Path | str = "<input>", limits: Limits = WORKLOAD) -> Any:
    """The data of a JSON text, or a LoadError saying where and what is wrong."""
    try:
        data = json.loads(text, object_pairs_hook=_json_without_duplicates)
    except json.JSONDecodeError as error:
        raise LoadError(
            path,
            tr(
                "invalid JSON at line {line}, column {column}: {problem}",
                line=error.lineno,
                column=error.colno,
                problem=error.msg,
            ),
            error.lineno,
            error.colno,
        ) from None
    except RecursionError:
        raise LoadError(path, _json_too_deep()) from None
    except ValueError as error:  # a key given twice, an integer of more than 4,300 digits
        raise LoadError(
            path, tr("invalid JSON: {problem}", problem=escaped(str(error), MAX_PROBLEM_CHARS))
        ) from None
    if isinstance(data, dict | list):
        _check_json(data, path, limits.max_values)
    return data


# --- files ----------------------------------------------------------------------------------
def load_yaml(path: Path | str, limits: Limits) -> Any:
    """The data of a YAML file, bounded in size, values (aliases expanded) and nesting."""
    return parse_yaml(read_text(path, limits), path, limits)


def load_json(path: Path | str, limits: Limits) -> Any:
    """The data of a JSON file, bounded in size, values and nesting."""
    return parse_json(read_text(path, limits), path, limits)


def load_data(path: Path | str, limits: Limits) -> Any:
    """The data of a JSON file (suffix .json) or else a YAML file."""
    if Path(path).suffix.lower() == ".json":
        return load_json(path, limits)
    return load_yaml(path, limits)
