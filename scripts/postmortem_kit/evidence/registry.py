"""One reader per source format behind a small protocol, a registry of them, and the format sniffer.

A reader says whether it recognises a source (``sniff``) and turns it into
normalised ``Evidence`` (``read``), filtered to the window.  ``READERS`` maps
each format's name to its reader; the sniffer asks them in order, so the
specific formats (a Slack export, a PagerDuty log) come before the general
ones (JSON lines, logfmt).  A source nobody recognises gets a message naming
every format that is read.
"""

from __future__ import annotations

from postmortem_kit.evidence.inputs import Source
from postmortem_kit.evidence.model import EvidenceError
from postmortem_kit.evidence.probe import Probe, Reader


def _registry() -> dict[str, Reader]:
    from postmortem_kit.evidence.alertmanager import AlertmanagerReader
    from postmortem_kit.evidence.github_source import GitHubReader
    from postmortem_kit.evidence.logs import JsonLinesReader, LogfmtReader
    from postmortem_kit.evidence.pagerduty import PagerDutyReader
    from postmortem_kit.evidence.prometheus import PrometheusReader
    from postmortem_kit.evidence.slack import SlackReader

    readers: list[Reader] = [GitHubReader(), SlackReader(), PagerDutyReader(), AlertmanagerReader(), PrometheusReader(),
                             JsonLinesReader(), LogfmtReader()]
    return {reader.name: reader for reader in readers}


_READERS: dict[str, Reader] = {}


def readers() -> dict[str, Reader]:
    """Format name -> reader, in sniffing order."""
    if not _READERS:
        _READERS.update(_registry())
    return _READERS


def formats_text() -> str:
    return "; ".join(f"{reader.title} ({name})" for name, reader in readers().items())


def choose(source: Source, forced: str | None = None) -> tuple[Reader, Probe]:
    """The reader for ``source`` (``forced`` names one), or an error naming the formats that are read."""
    probe = Probe(source, source.members())
    table = readers()
    if forced is not None:
        if forced not in table:
            raise EvidenceError(f"--format {forced!r}: not a format that is read; use one of {', '.join(table)}")
        return table[forced], probe
    for reader in table.values():
        if reader.sniff(probe):
            return reader, probe
    if probe.json_error is not None:
        raise probe.json_error  # JSON that does not parse (a truncated file) and is not JSON lines: say where
    what = "directory" if source.is_dir else "archive" if source.is_archive else "file"
    raise EvidenceError(f"{source.shown}: not a {what} in a format `postmortem evidence` reads. It reads: "
                        f"{formats_text()}. Name one with --format when the sniffer is wrong.")

