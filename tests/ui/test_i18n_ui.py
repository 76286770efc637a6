"""The app in Persian: a complete, current Qt catalogue, a right-to-left window with Persian menus
and digits, Solar Hijri dates and isolated Latin runs; English stays as it was."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QSpinBox

from advisor import i18n, paths
from ui import app as ui_app
from ui import bidi
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
TS = paths.assets_dir() / "i18n" / "broker_advisor_fa.ts"
QM = paths.assets_dir() / "i18n" / "broker_advisor_fa.qm"
PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")


def _tool(name: str) -> str:
    """A PySide6 tool from the virtualenv this test runs in (else from PATH)."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def _messages(path: Path) -> list[ET.Element]:
    return list(ET.parse(path).getroot().iter("message"))


def _lupdate(target: Path) -> None:
    # The options the catalogue is kept with: no line numbers (other edits would churn it), no
    # leftovers of texts that are gone.
    sources = sorted(str(p) for p in (ROOT / "ui").glob("*.py"))
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            *sources,
            "-ts",
            str(target),
            "-locations",
            "none",
            "-no-obsolete",
            "-source-language",
            "en",
            "-target-language",
            "fa",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_every_persian_message_is_translated_and_none_is_left_over() -> None:
    messages = _messages(TS)
    assert len(messages) > 400
    problems = []
    for message in messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        kind = translation.get("type")
        if kind in ("unfinished", "vanished", "obsolete") or not (translation.text or "").strip():
            problems.append((kind, source))
    assert problems == []


def test_the_catalogue_holds_every_text_of_the_sources(tmp_path: Path) -> None:
    """lupdate over ui/*.py adds nothing new: a text added to the code without a translation
    (or the .ts not updated) fails here, not in front of a Persian reader."""
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    _lupdate(copy)
    untranslated = [
        m.findtext("source")
        for m in _messages(copy)
        if (m.find("translation") is not None and m.find("translation").get("type"))  # type: ignore[union-attr]
    ]
    assert untranslated == [], "run pyside6-lupdate (see this file) and translate these"


def test_the_compiled_catalogue_is_up_to_date(tmp_path: Path) -> None:
    """The committed .qm is what lrelease makes of the committed .ts, byte for byte:
    pyside6-lrelease assets/i18n/broker_advisor_fa.ts -qm assets/i18n/broker_advisor_fa.qm"""
    fresh = tmp_path / QM.name
    subprocess.run(
        [_tool("pyside6-lrelease"), str(TS), "-qm", str(fresh)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert fresh.read_bytes() == QM.read_bytes()


def test_placeholders_and_access_keys_survive_translation() -> None:
    import string

    def fields(text: str) -> list[str]:
        return sorted(n for _, n, _, _ in string.Formatter().parse(text) if n is not None)

    for message in _messages(TS):
        source = message.findtext("source") or ""
        translation = message.findtext("translation") or ""
        assert fields(source) == fields(translation), source
        if "&" in source.replace("&&", "") and " & " not in source:
            assert "&" in translation, source


def test_a_window_started_in_persian_is_right_to_left(persian: None, make_window: Any) -> None:
    window: MainWindow = make_window()
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.isRightToLeft()
    titles = [menu.title() for menu in window.menus()]
    assert titles[:2] == ["&پرونده", "&ویرایش"]
    assert all(not any("a" <= c.lower() <= "z" for c in t) for t in titles), titles
    assert window.new_action.text() == "&جدید"
    assert window.side_tabs.tabText(0) == "راهنمای &فنی"
    # The form: Persian titles (advisor.i18n's catalogue) and Persian digits in spin boxes.
    assert window.editor.field_widget("peak_rate_msg_per_s").accessibleName() == "نرخ اوج"
    spins = [
        w
        for kind in (QSpinBox, QDoubleSpinBox)
        for w in window.editor.findChildren(kind)
        if w.value() > w.minimum()
    ]
    assert spins
    for spin in spins:
        digits = [c for c in spin.text() if c.isdigit()]
        assert digits and set(digits) <= PERSIAN_DIGITS, spin.text()
    assert window.recommendation_view.headline.text().startswith(bidi.RLM)


def test_the_english_window_is_unchanged(window: MainWindow) -> None:
    assert i18n.language() == "en"
    assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert [menu.title() for menu in window.menus()][:2] == ["&File", "&Edit"]
    assert window.editor.field_widget("peak_rate_msg_per_s").accessibleName() == "Peak rate"
    assert bidi.RLM not in window.recommendation_view.headline.text()


def test_dates_are_solar_hijri_in_persian(persian: None) -> None:
    moment = datetime.datetime(2026, 12, 2, 14, 5)
    text = ui_app.format_datetime(moment)
    assert "آذر" in text and "۱۴۰۵" in text and "۱۴:۰۵" in text
    with i18n.using("en"):
        assert ui_app.format_datetime(moment) == "2026-12-02 14:05"


def test_latin_runs_are_isolated_in_persian_only() -> None:
    url, code, quantity = "redis://host:6379/0", "<code>maxmemory-policy</code>", "100,000 msg/s"
    with i18n.using("fa"):
        sentence = f"نشانی {bidi.ltr(url)} با {bidi.ltr(code)} و {bidi.ltr(quantity)}"
        for run in (url, code, quantity):
            assert f"{bidi.LRI}{run}{bidi.PDI}" in sentence
        assert bidi.quoted("Order processing") == f"«{bidi.FSI}Order processing{bidi.PDI}»"
        assert bidi.paragraph("Redis").startswith(bidi.RLM)
    assert bidi.ltr(url) == url
    assert bidi.quoted("Order processing") == "“Order processing”"
    assert bidi.paragraph("Redis") == "Redis"


def test_the_recommendation_isolates_settings_in_persian(persian: None, qapp: QApplication) -> None:
    from advisor import engine
    from advisor import workload as wl
    from ui import recommendation_view

    recommendation = engine.recommend(
        wl.Workload(peak_rate_msg_per_s=200_000, replay=True, retention_hours=72)
    )
    html = recommendation_view.render_details(recommendation, qapp.palette())
    assert "چه چیزی پاسخ را تغییر می‌دهد" in html or "برآورد ظرفیت" in html
    if "<code>" in html:
        assert f"{bidi.LRI}<code>" in html


def test_the_language_follows_the_option_then_the_preference_then_the_locale(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui import preferences

    monkeypatch.delenv(i18n.ENV_VAR, raising=False)
    monkeypatch.setenv("LC_ALL", "fa_IR.UTF-8")
    assert ui_app.chosen_language() == "fa"  # the preference follows the system by default
    preferences.save(preferences.Preferences(language="en"))
    assert ui_app.chosen_language() == "en"
    monkeypatch.setenv(i18n.ENV_VAR, "fa")  # what `broker-advisor --lang fa` sets
    assert ui_app.chosen_language() == "fa"
