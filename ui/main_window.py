"""The main window: workload editor, live recommendation and guide side by side, with the menus."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QTimer, Signal, qVersion
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoGroup,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import advisor
from ui import bidi, settings
from ui.keys import REDO_KEYS, UNDO_KEYS

# Only Qt is imported up front: the window paints first, then the model-backed panes are built
# (pydantic and the core cost more than the bare window does).
if TYPE_CHECKING:
    from advisor import workload as wl
    from advisor.guide import Guide
    from ui.autosave import Autosave, AutosaveRecord
    from ui.compare import CompareDialog
    from ui.recommendation_view import Recommend

WORKLOAD_SUFFIXES = (".yaml", ".yml", ".json")
FILE_FILTER = "Workloads (*.yaml *.yml *.json);;YAML (*.yaml *.yml);;JSON (*.json)"


def file_filter() -> str:
    """FILE_FILTER in the interface language (the patterns stay as they are)."""
    return QCoreApplication.translate(
        "MainWindow", "Workloads (*.yaml *.yml *.json);;YAML (*.yaml *.yml);;JSON (*.json)"
    )


AUTOSAVE_DELAY_MS = 1_000


class Prompts:
    """Every question the window asks the user; tests replace it so nothing blocks."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def unsaved_changes(self, name: str) -> str:
        """'save', 'discard' or 'cancel'."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning,
            QCoreApplication.translate("MainWindow", "Unsaved changes"),
            QCoreApplication.translate("MainWindow", "{name} has unsaved changes.").format(
                name=bidi.quoted(name)
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self.parent,
        )
        box.setObjectName("unsavedChangesPrompt")
        box.setInformativeText(
            QCoreApplication.translate("MainWindow", "Save them before going on?")
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {
            QMessageBox.StandardButton.Save: "save",
            QMessageBox.StandardButton.Discard: "discard",
        }.get(QMessageBox.StandardButton(answer), "cancel")

    def restore_autosave(self, record: AutosaveRecord) -> bool:
        from PySide6.QtWidgets import QMessageBox

        from ui import app as ui_app

        box = QMessageBox(
            QMessageBox.Icon.Question,
            QCoreApplication.translate("MainWindow", "Restore unsaved work?"),
            QCoreApplication.translate(
                "MainWindow", "Broker Advisor did not exit cleanly last time."
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self.parent,
        )
        box.setObjectName("restoreAutosavePrompt")
        others = len(record.variants)
        saved_at = ui_app.format_datetime(record.saved_at)
        source = (
            QCoreApplication.translate("MainWindow", " (from {source})").format(
                source=bidi.ltr(record.source)
            )
            if record.source
            else ""
        )
        if others == 1:
            also = QCoreApplication.translate("MainWindow", " and 1 other variant")
        elif others:
            also = QCoreApplication.translate("MainWindow", " and {count} other variants").format(
                count=QLocale().toString(others)
            )
        else:
            also = ""
        box.setInformativeText(
            QCoreApplication.translate(
                "MainWindow",
                "Restore the workload you were editing{source}{also}, autosaved at {time}?",
            ).format(source=source, also=also, time=saved_at)
        )
        box.button(QMessageBox.StandardButton.Yes).setText(
            QCoreApplication.translate("MainWindow", "Restore")
        )
        box.button(QMessageBox.StandardButton.No).setText(
            QCoreApplication.translate("MainWindow", "Discard")
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        return box.exec() == QMessageBox.StandardButton.Yes

    def problems(self, title: str, text: str, problems: list[str]) -> None:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.parent
        )
        box.setObjectName("problemsMessage")
        box.setInformativeText("\n".join(f"• {p}" for p in problems))
        box.exec()

    def open_path(self, folder: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(
            self.parent,
            QCoreApplication.translate("MainWindow", "Open workload"),
            folder,
            file_filter(),
        )
        return Path(name) if name else None

    def save_path(self, suggested: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, chosen = QFileDialog.getSaveFileName(
            self.parent,
            QCoreApplication.translate("MainWindow", "Save workload as"),
            suggested,
            file_filter(),
        )
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() not in WORKLOAD_SUFFIXES:
            path = path.with_suffix(
                ".json" if "(*.json)" in chosen and "yaml" not in chosen else ".yaml"
            )
        return path


def preset_files(folder: Path | None = None) -> list[Path]:
    from advisor import paths

    folder = folder or paths.presets_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in WORKLOAD_SUFFIXES)


def preset_title(path: Path) -> str:
    """The preset's own name (its `name` field), else one made from the file name."""
    return preset_info(path).title


class PresetInfo:
    """A preset's name and a one-line description, read from the file's `name` and `notes`."""

    def __init__(self, path: Path, title: str, description: str) -> None:
        self.path = path
        self.title = title
        self.description = description


_PRESET_INFO: dict[tuple[Path, float, str], PresetInfo] = {}


def preset_info(path: Path) -> PresetInfo:
    """Name and first sentence of the notes, in the interface language (advisor/presets.py);
    a file that cannot be read gets its file name."""
    from advisor import i18n, presets

    try:
        key = (path, path.stat().st_mtime, i18n.language())
    except OSError:
        key = (path, 0.0, i18n.language())
    cached = _PRESET_INFO.get(key)
    if cached is not None:
        return cached
    fallback = path.stem.replace("-", " ").replace("_", " ").capitalize()
    title, description = fallback, ""
    try:
        workload = presets.load_preset(path)
    except Exception:  # a broken preset still gets a menu entry; opening it says what is wrong
        pass
    else:
        title = workload.name.strip() or fallback
        description = first_sentence(workload.notes)
    info = PresetInfo(path, title, description)
    _PRESET_INFO[key] = info
    return info


def first_sentence(text: str | None, limit: int = 140) -> str:
    """The first sentence of a note, on one line, cut at a word when long."""
    import re

    flat = " ".join((text or "").split())
    match = re.search(r"(?<=[.;!?؛؟])\s", flat)
    sentence = flat[: match.start()] if match else flat
    sentence = sentence.rstrip(";؛")
    if len(sentence) > limit:
        sentence = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return sentence


class MainWindow(QMainWindow):
    """Edit a workload on the left, see the recommendation in the middle, read the guide right."""

    content_ready = Signal()

    def __init__(
        self,
        *,
        recommend: Recommend | None = None,
        autosave: Autosave | None = None,
        prompts: Prompts | None = None,
        guide_loader: Callable[[], Guide] | None = None,
        presets_dir: Path | None = None,
        defer_content: bool = False,
        welcome: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        """defer_content=True paints the frame first and builds the panes right after (launch);
        welcome=False never shows the welcome at start (screenshots, scripts)."""
        super().__init__(parent)
        self._show_welcome_at_start = welcome
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.prompts = prompts or Prompts(self)
        self._autosave = autosave
        self._recommend = recommend
        self._presets_dir = presets_dir
        self._is_ready = False

        self._guide_loader = guide_loader
        self._compare: CompareDialog | None = None  # the Compare Variants window while open
        self.probe_panel: QWidget | None = None
        self._probe_placeholder: QWidget | None = None

        # The frame: three empty panes that the content fills once built. Nothing here touches
        # the Qt namespace or pydantic, which cost more than a bare window's whole start-up.
        self.splitter = QSplitter()  # horizontal
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self._holders = [QWidget(), QWidget(), QWidget()]
        # The panes' layouts, kept typed: QWidget.layout() is Optional to a type checker.
        self._holder_layouts: list[QVBoxLayout] = []
        for index, widget in enumerate(self._holders):
            layout = QVBoxLayout(widget)
            layout.setContentsMargins(0, 0, 0, 0)
            self._holder_layouts.append(layout)
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(index, (2, 3, 3)[index])
        self.setCentralWidget(self.splitter)

        self._busy_label = QLabel()
        self._starting: QLabel | None = None  # "Starting…" until the panes are built
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self._autosave_timer.timeout.connect(self._on_autosave_timeout)

        # One history per workload (per scenario variant); the Edit menu follows the active one.
        self.undo_group = QUndoGroup(self)
        self._build_menu_bar()
        self.setWindowTitle(self.tr("Broker Advisor"))
        self._restore_layout()
        if defer_content:
            # The first frame: the menu titles (their entries come with the content) and a
            # word in the middle pane. The status bar and the menus' entries and shortcuts
            # take Qt tens of milliseconds to make, so they come right after, with the panes.
            self.menuBar().setEnabled(False)
            self._starting = QLabel(self.tr("Starting…"))
            self._starting.setObjectName("startingLabel")
            self._holder_layouts[1].addWidget(self._starting)
            self._first_paint = _FirstPaint(self, self._build_content)
        else:
            self._build_content()

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    def _build_content(self) -> None:
        from PySide6.QtWidgets import QTabBar

        if self._starting is not None:
            self._starting.deleteLater()
            self._starting = None
        self.statusBar().addPermanentWidget(self._busy_label)
        self._build_menus()

        from ui.autosave import Autosave
        from ui.guide_browser import GuideBrowser
        from ui.recommendation_view import LiveRecommendation, RecommendationView
        from ui.scenarios import Scenarios
        from ui.workload_editor import WorkloadDocument, WorkloadEditor

        self.guide_browser = GuideBrowser(self._guide_loader)
        self.side_tabs = QTabWidget()
        self.side_tabs.setObjectName("sideTabs")
        self.side_tabs.setDocumentMode(True)
        self.side_tabs.addTab(self.guide_browser, self.tr("&Guide"))
        if importlib.util.find_spec("ui.probe_panel") is not None:
            self._probe_placeholder = QWidget()
            self.side_tabs.addTab(self._probe_placeholder, self.tr("&Probe"))
        self.loadtest_holder = QWidget()  # the Load test tab, built on first show
        self.side_tabs.addTab(self.loadtest_holder, self.tr("L&oad Test"))
        self.side_tabs.currentChanged.connect(self._on_side_tab_changed)
        # A margin at the window's right edge, so the search field and the tab frame do not run
        # into it (they read as cut off at 1024 px).
        self._holder_layouts[2].setContentsMargins(0, 2, 6, 0)
        self._holder_layouts[2].addWidget(self.side_tabs)
        guide_split = settings.load_bytes("guide/splitter")
        if guide_split is None or not self.guide_browser.splitter.restoreState(guide_split):
            self.guide_browser.splitter.setSizes([200, 500])

        self.autosave = self._autosave or Autosave()
        self.document = WorkloadDocument(self)
        self.scenarios = Scenarios(self.document, self.undo_group, self)
        self.live = LiveRecommendation(self.document, self._recommend, parent=self)
        self.editor = WorkloadEditor(self.document)
        self.variant_tabs = QTabBar()
        self.variant_tabs.setObjectName("variantTabs")
        self.variant_tabs.setAccessibleName(self.tr("Scenario variants"))
        self.variant_tabs.setDocumentMode(True)
        self.variant_tabs.setTabsClosable(True)
        self.variant_tabs.setExpanding(True)  # the names share the pane, none shrinks to "O…"
        self.variant_tabs.setElideMode(elide_right())
        self.variant_tabs.setToolTip(self.tr("Variants of this workload; double-click to rename"))
        self.variant_tabs.hide()  # with one variant there is nothing to switch between
        self._holder_layouts[0].addWidget(self.variant_tabs)
        self.recommendation_view = RecommendationView(
            self.live, section_title=self.guide_browser.section_title
        )
        self.guide_browser.loaded.connect(self.recommendation_view.refresh)
        self._holder_layouts[0].addWidget(self.editor)
        self._holder_layouts[1].addWidget(self.recommendation_view)

        self.document.value_changed.connect(self._on_value_changed)
        self.document.values_changed.connect(self._on_values_replaced)
        self.document.modified_changed.connect(self._on_modified_changed)
        self.document.path_changed.connect(self._on_path_changed)
        self.live.updated.connect(self._on_recommendation_updated)
        self.live.stale_changed.connect(self._on_stale_changed)
        self.live.busy_changed.connect(self._on_busy_changed)
        self.recommendation_view.citation_activated.connect(self.show_guide_section)
        self.recommendation_view.what_if_activated.connect(self._on_what_if_activated)
        self.recommendation_view.set_variants_enabled(True)
        self.scenarios.changed.connect(self._on_variants_changed)
        self.scenarios.current_changed.connect(self._on_variants_changed)
        self.variant_tabs.currentChanged.connect(self._on_variant_tab_changed)
        self.variant_tabs.tabCloseRequested.connect(self.close_variant)
        self.variant_tabs.tabBarDoubleClicked.connect(self._on_variant_tab_double_clicked)
        self.document.workload_changed.connect(self._on_workload_changed_for_compare)
        self._drops = _WorkloadDrops(self)
        self._drops.watch(self.splitter)
        self._update_title()
        self.menuBar().setEnabled(True)
        self.statusBar().clearMessage()
        splitter = settings.load_bytes("main/splitter")
        if splitter is not None:  # again, now that the panes have their minimum sizes
            self.splitter.restoreState(splitter)
        self._is_ready = True
        # Start in the form, at the workload's name (not on the side pane's tabs).
        self.editor.field_widget("name").setFocus()
        # The focus ring after the first paint, with the rest of the content.
        from PySide6.QtWidgets import QApplication

        from ui import focus_ring

        app = QApplication.instance()
        if isinstance(app, QApplication):
            focus_ring.install(app)
        self.live.refresh(now=True)
        # In the background, so neither start-up nor the first recommendation waits for it.
        self.guide_browser.load_in_background()
        self.content_ready.emit()

    # -- start-up and layout --------------------------------------------------------------
    def start(self, argv: list[str] | None = None) -> None:
        """After the window is shown: offer to restore unsaved work, then open a file if given."""
        if not self._is_ready:
            self.content_ready.connect(lambda: self.start(argv))
            return
        self.autosave.begin_session()
        # Only work of instances no longer running is offered, newest first, until one is
        # restored; another running instance's autosave is its own.
        record = self.autosave.pending_restore()
        while record is not None:
            if self.prompts.restore_autosave(record):
                self.document.load(record.values, record.source, modified=True)
                if record.variants and record.name:
                    self.scenarios.rename(0, record.name)
                for variant in record.variants:
                    self.scenarios.duplicate(variant.name or None)
                    self.document.load(variant.values, variant.source, modified=True)
                if record.variants:
                    self.scenarios.switch(0)
                self.statusBar().showMessage(self.tr("Restored the unsaved workload"), 5000)
                if self._write_autosave():  # kept in this instance's autosave before it goes
                    self.autosave.forget(record)
                break
            self.autosave.forget(record)
            record = self.autosave.pending_restore()
        if argv:
            self.open_file(Path(argv[0]))
        elif record is None and self._show_welcome_at_start:
            from ui import welcome

            if welcome.should_show_at_start():
                self.show_welcome()

    def _restore_layout(self) -> None:
        geometry = settings.load_bytes("main/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
        state = settings.load_bytes("main/state")
        if state is not None:
            self.restoreState(state)
        splitter = settings.load_bytes("main/splitter")
        if splitter is None or not self.splitter.restoreState(splitter):
            width = max(self.width(), 1000)
            self.splitter.setSizes([int(width * 0.29), int(width * 0.37), int(width * 0.34)])

    def save_layout(self) -> None:
        settings.save_bytes("main/geometry", self.saveGeometry())
        settings.save_bytes("main/state", self.saveState())
        settings.save_bytes("main/splitter", self.splitter.saveState())
        if self._is_ready:
            settings.save_bytes("guide/splitter", self.guide_browser.splitter.saveState())

    def _build_menu_bar(self) -> None:
        """The menu bar's titles, in order; _build_menus fills them."""
        bar = self.menuBar()
        self._menus = {
            "file": bar.addMenu(self.tr("&File")),
            "edit": bar.addMenu(self.tr("&Edit")),
            "view": bar.addMenu(self.tr("&View")),
            "scenario": bar.addMenu(self.tr("&Scenario")),
            "help": bar.addMenu(self.tr("&Help")),
        }

    def _build_menus(self) -> None:
        file_menu = self._menus["file"]
        self.new_action = self._action(
            file_menu,
            self.tr("&New"),
            self.new_workload,
            QKeySequence.StandardKey.New,
            "Ctrl+N",
        )
        self.open_action = self._action(
            file_menu,
            self.tr("&Open…"),
            self.open_dialog,
            QKeySequence.StandardKey.Open,
            "Ctrl+O",
        )
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._on_recent_menu_about_to_show)
        self.presets_menu = file_menu.addMenu(self.tr("&Presets"))
        self.presets_menu.aboutToShow.connect(self._on_presets_menu_about_to_show)
        file_menu.addSeparator()
        self.save_action = self._action(
            file_menu, self.tr("&Save"), self.save, QKeySequence.StandardKey.Save, "Ctrl+S"
        )
        self.save_as_action = self._action(
            file_menu,
            self.tr("Save &As…"),
            self.save_as,
            QKeySequence.StandardKey.SaveAs,
            "Ctrl+Shift+S",
        )
        self.export_action = self._action(
            file_menu, self.tr("&Export Report…"), self.export, QKeySequence("Ctrl+E")
        )
        self.export_action.setEnabled(importlib.util.find_spec("ui.export_dialog") is not None)
        file_menu.addSeparator()
        self.quit_action = self._action(
            file_menu,
            self.tr("&Quit"),
            self.close,
            QKeySequence.StandardKey.Quit,
            "Ctrl+Q",
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        edit = self._menus["edit"]
        self.undo_action = self.undo_group.createUndoAction(self, self.tr("&Undo"))
        self.redo_action = self.undo_group.createRedoAction(self, self.tr("&Redo"))
        self._set_keys(self.undo_action, QKeySequence.StandardKey.Undo, *UNDO_KEYS)
        self._set_keys(self.redo_action, QKeySequence.StandardKey.Redo, *REDO_KEYS)
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        self.preferences_action = self._action(
            edit,
            self.tr("Pre&ferences…"),
            self.show_preferences,
            QKeySequence.StandardKey.Preferences,
            "Ctrl+,",
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.edit_menu = edit

        view = self._menus["view"]
        self._build_scenario_menu()
        self._action(
            view,
            self.tr("&Workload"),
            lambda: self._focus(self.editor),
            QKeySequence("Alt+1"),
        )
        self._action(
            view,
            self.tr("&Recommendation"),
            lambda: self._focus(self.recommendation_view.details),
            QKeySequence("Alt+2"),
        )
        self._action(
            view,
            self.tr("&Guide"),
            lambda: self._focus(self.guide_browser.tree),
            QKeySequence("Alt+3"),
        )
        self.probe_action = self._action(
            view, self.tr("&Probe"), self.focus_probe, QKeySequence("Alt+4")
        )
        self.loadtest_action = self._action(
            view,
            self.tr("L&oad Test"),
            lambda: importlib.import_module("ui.loadtest_tab").show(self),
            QKeySequence("Alt+5"),
        )
        self.find_action = self._action(
            view,
            self.tr("&Search the Guide"),
            self.focus_guide_search,
            QKeySequence.StandardKey.Find,
            "Ctrl+F",
        )
        view.addSeparator()
        self._action(view, self.tr("Reset &Layout"), self._reset_layout)
        self.view_menu = view

        help_menu = self._menus["help"]
        self.user_guide_action = self._action(
            help_menu,
            self.tr("&User Guide"),
            self.show_user_guide,
            QKeySequence.StandardKey.HelpContents,
            "F1",
        )
        self.shortcuts_action = self._action(
            help_menu,
            self.tr("&Keyboard Shortcuts"),
            self.show_shortcuts,
            QKeySequence("Ctrl+/"),
        )
        self.welcome_action = self._action(help_menu, self.tr("&Welcome…"), self.show_welcome)
        help_menu.addSeparator()
        self._action(help_menu, self.tr("&About Broker Advisor"), self.show_about).setMenuRole(
            QAction.MenuRole.AboutRole
        )
        self.help_menu = help_menu

    def _build_scenario_menu(self) -> None:
        scenario = self._menus["scenario"]
        self.duplicate_action = self._action(
            scenario,
            self.tr("&Duplicate as Variant"),
            self.duplicate_variant,
            QKeySequence("Ctrl+D"),
        )
        self.compare_action = self._action(
            scenario,
            self.tr("&Compare Variants…"),
            self.show_compare,
            QKeySequence("Ctrl+Shift+C"),
        )
        self.sensitivity_action = self._action(
            scenario,
            self.tr("&Sensitivity Chart…"),
            self.show_sensitivity,
            QKeySequence("Ctrl+Shift+Y"),
        )
        scenario.addSeparator()
        self.next_variant_action = self._action(
            scenario,
            self.tr("&Next Variant"),
            lambda: self._step_variant(1),
            QKeySequence.StandardKey.NextChild,
            "Ctrl+PgDown",
        )
        self.previous_variant_action = self._action(
            scenario,
            self.tr("&Previous Variant"),
            lambda: self._step_variant(-1),
            QKeySequence.StandardKey.PreviousChild,
            "Ctrl+PgUp",
        )
        self.rename_variant_action = self._action(
            scenario, self.tr("&Rename Variant…"), self._on_rename_variant
        )
        self.close_variant_action = self._action(
            scenario,
            self.tr("C&lose Variant"),
            lambda: self.close_variant(self.scenarios.current),
        )
        # Ctrl+Tab and friends would fight the form's Tab; PgUp/PgDown do not.
        self.scenario_menu = scenario

    def _action(
        self,
        menu: Any,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | None = None,
        explicit: str | None = None,
    ) -> QAction:
        """A menu action; explicit is a key that works whatever the platform's key scheme says.

        A standard key can be empty (Quit has no binding in the Windows scheme), so the
        explicit key comes first (the menu shows it) and the platform's bindings follow.
        """
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence):
            self._set_keys(action, None, *([explicit] if explicit else []), shortcut)
        else:
            self._set_keys(action, shortcut, *([explicit] if explicit else []))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    @staticmethod
    def _set_keys(
        action: QAction,
        standard: QKeySequence.StandardKey | None,
        *explicit: str | QKeySequence,
    ) -> None:
        """The explicit keys first (the menu shows the first), then the platform's bindings."""
        keys = [key if isinstance(key, QKeySequence) else QKeySequence(key) for key in explicit]
        if standard is not None:
            keys += QKeySequence.keyBindings(standard)
        unique = [key for index, key in enumerate(keys) if key not in keys[:index]]
        if unique:
            # The list overload: setShortcut()'s overload check builds every Qt enum (~12 ms).
            action.setShortcuts(unique)

    def _focus(self, widget: QWidget) -> None:
        if widget is self.guide_browser.tree:
            self.side_tabs.setCurrentWidget(self.guide_browser)
        from PySide6.QtCore import Qt  # not at import: the Qt namespace is slow to set up

        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _reset_layout(self) -> None:
        width = self.splitter.width()
        self.splitter.setSizes([int(width * 0.29), int(width * 0.37), int(width * 0.34)])

    # -- public actions -------------------------------------------------------------------
    def focus_guide_search(self) -> None:
        self.side_tabs.setCurrentWidget(self.guide_browser)
        self.guide_browser.focus_search()

    def focus_probe(self) -> None:
        """View > Probe: the Probe tab, with the focus in its first address field."""
        if not self.show_probe_panel():
            self.statusBar().showMessage(self.tr("This installation has no probe panel"), 5000)
            return
        tabs = getattr(self.probe_panel, "tabs", None)
        page = tabs.currentWidget() if tabs is not None else None
        form = getattr(page, "form", None)
        target = getattr(form, "url_edit", None) or self.probe_panel
        if isinstance(target, QWidget):
            self._focus(target)

    def show_probe_panel(self) -> bool:
        """Bring the Probe tab to the front (built on first use); False if there is none."""
        if self._probe_placeholder is None:
            return False
        self.side_tabs.setCurrentWidget(self._probe_placeholder)
        return True

    def show_guide_section(self, section_id: str) -> None:
        self.side_tabs.setCurrentWidget(self.guide_browser)
        if not self.guide_browser.show_section(section_id):
            self.statusBar().showMessage(
                self.tr("No guide section {id}").format(id=bidi.ltr(section_id)), 5000
            )

    def new_workload(self) -> bool:
        if not self.confirm_discard():
            return False
        # Nothing stated: every value shown is an assumption until set (as on the command line).
        self.document.load({}, None, stated=set())
        self._write_autosave()  # other variants' unsaved changes stay autosaved
        return True

    def open_dialog(self) -> bool:
        path = self.prompts.open_path(str(self._start_folder()))
        return self.open_file(path) if path else False

    def _start_folder(self) -> Path:
        """Where file dialogs open: the folder last used, else the workload's, else home."""
        if self.document.path is not None and self.document.path.parent.is_dir():
            fallback = self.document.path.parent
        else:
            fallback = Path.home()
        return settings.last_folder(fallback)

    def open_file(self, path: Path, *, as_preset: bool = False) -> bool:
        """Open a workload file; on problems say which and keep the current workload."""
        from advisor import presets
        from advisor import workload as wl

        if not self.confirm_discard():
            return False
        try:
            # A preset's name and notes come in the interface language.
            workload = presets.load_preset(path) if as_preset else wl.load_workload(path)
        except wl.WorkloadFileError as error:
            self.prompts.problems(
                self.tr("Cannot open {name}").format(name=bidi.ltr(Path(error.path).name)),
                self.tr("{path} is not a valid workload file:").format(path=bidi.ltr(error.path)),
                error.problems,
            )
            return False
        values = workload.model_dump(mode="json")
        stated = set(workload.model_fields_set)
        if as_preset:
            # A preset is an edit of the workload, undone like any other; a file is a new
            # document with a history of its own.
            self.document.replace(
                values,
                self.tr("Load Preset {name}").format(name=bidi.quoted(preset_title(path))),
                stated=stated,
                path=None,
                saved=True,
            )
        else:
            self.document.load(values, path, stated=stated)
        self.autosave.discard()
        if not as_preset:
            self._remember_recent(path)
            settings.set_last_folder(path.parent)
        self.statusBar().showMessage(
            self.tr("Loaded preset {name}").format(name=bidi.quoted(preset_title(path)))
            if as_preset
            else self.tr("Opened {path}").format(path=bidi.ltr(path)),
            5000,
        )
        return True

    def save(self) -> bool:
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        # An invalid workload is refused before a file name is asked for, not after.
        if not self._check_savable():
            return False
        current = self.document.path
        slug = _slug(str(self.document.values.get("name", "workload")))
        folder = self._start_folder()
        suggested = str(folder / current.name) if current else str(folder / f"{slug}.yaml")
        path = self.prompts.save_path(suggested)
        return self._save_to(path) if path else False

    def _check_savable(self) -> bool:
        if self.document.workload is not None:
            return True
        problems = [m for ms in self.document.validation.problems.values() for m in ms]
        self.prompts.problems(
            self.tr("Cannot save"),
            self.tr("Fix these problems first (your edits are kept in the autosave meanwhile):"),
            problems,
        )
        return False

    def _save_to(self, path: Path) -> bool:
        from advisor import workload as wl

        workload = self.document.workload
        if workload is None:
            self._check_savable()
            return False
        try:
            wl.save_workload(workload, path)
        except OSError as error:
            self.prompts.problems(
                self.tr("Cannot save"),
                self.tr("Could not write {path}:").format(path=bidi.ltr(path)),
                [error.strerror or str(error)],
            )
            return False
        self.document.mark_saved(path)
        self.autosave.discard()
        self._remember_recent(path)
        settings.set_last_folder(path.parent)
        self.statusBar().showMessage(self.tr("Saved {path}").format(path=bidi.ltr(path)), 5000)
        return True

    def export(self) -> None:
        workload = self.document.workload
        recommendation = self.live.recommendation
        if workload is None or recommendation is None or self.live.is_stale:
            self.prompts.problems(
                self.tr("Cannot export yet"),
                self.tr("Export needs a valid workload and its recommendation."),
                [self.tr("Fix the problems shown in the editor.")],
            )
            return
        export_dialog = importlib.import_module("ui.export_dialog")
        results = getattr(self.probe_panel, "results", None)
        if callable(results):
            results = results()
        loadtest = getattr(getattr(self, "loadtest_tab", None), "last_result", None)
        export_dialog.run_export(self, workload, recommendation, results, loadtest=loadtest)

    # -- scenarios ----------------------------------------------------------------------------
    def duplicate_variant(self, name: str | None = None) -> int:
        """Copy the workload shown into a new variant and show it; the variant's index."""
        index = self.scenarios.duplicate(name)
        self.statusBar().showMessage(
            self.tr("New variant {name}").format(name=bidi.quoted(self.scenarios.names()[index])),
            4000,
        )
        return index

    def switch_variant(self, index: int) -> None:
        self.scenarios.switch(index)

    def close_variant(self, index: int) -> bool:
        """Close a variant; one with unsaved changes is shown and asked about first."""
        if len(self.scenarios) <= 1 or not 0 <= index < len(self.scenarios):
            return False
        if self.scenarios.is_modified(index):
            self.scenarios.switch(index)
            if not self.confirm_discard():
                return False
        return self.scenarios.close(index)

    def rename_variant(self, index: int, name: str) -> None:
        self.scenarios.rename(index, name)

    def apply_what_if_as_variant(self, item: Any) -> int:
        """A new variant, named by the what-if, with its threshold applied (undoable there)."""
        index = self.duplicate_variant(what_if_condition(item))
        self.apply_what_if(item)
        return index

    def show_compare(self) -> QWidget:
        """Scenario > Compare Variants: every variant side by side (one window, kept fresh)."""
        from ui.compare import CompareDialog

        if self._compare is None:
            dialog = CompareDialog(self.scenarios.names, self._variant_states, self)
            dialog.show_variant.connect(self._on_compare_show_variant)
            dialog.finished.connect(self._on_compare_closed)
            self._compare = dialog
        self._compare.show()
        _bring_to_front(self._compare)
        self._compare.refresh()
        return self._compare

    def show_sensitivity(self, field: str | None = None) -> QWidget:
        """Scenario > Sensitivity Chart for the workload shown."""
        from ui.sensitivity_chart import SensitivityDialog

        dialog = SensitivityDialog(
            self._current_valid_workload, self, field=field or "peak_rate_msg_per_s"
        )
        dialog.setAttribute(delete_on_close())
        dialog.show()
        dialog.chart.refresh()
        return dialog

    def _current_valid_workload(self) -> Any:
        return self.document.workload

    def _variant_states(self) -> list[tuple[Any, frozenset[str]]]:
        return [
            (self.scenarios.workload(i), self.scenarios.state(i).stated)
            for i in range(len(self.scenarios))
        ]

    def _step_variant(self, step: int) -> None:
        count = len(self.scenarios)
        if count > 1:
            self.scenarios.switch((self.scenarios.current + step) % count)

    def apply_what_if(self, item: Any) -> None:
        """Set the what-if's requirement to its threshold (siblings kept consistent), undoably."""
        from advisor import sensitivity

        values = sensitivity.adjusted(self.document.values, item.field, item.threshold)
        changed = {k for k, v in values.items() if v != self.document.values.get(k)}
        self.document.replace(
            values,
            self.tr("Apply What-if: {condition}").format(condition=what_if_condition(item)),
            stated=self.document.stated | changed | {item.field},
        )
        self.statusBar().showMessage(
            self.tr("Applied: {condition}").format(condition=what_if_condition(item)), 5000
        )

    def confirm_discard(self) -> bool:
        """True when the current workload may be replaced: saved, discarded, or unmodified."""
        if not self.document.is_modified:
            return True
        name = self.document.display_name
        if len(self.scenarios) > 1:
            name = f"{name} ({self.scenarios.names()[self.scenarios.current]})"
        answer = self.prompts.unsaved_changes(name)
        if answer == "save":
            return self.save()
        return answer == "discard"

    def discard_variants(self) -> None:
        """For scripted runs (screenshots, benchmarks): every variant but the first closed and
        every unsaved change dropped, without asking (a question would wait forever)."""
        for index in reversed(range(1, len(self.scenarios))):
            self.scenarios.close(index)
        self.document.load(self.document.values, self.document.path)

    def _confirm_discard_all(self) -> bool:
        """Before quitting: every variant with unsaved changes is shown and asked about in turn."""
        for index in self.scenarios.modified():
            self.scenarios.switch(index)
            if not self.confirm_discard():
                return False
        return True

    def show_preferences(self) -> QWidget:
        """Edit > Preferences (window-modal, not blocking); OK saves and applies them."""
        from ui import preferences

        dialog = preferences.PreferencesDialog(preferences.load(), self)
        dialog.applied.connect(self._on_preferences_applied)
        dialog.setAttribute(delete_on_close())
        dialog.open()
        return dialog

    def _on_preferences_applied(self, chosen: Any) -> None:
        from PySide6.QtWidgets import QApplication

        from ui import theme

        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, chosen.theme)
        apply = getattr(self.probe_panel, "apply_preferences", None)
        if callable(apply):
            apply(chosen)
        from advisor import i18n
        from ui import app as ui_app

        if ui_app.chosen_language() != i18n.language():
            # Widgets word their texts when they are made: a new language needs a new start.
            self.statusBar().showMessage(
                self.tr("Preferences saved; the new language takes effect at the next start"), 8000
            )
        else:
            self.statusBar().showMessage(self.tr("Preferences saved"), 3000)

    def show_user_guide(self, section: str | None = None) -> QWidget:
        """Help > User Guide, at the section about where the focus is (or the one given)."""
        from ui import help as help_module

        dialog = help_module.HelpDialog(self)
        dialog.setAttribute(delete_on_close())
        dialog.show_section(section or self._help_context())
        dialog.show()
        return dialog

    def _help_context(self) -> str:
        focus = self.focusWidget()
        panes: list[tuple[QWidget | None, str]] = [
            (getattr(self, "editor", None), "editing"),
            (getattr(self, "recommendation_view", None), "recommendation"),
            (self.probe_panel, "probe"),
        ]
        for pane, section in panes:
            if focus is not None and pane is not None and pane.isAncestorOf(focus):
                return section
        return "start"

    def show_shortcuts(self) -> QWidget:
        """Help > Keyboard Shortcuts: every menu command with a key, from the menus themselves."""
        from ui import help as help_module

        menus = {
            menu.title(): [a for a in menu.actions() if not a.isSeparator()]
            for menu in self.menus()
        }
        extra = {self.tr("Panes"): self._pane_shortcuts()}
        dialog = help_module.ShortcutsDialog(help_module.shortcuts({**menus, **extra}), self)
        dialog.setAttribute(delete_on_close())
        dialog.show()
        return dialog

    def menus(self) -> list[Any]:
        from PySide6.QtWidgets import QMenu

        found = []
        for action in self.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu):
                found.append(menu)
        return found

    def _pane_shortcuts(self) -> list[QAction]:
        """Keys that belong to a pane rather than a menu (listed so that all are in one place)."""
        rows = []
        for text, key in (
            (self.tr("Cancel running probes"), "Esc"),
            (self.tr("Next variant"), "Ctrl+PgDown"),
            (self.tr("Previous variant"), "Ctrl+PgUp"),
            (self.tr("Back in the guide"), "Alt+Left"),
            (self.tr("Forward in the guide"), "Alt+Right"),
        ):
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(key)])
            action.setEnabled(False)  # a row of the list only: the pane owns the key
            rows.append(action)
        return rows

    def show_welcome(self) -> QWidget:
        """Help > Welcome (and the first start): the presets with one line each, or blank."""
        from ui import welcome

        presets = [
            (info.path, info.title, info.description)
            for info in (preset_info(p) for p in preset_files(self._presets_dir))
        ]
        dialog = welcome.WelcomeDialog(presets, self)
        dialog.setAttribute(delete_on_close())
        dialog.preset_chosen.connect(lambda path: self.open_file(path, as_preset=True))
        dialog.blank_chosen.connect(self.new_workload)
        dialog.open()
        return dialog

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, self.tr("About Broker Advisor"), about_text())

    # -- helpers --------------------------------------------------------------------------
    def _remember_recent(self, path: Path) -> None:
        settings.add_recent_file(path)

    def _update_title(self) -> None:
        # The workload's name whatever it came from (a preset, a file, a new one), and the file
        # beside it when there is one.
        name = self.document.display_name.replace("[*]", "[ *]")
        path = self.document.path
        where = f" ({path.name})" if path is not None else ""
        self.setWindowTitle(
            self.tr("{name}{where}[*] — Broker Advisor").format(name=name, where=where)
        )
        self.setWindowModified(self.document.is_modified)

    def _write_autosave(self) -> bool:
        """Autosave every variant with unsaved changes (none: the autosave goes); False when
        writing failed (the status bar says why)."""
        from ui.autosave import AutosavedVariant

        names = self.scenarios.names()
        unsaved = [
            AutosavedVariant(names[index], dict(state.values), state.path)
            for index in self.scenarios.modified()
            for state in [self.scenarios.state(index)]
        ]
        if not unsaved:
            self.autosave.discard()
            return True
        first = unsaved[0]
        try:
            self.autosave.write(first.values, first.source, first.name, tuple(unsaved[1:]))
        except OSError as error:
            self.statusBar().showMessage(
                self.tr("Autosave failed: {error}").format(error=error), 5000
            )
            return False
        return True

    def _ensure_probe_panel(self) -> None:
        if self.probe_panel is not None or self._probe_placeholder is None:
            return
        holder = self._probe_placeholder
        try:
            module = importlib.import_module("ui.probe_panel")
            self.probe_panel = module.ProbePanel(self._current_workload, holder)
        except Exception as error:  # the panel is optional; the rest of the app must work
            message = QLabel(
                self.tr("The probe panel could not start:") + f"\n{type(error).__name__}: {error}"
            )
            message.setWordWrap(True)
            self.probe_panel = message
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.probe_panel)
        self._drops.watch(self.probe_panel)
        refresh = getattr(self.probe_panel, "refresh_verdicts", None)
        if callable(refresh):
            # Verdicts depend on the workload: judge the results again when it changes.
            self.document.workload_changed.connect(lambda _w: refresh())
        changed = getattr(self.probe_panel, "results_changed", None)
        if changed is not None:
            # The advice is written for the server versions the probes found.
            changed.connect(self._on_probe_results)

    def _on_probe_results(self, results: list[Any]) -> None:
        from advisor import versions

        self.live.set_detected(versions.detected(results))
        self.recommendation_view.set_probe_results(results)

    def _current_workload(self) -> wl.Workload:
        """The workload for the probe panel: the current one, or the last valid one."""
        return self.document.workload or self.document.last_valid_workload

    # -- slots ----------------------------------------------------------------------------
    def _on_value_changed(self, name: str) -> None:
        self._autosave_timer.start()
        if name == "name":
            self._update_title()

    def _on_values_replaced(self) -> None:
        self._update_title()
        # Another workload: start at the top of the form and of the reasons, not where the
        # previous one was scrolled to.
        self.editor.verticalScrollBar().setValue(0)
        self.recommendation_view.scroll_to_top()

    def _on_modified_changed(self, modified: bool) -> None:
        self._update_title()
        if not modified:
            self._autosave_timer.stop()
            if self._is_ready:
                self._write_autosave()  # the saved variant leaves the autosave; others stay

    def _on_path_changed(self, _path: Path | None) -> None:
        self._update_title()

    def _on_autosave_timeout(self) -> None:
        self._write_autosave()

    def _on_recommendation_updated(self, _recommendation: Any) -> None:
        self._show_verdict_in_status_bar()

    def _on_stale_changed(self, _stale: bool) -> None:
        self._show_verdict_in_status_bar()

    def _show_verdict_in_status_bar(self) -> None:
        recommendation = self.live.recommendation
        if recommendation is None:
            return
        if self.live.is_stale:
            # A recommendation for input that no longer holds is not one to act on.
            self._busy_label.setText(self.tr("Out of date: fix the workload"))
            return
        winner = recommendation.winner
        if recommendation.tied:
            text = self.tr("A tie: {brokers}").format(
                brokers=self.tr(" or ").join(b.title for b in recommendation.tied)
            )
        elif winner:
            text = self.tr("Recommended: {broker}").format(broker=winner.title)
        else:
            text = self.tr("No broker fits")
        self._busy_label.setText(text)

    def _on_busy_changed(self, busy: bool) -> None:
        if busy and self.live.recommendation is None:
            self._busy_label.setText(self.tr("Working…"))

    def _on_what_if_activated(self, item: Any, as_variant: bool) -> None:
        if as_variant:
            self.apply_what_if_as_variant(item)
        else:
            self.apply_what_if(item)

    def _on_variants_changed(self, *_args: Any) -> None:
        tabs = self.variant_tabs
        names = self.scenarios.names()
        tabs.blockSignals(True)
        try:
            while tabs.count() > len(names):
                tabs.removeTab(tabs.count() - 1)
            for index, name in enumerate(names):
                if index < tabs.count():
                    tabs.setTabText(index, name.replace("&", "&&"))
                else:
                    tabs.addTab(name.replace("&", "&&"))
                tabs.setTabToolTip(index, name)
            tabs.setCurrentIndex(self.scenarios.current)
        finally:
            tabs.blockSignals(False)
        tabs.setVisible(len(names) > 1)
        several = len(names) > 1
        for action in (
            self.next_variant_action,
            self.previous_variant_action,
            self.close_variant_action,
        ):
            action.setEnabled(several)
        if self._compare is not None:
            self._compare.schedule_refresh()

    def _on_variant_tab_changed(self, index: int) -> None:
        if index >= 0:
            self.scenarios.switch(index)

    def _on_variant_tab_double_clicked(self, index: int) -> None:
        if index >= 0:
            self._on_rename_variant(index)

    def _on_rename_variant(self, index: int | None = None) -> None:
        from PySide6.QtWidgets import QInputDialog

        index = self.scenarios.current if index is None else index
        name, ok = QInputDialog.getText(
            self, self.tr("Rename variant"), self.tr("Name:"), text=self.scenarios.names()[index]
        )
        if ok:
            self.rename_variant(index, name)

    def _on_compare_show_variant(self, index: int) -> None:
        self.scenarios.switch(index)
        _bring_to_front(self)

    def _on_compare_closed(self, _result: int) -> None:
        if self._compare is not None:
            self._compare.deleteLater()
        self._compare = None

    def _on_workload_changed_for_compare(self, _workload: Any) -> None:
        if self._compare is not None:
            self._compare.schedule_refresh()

    def _on_side_tab_changed(self, index: int) -> None:
        if (
            self._probe_placeholder is not None
            and self.side_tabs.widget(index) is self._probe_placeholder
        ):
            self._ensure_probe_panel()
        if self.side_tabs.widget(index) is getattr(self, "loadtest_holder", None):
            importlib.import_module("ui.loadtest_tab").attach(self)

    def _on_recent_menu_about_to_show(self) -> None:
        self.recent_menu.clear()
        files = settings.recent_files()
        for index, name in enumerate(files, start=1):
            action = self.recent_menu.addAction(f"&{index} {bidi.ltr(Path(name).name)}")
            action.setToolTip(name)
            action.setStatusTip(name)
            action.triggered.connect(lambda _c=False, p=name: self.open_file(Path(p)))
        if not files:
            self.recent_menu.addAction(self.tr("No recent files")).setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction(self.tr("&Clear Menu"))
        clear.setEnabled(bool(files))
        clear.triggered.connect(settings.clear_recent_files)

    def _on_presets_menu_about_to_show(self) -> None:
        self.presets_menu.clear()
        presets = preset_files(self._presets_dir)
        for path in presets:
            info = preset_info(path)
            action = self.presets_menu.addAction(info.title.replace("&", "&&"))
            action.setStatusTip(info.description or str(path))
            action.setToolTip(info.description or info.title)
            action.triggered.connect(lambda _c=False, p=path: self.open_file(p, as_preset=True))
        if not presets:
            self.presets_menu.addAction(self.tr("No presets found")).setEnabled(False)

    # -- Qt overrides ---------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._is_ready:
            self.save_layout()
            event.accept()
            return
        if not self._confirm_discard_all():
            event.ignore()
            return
        self.save_layout()
        self._autosave_timer.stop()
        self.autosave.clean_exit()
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _dropped_workload(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _dropped_workload(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # Let the drag finish before any prompt appears.
        QTimer.singleShot(0, lambda: self.open_file(path))


class _WorkloadDrops(QObject):
    """Sends a workload file dropped on a text field to the window, which opens it.

    Line and text edits accept every drop with text, a file URL included, so without this a
    dropped workload became "file:///…/x.yaml" typed into the field. Any other drop (plain
    text, or a file that is no workload) still reaches the field as before.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._kinds = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)

    def watch(self, root: QWidget) -> None:
        """Filter every widget under root that takes drops (text edits: their viewports).

        Read-only text views (the recommendation, the guide) take no drops at all: a drop on
        them goes up to the window, and they need no filter (a filter written in Python runs
        for every event of its widget, the many a large document's layout and painting send).
        """
        for widget in [root, *root.findChildren(QWidget)]:
            if _read_only_text(widget):
                widget.setAcceptDrops(False)
            elif widget.acceptDrops() and widget is not self._window:
                widget.removeEventFilter(self)  # once only, if watched again
                widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() not in self._kinds:
            return False
        # QDragEnterEvent and QDragMoveEvent are QDropEvents too.
        if not isinstance(event, QDropEvent) or _dropped_workload(event) is None:
            return False
        if event.type() == QEvent.Type.Drop:
            self._window.dropEvent(event)
        else:
            event.acceptProposedAction()
        return True


class _FirstPaint(QObject):
    """Calls back once the window has painted its first frame."""

    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._callback = callback
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self._window and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
        return False


def _read_only_text(widget: QWidget) -> bool:
    """A read-only text edit or browser, or its viewport."""
    from PySide6.QtWidgets import QPlainTextEdit, QTextEdit  # after the first paint

    for candidate in (widget, widget.parentWidget()):
        if isinstance(candidate, QTextEdit | QPlainTextEdit) and candidate.isReadOnly():
            return True
    return False


def _dropped_workload(event: QDropEvent) -> Path | None:
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in WORKLOAD_SUFFIXES:
                return path
    return None


def _bring_to_front(widget: QWidget) -> None:
    """Raise and activate a window (the offscreen platform can do neither, and warns)."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() != "offscreen":
        widget.raise_()
    widget.activateWindow()


def elide_right() -> Any:
    from PySide6.QtCore import Qt

    return Qt.TextElideMode.ElideRight


def delete_on_close() -> Any:
    """Qt.WidgetAttribute.WA_DeleteOnClose, imported when needed (the Qt namespace is slow)."""
    from PySide6.QtCore import Qt

    return Qt.WidgetAttribute.WA_DeleteOnClose


def what_if_condition(item: Any) -> str:
    """'Peak rate above 100,000 msg/s': what applying a what-if sets."""
    from advisor import i18n, units

    quantity = bidi.ltr(units.quantity(item.threshold, item.unit))
    directions = {
        "above": QCoreApplication.translate("MainWindow", "above"),
        "below": QCoreApplication.translate("MainWindow", "below"),
    }
    direction = directions.get(item.direction, item.direction)
    return f"{i18n.tr(item.field_title)} {direction} {quantity}"


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "workload"


def about_text() -> str:
    import platform

    return (
        f"<h3>Broker Advisor {bidi.ltr(advisor.__version__)}</h3><p>"
        + QCoreApplication.translate(
            "MainWindow",
            "Recommends Redis, RabbitMQ or Kafka for a workload, explains why with "
            "citations into a built-in guide, probes live brokers and exports reports.",
        )
        + "</p>"
        + bidi.ltr(f"<p>Qt {qVersion()}<br>PySide6 {pyside_version}<br>")
        + bidi.ltr(f"Python {platform.python_version()} ({sys.platform})</p>")
    )
