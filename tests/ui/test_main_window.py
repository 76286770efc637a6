"""The main window: live recommendation, files, presets, guide, autosave and prompts."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from advisor import engine
from advisor import workload as wl
from ui import settings
from ui.autosave import Autosave
from ui.main_window import MainWindow, Prompts, about_text, preset_files
from ui.recommendation_view import LiveRecommendation
from ui.workload_editor import WorkloadDocument

from .conftest import FakePrompts

PRESETS = preset_files()


def _set(window: MainWindow, name: str, value: Any) -> None:
    widget = window.editor.field_widget(name)
    widget.setValue(value)  # type: ignore[attr-defined]


def test_editing_a_field_updates_the_recommendation(window: MainWindow, qtbot: Any) -> None:
    first = window.live.recommendation
    assert first is not None and first.winner != wl.Broker.KAFKA
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        _set(window, "peak_rate_msg_per_s", 800_000)
        _set(window, "avg_rate_msg_per_s", 500_000)
        _set(window, "retention_hours", 72)
        window.editor.field_widget("replay").setChecked(True)  # type: ignore[attr-defined]
    assert blocker.args[0].winner == wl.Broker.KAFKA
    assert window.recommendation_view.headline.text() == "Use Kafka"
    bars = [row.bar.value() for row in window.recommendation_view._rows]
    assert bars == sorted(bars, reverse=True)


def test_invalid_input_shows_the_message_and_keeps_the_last_recommendation(
    window: MainWindow, qtbot: Any
) -> None:
    before = window.live.recommendation
    with qtbot.waitSignal(window.live.stale_changed, timeout=1_000) as blocker:
        _set(window, "avg_rate_msg_per_s", 5_000)  # above the peak of 500
    assert blocker.args == [True]
    assert "below Average rate" in window.editor.error_text("peak_rate_msg_per_s")
    assert window.live.recommendation is before
    assert not window.recommendation_view.stale_banner.isHidden()
    assert window.recommendation_view.headline.text().startswith("Use ")
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        _set(window, "peak_rate_msg_per_s", 6_000)
    assert not window.live.is_stale
    assert window.recommendation_view.stale_banner.isHidden()


def test_the_kept_recommendation_is_for_the_last_valid_input(
    window: MainWindow, qtbot: Any
) -> None:
    preset = next(p for p in PRESETS if p.stem == "clickstream-analytics")
    window.open_file(preset, as_preset=True)
    _set(window, "avg_rate_msg_per_s", 9_000_000)  # invalid before its recommendation ran
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        pass
    assert blocker.args[0].workload_name == wl.load_workload(preset).name
    assert window.live.is_stale
    assert not window.recommendation_view.stale_banner.isHidden()


def test_results_for_older_input_are_discarded(qtbot: Any) -> None:
    release = threading.Event()
    calls: list[float] = []

    def slow_first(workload: wl.Workload, **_: Any) -> Any:
        calls.append(workload.peak_rate_msg_per_s)
        # Block on the input, not on the call order: the pool may start the second worker first.
        if workload.peak_rate_msg_per_s == 500.0:
            release.wait(5)
        return engine.recommend(workload)

    document = WorkloadDocument()
    live = LiveRecommendation(document, slow_first, delay_ms=0)
    seen: list[Any] = []
    live.updated.connect(seen.append)
    live.refresh(now=True)  # the slow one, for peak 500
    document.set_value("peak_rate_msg_per_s", 900.0)
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=5_000)  # the fast, newer one
    release.set()
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(5_000)
    QApplication.processEvents()
    assert sorted(calls) == [500.0, 900.0]
    assert [r.capacity.peak_bandwidth_bytes_per_s for r in seen] == [900.0 * 1024]
    assert live.recommendation is seen[0]


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_presets_load(window: MainWindow, qtbot: Any, preset: Path) -> None:
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        assert window.open_file(preset, as_preset=True)
    expected = wl.load_workload(preset)
    assert window.document.workload == expected
    assert window.document.path is None  # saving a preset asks where
    assert not window.document.is_modified
    assert blocker.args[0].workload_name == expected.name


def test_presets_menu_lists_the_presets(window: MainWindow) -> None:
    window.presets_menu.aboutToShow.emit()
    titles = [a.text() for a in window.presets_menu.actions()]
    assert len(titles) == len(PRESETS) > 0
    assert "Celery background jobs" in titles


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_save_and_open_round_trip_exactly(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path, suffix: str, make_window: Any
) -> None:
    _set(window, "peak_rate_msg_per_s", 1234.5)
    window.editor.field_widget("ordering").setCurrentIndex(1)  # type: ignore[attr-defined]
    window.editor.findChildren(type(window.editor.field_widget("replay")))  # the form is built
    path = tmp_path / f"orders{suffix}"
    prompts.save_answer = path
    assert window.save()
    assert not window.document.is_modified
    first = path.read_bytes()
    assert first.decode() == wl.dump_workload(window.document.workload, suffix[1:])

    other = make_window()
    assert other.open_file(path)
    assert other.document.values == window.document.values
    assert other.document.path == path
    assert other.save()
    assert path.read_bytes() == first
    assert settings.recent_files()[0] == str(path.resolve())


def test_malformed_file_names_the_file_and_its_problems(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path
) -> None:
    _set(window, "consumer_groups", 7)
    before = window.document.values
    bad = tmp_path / "broken.yaml"
    bad.write_text("avg_rate_msg_per_s: fast\npeek_rate_msg_per_s: 10\n", encoding="utf-8")
    prompts.unsaved_answer = "discard"
    assert not window.open_file(bad)
    kind, (title, text, problems) = prompts.asked[-1]
    assert kind == "problems"
    assert "broken.yaml" in title and str(bad) in text
    assert any("avg_rate_msg_per_s" in p for p in problems)
    assert any("did you mean 'peak_rate_msg_per_s'" in p for p in problems)
    assert window.document.values == before  # nothing lost

    bad.write_text("a: [unclosed\n", encoding="utf-8")
    assert not window.open_file(bad)
    assert "invalid YAML" in prompts.asked[-1][1][2][0]


def test_unsaved_changes_prompt_guards_new_and_open(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path
) -> None:
    assert window.new_workload()
    assert prompts.kinds() == []  # nothing to lose, nothing asked
    _set(window, "consumer_groups", 3)
    prompts.unsaved_answer = "cancel"
    assert not window.new_workload()
    assert prompts.kinds() == ["unsaved"]
    assert window.document.values["consumer_groups"] == 3
    prompts.unsaved_answer = "discard"
    assert window.new_workload()
    assert window.document.values["consumer_groups"] == 1

    _set(window, "consumer_groups", 5)
    prompts.unsaved_answer = "save"
    prompts.save_answer = tmp_path / "kept.yaml"
    assert window.open_file(PRESETS[0], as_preset=True)
    assert wl.load_workload(tmp_path / "kept.yaml").consumer_groups == 5


def test_close_with_unsaved_changes_can_be_cancelled(
    window: MainWindow, prompts: FakePrompts
) -> None:
    window.show()
    _set(window, "consumer_groups", 3)
    prompts.unsaved_answer = "cancel"
    assert not window.close()
    assert window.isVisible()
    prompts.unsaved_answer = "discard"
    assert window.close()


def test_the_real_unsaved_changes_dialog_appears(window: MainWindow, qtbot: Any) -> None:
    window.prompts = Prompts(window)
    _set(window, "consumer_groups", 3)
    seen: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, answer)
            return
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Cancel).click()

    QTimer.singleShot(0, answer)
    assert not window.new_workload()
    assert seen and "unsaved changes" in seen[0]
    assert window.document.values["consumer_groups"] == 3
    window.document.load({})  # let the teardown close without asking


def test_citation_click_shows_the_guide_section(window: MainWindow, qtbot: Any) -> None:
    view = window.recommendation_view
    citations = view.citation_links()
    assert citations
    target = citations[0]
    with qtbot.waitSignal(window.guide_browser.section_shown, timeout=5_000) as blocker:
        view.details.anchorClicked.emit(QUrl(f"guide:{target}"))
    assert blocker.args == [target]
    assert window.guide_browser.current_section == target
    section = window.guide_browser.guide.sections[target]
    assert section.title in window.guide_browser.text.toPlainText()
    assert window.side_tabs.currentWidget() is window.guide_browser


def test_citations_are_reachable_by_keyboard(window: MainWindow, qtbot: Any) -> None:
    window.show()
    qtbot.waitExposed(window)
    details = window.recommendation_view.details
    details.setFocus()
    qtbot.keyClick(details, Qt.Key.Key_Tab)  # the first link
    with qtbot.waitSignal(window.guide_browser.section_shown, timeout=5_000) as blocker:
        qtbot.keyClick(details, Qt.Key.Key_Return)
    assert blocker.args[0] in window.recommendation_view.citation_links()


def test_every_citation_exists_in_the_guide(window: MainWindow) -> None:
    for preset in PRESETS:
        window.open_file(preset, as_preset=True)
        recommendation = engine.recommend(window.document.workload)
        window.live._on_returned(window.live._sequence, recommendation)
        missing = [
            c
            for c in window.recommendation_view.citation_links()
            if c not in window.guide_browser.guide.sections
        ]
        assert missing == [], preset.name


def test_guide_search_finds_text(window: MainWindow, qtbot: Any) -> None:
    browser = window.guide_browser
    hits = browser.search("dead-letter exchange")
    assert hits
    assert "rabbitmq.dead-lettering" in hits
    assert not browser.result_label.isHidden()
    visible = [browser._items[h] for h in hits if h in browser._items]
    assert all(not item.isHidden() for item in visible)
    with qtbot.waitSignal(browser.section_shown, timeout=2_000) as blocker:
        qtbot.keyClick(browser.search_field, Qt.Key.Key_Return)
    assert blocker.args == [hits[0]]
    assert browser.text.extraSelections()  # the words are highlighted
    browser.search("")
    assert browser.result_label.isHidden()


def test_guide_links_between_sections_and_back(window: MainWindow, qtbot: Any) -> None:
    browser = window.guide_browser
    browser.show_section("redis.overview")
    browser.text.anchorClicked.emit(QUrl("#redis.licence"))
    assert browser.current_section == "redis.licence"
    browser.back_button.click()
    assert browser.current_section == "redis.overview"
    browser.forward_button.click()
    assert browser.current_section == "redis.licence"
    assert not browser.show_section("redis.license")
    assert "did you mean 'redis.licence'" in browser.text.toPlainText()


def test_ctrl_f_focuses_the_guide_search(window: MainWindow, qtbot: Any) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.editor.field_widget("name").setFocus()
    assert window.find_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    window.find_action.trigger()
    assert window.focusWidget() is window.guide_browser.search_field


def test_autosave_is_written_and_a_clean_exit_removes_it(
    window: MainWindow, qtbot: Any, state_dir: Path
) -> None:
    autosave = window.autosave
    window.start([])
    _set(window, "consumer_groups", 9)
    qtbot.waitUntil(autosave.path.exists, timeout=5_000)
    assert "consumer_groups: 9" in autosave.path.read_text()
    assert not autosave.marker.exists()
    window.document.load(window.document.values)  # as if saved
    window.close()
    assert autosave.marker.exists()
    assert not autosave.path.exists()


def test_autosave_is_offered_after_a_kill(
    make_window: Any, prompts: FakePrompts, state_dir: Path, tmp_path: Path
) -> None:
    # The killed session: an autosave (with invalid values, as typed) and no clean-exit marker.
    source = tmp_path / "orders.yaml"
    values = {
        **wl.Workload().model_dump(mode="json"),
        "avg_rate_msg_per_s": 900.0,
        "consumer_groups": 4,
    }
    Autosave(state_dir).write(values, source)

    window = make_window()
    window.start([])
    assert prompts.kinds() == ["restore"]
    assert prompts.asked[0][1].source == source
    assert window.document.values["consumer_groups"] == 4
    assert window.document.values["avg_rate_msg_per_s"] == 900.0
    assert window.document.path == source
    assert window.document.is_modified
    assert "below Average rate" in window.editor.error_text("peak_rate_msg_per_s")

    window.document.load({})
    window.close()
    again = make_window()
    again.start([])
    assert prompts.kinds() == ["restore"]  # a clean exit asks nothing


def test_declined_restore_discards_the_autosave(
    make_window: Any, prompts: FakePrompts, state_dir: Path
) -> None:
    Autosave(state_dir).write({"consumer_groups": 4}, None)
    prompts.restore_answer = False
    window = make_window()
    window.start([])
    assert window.document.values["consumer_groups"] == 1
    assert not Autosave(state_dir).path.exists()


def test_dropping_a_workload_file_opens_it(window: MainWindow, qtbot: Any) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(PRESETS[0]))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(window.document.path_changed, timeout=2_000):
        window.dropEvent(event)
    assert window.document.path == PRESETS[0]
    assert event.isAccepted()


def test_splitter_sizes_are_remembered(make_window: Any, qtbot: Any) -> None:
    first = make_window()
    first.resize(760, 560)  # fits the offscreen screen, so restoring does not clamp it
    first.show()
    qtbot.waitExposed(first)
    first.splitter.setSizes([200, 260, 300])
    sizes = first.splitter.sizes()
    first.close()
    second = make_window()
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == first.size()
    assert second.splitter.sizes() == sizes


def test_about_names_the_versions() -> None:
    import platform

    from PySide6 import __version__ as pyside
    from PySide6.QtCore import qVersion

    text = about_text()
    assert qVersion() in text and pyside in text and platform.python_version() in text


def test_controls_have_accessible_names(window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit

    unnamed = [
        w
        for cls in (QAbstractSpinBox, QComboBox, QLineEdit)
        for w in window.findChildren(cls)
        if not w.accessibleName()
        and w.parent() is not None
        and not isinstance(w.parent(), QAbstractSpinBox | QComboBox)
    ]
    assert unnamed == []
    buttons = [b for b in window.editor.findChildren(QAbstractButton) if not b.accessibleName()]
    assert buttons == []


def test_colours_follow_the_palette(window: MainWindow, qapp: Any) -> None:
    from ui import theme

    light = window.recommendation_view.details.toHtml()
    original = qapp.palette()
    try:
        qapp.setPalette(theme.dark_palette())
        QApplication.processEvents()
        dark = window.recommendation_view.details.toHtml()
        assert theme.good_color(theme.dark_palette()).name() in dark
        assert theme.good_color(theme.dark_palette()).name() not in light
    finally:
        qapp.setPalette(original)
