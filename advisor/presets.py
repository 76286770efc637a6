"""The built-in presets (example workloads), their name and notes in the interface language."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from advisor import i18n, paths, safe_load
from advisor.workload import Workload, WorkloadFileError, parse_workload

# A preset's name and notes in another language live in a folder beside the presets
# (`assets/presets/fa/`), one file per preset under the same name, holding only those two texts:
# every value of the workload stays in the preset itself.
TEXT_FOLDERS: dict[i18n.Language, str] = {"fa": "fa"}
_LANGUAGE_WORDS: dict[i18n.Language, str] = {"en": "English", "fa": "Persian"}
PRESET_SUFFIXES = (".yaml", ".yml", ".json")


class PresetTextError(WorkloadFileError):
    """A preset's translated name and notes that are missing or invalid; names the file.

    A WorkloadFileError, so whatever reports a preset that cannot be opened reports this too.
    """


class PresetText(BaseModel):
    """A preset's name and notes in one language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=3, max_length=200, title="Name")
    notes: str = Field("", max_length=20_000, title="Notes")


def text_path(path: Path, lang: i18n.Language) -> Path | None:
    """Where a preset's texts in `lang` live; None for English, which the preset itself holds."""
    if lang == "en":
        return None
    return path.parent / TEXT_FOLDERS[lang] / f"{path.stem}.yaml"


def load_text(path: Path, english: dict[str, Any], lang: i18n.Language) -> PresetText:
    """One preset's texts in `lang` from `path`, checked against the preset's own values."""
    word = _LANGUAGE_WORDS[lang]
    if not path.is_file():
        raise PresetTextError(path, [f"missing: every preset needs its {word} name and notes"])
    try:
        raw = safe_load.load_yaml(path, safe_load.WORKLOAD)
    except safe_load.LoadError as error:
        raise PresetTextError(path, [error.problem]) from None
    if not isinstance(raw, dict):
        raise PresetTextError(path, [f"expected a mapping with the {word} 'name' and 'notes'"])
    try:
        text = PresetText.model_validate(raw)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(p) for p in item['loc']) or '(file)'}: {item['msg']}"
            for item in error.errors()
        ]
        raise PresetTextError(path, problems) from None
    problems = []
    if not text.name.strip():
        problems.append("name: empty")
    if str(english.get("notes") or "").strip() and not text.notes.strip():
        problems.append(f"notes: missing, but the preset has notes to word in {word}")
    if problems:
        raise PresetTextError(path, problems)
    return text


def preset_values(path: Path | str, lang: i18n.Language | None = None) -> dict[str, Any]:
    """A preset file's values, its name and notes in `lang` (by default the current language).

    Without a folder of texts in `lang` beside the preset (a preset of one's own), the file's
    own name and notes serve; with one, a missing or invalid text file is a PresetTextError.
    An unreadable preset raises WorkloadFileError, as any workload file does.
    """
    path = Path(path)
    chosen = lang or i18n.language()
    try:
        data = safe_load.load_data(path, safe_load.WORKLOAD)
    except safe_load.LoadError as error:
        raise WorkloadFileError(path, [error.problem]) from None
    if not isinstance(data, dict):
        parse_workload(data, path)  # raises, saying what the file holds instead of a mapping
        raise WorkloadFileError(path, ["expected a mapping of workload fields"])
    found = text_path(path, chosen)
    if found is None or not found.parent.is_dir():
        return dict(data)
    text = load_text(found, data, chosen)
    values = dict(data)
    values["name"] = text.name
    if text.notes or "notes" in data:
        values["notes"] = text.notes
    return values


def load_preset(path: Path | str, lang: i18n.Language | None = None) -> Workload:
    """A preset as a workload, its name and notes in `lang` (see `preset_values`)."""
    return parse_workload(preset_values(path, lang), path)


def load_workload_file(path: Path | str) -> Workload:
    """A workload file; a built-in preset named by its path gets its name and notes in the
    interface language (the values are the file's either way)."""
    from advisor.workload import load_workload

    try:
        builtin = Path(path).resolve().parent == paths.presets_dir().resolve()
    except OSError:
        builtin = False
    return load_preset(path) if builtin else load_workload(path)


def preset_paths(folder: Path | None = None) -> list[Path]:
    """The preset files of a folder (by default the built-in one), sorted by name."""
    folder = folder or paths.presets_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in PRESET_SUFFIXES)


def check_texts(folder: Path | None = None, lang: i18n.Language = "fa") -> dict[str, PresetText]:
    """Every preset's texts in `lang`, by file stem: each preset has its file, each file its
    preset, only `name` and `notes`. The first problem raises PresetTextError."""
    folder = folder or paths.presets_dir()
    presets = {p.stem: p for p in preset_paths(folder)}
    texts_folder = folder / TEXT_FOLDERS[lang]
    found = sorted(texts_folder.glob("*.yaml")) if texts_folder.is_dir() else []
    for path in found:
        if path.stem not in presets:
            close = difflib.get_close_matches(path.stem, sorted(presets), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise PresetTextError(path, [f"no preset '{path.stem}' in {folder}{hint}"])
    texts = {}
    for stem, path in presets.items():
        try:
            data = safe_load.load_data(path, safe_load.WORKLOAD)
        except safe_load.LoadError as error:
            raise WorkloadFileError(path, [error.problem]) from None
        english = data if isinstance(data, dict) else {}
        texts[stem] = load_text(texts_folder / f"{stem}.yaml", english, lang)
    return texts
