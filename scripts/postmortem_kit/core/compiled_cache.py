"""A folder for what a run compiles and the next run can reuse, as Python keeps bytecode.

Used for the compiled regular expressions (``regex_store``) and the blameless rules' compiled data
(``blameless.rules``): both are the same in every run of one version, and making them is most of a
one-file `postmortem check` beyond Python's own start.

Where: ``$POSTMORTEM_KIT_COMPILED_CACHE`` if set (``off`` turns the cache off), else
``$XDG_CACHE_HOME/postmortem-kit`` or ``~/.cache/postmortem-kit``, in a folder named for this
interpreter (its version and its regex engine), so another Python never reads what this one wrote.
Files are written under a temporary name and renamed, so a reader sees a whole file or none; the
readers check what they read and compile again when it does not fit.  The folder holds what this
user's own runs wrote, and is trusted as a ``__pycache__`` folder is.  When it cannot be written,
runs compile as they would without it.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

ENV = "POSTMORTEM_KIT_COMPILED_CACHE"
OFF = frozenset({"", "off", "0", "no", "false"})
MAX_FILES = 4000  # past this many, the older half goes when a file is added (most are a few KB)

_folder: Path | None = None
_checked = False
_pruned = False


def folder() -> Path | None:
    """This interpreter's cache folder, or None when the cache is off (it may not exist yet)."""
    global _folder, _checked
    if _checked:
        return _folder
    _checked = True
    setting = os.environ.get(ENV)
    if setting is not None and setting.strip().lower() in OFF:
        return None
    if setting:
        base = Path(setting).expanduser()
    else:
        cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = Path(cache) / "postmortem-kit"
        if not base.is_absolute():  # no home folder: never a folder relative to wherever the run is
            return None
    try:
        import _sre

        regex_engine = f"{_sre.MAGIC} {_sre.CODESIZE}"
    except (ImportError, AttributeError):  # pragma: no cover - another interpreter
        regex_engine = "-"
    engine = f"{zlib.crc32(f'{sys.version} {regex_engine}'.encode()):08x}"
    _folder = base / f"compiled-{sys.implementation.cache_tag}-{engine}"
    return _folder


def name_for(kind: str, key: bytes) -> str:
    """A file name for ``key`` (not unique: a reader compares what the file holds)."""
    return f"{kind}-{zlib.crc32(key):08x}{zlib.adler32(key):08x}{len(key):x}"


def read(name: str) -> bytes | None:
    """The file's bytes, or None when the cache is off or has no such file."""
    where = folder()
    if where is None:
        return None
    try:
        with open(where / name, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Keep ``data`` as ``name``; a read-only or full disk leaves the cache as it was.  Not
    ``files.write_atomic``: that one syncs each file to disk and imports ``tempfile`` (with
    ``shutil``), which a cache rebuilt from the packaged files needs neither of, in the first run of
    a one-file check that writes some fifty of them."""
    global _pruned
    where = folder()
    if where is None:
        return
    path = where / name
    temporary = path.with_name(f".{name}.{os.getpid()}.tmp")
    try:
        if not _pruned:
            _pruned = True
            where.mkdir(parents=True, exist_ok=True, mode=0o700)
            _prune(where)
        with open(temporary, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass


def kept(kind: str, version: str, expected: type = dict):
    """The value ``keep(kind, version, value)`` stored, or None when there is none, the file is
    damaged, or it holds another version or another type (a reader then rebuilds and keeps it)."""
    data = read(name_for(kind, version.encode()))
    if not data:
        return None
    import marshal

    try:
        stored, value = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    return value if stored == version and isinstance(value, expected) else None


def keep(kind: str, version: str, value) -> None:
    """Keep ``value`` (marshal: plain containers, strings and numbers) under ``kind`` for ``version``."""
    import marshal

    write(name_for(kind, version.encode()), marshal.dumps((version, value)))


def reset() -> None:
    """Read the setting again (the tests change it within one process)."""
    global _folder, _checked, _pruned
    _folder, _checked, _pruned = None, False, False


def _prune(where: Path) -> None:
    """Once a run, when the folder holds more than MAX_FILES files, remove the older half."""
    with os.scandir(where) as entries:
        files = [entry for entry in entries if not entry.name.startswith(".")]
    if len(files) <= MAX_FILES:
        return
    files.sort(key=lambda entry: entry.stat().st_mtime)
    for entry in files[: len(files) // 2]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass
