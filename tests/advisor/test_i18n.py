"""The interface language: choosing it, the message catalogues, the guide in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor import guide, i18n
from tests.languages import persian as _persian
from tests.languages import run_cli as _cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "expected"), [("fa", "fa"), ("FA", "fa"), ("fa_IR.UTF-8", "fa"), ("en-GB", "en")]
)
def test_language_codes_are_read_loosely(value: str, expected: str) -> None:
    assert i18n.parse(value) == expected


def test_an_unknown_language_is_named() -> None:
    with pytest.raises(i18n.LanguageError, match=r"--lang: unknown language 'de'.*en, fa"):
        i18n.parse("de", "--lang")


def test_the_variable_wins_over_the_locale_and_the_locale_over_english() -> None:
    assert i18n.from_environment({}) == "en"
    assert i18n.from_environment({"LANG": "fa_IR.UTF-8"}) == "fa"
    assert i18n.from_environment({"LANG": "de_DE.UTF-8"}) == "en"
    # POSIX order: LC_ALL before LC_MESSAGES before LANG.
    assert i18n.from_environment({"LC_ALL": "C.UTF-8", "LANG": "fa_IR.UTF-8"}) == "en"
    assert i18n.from_environment({"LC_MESSAGES": "fa_IR", "LANG": "en_US"}) == "fa"
    env = {i18n.ENV_VAR: "en", "LANG": "fa_IR.UTF-8"}
    assert i18n.from_environment(env) == "en"
    assert i18n.stated(env) == "en"
    assert i18n.stated({"LANG": "fa_IR.UTF-8"}) is None
    with pytest.raises(i18n.LanguageError, match=i18n.ENV_VAR):
        i18n.from_environment({i18n.ENV_VAR: "xx"})


def test_using_a_language_is_scoped() -> None:
    assert i18n.language() == "en"
    with i18n.using("fa"):
        assert i18n.language() == "fa" and i18n.is_rtl() and i18n.direction() == "rtl"
        with i18n.using("en"):
            assert i18n.direction() == "ltr"
        assert i18n.language() == "fa"
    assert i18n.language() == "en"


def test_catalogues_translate_and_keep_their_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from advisor import paths

    folder = tmp_path / "i18n" / "fa"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text('messages:\n  "{n} queues": "{n} صف"\n', encoding="utf-8")
    monkeypatch.setattr(paths, "assets_dir", lambda: tmp_path)
    i18n.catalogue.cache_clear()
    try:
        with i18n.using("fa"):
            assert i18n.tr("{n} queues", n=3) == "3 صف"
            assert i18n.tr("not translated") == "not translated"
        assert i18n.tr("{n} queues", n=3) == "3 queues"
        (folder / "b.yaml").write_text('messages:\n  "{n} queues": "صف"\n', encoding="utf-8")
        i18n.catalogue.cache_clear()
        with pytest.raises(i18n.CatalogueError, match="translated in another file"):
            i18n.catalogue("fa")
        (folder / "b.yaml").write_text('messages:\n  "{n} topics": "topic"\n', encoding="utf-8")
        i18n.catalogue.cache_clear()
        with pytest.raises(i18n.CatalogueError, match=r"fields\} differ"):
            i18n.catalogue("fa")
    finally:
        i18n.catalogue.cache_clear()


def test_the_shipped_catalogues_load() -> None:
    messages = i18n.catalogue("fa")
    # Persian, or a deliberate Latin form: "{n} broker" (Persian counts take the singular), or
    # a name kept as Persian developers write it (Redis, Sidekiq, "JavaScript / Node").
    untranslated = [
        english
        for english, text in messages.items()
        if not _persian(text) and text == english and len(english.split()) > 3
    ]
    assert not untranslated


def test_the_persian_guide_has_every_section_of_the_english_one() -> None:
    english, persian = guide.load_guide("en"), guide.load_guide("fa")
    assert [p.id for p in persian.parts] == [p.id for p in english.parts]
    for part in english.parts:
        assert persian.part(part.id).section_ids == part.section_ids  # type: ignore[union-attr]
    assert list(persian.sections) == list(english.sections)
    for section in persian.sections.values():
        assert _persian(section.title + section.body), section.id


def test_a_translation_missing_a_section_is_refused(tmp_path: Path) -> None:
    english = guide.load_guide("en")
    source = (ROOT / "assets/guide/fa/redis.md").read_text(encoding="utf-8")
    dropped = source.replace("{#redis.streams}", "{#redis.streamz}")
    (tmp_path / "redis.md").write_text(source, encoding="utf-8")
    with pytest.raises(guide.GuideError, match="no part 'rabbitmq'"):
        guide.check_translation(english, guide.load_guide_from(tmp_path), "fa")
    for name in ("rabbitmq", "kafka", "comparison"):
        (tmp_path / f"{name}.md").write_text(
            (ROOT / f"assets/guide/fa/{name}.md").read_text(encoding="utf-8"), encoding="utf-8"
        )
    (tmp_path / "redis.md").write_text(dropped, encoding="utf-8")
    with pytest.raises(guide.GuideError, match=r"'redis' lacks redis\.streams"):
        guide.check_translation(english, guide.load_guide_from(tmp_path), "fa")


def test_the_guide_follows_the_language() -> None:
    with i18n.using("fa"):
        assert _persian(guide.load_guide().section("redis.streams").body)
    assert not _persian(guide.load_guide().section("redis.streams").title)


def test_persian_search_folds_letter_forms_and_digits() -> None:
    persian = guide.load_guide("fa")
    assert persian.search("تکثیر")[0].id.endswith("replication")
    # Arabic yeh and kaf as typed on many keyboards, Persian digits for a port.
    assert persian.search("تكثير") == persian.search("تکثیر")
    assert persian.search("۶۳۷۹") == persian.search("6379") != []


def test_the_cli_speaks_the_language_asked_for() -> None:
    persian = _cli("--lang", "fa", "guide", "redis.streams")
    assert persian.returncode == 0 and _persian(persian.stdout)
    assert not _persian(_cli("guide", "redis.streams").stdout)
    assert _persian(_cli("guide", "redis.streams", env={"LANG": "fa_IR.UTF-8"}).stdout)
    assert not _persian(
        _cli("--lang=en", "guide", "redis.streams", env={"LANG": "fa_IR.UTF-8"}).stdout
    )
    bad = _cli("--lang", "klingon", "guide")
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: --lang: unknown language 'klingon'; choose one of en, fa"


def _messages_in_code() -> dict[str, str]:
    """Every literal message given to `tr()` or marked with `N_()` in advisor/, with its file."""
    import ast

    found: dict[str, str] = {}
    for path in sorted((ROOT / "advisor").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if name in ("tr", "N_") and literal:
                found.setdefault(first.value, str(path.relative_to(ROOT)))
    return found


def test_every_message_worded_in_code_has_its_persian() -> None:
    messages = _messages_in_code()
    assert len(messages) > 20
    catalogue = i18n.catalogue("fa")
    missing = {text: where for text, where in messages.items() if text not in catalogue}
    assert not missing, missing
