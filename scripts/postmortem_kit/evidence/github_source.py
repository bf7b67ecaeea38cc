"""GitHub deployments and their statuses, merged pull requests and releases: ``github:OWNER/REPO``.

The records are read by ``github.change_records`` (the only place PyGithub is
used; token and API URL from ``GITHUB_TOKEN`` and ``GITHUB_API_URL``), in the
window, and become events with role ``change``: the triggering change a
timeline often starts with.
"""

from __future__ import annotations

from typing import Iterator

from postmortem_kit.evidence.model import Evidence, Options
from postmortem_kit.evidence.probe import Probe, Progress
from postmortem_kit.incident import SourceLabel

PREFIX = "github:"


class GitHubReader:
    name = "github"
    title = "GitHub deployments, deployment statuses, merged pull requests and releases, named github:OWNER/REPO"

    def sniff(self, probe: Probe) -> bool:
        return probe.source.remote is not None and probe.source.shown.startswith(PREFIX)

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]:
        from postmortem_kit.github import change_records

        repository = probe.source.remote or ""
        progress.update(f"GitHub {repository}", 0)
        for record in change_records(repository, options.window.start, options.window.end):
            text = f"{record.text} ({record.url})" if record.url else record.text
            if options.grep is not None and not options.grep.search(text):
                continue
            yield Evidence(record.at, "events", text, SourceLabel("github", "change", repository, f"{record.kind}-{record.id}"))
