"""The author of an imported document when neither ``--author`` nor the document names one: git's user.

Read with ``git config --get`` (a local command, no network) in this order:
``github.user`` (as ``@handle``), a GitHub no-reply ``user.email``
(``123+handle@users.noreply.github.com`` -> ``@handle``), then ``user.name``
as a slug (``Mara Okafor`` -> ``mara-okafor``).  The importer reports which
one it used, so the writer can correct it with ``--author``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from postmortem_kit.rca.values import is_person, slug

_NOREPLY = re.compile(r"^(?:[0-9]{1,12}\+)?(?P<handle>[A-Za-z0-9][A-Za-z0-9-]{0,38})@users\.noreply\.github\.com$")
_TIMEOUT = 5


def _config(key: str, cwd: Path) -> str:
    try:
        done = subprocess.run(["git", "config", "--get", key], cwd=cwd, capture_output=True, text=True,
                              timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def git_author(cwd: str | Path = ".") -> tuple[str, str] | None:
    """(author, where it came from) from git's configured user, or None."""
    folder = Path(cwd)
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    user = _config("github.user", folder)
    if user and is_person(f"@{user.lstrip('@')}"):
        return f"@{user.lstrip('@')}", f"git config github.user = {user!r}"
    email = _config("user.email", folder)
    noreply = _NOREPLY.match(email)
    if noreply:
        return f"@{noreply.group('handle')}", f"git config user.email = {email!r}"
    name = _config("user.name", folder)
    handle = slug(name) if name else None
    if handle and is_person(handle):
        return handle, f"git config user.name = {name!r}"
    return None
