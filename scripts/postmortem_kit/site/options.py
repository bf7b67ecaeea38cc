"""The lessons site's options: the ``postmortems`` plugin's entry in mkdocs.yml.

```yaml
plugins:
  - search
  - postmortems:
      dir: postmortems                 # incident files (relative to mkdocs.yml)
      prefix: ""                       # where the pages live in the site, e.g. "lessons/"
      publish_drafts: false            # drafts get no page unless this is true
      followups_status: build/followups-status.json   # optional status data (null: none)
      edit_uri: edit/main/             # repository root for edit links, relative to repo_url
      edit_path: postmortems           # where the files live in the repository (edit links)
      latest: 10                       # incidents and lessons on the home page
      similar: 3                       # "similar past incidents" per incident
      chart_months: 24                 # months shown by the per-month charts
      search: pagefind                 # or builtin: material's own (one JSON index of every page)
      page_size: 200                   # incidents per page of each list (they paginate)
      search_shard_pages: 1000         # incident pages per Pagefind run (its memory grows with them)
      search_overlap: false            # true: index each shard while the next pages are written ...
      search_overlap_memory_mb: 400    # ... when the build's processes and the run fit in this (PSS)
```

MkDocs validates them (``PostmortemsConfig``): an unknown key (a typo such as ``publish_draft``) or a
value of the wrong type is reported by MkDocs itself, and ``--strict`` stops the build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError


class _Count(c.Type):
    """A whole number within bounds."""

    def __init__(self, default: int, low: int, high: int):
        super().__init__(int, default=default)
        self.low, self.high = low, high

    def run_validation(self, value):
        if isinstance(value, bool):
            raise ValidationError(f"Expected a whole number from {self.low} to {self.high}, got {value!r}")
        value = super().run_validation(value)
        if not self.low <= value <= self.high:
            raise ValidationError(f"Expected a whole number from {self.low} to {self.high}, got {value}")
        return value


class _Path(c.BaseConfigOption):
    """A non-empty path; ``null`` turns it off when ``nullable``."""

    def __init__(self, default: str | None, *, nullable: bool = False):
        super().__init__()
        self.default = default
        self.nullable = nullable

    def run_validation(self, value):
        if value is None and self.nullable:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ValidationError("Expected a path" + (" (or null)" if self.nullable else ""))
        return value


class _Prefix(c.Type):
    """A folder of the site: '' (the site root) or 'lessons/'."""

    def __init__(self):
        super().__init__(str, default="")

    def run_validation(self, value):
        value = super().run_validation(value).strip().strip("/")
        if any(part in ("", ".", "..") for part in value.split("/")) and value:
            raise ValidationError(f"Expected a folder such as 'lessons', got {value!r}")
        return value + "/" if value else ""


class PostmortemsConfig(base.Config):
    dir = _Path("postmortems")
    prefix = _Prefix()
    publish_drafts = c.Type(bool, default=False)
    followups_status = _Path("build/followups-status.json", nullable=True)
    edit_uri = c.Optional(c.Type(str))
    edit_path = c.Optional(c.Type(str))
    latest = _Count(10, 1, 200)
    similar = _Count(3, 0, 20)
    chart_months = _Count(24, 3, 240)
    search = c.Choice(("pagefind", "builtin"), default="pagefind")
    page_size = _Count(200, 10, 5000)
    search_shard_pages = _Count(1000, 1, 1_000_000)
    search_overlap = c.Type(bool, default=False)
    search_overlap_memory_mb = _Count(400, 64, 1_000_000)


@dataclass(frozen=True)
class SiteOptions:
    incidents_dir: Path
    publish_drafts: bool
    followups_status: Path | None
    edit_path: str
    latest: int = 10
    similar: int = 3
    chart_months: int = 24
    prefix: str = ""
    search: str = "pagefind"
    page_size: int = 200
    search_shard_pages: int = 1000
    search_overlap: bool = False
    search_overlap_memory_mb: int = 400


def site_options(config: PostmortemsConfig | dict, config_dir: Path) -> SiteOptions:
    """The validated options with paths resolved against the folder of mkdocs.yml."""
    values = {"dir": "postmortems", "prefix": "", "publish_drafts": False, "followups_status": None,
              "edit_path": None, "latest": 10, "similar": 3, "chart_months": 24, "search": "pagefind",
              "page_size": 200, "search_shard_pages": 1000, "search_overlap": False,
              "search_overlap_memory_mb": 400, **dict(config)}
    incidents_dir = _resolve(values["dir"], config_dir)
    edit_path = values["edit_path"]
    if edit_path is None:
        try:
            edit_path = incidents_dir.relative_to(config_dir.resolve()).as_posix()
        except ValueError:
            edit_path = "postmortems"
    status = values["followups_status"]
    return SiteOptions(
        incidents_dir=incidents_dir,
        publish_drafts=values["publish_drafts"],
        followups_status=_resolve(status, config_dir) if status else None,
        edit_path=edit_path.strip("/"),
        latest=values["latest"],
        similar=values["similar"],
        chart_months=values["chart_months"],
        prefix=values["prefix"],
        search=values["search"],
        page_size=values["page_size"],
        search_shard_pages=values["search_shard_pages"],
        search_overlap=values["search_overlap"],
        search_overlap_memory_mb=values["search_overlap_memory_mb"],
    )


def _resolve(value: str, base_dir: Path) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else base_dir / path).resolve()
