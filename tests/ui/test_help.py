"""First run and help: the welcome, the user guide, the shortcuts list, the Probe view entry,
unique access keys, and the assumed-values note."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QTabBar,
    QWidget,
)

from ui import help as help_module
from ui import welcome
from ui.main_window import MainWindow, preset_files, preset_info
from ui.probe_panel import ProbePanel


def test_the_welcome_offers_every_preset_with_a_line_and_a_blank_start(
    make_window: Any, qtbot: Any
) -> None:
    window = make_window()
    assert welcome.should_show_at_start()
    window.start([])
    dialog = window.findChild(welcome.WelcomeDialog)
    assert isinstance(dialog, welcome.WelcomeDialog) and dialog.isVisible()
    titles = dialog.preset_titles()
    assert titles == [preset_info(p).title for p in preset_files()]
    assert "IoT telemetry" in titles
    for row in range(dialog.list.count()):
        item = dialog.list.item(row)
        assert item is not None and len(item.text().split("\n")) == 2  # title, one line
    row = titles.index("IoT telemetry")
    dialog.list.setCurrentRow(row)
    with qtbot.waitSignal(window.live.updated, timeout=5_000):
        dialog.open_button.click()
    assert window.document.values["name"] == "IoT telemetry"
    assert not welcome.should_show_at_start()  # seen: not at the next start


def test_a_blank_start_assumes_everything_and_says_so(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    dialog = window.show_welcome()
    assert isinstance(dialog, welcome.WelcomeDialog)
    with qtbot.waitSignal(window.live.updated, timeout=5_000) as blocker:
        dialog.blank_button.click()
    assert window.document.stated == set()
    assert set(window.editor.assumed_fields()) == set(window.editor._fields)
    note = window.recommendation_view.assumed_note
    assert not note.isHidden() and "Every value is assumed" in note.text()
    assert blocker.args[0].tied or blocker.args[0].confidence.level.value != "high"
    window.editor.field_widget("consumer_groups").setValue(4)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "assumed (in italics" in note.text(), timeout=5_000)


def test_the_welcome_can_be_asked_for_at_every_start(make_window: Any) -> None:
    window = make_window()
    dialog = window.show_welcome()
    assert isinstance(dialog, welcome.WelcomeDialog)
    dialog.show_again.setChecked(True)
    dialog.reject()
    assert welcome.should_show_at_start()


def test_no_welcome_when_a_file_is_opened_or_for_scripts(make_window: Any, tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("name: Mine\n", encoding="utf-8")
    window = make_window()
    window.start([str(path)])
    assert window.findChild(welcome.WelcomeDialog) is None
    quiet = make_window(welcome=False)
    quiet.start([])
    assert quiet.findChild(welcome.WelcomeDialog) is None


def test_the_user_guide_opens_at_the_part_in_use(window: MainWindow, qtbot: Any) -> None:
    sections = help_module.load_sections()
    assert {"start", "editing", "undo", "scenarios", "probe", "preferences", "keyboard"} <= {
        s.id for s in sections
    }
    window.show()
    qtbot.waitExposed(window)
    window.editor.field_widget("name").setFocus()
    dialog = window.show_user_guide()
    assert isinstance(dialog, help_module.HelpDialog)
    assert dialog.current_section == "editing"
    assert "Assumed values" in dialog.text.toPlainText()
    dialog.close()
    assert window.user_guide_action.shortcuts()[0].toString() == "F1"
    other = window.show_user_guide("probe")
    assert isinstance(other, help_module.HelpDialog) and other.current_section == "probe"
    assert not other.show_section("no-such-section")


def test_keyboard_shortcuts_lists_every_menu_key(window: MainWindow) -> None:
    dialog = window.show_shortcuts()
    assert isinstance(dialog, help_module.ShortcutsDialog)
    rows = dialog.rows()
    commands = {(menu, command) for menu, command, _keys in rows}
    for menu in window.menus():
        for action in menu.actions():
            if action.shortcuts() and action.text():
                name = re.sub(r"^(Undo|Redo) .*", r"\1", action.text().replace("&", ""))
                assert (menu.title().replace("&", ""), name) in commands
    keys = {command: k for _menu, command, k in rows}
    assert keys["Undo"].startswith("Ctrl+Z")
    assert "Ctrl+Y" in keys["Redo"]
    assert keys["Probe"] == "Alt+4"
    assert keys["Cancel running probes"] == "Esc"


def test_view_probe_brings_the_probe_tab_with_the_focus_in_it(
    window: MainWindow, qtbot: Any
) -> None:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2_000)
    window.probe_action.trigger()
    panel = window.probe_panel
    assert isinstance(panel, ProbePanel)
    assert window.side_tabs.currentWidget() is window._probe_placeholder
    assert panel.isAncestorOf(QApplication.focusWidget())


def _mnemonic(text: str) -> str | None:
    match = re.search(r"&([^&])", text)
    return match.group(1).lower() if match else None


def _visible_mnemonics(window: MainWindow) -> list[tuple[str, str]]:
    found = [
        (m, a.text()) for a in window.menuBar().actions() if (m := _mnemonic(a.text())) is not None
    ]
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton | QLabel):
            text = widget.text()
            if isinstance(widget, QLabel) and widget.buddy() is None:
                continue
            mark = _mnemonic(text)
            if mark:
                found.append((mark, text))
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                mark = _mnemonic(widget.tabText(index))
                if mark:
                    found.append((mark, widget.tabText(index)))
    return found


@pytest.mark.parametrize("side", ["guide", "probe"])
def test_access_keys_are_unique(window: MainWindow, qtbot: Any, side: str) -> None:
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    if side == "probe":
        window.show_probe_panel()
    pages = [None]
    panel = window.probe_panel
    if side == "probe" and isinstance(panel, ProbePanel):
        pages = list(range(panel.tabs.count()))
    for page in pages:
        if page is not None and isinstance(panel, ProbePanel):
            panel.tabs.setCurrentIndex(page)
        QApplication.processEvents()
        marks = _visible_mnemonics(window)
        keys = [m for m, _ in marks]
        clashes = {m: [t for k, t in marks if k == m] for m in keys if keys.count(m) > 1}
        assert clashes == {}, clashes
    for menu in window.menus():
        inner = [_mnemonic(a.text()) for a in menu.actions() if a.text()]
        inner = [m for m in inner if m]
        assert len(inner) == len(set(inner)), (menu.title(), inner)


def test_help_survives_a_missing_guide_file(qtbot: Any, tmp_path: Path) -> None:
    dialog = help_module.HelpDialog(path=tmp_path / "missing.md")
    qtbot.addWidget(dialog)
    assert dialog.sections == {}
    assert "missing" in dialog.text.toPlainText()
