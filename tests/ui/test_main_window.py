"""The main window: live recommendation, files, presets, guide, autosave and prompts."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from advisor import engine
from advisor import workload as wl
from ui import settings
from ui.autosave import Autosave
from ui.main_window import MainWindow, Prompts, about_text, preset_files
from ui.probe_panel import ProbePanel
from ui.recommendation_view import NO_WHAT_IF, LiveRecommendation
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
    # Shown as out of date after a pause in typing (not on every half-typed number).
    qtbot.waitUntil(lambda: not window.recommendation_view.stale_banner.isHidden(), timeout=2_000)
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
    qtbot.waitUntil(lambda: not window.recommendation_view.stale_banner.isHidden(), timeout=2_000)


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
    for _ in range(20):  # past the what-if's [Apply] links to the first citation
        qtbot.keyClick(details, Qt.Key.Key_Tab)
        if details.textCursor().charFormat().anchorHref().startswith("guide:"):
            break
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
    assert window.find_action.shortcut() == QKeySequence("Ctrl+F")
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
    assert Autosave(state_dir).pending_restore() is None  # live work: not another's to restore
    window.document.load(window.document.values)  # as if saved
    window.close()
    assert not autosave.path.exists()
    assert Autosave(state_dir).pending_restore() is None


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


def _drag_file(target: QWidget, path: Path) -> tuple[QDragEnterEvent, QDropEvent]:
    """Drag a file onto target as a file manager does (URL and its text) and drop it there."""
    mime = QMimeData()
    url = QUrl.fromLocalFile(str(path))
    mime.setUrls([url])
    mime.setText(url.toString())
    point = QPointF(8, 8)
    actions = Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(point, actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, drop)
    return enter, drop


def _drop_target(window: MainWindow, target: str) -> QWidget:
    editor = window.editor
    if target == "name":
        return editor.field_widget("name")
    if target == "notes":
        notes = editor.field_widget("notes")
        assert isinstance(notes, QPlainTextEdit)
        return notes.viewport()
    if target == "spin box":
        spin = editor.field_widget("consumer_groups")
        assert isinstance(spin, QSpinBox)
        return spin.lineEdit()
    if target == "guide search":
        return window.guide_browser.search_field
    if target == "guide text":
        return window.guide_browser.text.viewport()
    if target == "details":
        return window.recommendation_view.details.viewport()
    assert target == "probe URL" and window.show_probe_panel()
    panel = window.probe_panel
    assert isinstance(panel, ProbePanel)
    return panel.pages[wl.Broker.REDIS].form.url_edit


@pytest.mark.parametrize(
    "target",
    ["name", "notes", "spin box", "guide search", "guide text", "details", "probe URL"],
)
def test_a_workload_file_dropped_anywhere_opens_it(
    window: MainWindow, qtbot: Any, target: str
) -> None:
    widget = _drop_target(window, target)
    before = window.document.values
    with qtbot.waitSignal(window.document.path_changed, timeout=2_000) as blocker:
        enter, drop = _drag_file(widget, PRESETS[0])
    assert enter.isAccepted() and drop.isAccepted()
    assert blocker.args == [PRESETS[0]]
    assert window.document.workload == wl.load_workload(PRESETS[0])
    assert before["name"] != window.document.values["name"]
    texts = [window.editor.field_widget(n).text() for n in ("name",)]  # type: ignore[attr-defined]
    texts.append(window.guide_browser.search_field.text())
    assert not any("file:" in text for text in texts)


def test_text_and_other_files_still_drop_into_a_field_as_text(
    window: MainWindow, tmp_path: Path
) -> None:
    name = window.editor.field_widget("name")
    assert isinstance(name, QLineEdit)
    name.clear()
    mime = QMimeData()
    mime.setText("Orders")
    point, actions = QPointF(4, 4), Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(name, QDragEnterEvent(point, actions, mime, buttons, modifiers))
    QApplication.sendEvent(name, QDropEvent(point, actions, mime, buttons, modifiers))
    assert name.text() == "Orders"
    assert window.document.values["name"] == "Orders"
    assert window.document.path is None

    other = tmp_path / "notes.txt"  # not a workload: the field gets its address, as before
    other.write_text("x", encoding="utf-8")
    enter, _drop = _drag_file(name, other)
    assert enter.isAccepted()
    assert "file:" in name.text() and window.document.path is None


# The shortcuts the issue names; an explicit key backs each, since a platform's standard
# binding can be empty (Quit has none in the Windows key scheme, nor offscreen).
SHORTCUTS = [
    ("new_action", "Ctrl+N"),
    ("open_action", "Ctrl+O"),
    ("save_action", "Ctrl+S"),
    ("save_as_action", "Ctrl+Shift+S"),
    ("find_action", "Ctrl+F"),
    ("quit_action", "Ctrl+Q"),
]


@pytest.mark.parametrize("standard_keys", ["platform", "none"])
def test_every_standard_shortcut_has_an_explicit_key(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, standard_keys: str
) -> None:
    if standard_keys == "none":  # a key scheme that binds nothing at all
        monkeypatch.setattr(QKeySequence, "keyBindings", staticmethod(lambda _key: []))
    window = make_window()
    for name, key in SHORTCUTS:
        shortcuts = getattr(window, name).shortcuts()
        assert shortcuts[0] == QKeySequence(key), name  # the menu shows the explicit key
        assert len(shortcuts) == len({s.toString() for s in shortcuts}), name


@pytest.mark.parametrize(("name", "key"), SHORTCUTS, ids=[key for _, key in SHORTCUTS])
def test_pressing_a_shortcut_triggers_its_action(
    make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, name: str, key: str
) -> None:
    monkeypatch.setattr(QKeySequence, "keyBindings", staticmethod(lambda _key: []))
    window = make_window()
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    window.editor.field_widget("consumer_groups").setFocus()
    sequence = QKeySequence(key)[0]  # type: ignore[index]  # the stubs lack __getitem__
    with qtbot.waitSignal(getattr(window, name).triggered, timeout=2_000):
        qtbot.keyClick(window.focusWidget(), sequence.key(), sequence.keyboardModifiers())
    if name == "quit_action":
        assert not window.isVisible()
    if name == "find_action":
        assert window.focusWidget() is window.guide_browser.search_field


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800), (1600, 1000)])
@pytest.mark.parametrize("tab", ["guide", "probe"])
def test_every_pane_stays_usable_from_a_laptop_screen_up(
    window: MainWindow, qtbot: Any, size: tuple[int, int], tab: str
) -> None:
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    if tab == "probe":
        assert window.show_probe_panel()
    QApplication.processEvents()  # let the splitter share out the width
    assert window.width() == size[0]
    assert window.minimumSizeHint().width() <= 1000
    editor = window.editor
    # The form fits its pane: no sideways scrolling, no field cut off at the right.
    assert editor.horizontalScrollBar().maximum() == 0
    assert editor.width() >= editor.minimumSizeHint().width()
    body = editor.widget()
    assert body is not None
    for field_name in ("name", "peak_rate_msg_per_s", "delivery", "team_familiar_with"):
        field = editor.field_widget(field_name)
        right = field.mapTo(body, QPoint(field.width(), 0)).x()
        assert right <= editor.viewport().width(), field_name
    side = window.side_tabs.currentWidget()
    assert side is not None and side.width() >= side.minimumSizeHint().width()
    if tab == "probe":
        panel = window.probe_panel
        assert isinstance(panel, ProbePanel)
        assert panel.minimumSizeHint().width() <= 0.34 * 1024
        tree = panel.pages[wl.Broker.REDIS].tree
        assert tree.horizontalScrollBar().maximum() == 0  # no sideways scroll while empty


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


def test_no_what_if_is_said_in_words(window: MainWindow, qtbot: Any) -> None:
    preset = next(p for p in PRESETS if p.stem == "clickstream-analytics")
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        window.open_file(preset, as_preset=True)
    assert blocker.args[0].what_if == []
    text = window.recommendation_view.details.toPlainText()
    assert "What would change the answer" in text
    assert NO_WHAT_IF in text
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        window.open_file(next(p for p in PRESETS if p.stem == "order-processing"), as_preset=True)
    assert blocker.args[0].what_if
    assert NO_WHAT_IF not in window.recommendation_view.details.toPlainText()


@pytest.mark.parametrize("palette", ["light", "dark"])
def test_a_stale_recommendation_is_dimmed_in_light_and_dark(
    window: MainWindow, qtbot: Any, qapp: Any, palette: str
) -> None:
    from ui import theme

    original = qapp.palette()
    try:
        if palette == "dark":
            qapp.setPalette(theme.dark_palette())
            QApplication.processEvents()  # the change reaches the widgets as posted events
        view = window.recommendation_view
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        bar = view._rows[0].bar

        def chunk_saturation() -> float:
            image = bar.grab().toImage()
            # Inside the filled part of the winner's bar, clear of its text and frame.
            colour = image.pixelColor(6, image.height() // 2)
            return colour.hsvSaturationF()

        assert chunk_saturation() > 0.5  # coloured while current
        with qtbot.waitSignal(window.live.stale_changed, timeout=1_000):
            _set(window, "avg_rate_msg_per_s", 5_000)  # above the peak: invalid
        qtbot.waitUntil(lambda: not bar.isEnabled(), timeout=2_000)  # after a pause in typing
        assert chunk_saturation() < 0.15  # grey once stale
        headline = view.headline.palette()
        assert headline.color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText
        ) != headline.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    finally:
        qapp.setPalette(original)


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


# -- defects found in the walk-through (issue 12) -------------------------------------------------
def test_save_as_refuses_an_invalid_workload_before_asking_for_a_name(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path
) -> None:
    _set(window, "avg_rate_msg_per_s", 5_000)  # above the peak: invalid
    prompts.save_answer = tmp_path / "never.yaml"
    assert not window.save_as()
    assert prompts.kinds() == ["problems"]  # no file name asked for first
    assert not (tmp_path / "never.yaml").exists()


def test_file_dialogs_start_in_the_folder_last_used(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path
) -> None:
    from ui import export_dialog

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    source = first / "orders.yaml"
    source.write_text(PRESETS[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert window.open_file(source)
    window.new_workload()
    window.open_dialog()
    assert prompts.asked[-1] == ("open", str(first.resolve()))
    prompts.save_answer = second / "saved.yaml"
    assert window.save_as()
    window.new_workload()
    window.save_as()
    kind, suggested = prompts.asked[-1]
    assert kind == "save" and Path(suggested).parent == second.resolve()
    asked: list[str] = []

    def fake_dialog(_parent: object, _caption: str, start: str, *_rest: object) -> Any:
        asked.append(start)
        return "", ""

    import pytest as _pytest

    with _pytest.MonkeyPatch.context() as patch:
        from PySide6.QtWidgets import QFileDialog

        patch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
        export_dialog.ask_path(window, wl.Workload(name="x"))
    assert Path(asked[0]).parent == second.resolve()


def test_new_and_open_start_at_the_top_of_the_form_and_the_reasons(
    window: MainWindow, qtbot: Any
) -> None:
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    preset = next(p for p in PRESETS if p.stem == "order-processing")
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        window.open_file(preset, as_preset=True)
    form = window.editor.verticalScrollBar()
    reasons = window.recommendation_view.details.verticalScrollBar()
    form.setValue(form.maximum())
    reasons.setValue(reasons.maximum())
    assert form.value() > 0 and reasons.value() > 0
    window.document.load(window.document.values)  # as if saved: New asks nothing
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        assert window.new_workload()
    assert form.value() == 0
    assert reasons.value() == 0


def test_the_title_names_the_workload_for_presets_and_files_alike(
    window: MainWindow, prompts: FakePrompts, tmp_path: Path
) -> None:
    preset = next(p for p in PRESETS if p.stem == "iot-telemetry")
    window.open_file(preset, as_preset=True)
    assert window.windowTitle().startswith("IoT telemetry[*]")
    path = tmp_path / "telemetry.yaml"
    prompts.save_answer = path
    assert window.save_as()
    assert window.windowTitle().startswith("IoT telemetry (telemetry.yaml)[*]")
    window.open_file(path)
    assert window.windowTitle().startswith("IoT telemetry (telemetry.yaml)[*]")
    window.editor.field_widget("name").setText("Sensors")  # type: ignore[attr-defined]
    assert window.windowTitle().startswith("Sensors (telemetry.yaml)[*]")


def test_a_tie_says_so_without_a_zero_point_margin(window: MainWindow, qtbot: Any) -> None:
    window.document.load({}, stated=set())  # nothing stated: Redis and RabbitMQ tie
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        pass
    assert blocker.args[0].tied
    view = window.recommendation_view
    shown = " ".join([view.headline.text(), view.summary.text(), view.confidence.text()])
    assert "A tie" in view.headline.text()
    assert "0 points" not in shown and "0.0 points" not in shown
    assert window._busy_label.text().startswith("A tie")


def test_a_high_peak_alone_is_not_called_a_sustained_rate(window: MainWindow, qtbot: Any) -> None:
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        _set(window, "peak_rate_msg_per_s", 800_000)
    assert window.document.values["avg_rate_msg_per_s"] < 50_000
    text = window.recommendation_view.details.toPlainText()
    assert "peak" in text.lower()
    assert "Sustained" not in text and "all day" not in text


def test_a_stale_recommendation_greys_its_reasons_and_stops_recommending(
    window: MainWindow, qtbot: Any
) -> None:
    from ui import theme

    details = window.recommendation_view.details
    good = theme.good_color(details.palette()).name()
    assert good in details.toHtml()
    assert window._busy_label.text().startswith("Recommended: ")
    with qtbot.waitSignal(window.live.stale_changed, timeout=1_000):
        _set(window, "avg_rate_msg_per_s", 5_000)  # invalid
    # Out of date after a pause in typing (not on every half-typed number): the banner, and
    # the reasons greyed.
    qtbot.waitUntil(lambda: not window.recommendation_view.stale_banner.isHidden(), timeout=2_000)
    assert good not in details.toHtml()
    assert "Recommended" not in window._busy_label.text()
    assert "Out of date" in window._busy_label.text()
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        _set(window, "peak_rate_msg_per_s", 6_000)
    assert good in details.toHtml()
    assert window._busy_label.text().startswith("Recommended: ")


def test_the_presets_menu_uses_the_presets_own_names(window: MainWindow) -> None:
    window.presets_menu.aboutToShow.emit()
    titles = [a.text() for a in window.presets_menu.actions()]
    assert "IoT telemetry" in titles
    assert "Pricing requests between services" in titles
    assert "Iot telemetry" not in titles and "Rpc pricing service" not in titles
    tips = [a.statusTip() for a in window.presets_menu.actions()]
    assert all(tip and not tip.endswith(".yaml") for tip in tips)  # a description, not a path


def test_tooltip_ranges_are_written_out(window: MainWindow) -> None:
    import re

    tips = [
        window.editor.field_widget(name).toolTip()
        for name in wl.Workload.model_fields
        if name in window.editor._fields
    ]
    ranges = [t for t in tips if "Range:" in t]
    assert ranges
    assert not [t for t in ranges if re.search(r"\de[+-]?\d", t)]
    peak = window.editor.field_widget("peak_rate_msg_per_s").toolTip()
    assert "Range: 0 to 10,000,000 msg/s" in peak
    size = window.editor.field_widget("avg_message_size_bytes").toolTip()
    assert "GB" in size


def test_the_side_pane_keeps_a_margin_at_the_window_edge(window: MainWindow, qtbot: Any) -> None:
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    field = window.guide_browser.search_field
    right = field.mapTo(window, QPoint(field.width(), 0)).x()
    assert window.width() - right >= 4


def test_the_form_keeps_its_width_with_every_value_assumed(make_window: Any, qtbot: Any) -> None:
    """The assumed marks must not widen the form: at 1024 px it still needs no sideways scroll."""
    window = make_window(stated=False)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    preset = next(p for p in PRESETS if p.stem == "order-processing")
    window.open_file(preset, as_preset=True)
    QApplication.processEvents()
    assert window.editor.assumed_fields()
    editor = window.editor
    assert editor.horizontalScrollBar().maximum() == 0
    assert editor.width() >= editor.minimumSizeHint().width()
