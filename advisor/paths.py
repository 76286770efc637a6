"""Where the data folders (rules, assets) live; overridable for tests and packaging."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _data_root() -> Path:
    """The checkout (or editable install) when it holds the data, else the installed copy."""
    tree = Path(__file__).resolve().parent.parent
    if (tree / "rules").is_dir() and (tree / "assets").is_dir():
        return tree
    return Path(sys.prefix) / "share" / "broker-advisor"


ROOT = _data_root()


def rules_dir() -> Path:
    """The folder holding the rule files."""
    return Path(os.environ.get("BROKER_ADVISOR_RULES", ROOT / "rules"))


def assets_dir() -> Path:
    """The folder holding the guide, presets and report templates."""
    return Path(os.environ.get("BROKER_ADVISOR_ASSETS", ROOT / "assets"))


def guide_dir() -> Path:
    return assets_dir() / "guide"


def presets_dir() -> Path:
    return assets_dir() / "presets"


def templates_dir() -> Path:
    return assets_dir() / "templates"


def state_dir() -> Path:
    """Per-user state (caches, sandbox data): outside the git tree."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "broker-advisor"
    return Path(os.environ.get("BROKER_ADVISOR_HOME", default))
