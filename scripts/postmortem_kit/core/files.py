"""Reading a file that came from someone else: bounded, regular files only, UTF-8.

Every file the tool reads on a person's or a pull request's behalf goes
through here, so every reader has the same guards:

* only regular files: a FIFO, socket or device in a scanned folder would
  block a read forever (``file/not-regular``); directories are refused;
* a size cap per kind of file (``LIMITS``), checked before reading and again
  while reading (a file can grow in between);
* text is UTF-8 without NUL bytes; a leading BOM is dropped; errors name the
  line and column.

Failures raise ``FileReadError`` (a ``PostmortemError``) carrying the rule
id, the position and a one-line message; callers that report findings turn it
into a ``Finding`` with ``to_finding()``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from postmortem_kit.core.errors import PostmortemError
from postmortem_kit.core.findings import Finding
from postmortem_kit.core.rules import declare

MiB = 1024 * 1024
# The cap per kind of file; the one place these limits are set.
LIMITS: dict[str, int] = {
    "incident": 4 * MiB,  # an incident YAML file
    "document": 16 * MiB,  # any text or Markdown `postmortem lint` reads
    "markdown": 4 * MiB,  # an RCA document `postmortem import` reads
    "event": 32 * MiB,  # a GitHub event payload (GitHub caps webhooks at 25 MB)
    "artifact": 16 * MiB,  # the pull-request job's result file
    "status": 32 * MiB,  # the follow-up status file
    "evidence": 256 * MiB,  # an export or payload `postmortem evidence` reads
}

MISSING = declare("file/missing", "error", "The file does not exist")
UNREADABLE = declare("file/unreadable", "error", "The file cannot be read (a directory, or no permission)")
NOT_REGULAR = declare("file/not-regular", "error", "Not a regular file (a FIFO, socket or device is never read)",
                      doc="Reading a FIFO or a device would block or never end, so such paths are refused.")
TOO_LARGE = declare("file/too-large", "error", "The file is larger than the limit for its kind")
BINARY = declare("file/binary", "error", "Binary file (contains NUL bytes), not text")
ENCODING = declare("file/encoding", "error", "The file is not valid UTF-8")
SYMLINK = declare("file/symlink", "error", "Incident files are regular files inside the repository, not symlinks")


class FileReadError(PostmortemError):
    """A file that cannot be used; ``rule``, ``line`` and ``column`` say where and why."""

    def __init__(self, path: str, rule: str, message: str, line: int = 1, column: int = 1):
        super().__init__(f"{path}: {message}" if line == 1 and column == 1 else f"{path}:{line}:{column}: {message}")
        self.path, self.rule, self.reason, self.line, self.column = path, rule, message, line, column

    def to_finding(self) -> Finding:
        return Finding(self.path, self.line, self.column, self.rule, "error", self.reason, fatal=True)


def _limit_text(limit: int) -> str:
    return f"{limit // MiB} MiB" if limit % MiB == 0 else f"{limit:,} bytes"


def read_bytes(path: str | Path, kind: str = "incident", *, limit: int | None = None) -> bytes:
    """The file's bytes, refusing non-regular files and files over the limit for ``kind``."""
    shown = str(path)
    cap = LIMITS[kind] if limit is None else limit
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise FileReadError(shown, UNREADABLE, "is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise FileReadError(shown, NOT_REGULAR, "not a regular file (a FIFO, socket or device); not read")
        if info.st_size > cap:
            raise FileReadError(shown, TOO_LARGE, f"{info.st_size:,} bytes, larger than the {_limit_text(cap)} "
                                                  f"limit for {'an' if kind[0] in 'aeiou' else 'a'} {kind} file")
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped after the check
                raise FileReadError(shown, NOT_REGULAR, "not a regular file; not read")
            raw = handle.read(cap + 1)
    except FileNotFoundError:
        raise FileReadError(shown, MISSING, "no such file") from None
    except IsADirectoryError:
        raise FileReadError(shown, UNREADABLE, "is a directory, not a file") from None
    except OSError as error:
        raise FileReadError(shown, UNREADABLE, f"cannot read: {error.strerror or error}") from None
    if len(raw) > cap:
        raise FileReadError(shown, TOO_LARGE, f"larger than the {_limit_text(cap)} limit for a {kind} file")
    return raw


def decode_text(raw: bytes, shown: str, kind: str = "incident", *, limit: int | None = None) -> str:
    """``raw`` as text: within the limit, no NUL bytes, valid UTF-8, BOM dropped."""
    cap = LIMITS[kind] if limit is None else limit
    if len(raw) > cap:
        raise FileReadError(shown, TOO_LARGE, f"larger than the {_limit_text(cap)} limit for a {kind} file")
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise FileReadError(shown, BINARY, "binary file (contains NUL bytes), not text", line)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start:error.start].decode("utf-8", "replace")) + 1
        raise FileReadError(shown, ENCODING, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
                            line, column) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_text(path: str | Path, kind: str = "incident", *, limit: int | None = None) -> str:
    """The file as UTF-8 text, with every guard of ``read_bytes`` and ``decode_text``."""
    return decode_text(read_bytes(path, kind, limit=limit), str(path), kind, limit=limit)


def write_atomic(path: str | Path, data: bytes | str) -> None:
    """Replace ``path`` with ``data`` through a temporary file beside it and a rename.

    A reader (the site, another job) never sees half a file, and a failure leaves the old file as
    it was and no temporary file behind.  Text is written as UTF-8 with the newlines it has.  A file
    that is replaced keeps its permission bits; a new one gets the usual ones (0666 less the
    umask), as ``open()`` would give it.  OSError is left to the caller, which knows what the file
    is and how to say so.
    """
    import tempfile  # not at module level: this module is on the cold `check` path, which never writes

    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def newline_of(text: str | bytes) -> str:
    """The newline a file uses: ``\r\n`` when every line ends with it, else ``\n``."""
    crlf, lf = ("\r\n", "\n") if isinstance(text, str) else (b"\r\n", b"\n")
    return "\r\n" if crlf in text and text.count(crlf) == text.count(lf) else "\n"


def require_unchanged(path: str | Path, original: bytes, error: type[PostmortemError], doing: str) -> bytes:
    """The file's bytes, if it still holds ``original`` (what was read before the work); otherwise
    ``error`` saying nothing was written, so a write never overwrites an edit made meanwhile."""
    try:
        current = Path(path).read_bytes()
    except OSError as problem:
        raise error(f"{path}: cannot read the file again: {problem.strerror or problem}") from None
    if current != original:
        raise error(f"{path}: the file changed while {doing}; nothing was written, run again")
    return current


def _umask() -> int:
    """The process umask, read without changing it (os.umask would race with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
