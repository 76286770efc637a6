"""Generated passwords of the production modes' users, each kept in a 0600 file."""

from __future__ import annotations

import os
import secrets

from advisor.i18n import tr
from advisor.sandbox import layout, process


def password(lay: layout.Layout, user: str) -> str:
    """The password of `user`, generated on first use (URL-safe, so it needs no escaping)."""
    path = lay.password_file(user)
    if path.exists():
        try:
            return path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise process.StateFileError(
                path, tr("cannot read the password ({error})", error=error)
            ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    value = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value
