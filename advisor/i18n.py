"""The interface language: English (the default) or Persian.

Chosen, first match wins, by the CLI's `--lang`, the app's preference, the environment variable
`BROKER_ADVISOR_LANG`, then the system locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `fa_IR.UTF-8`
means Persian); anything else is English. The core reads `language()` wherever it words text for
a user: the guide, the rulebook's texts, CLI output and reports. Messages worded in code go
through `tr()`, whose Persian texts live in `assets/i18n/fa.yaml` (keyed by the English text).
"""

from __future__ import annotations

import functools
import os
import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal

Language = Literal["en", "fa"]
LANGUAGES: tuple[Language, ...] = ("en", "fa")
LANGUAGE_NAMES: dict[Language, str] = {"en": "English", "fa": "فارسی"}
ENV_VAR = "BROKER_ADVISOR_LANG"

_current: list[Language] = []


class LanguageError(ValueError):
    """A language code the product does not ship."""

    def __init__(self, value: str, source: str) -> None:
        from advisor import safe_load

        self.value = safe_load.escaped(value, 40)
        self.source = source
        super().__init__(
            f"{source}: unknown language {self.value!r}; choose one of {', '.join(LANGUAGES)}"
        )


def parse(value: str, source: str = "language") -> Language:
    """A language code from user input ("fa", "FA", "fa_IR.UTF-8", "en-GB")."""
    code = value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]
    if code in LANGUAGES:
        return code
    raise LanguageError(value, source)


def stated(environ: Mapping[str, str] | None = None) -> Language | None:
    """The language asked for explicitly: `--lang` (which sets `BROKER_ADVISOR_LANG` for this
    process and its children) or the variable itself; None when neither says.

    The app puts its preference between this and the system locale.
    """
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_VAR, "").strip()
    return parse(chosen, ENV_VAR) if chosen else None


def from_environment(environ: Mapping[str, str] | None = None) -> Language:
    """`BROKER_ADVISOR_LANG` if set (a wrong value is an error), else the system locale."""
    env = os.environ if environ is None else environ
    chosen = env.get(ENV_VAR, "").strip()
    if chosen:
        return parse(chosen, ENV_VAR)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:
            # The first locale variable that is set decides, as in POSIX.
            return "fa" if value.lower().startswith("fa") else "en"
    return "en"


def language() -> Language:
    """The language text is worded in now."""
    return _current[-1] if _current else "en"


def set_language(lang: Language | str) -> Language:
    """Set the language for the rest of the process (the CLI's --lang, the app's start)."""
    chosen = parse(lang) if isinstance(lang, str) else lang
    _current[:] = [chosen]
    return chosen


@contextmanager
def using(lang: Language | str) -> Iterator[Language]:
    """Word text in `lang` inside the block (a report in another language, a test)."""
    chosen = parse(lang)
    _current.append(chosen)
    try:
        yield chosen
    finally:
        _current.pop()


def is_rtl(lang: Language | None = None) -> bool:
    """Whether the language is written right to left."""
    return (lang or language()) == "fa"


def direction(lang: Language | None = None) -> Literal["ltr", "rtl"]:
    """The HTML `dir` value for the language."""
    return "rtl" if is_rtl(lang) else "ltr"


@functools.cache
def catalogue(lang: Language) -> dict[str, str]:
    """Messages worded in code, English text to translation (empty for English).

    Every `assets/i18n/<lang>/*.yaml` holds `messages:` (English text: translation), one file per
    part of the product; a message translated in two files is an error.
    """
    if lang == "en":
        return {}
    from advisor import paths, safe_load

    merged: dict[str, str] = {}
    folder = paths.assets_dir() / "i18n" / lang
    for path in sorted(folder.glob("*.yaml")):
        data: Any = safe_load.load_yaml(path, safe_load.CATALOGUE)
        messages = data.get("messages", {}) if isinstance(data, dict) else None
        if not isinstance(messages, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in messages.items()
        ):
            raise CatalogueError(path, f"'messages' must map English text to {lang} text")
        for key, value in messages.items():
            if key in merged:
                raise CatalogueError(path, f"{key[:60]!r} is translated in another file too")
            if _fields(key) != _fields(value):
                raise CatalogueError(path, f"{key[:60]!r}: the translation's {{fields}} differ")
            merged[key] = value
    return merged


class CatalogueError(ValueError):
    """A message catalogue that is invalid; names the file and the problem."""

    def __init__(self, path: object, problem: str) -> None:
        from advisor import safe_load

        self.path = str(path)
        self.problem = safe_load.clean_line(problem)
        super().__init__(f"{self.path}: {self.problem}")


def _fields(text: str) -> set[str]:
    """The `{name}` fields a message fills (escaped `{{` braces are not fields)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def tr(message: str, /, **values: object) -> str:
    """`message` in the current language, with `{name}` fields filled from `values`."""
    text = catalogue(language()).get(message, message)
    return text.format(**values) if values else text


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; `tr()` translates it where shown."""
    return message


PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
LATIN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def latin_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII ones (for search and parsing)."""
    return text.translate(LATIN_DIGITS)
