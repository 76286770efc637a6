"""The presets in Persian: each one's name and notes translated, mistakes named, values kept."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from advisor import i18n, paths, presets, safe_load
from advisor.presets import PresetTextError
from advisor.workload import WorkloadFileError, load_workload

ROOT = Path(__file__).resolve().parents[2]
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
FOLDER = paths.presets_dir()
NAMES = sorted(p.stem for p in FOLDER.glob("*.yaml"))


def test_every_preset_has_its_persian_name_and_notes() -> None:
    texts = presets.check_texts()
    assert sorted(texts) == NAMES and len(NAMES) >= 11
    assert sorted(p.stem for p in (FOLDER / "fa").glob("*.yaml")) == NAMES
    for name, text in texts.items():
        english = load_workload(FOLDER / f"{name}.yaml")
        assert ARABIC_LETTER.search(text.name) and ARABIC_LETTER.search(text.notes), name
        assert (text.name, text.notes) != (english.name, english.notes)


@pytest.mark.parametrize("name", NAMES)
def test_a_preset_in_persian_changes_only_its_name_and_notes(name: str) -> None:
    path = FOLDER / f"{name}.yaml"
    raw = safe_load.load_data(path, safe_load.WORKLOAD)
    assert presets.preset_values(path, "en") == raw
    with i18n.using("fa"):
        persian = presets.preset_values(path)
        workload = presets.load_preset(path)
    assert {k: v for k, v in persian.items() if k not in ("name", "notes")} == {
        k: v for k, v in raw.items() if k not in ("name", "notes")
    }
    assert ARABIC_LETTER.search(persian["name"]) and ARABIC_LETTER.search(persian["notes"])
    assert (workload.name, workload.notes) == (persian["name"], persian["notes"])
    english = load_workload(path)
    assert workload.model_dump(exclude={"name", "notes"}) == english.model_dump(
        exclude={"name", "notes"}
    )
    assert workload.model_fields_set == english.model_fields_set


def test_english_is_the_preset_file_as_it_is() -> None:
    path = FOLDER / "order-processing.yaml"
    assert presets.load_preset(path) == load_workload(path)
    assert presets.load_preset(path).name == "Order processing with retries and dead-lettering"


def _copy_presets(tmp_path: Path, names: tuple[str, ...] = ("audit-log", "iot-telemetry")) -> Path:
    (tmp_path / "fa").mkdir()
    for name in names:
        shutil.copy(FOLDER / f"{name}.yaml", tmp_path / f"{name}.yaml")
        shutil.copy(FOLDER / "fa" / f"{name}.yaml", tmp_path / "fa" / f"{name}.yaml")
    return tmp_path


def test_a_preset_without_its_persian_file_is_named(tmp_path: Path) -> None:
    folder = _copy_presets(tmp_path)
    missing = folder / "fa" / "iot-telemetry.yaml"
    missing.unlink()
    with pytest.raises(PresetTextError) as caught:
        presets.check_texts(folder)
    assert caught.value.path == str(missing)
    assert caught.value.problems == ["missing: every preset needs its Persian name and notes"]
    with i18n.using("fa"), pytest.raises(PresetTextError):
        presets.load_preset(folder / "iot-telemetry.yaml")
    # Whatever reports a workload file that cannot be opened reports this too.
    assert issubclass(PresetTextError, WorkloadFileError)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda text: text + "avg_rate_msg_per_s: 5\n", "avg_rate_msg_per_s: Extra inputs"),
        (lambda text: re.sub(r"(?m)^name: .*\n", "", text), "name: Field required"),
        (lambda text: re.sub(r"(?m)^notes: .*\n", "", text), "notes: missing"),
        (lambda text: "- name\n", "expected a mapping"),
        (lambda text: "name: [\n", "invalid YAML"),
    ],
)
def test_a_wrong_persian_file_is_named_with_its_problem(
    tmp_path: Path, change: object, expected: str
) -> None:
    folder = _copy_presets(tmp_path)
    path = folder / "fa" / "audit-log.yaml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    for attempt in (
        lambda: presets.check_texts(folder),
        lambda: presets.preset_values(folder / "audit-log.yaml", "fa"),
    ):
        with pytest.raises(PresetTextError) as caught:
            attempt()
        assert caught.value.path == str(path)
        assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_a_persian_file_without_its_preset_is_named_with_a_suggestion(tmp_path: Path) -> None:
    folder = _copy_presets(tmp_path)
    stray = folder / "fa" / "audit-logs.yaml"
    shutil.copy(folder / "fa" / "audit-log.yaml", stray)
    with pytest.raises(PresetTextError) as caught:
        presets.check_texts(folder)
    assert caught.value.path == str(stray)
    assert "did you mean 'audit-log'?" in caught.value.problems[0]


def test_a_preset_of_one_s_own_keeps_its_name_in_persian(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("name: My queue\nnotes: Mine.\navg_rate_msg_per_s: 10\n", encoding="utf-8")
    with i18n.using("fa"):
        assert presets.load_preset(path).name == "My queue"


def test_an_unreadable_preset_is_a_workload_file_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(WorkloadFileError, match="expected a mapping"):
        presets.load_preset(path, "fa")


def test_the_wheel_ships_the_persian_presets() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["data-files"]
    assert shipped["share/broker-advisor/assets/presets/fa"] == ["assets/presets/fa/*.yaml"]


def test_the_cli_words_a_builtin_preset_in_the_language() -> None:
    from advisor import i18n, paths, presets

    path = paths.presets_dir() / "order-processing.yaml"
    with i18n.using("fa"):
        persian = presets.load_workload_file(path)
    english = presets.load_workload_file(path)
    assert english.name == "Order processing with retries and dead-lettering"
    assert persian.name != english.name
    assert persian.model_dump(exclude={"name", "notes"}) == english.model_dump(
        exclude={"name", "notes"}
    )
