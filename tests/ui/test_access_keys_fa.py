"""Access keys (&x) in Persian, as in English: no two entries of one menu, no two menus of the
menu bar (nor a side tab beside them), and no two buttons, labels with buddies, group boxes or tabs
of one dialog or side tab share one; otherwise Alt+key (or the key in an open menu) picks one of
them and the other cannot be reached from the keyboard."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtWidgets import (
    QAbstractButton,
    QGroupBox,
    QLabel,
    QMenu,
    QTabWidget,
    QWidget,
)

from ui import help as help_module
from ui.main_window import MainWindow

_KEY = re.compile(r"&([^&\s])")


def _access_key(text: str) -> str | None:
    """The access key a Qt text marks with &, lower case; && is a literal ampersand."""
    found = _KEY.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def _clashes(texts: list[str]) -> dict[str, list[str]]:
    by_key: dict[str, list[str]] = {}
    for text in texts:
        key = _access_key(text)
        if key is not None:
            by_key.setdefault(key, []).append(text)
    return {key: found for key, found in by_key.items() if len(found) > 1}


def _menu_clashes(menu: QMenu, path: str) -> Iterator[tuple[str, dict[str, list[str]]]]:
    actions = [a for a in menu.actions() if not a.isSeparator() and a.isVisible()]
    yield path, _clashes([a.text() for a in actions])
    for action in actions:
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_clashes(sub, f"{path} > {action.text()}")


def _widget_texts(root: QWidget) -> list[str]:
    """What takes an access key in a dialog or a page: buttons, labels with a buddy, group box
    titles and tab titles."""
    texts = [b.text() for b in root.findChildren(QAbstractButton)]
    texts += [label.text() for label in root.findChildren(QLabel) if label.buddy() is not None]
    texts += [box.title() for box in root.findChildren(QGroupBox)]
    for tabs in root.findChildren(QTabWidget):
        texts += [tabs.tabText(i) for i in range(tabs.count())]
    return texts


def _all_clashes(window: MainWindow) -> dict[str, dict[str, list[str]]]:
    found: dict[str, dict[str, list[str]]] = {}
    side = window.side_tabs
    bar = [menu.title() for menu in window.menus()]
    found["menu bar and side tabs"] = _clashes(bar + [side.tabText(i) for i in range(side.count())])
    for menu in window.menus():
        found.update(_menu_clashes(menu, menu.title()))
    for index in range(side.count()):
        found[f"side tab {side.tabText(index)}"] = _clashes(_widget_texts(side.widget(index)))
    dialogs: dict[str, Callable[[], QWidget]] = {
        "preferences": window.show_preferences,
        "welcome": window.show_welcome,
        "compare": window.show_compare,
        "sensitivity": window.show_sensitivity,
        "shortcuts": window.show_shortcuts,
        "user guide": lambda: help_module.HelpDialog(window),
    }
    for name, show in dialogs.items():
        dialog = show()
        found[name] = _clashes(_widget_texts(dialog))
        dialog.close()
    return {where: clash for where, clash in found.items() if clash}


def test_persian_access_keys_are_unique(persian: None, make_window: Any) -> None:
    window: MainWindow = make_window()
    assert window.menus()[0].title() == "&پرونده"  # the Persian catalogue is loaded
    assert _all_clashes(window) == {}


def test_english_access_keys_are_unique(make_window: Any) -> None:
    window: MainWindow = make_window()
    assert window.menus()[0].title() == "&File"
    assert _all_clashes(window) == {}


def test_access_keys_are_read_as_qt_reads_them() -> None:
    assert _access_key("بار &کاری") == "ک"
    assert _access_key("R&&D &Notes") == "n"
    assert _access_key("Save && Close") is None
    assert _clashes(["&Next", "&new", "&Open"]) == {"n": ["&Next", "&new"]}
