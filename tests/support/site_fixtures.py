"""Pytest plugin for the lessons-site tests: real `mkdocs build` runs and a static file server.

Helpers
- ``write_config(tmp, incidents, **options)``: a mkdocs.yml that INHERITs the repository's
  mkdocs.yml (same theme, search and markdown settings) with absolute paths and
  the ``postmortems`` plugin's options overridden;
- ``mkdocs(config, *args)``: ``python -m mkdocs build --strict -f config`` (or other args) in a
  subprocess, as a user runs it; returns the CompletedProcess;
- ``serve_directory(path)``: a context manager serving a folder on 127.0.0.1 (stdlib http.server
  in a thread), yielding the base URL;
- ``bundle_contents(site)``: what two Pagefind runs over the same pages have in common (the
  fragments, scripts and manifest byte for byte, the number of files of each kind per bundle);
- ``hostile_incident()``: a published incident with XSS and template-injection payloads in every
  free-text field, and ``MARMOSET``: an incident with a unique word in its root cause, for search.

Fixtures (session scope, built once)
- ``lessons_site``: examples + 45 generated incidents (mixed statuses) + the marmoset incident +
  the hostile incident + a follow-up status file in the real ``postmortem followups`` format;
  a ``BuiltSite`` with ``.root`` (the site folder), ``.incidents`` (the source folder), ``.html(path)``.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import json
import os
import random
import shutil
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from support import status_files
from support.incident_factory import incident_yaml, make_incident, write_incidents

ROOT = Path(__file__).resolve().parents[2]
SITE_PACKAGE = ROOT / "scripts" / "postmortem_kit"
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE_ID = "INC-2026-9999"
MARMOSET_ID = "INC-2025-0900"
MARMOSET_WORD = "marmoset"

PAYLOADS = (
    "<script>window.__pwned=1;alert('xss')</script>",
    "<img src=x onerror=\"window.__pwned=2\">",
    "<img src=\"https://evil.example/beacon.png\">",
    "[click me](javascript:window.__pwned=3)",
    "![tracker](https://evil.example/pixel.gif)",
    "javascript:window.__pwned=4",
    "{{ 7*7 }} {% include 'secrets.txt' %} {{ config.repo_url }}",
    "<svg onload=\"window.__pwned=5\"><circle r=\"9\"></circle></svg>",
    "<a href=\"javascript:window.__pwned=6\">open</a>",
    "<iframe src=\"https://evil.example/frame\"></iframe>",
    "\"><script>window.__pwned=7</script>",
    "</title><script>window.__pwned=8</script>",
    "<style>body{background:url(https://evil.example/bg.png)}</style>",
    "<div id=\"injected\">injected element</div>",
    "&lt;script&gt;window.__pwned=9&lt;/script&gt;",
    "<base href=\"https://evil.example/\"><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">",
    "<!-- hidden --><object data=\"https://evil.example/x.swf\"></object>",
    "*emphasis* __bold__ `code` # not a heading | not | a table |",
    "\x02wzxhzdk:0\x03 <details open ontoggle=\"window.__pwned=10\">",
)

_KEEP = {"id", "status", "start", "detection", "resolution", "timezone", "total_duration", "severity",
         "category", "gap_type", "due", "time", "date", "architecture", "uptime_percent", "latency_ms",
         "on_call_response_minutes"}


def hostile_incident() -> dict[str, Any]:
    """A published incident whose every free-text value carries an injection payload."""
    data = make_incident(9999, status="published", rng=random.Random(9999))
    data["id"] = HOSTILE_ID
    counter = iter(range(10_000))

    def poison(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: (v if k in _KEEP else poison(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [poison(item) for item in value]
        if isinstance(value, str):
            return f"{value} {PAYLOADS[next(counter) % len(PAYLOADS)]}"
        return value

    data = poison(data)
    data["id"] = HOSTILE_ID
    data["title"] = "Hostile </title><script>window.__pwned=11</script> {{ 7*7 }} <img src=x onerror=alert(1)>"
    data["tags"] = ["xss", "<script>alert(1)</script>", "javascript:alert(1)"]
    data["services"] = ["hostile-svc", "\"><svg onload=alert(1)>"]
    data["follow_ups"][0]["tracking"] = "javascript:alert(1)"
    data["follow_ups"][1]["tracking"] = "https://evil.example/track?x=\"><script>alert(1)</script>"
    data["follow_ups"][2]["tracking"] = "#12\"><script>alert(1)</script>"
    data["inputs"]["incident_data"]["logs"][0]["excerpt"] = "<script>window.__pwned=12</script>\n\n    {{ 7*7 }}\n"
    return data


def marmoset_incident() -> dict[str, Any]:
    data = make_incident(900, status="published", rng=random.Random(900))
    data["id"] = MARMOSET_ID
    data["title"] = "Nightly invoices were skipped when the batch scheduler lost its lease"
    data["summary"] = {**data["summary"], "start": "2025-02-11T01:10:00+01:00",
                       "detection": "2025-02-11T01:31:00+01:00", "resolution": "2025-02-11T03:05:00+01:00",
                       "timezone": "Europe/Berlin", "total_duration": "1:55"}
    data["timeline"] = [
        {"time": "01:10", "event": "Scheduler lease renewal started timing out.", "system_state": "Batches pending."},
        {"time": "01:31", "event": "Batch backlog alert fired.", "system_state": "Invoices not generated.",
         "action": "On-call acknowledged the page."},
        {"time": "03:05", "event": "Invoices generated after the lease was restored.", "system_state": "Normal."},
    ]
    data["root_cause"]["primary"] = (
        f"The {MARMOSET_WORD.capitalize()} batch scheduler lost its coordination lease when the lease store "
        "restarted, and no other instance took the lease over, so the nightly invoice batch never started.")
    data["lesson"]["what_happened"] = (f"The {MARMOSET_WORD.capitalize()} scheduler held no lease for two hours "
                                       "and nightly invoices were skipped.")
    for follow_up in data["follow_ups"]:
        follow_up["due"] = "2025-04-01"
    return data


def bundle_contents(site: Path) -> dict[str, object]:
    """What two Pagefind runs over the same pages have in common: every page's fragment (its URL,
    text, filters and metadata), the scripts and the manifest byte for byte, and how many files of
    each kind each bundle has.  The metadata, filter and index files (named by a hash of their
    content) can list the pages in another order from one run to the next, even over the same folder;
    so can the manifest's tag and its list of files to fetch early (named by those hashes): each named
    file must exist, and the rest of the manifest is kept byte for byte."""
    kept, kinds = {}, Counter()
    for path in sorted((site / "pagefind").rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        if path.suffix in (".pf_meta", ".pf_filter", ".pf_index") or path.name == "pagefind-entry.json":
            kinds[(path.parent.relative_to(site).as_posix(), path.suffix or path.name)] += 1
        elif path.name == "pm-search.json":
            manifest = json.loads(path.read_bytes())
            tag, warm = manifest.pop("tag", None), manifest.pop("warm", [])
            assert (tag is None and not warm) or len(tag) == 16, tag
            assert all((path.parent / name).is_file() for name in warm), warm
            kept[relative] = (json.dumps(manifest), len(warm))
        else:
            kept[relative] = path.read_bytes()
    return {"files": kept, "kinds": {f"{folder} {kind}": n for (folder, kind), n in kinds.items()}}


@dataclass
class BuiltSite:
    root: Path
    incidents: Path
    config: Path
    output: str

    def html(self, relative: str) -> str:
        path = self.root / relative
        if path.is_dir() or relative.endswith("/") or not relative:
            path = path / "index.html"
        return path.read_text(encoding="utf-8")

    def search_index(self) -> list[dict[str, Any]]:
        """The Pagefind index's page records (url, content, meta, filters), from the fragment files of
        every bundle (one per shard of pages)."""
        records = []
        for path in sorted((self.root / "pagefind").glob("**/fragment/*.pf_fragment")):
            data = gzip.decompress(path.read_bytes())
            assert data.startswith(b"pagefind_dcd"), path
            records.append(json.loads(data[len(b"pagefind_dcd"):]))
        return records

    def builtin_search_index(self) -> dict[str, Any]:
        """material's own index (left empty unless extra.postmortems.search is builtin)."""
        return json.loads((self.root / "search" / "search_index.json").read_text(encoding="utf-8"))


def write_config(directory: Path, incidents: Path, *, site_dir: Path | None = None, name: str = "mkdocs.yml",
                 **options: Any) -> Path:
    """A mkdocs.yml inheriting the repository's, with absolute paths (JSON is YAML)."""
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(SITE_PACKAGE / "site" / "docs"),
        "site_dir": str(site_dir or directory / "site"),
        "plugins": ["search", {"postmortems": {"dir": str(incidents), "followups_status": None, "edit_uri": "edit/main/",
                                               **options}}],
    }
    path = directory / name
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return path


def mkdocs(config: Path, *args: str, command: str = "build", timeout: float = 300) -> subprocess.CompletedProcess:
    """Run real MkDocs (``mkdocs build --strict`` unless other args are given) in a subprocess."""
    argv = [sys.executable, "-m", "mkdocs", command, "-f", str(config), *(args or ("--strict",))]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUTF8": "1"}
    env.pop("SITE_REPO_URL", None)
    env.pop("SITE_EDIT_URI", None)
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


def build_site(directory: Path, incidents: Path, **options: Any) -> BuiltSite:
    config = write_config(directory, incidents, **options)
    done = mkdocs(config)
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    return BuiltSite(directory / "site", incidents, config, done.stdout + done.stderr)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep the test output clean
        pass


@contextlib.contextmanager
def serve_directory(path: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def status_document(incidents: list[tuple[str, int, str, int]]) -> dict[str, Any]:
    """A status file's JSON as `postmortem followups --status --format json` writes it (its own
    writer, via support.status_files): rows of (incident id, follow-up index, status, overdue days);
    the issues are numbered from #500 in row order (none for no-issue rows)."""
    rows = [status_files.status_row(incident_id, index, status, overdue,
                                    number=None if status == "no-issue" else 500 + position)
            for position, (incident_id, index, status, overdue) in enumerate(incidents)]
    return status_files.status_document(rows)


@pytest.fixture(scope="session")
def lessons_site(tmp_path_factory) -> BuiltSite:
    """The site built once from the examples, generated incidents, and the two special incidents."""
    base = tmp_path_factory.mktemp("lessons-site")
    incidents = base / "postmortems"
    shutil.copytree(ROOT / "postmortems", incidents)
    write_incidents(incidents, 45, seed=11, status="mixed", start=100)
    for data in (hostile_incident(), marmoset_incident()):
        (incidents / f"{data['id']}.yaml").write_text(incident_yaml(data), encoding="utf-8")
    status = base / "followups-status.json"
    status.write_text(json.dumps(status_document([
        ("INC-2026-0001", 0, "done", 0), ("INC-2026-0001", 1, "overdue", 12), ("INC-2026-0001", 2, "open", 0),
        ("INC-2026-0001", 3, "not-planned", 0), ("INC-2026-0001", 4, "no-issue", 0),
        (MARMOSET_ID, 0, "overdue", 30), (MARMOSET_ID, 1, "overdue", 30), (MARMOSET_ID, 2, "done", 0),
    ]), indent=2), encoding="utf-8")
    return build_site(base, incidents, followups_status=str(status))
