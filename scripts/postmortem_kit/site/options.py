"""The lessons site's options: ``extra.postmortems`` in mkdocs.yml.

```yaml
extra:
  postmortems:
    dir: postmortems                 # incident files (relative to mkdocs.yml)
    publish_drafts: false            # drafts get no page unless this is true
    followups_status: build/followups-status.json   # optional status data
    edit_path: postmortems           # where the files live in the repository (edit links)
    latest: 10                       # incidents and lessons on the home page
    similar: 3                       # "similar past incidents" per incident
    chart_months: 24                 # months shown by the per-month charts
    search: pagefind                 # or builtin: material's own (one JSON index of every page)
    page_size: 200                   # rows per page of the incident lists (they paginate)
```

Unknown keys and values of the wrong type are configuration errors (a typo
such as ``publish_draft`` must not silently publish nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from postmortem_kit.core import PostmortemError

DEFAULTS: dict[str, Any] = {
    "dir": "postmortems",
    "publish_drafts": False,
    "followups_status": "build/followups-status.json",
    "edit_path": None,
    "latest": 10,
    "similar": 3,
    "chart_months": 24,
    "search": "pagefind",
    "page_size": 200,
}


class SiteOptionError(PostmortemError, ValueError):
    """An unusable ``extra.postmortems`` option; the message names it."""


@dataclass(frozen=True)
class SiteOptions:
    incidents_dir: Path
    publish_drafts: bool
    followups_status: Path | None
    edit_path: str
    latest: int
    similar: int
    chart_months: int
    search: str = "pagefind"
    page_size: int = 200


def read_options(extra: Any, config_dir: Path) -> SiteOptions:
    given = extra.get("postmortems") if isinstance(extra, Mapping) else None
    if given is None:
        given = {}
    if not isinstance(given, Mapping):
        raise SiteOptionError("extra.postmortems must be a mapping of options")
    given = dict(given)
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise SiteOptionError(f"extra.postmortems: unknown option(s) {', '.join(unknown)}; "
                              f"known: {', '.join(DEFAULTS)}")
    values = {**DEFAULTS, **given}
    if not isinstance(values["dir"], str) or not values["dir"].strip():
        raise SiteOptionError("extra.postmortems.dir must be a path")
    if not isinstance(values["publish_drafts"], bool):
        raise SiteOptionError("extra.postmortems.publish_drafts must be true or false")
    status = values["followups_status"]
    if status is not None and (not isinstance(status, str) or not status.strip()):
        raise SiteOptionError("extra.postmortems.followups_status must be a path (or null)")
    if values["search"] not in ("pagefind", "builtin"):
        raise SiteOptionError("extra.postmortems.search must be pagefind or builtin")
    for key, low, high in (("latest", 1, 200), ("similar", 0, 20), ("chart_months", 3, 240), ("page_size", 10, 5000)):
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise SiteOptionError(f"extra.postmortems.{key} must be a whole number from {low} to {high}")
    incidents_dir = _resolve(values["dir"], config_dir)
    edit_path = values["edit_path"]
    if edit_path is None:
        try:
            edit_path = incidents_dir.relative_to(config_dir.resolve()).as_posix()
        except ValueError:
            edit_path = "postmortems"
    elif not isinstance(edit_path, str):
        raise SiteOptionError("extra.postmortems.edit_path must be a path inside the repository")
    return SiteOptions(
        incidents_dir=incidents_dir,
        publish_drafts=values["publish_drafts"],
        followups_status=_resolve(status, config_dir) if status else None,
        edit_path=edit_path.strip("/"),
        latest=values["latest"],
        similar=values["similar"],
        chart_months=values["chart_months"],
        search=values["search"],
        page_size=values["page_size"],
    )


def _resolve(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else base / path).resolve()
