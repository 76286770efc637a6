"""argparse's own words ("usage:", "options", "show this help message and exit", its errors) in
the interface language.

argparse words those texts through the `_()` and `ngettext()` it imported from gettext, looked up
when each text is needed: while the parser is built (its group titles, the help option) and while
it parses (usage, errors). `worded()` routes them through `i18n.tr()` for that stretch, so
`broker-advisor --lang fa --help` and a usage error read in Persian; in English `tr()` returns
each text as it is, so the output stays byte for byte what argparse prints. The Persian texts live
in `assets/i18n/fa/argparse.yaml`, keyed by argparse's English.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from advisor import i18n

# What argparse says to a programmer who built a parser wrongly, never to a user of this one:
# left in English (tests compare this list with the texts of the running Python's argparse).
FOR_PROGRAMMERS = frozenset(
    {
        ".__call__() not defined",
        "'required' is an invalid argument for positionals",
        "mutually exclusive arguments must be optional",
        "%r is not callable",
        "cannot merge actions - two groups are named %r",
        "invalid option string %(option)r: must start with a character %(prefix_chars)r",
        "dest= is required for options like %r",
        "invalid conflict_resolution value: %r",
        "cannot have multiple subparser arguments",
        "conflicting subparser: %s",
        "conflicting subparser alias: %s",
        'argument "-" with mode %r',
        "conflicting option string: %s",
        "conflicting option strings: %s",
    }
)


def _gettext(message: str) -> str:
    # argparse also passes None (a subparsers group without a description).
    return i18n.tr(message) if isinstance(message, str) and message else message


def _ngettext(singular: str, plural: str, count: int) -> str:
    return i18n.tr(singular if count == 1 else plural)


@contextmanager
def worded() -> Iterator[None]:
    """argparse's texts in `i18n.language()` inside the block (build and run the parser in it)."""
    saved = getattr(argparse, "_"), getattr(argparse, "ngettext")  # noqa: B009
    setattr(argparse, "_", _gettext)  # noqa: B010
    setattr(argparse, "ngettext", _ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010
