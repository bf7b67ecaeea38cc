"""Cache of accepted section drafts, so an unchanged incident costs no model calls.

The key is a SHA-256 over the section, the exact messages sent (built from
the redacted inputs and the computed facts), the response schema, the
provider, the model and the prompt version.  Only drafts that passed
validation are stored; a cached draft is validated again before use.  Entries
are small JSON files written atomically, so concurrent runs cannot corrupt
them; an unreadable entry is a miss.

Default location: ``$POSTMORTEM_KIT_CACHE_DIR``; else ``.cache/postmortem-kit/drafts``
at the root of the git work tree that holds the incident (git-ignored); else
``$XDG_CACHE_HOME/postmortem-kit/drafts`` (``~/.cache/...``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from postmortem_kit.core import write_atomic

CACHE_FORMAT = 1


def cache_key(*, section: str, messages: list[dict[str, str]], schema: dict[str, Any], provider: str,
              model: str, prompt_version: str) -> str:
    material = json.dumps({"format": CACHE_FORMAT, "section": section, "messages": messages, "schema": schema,
                           "provider": provider, "model": model, "prompt_version": prompt_version},
                          sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def repository_root(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents) if start.is_dir() else start.parents:
        if (folder / ".git").exists():
            return folder
    return None


def default_cache_dir(incident_path: Path | None) -> Path:
    configured = os.environ.get("POSTMORTEM_KIT_CACHE_DIR")
    if configured:
        return Path(configured).expanduser()
    if incident_path is not None:
        root = repository_root(incident_path)
        if root is not None:
            return root / ".cache" / "postmortem-kit" / "drafts"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "postmortem-kit" / "drafts"


class DraftCache:
    """``directory=None`` disables the cache (every lookup misses, nothing is written)."""

    def __init__(self, directory: Path | None):
        self.directory = directory
        self.hits = 0
        self.writes = 0

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        if self.directory is None:
            return None
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT or entry.get("key") != key:
            return None
        return entry

    def put(self, key: str, entry: dict[str, Any]) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        try:
            payload = json.dumps({**entry, "format": CACHE_FORMAT, "key": key}, ensure_ascii=False, indent=1)
            write_atomic(path, payload)
            self.writes += 1
        except OSError:
            pass  # a cache that cannot be written only costs money, never the draft
