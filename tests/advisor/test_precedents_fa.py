"""The precedents in Persian: every title and reason translated, mistakes named, views worded."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from advisor import engine, i18n, paths, precedents, views
from advisor.precedents import PrecedentError
from advisor.workload import parse_workload

ROOT = Path(__file__).resolve().parents[2]
ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_DIGIT = re.compile(r"[0-9]")
LIBRARY = precedents.load_precedents()
FOLDER = paths.assets_dir() / "precedents"
# A workload whose nearest precedents include teams that left a broker (DoorDash, Sentry).
CELERY_AT_ITS_LIMIT = {
    "task_framework": "celery",
    "uses_celery": True,
    "languages": ["python"],
    "leaving": "rabbitmq",
    "leaving_because": ["outages_under_load", "connection_churn"],
}


def test_every_precedent_has_its_persian_title_and_reasons() -> None:
    persian = precedents.texts("fa")
    assert sorted(persian) == sorted(p.id for p in LIBRARY)
    assert sorted(p.stem for p in (FOLDER / "fa").glob("*.yaml")) == sorted(persian)
    for item in LIBRARY:
        text = persian[item.id]
        assert len(text.reasons) == len(item.reasons), item.id
        for words in (text.title, *text.reasons):
            assert ARABIC_LETTER.search(words), (item.id, words)
            assert words not in (item.title, *item.reasons), (item.id, words)


def test_the_persian_files_hold_only_the_title_and_the_reasons() -> None:
    for path in sorted((FOLDER / "fa").glob("*.yaml")):
        keys = [line.split(":")[0] for line in path.read_text(encoding="utf-8").splitlines()]
        assert {k for k in keys if k and not k.startswith(("#", " "))} == {"title", "reasons"}


def test_english_texts_are_the_library_s_own() -> None:
    english = precedents.texts("en")
    for item in LIBRARY:
        assert english[item.id].title == item.title
        assert english[item.id].reasons == item.reasons


def _copy_library(tmp_path: Path, count: int = 2) -> tuple[Path, list[precedents.Precedent]]:
    """The first `count` precedents with their Persian files, copied to a folder of their own."""
    (tmp_path / "fa").mkdir()
    for item in LIBRARY[:count]:
        shutil.copy(FOLDER / f"{item.id}.yaml", tmp_path / f"{item.id}.yaml")
        shutil.copy(FOLDER / "fa" / f"{item.id}.yaml", tmp_path / "fa" / f"{item.id}.yaml")
    return tmp_path / "fa", precedents.load_precedents_from(tmp_path)


def test_a_copied_library_loads_its_persian_texts(tmp_path: Path) -> None:
    folder, library = _copy_library(tmp_path)
    texts = precedents.load_texts_from(folder, library, "fa")
    assert texts == {p.id: precedents.texts("fa")[p.id] for p in library}


def test_a_precedent_without_its_persian_file_is_named(tmp_path: Path) -> None:
    folder, library = _copy_library(tmp_path)
    missing = folder / f"{library[1].id}.yaml"
    missing.unlink()
    with pytest.raises(PrecedentError) as caught:
        precedents.load_texts_from(folder, library, "fa")
    assert caught.value.path == str(missing)
    assert "missing" in caught.value.problems[0] and "Persian" in caught.value.problems[0]


def test_a_missing_reason_is_named_with_both_counts(tmp_path: Path) -> None:
    folder, library = _copy_library(tmp_path)
    path = folder / f"{library[0].id}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # the last reason gone
    with pytest.raises(PrecedentError) as caught:
        precedents.load_texts_from(folder, library, "fa")
    assert caught.value.path == str(path)
    count = len(library[0].reasons)
    assert caught.value.problems == [
        f"reasons: {count - 1} given, but the English file has {count} (same count and order)"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda text: text + "organisation: دوردش\n", "organisation: Extra inputs"),
        (lambda text: text + "workload:\n  name: x\n", "workload: Extra inputs"),
        (lambda text: re.sub(r"(?m)^title: .*\n", "", text), "title: Field required"),
        (lambda text: text.replace("  - ", '  - ""\n  - ', 1), "reasons"),
        (lambda text: "- title\n", "expected a mapping"),
        (lambda text: "title: [\n", "invalid YAML"),
    ],
)
def test_a_wrong_persian_file_is_named_with_its_problem(
    tmp_path: Path, change: object, expected: str
) -> None:
    folder, library = _copy_library(tmp_path)
    path = folder / f"{library[0].id}.yaml"
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")  # type: ignore[operator]
    with pytest.raises(PrecedentError) as caught:
        precedents.load_texts_from(folder, library, "fa")
    assert caught.value.path == str(path)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


def test_an_empty_reason_is_refused(tmp_path: Path) -> None:
    folder, library = _copy_library(tmp_path)
    path = folder / f"{library[0].id}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'(?m)^  - ".*"$', '  - " "', text, count=1), encoding="utf-8")
    with pytest.raises(PrecedentError, match=r"empty text: reasons\[0\]"):
        precedents.load_texts_from(folder, library, "fa")


def test_a_persian_file_without_its_precedent_is_named_with_a_suggestion(tmp_path: Path) -> None:
    folder, library = _copy_library(tmp_path)
    stray = folder / f"{library[0].id}x.yaml"
    shutil.copy(folder / f"{library[0].id}.yaml", stray)
    with pytest.raises(PrecedentError) as caught:
        precedents.load_texts_from(folder, library, "fa")
    assert caught.value.path == str(stray)
    assert f"did you mean '{library[0].id}'?" in caught.value.problems[0]


def test_english_never_reads_the_persian_folder(tmp_path: Path) -> None:
    folder, library = _copy_library(tmp_path)
    (folder / f"{library[0].id}.yaml").write_text("title: [\n", encoding="utf-8")
    english = precedents.load_texts_from(folder, library, "en")
    assert english[library[0].id].title == library[0].title


def test_the_precedent_views_are_persian_in_persian() -> None:
    rec = engine.recommend(parse_workload(CELERY_AT_ITS_LIMIT), what_if=False)
    english = views.precedent_views(rec)
    with i18n.using("fa"):
        persian = views.precedent_views(rec)
    assert len(persian) == len(english) == 3
    assert any(seen.headline.endswith("را کنار گذاشت") for seen in persian)
    for en, fa in zip(english, persian, strict=True):
        assert (fa.id, fa.broker, fa.source, fa.agrees) == (en.id, en.broker, en.source, en.agrees)
        for words in (fa.headline, fa.title, *fa.reasons):
            assert ARABIC_LETTER.search(words), words
        assert fa.title == precedents.texts("fa")[fa.id].title
        assert fa.reasons == precedents.texts("fa")[fa.id].reasons
        # Organisation names stay as written; the year and the percentage in Persian digits.
        organisation = next(p.organisation for p in LIBRARY if p.id == fa.id)
        assert fa.headline.startswith(organisation + " (")
        assert not LATIN_DIGIT.search(fa.headline.removeprefix(organisation))
        assert fa.similarity.endswith("٪") and not LATIN_DIGIT.search(fa.similarity)
        assert fa.similarity[:-1] == en.similarity[:-1].translate(i18n.PERSIAN_DIGITS)


def test_the_english_views_are_unchanged() -> None:
    rec = engine.recommend(parse_workload(CELERY_AT_ITS_LIMIT), what_if=False)
    for seen, item in zip(views.precedent_views(rec), rec.precedents, strict=True):
        left = f", leaving {item.left.title}" if item.left else ""
        assert seen.headline == f"{item.organisation} ({item.year}) chose {item.broker.title}{left}"
        assert seen.similarity == f"{item.similarity * 100:.0f}%"
        assert (seen.title, seen.reasons) == (item.title, item.reasons)
        assert not ARABIC_LETTER.search(seen.title + "".join(seen.reasons))


def test_a_recommendation_made_in_persian_carries_persian_precedents_with_the_same_match() -> None:
    workload = parse_workload(CELERY_AT_ITS_LIMIT)
    english = engine.recommend(workload, what_if=False)
    with i18n.using("fa"):
        persian = engine.recommend(workload, what_if=False)
        worded_again = views.precedent_views(persian)
    assert [(p.id, p.similarity) for p in persian.precedents] == [
        (p.id, p.similarity) for p in english.precedents
    ]
    assert all(ARABIC_LETTER.search(p.title) for p in persian.precedents)
    # Viewed in English, a Persian recommendation's precedents are worded in English again.
    assert [v.title for v in views.precedent_views(persian)] == [
        p.title for p in english.precedents
    ]
    assert [v.title for v in worded_again] == [p.title for p in persian.precedents]


def test_the_headline_messages_have_their_persian() -> None:
    catalogue = i18n.catalogue("fa")
    for message in (
        "{organisation} ({year}) chose {broker}",
        "{organisation} ({year}) chose {broker}, leaving {left}",
        "{percent}%",
    ):
        assert ARABIC_LETTER.search(catalogue[message]) or "٪" in catalogue[message], message


def test_the_wheel_ships_the_persian_precedents() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["data-files"]
    assert shipped["share/broker-advisor/assets/precedents/fa"] == ["assets/precedents/fa/*.yaml"]
    # The headline and similarity wording (assets/i18n/fa/precedents.yaml) too.
    assert shipped["share/broker-advisor/assets/i18n/fa"] == ["assets/i18n/fa/*.yaml"]


def test_the_precedents_command_lists_persian_titles(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor import cli

    monkeypatch.setenv(i18n.ENV_VAR, "fa")
    try:
        assert cli.main(["precedents"]) == 0
    finally:
        i18n.set_language("en")
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) == len(LIBRARY)
    persian = precedents.texts("fa")
    for line, item in zip(lines, LIBRARY, strict=True):
        assert line.endswith(f"{item.organisation} ({item.year}): {persian[item.id].title}")
