"""Where evidence comes from: a file, a directory or a ZIP archive, read with bounds.

Every file goes through ``core.files`` (regular files only, the ``evidence``
size cap).  A ZIP archive (Slack exports arrive as one) is opened from those
bytes; each member is inflated in chunks and stopped at the cap, so a member
that claims to be small but inflates to gigabytes (a ZIP bomb) is refused
without being held in memory, and so is an archive whose members add up to
more than ``MAX_ARCHIVE_TOTAL``.  JSON errors name the file, line and column.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from postmortem_kit.core import LIMITS, FileReadError, decode_text, read_bytes
from postmortem_kit.evidence.model import EvidenceError

MEMBER_LIMIT = LIMITS["evidence"]
MAX_ARCHIVE_TOTAL = 4 * LIMITS["evidence"]  # all members of one archive together, inflated
MAX_MEMBERS = 200_000
MAX_RATIO = 200  # inflated size / compressed size above which a member is treated as a bomb
_CHUNK = 1 << 16


@dataclass
class Source:
    """A source given on the command line: ``path`` shown as typed, ``name`` as written into labels."""

    path: Path
    shown: str
    name: str  # the basename, so labels do not depend on the directory the command ran in
    _archive: zipfile.ZipFile | None = field(default=None, repr=False)
    _head: bytes | None = field(default=None, repr=False)  # a plain file's bytes, read once
    remote: str | None = None  # OWNER/REPO of a ``github:OWNER/REPO`` source: nothing to read from disk
    _inflated: int = 0

    @classmethod
    def open(cls, given: str) -> Source:
        if given.startswith("github:"):
            return cls(Path(given), given, given, _head=b"", remote=given[len("github:"):])
        path = Path(given)
        source = cls(path, given, path.name or given)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise EvidenceError(f"{given}: no such file or directory") from None
        except OSError as error:
            raise EvidenceError(f"{given}: cannot read: {error.strerror or error}") from None
        if stat.S_ISDIR(info.st_mode):
            return source
        raw = _read(path, given)
        if raw[:4] == b"PK\x03\x04" or raw[:4] == b"PK\x05\x06":
            try:
                source._archive = zipfile.ZipFile(io.BytesIO(raw))
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                raise EvidenceError(f"{given}: not a readable ZIP archive ({error}); the download may be "
                                    "truncated, fetch the export again") from None
            if len(source._archive.infolist()) > MAX_MEMBERS:
                raise EvidenceError(f"{given}: more than {MAX_MEMBERS:,} files in the archive; not read")
        else:
            source._head = raw
        return source

    # -- what is inside ----------------------------------------------------------------------------

    @property
    def is_dir(self) -> bool:
        return self._archive is None and self.path.is_dir()

    @property
    def is_archive(self) -> bool:
        return self._archive is not None

    def members(self) -> list[str]:
        """Relative POSIX paths of the files inside a directory or an archive ('' for a plain file)."""
        if self._archive is not None:
            return [info.filename for info in self._archive.infolist() if not info.is_dir()]
        if self.path.is_dir():
            return sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
        return [""]

    def where(self, member: str) -> str:
        """How a member is named in messages and labels: ``export.zip:general/2026-03-14.json``."""
        if not member:
            return self.shown
        return f"{self.shown}:{member}" if self._archive is not None else f"{self.shown}/{member}"

    def label_file(self, member: str = "") -> str:
        return f"{self.name}:{member}" if member else self.name

    def read(self, member: str = "") -> bytes:
        if self._archive is not None:
            return self._inflate(member)
        if member:
            rel = PurePosixPath(member)
            if rel.is_absolute() or ".." in rel.parts:
                raise EvidenceError(f"{self.where(member)}: path leaves the export; not read")
            return _read(self.path / rel, self.where(member))
        if self._head is not None:
            return self._head
        return _read(self.path, self.shown)

    def text(self, member: str = "") -> str:
        shown = self.where(member)
        try:
            return decode_text(self.read(member), shown, "evidence")
        except FileReadError as error:
            raise EvidenceError(str(error)) from None

    def json(self, member: str = "") -> Any:
        return load_json(self.text(member), self.where(member))

    def _inflate(self, member: str) -> bytes:
        assert self._archive is not None
        shown = self.where(member)
        try:
            info = self._archive.getinfo(member)
        except KeyError:
            raise EvidenceError(f"{shown}: not in the archive") from None
        if info.file_size > MEMBER_LIMIT:
            raise EvidenceError(f"{shown}: {info.file_size:,} bytes inflated, over the {MEMBER_LIMIT // 2**20} MiB limit")
        out = bytearray()
        try:
            with self._archive.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    out += chunk
                    if len(out) > MEMBER_LIMIT or len(out) > max(info.compress_size, 1) * MAX_RATIO + _CHUNK:
                        raise EvidenceError(f"{shown}: inflates far beyond its declared size (a ZIP bomb?); not read")
        except (zipfile.BadZipFile, EOFError, zlib.error, OSError, NotImplementedError, RuntimeError) as error:
            raise EvidenceError(f"{shown}: cannot inflate ({error}); the archive may be truncated or damaged") from None
        self._inflated += len(out)
        if self._inflated > MAX_ARCHIVE_TOTAL:
            raise EvidenceError(f"{self.shown}: the archive inflates to more than {MAX_ARCHIVE_TOTAL // 2**20} MiB; not read")
        return bytes(out)

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()


def _read(path: Path, shown: str) -> bytes:
    """The file through ``core.files``, with a cap near its size: ``read(cap)`` would reserve the whole
    256 MiB ``evidence`` cap for every small day file of an export."""
    try:
        size = path.stat().st_size
    except OSError:
        size = 0
    limit = min(MEMBER_LIMIT, size + _CHUNK)
    try:
        raw = read_bytes(path, "evidence", limit=limit)
    except FileReadError as error:
        if error.rule == "file/too-large" and limit < MEMBER_LIMIT:  # it grew while we read: read at the real cap
            return _read_capped(path, shown)
        raise EvidenceError(str(error).replace(str(path), shown, 1)) from None
    return raw


def _read_capped(path: Path, shown: str) -> bytes:
    try:
        return read_bytes(path, "evidence")
    except FileReadError as error:
        raise EvidenceError(str(error).replace(str(path), shown, 1)) from None


def load_json(text: str, shown: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        hint = "; the file looks truncated" if error.pos >= len(text.rstrip()) else ""
        raise EvidenceError(f"{shown}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}{hint}") from None
    except RecursionError:
        raise EvidenceError(f"{shown}: JSON nested too deeply; not read") from None
