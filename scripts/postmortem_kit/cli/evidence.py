"""`postmortem evidence add INCIDENT SOURCE...`: merge evidence into an incident's inputs.

Exit status: 0 entries added (or all already present), 1 nothing in the window,
2 unusable input, source or option (the incident file is left as it was).
"""

from __future__ import annotations

import sys

from postmortem_kit.cli.support import ArgumentParser, parse

PROG = "postmortem evidence"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog=PROG, description=(
        "Read exports and API payloads (Slack, PagerDuty, Alertmanager, GitHub, logs, Prometheus) and merge their events into "
        "inputs.incident_data, each with its time (ISO 8601 with offset) and source, redacted and deduplicated; "
        "existing lines of the file are never changed."))
    add = parser
    add.add_argument("action", choices=("add",), help="add: merge the evidence into INCIDENT (the one action so far)")
    add.add_argument("incident", metavar="INCIDENT", help="the incident YAML file")
    add.add_argument("sources", metavar="SOURCE", nargs="+",
                     help="an export directory or ZIP, or a JSON / JSON-lines / logfmt file (format is sniffed)")
    add.add_argument("--from", dest="start", metavar="T", help="window start, ISO 8601 with offset")
    add.add_argument("--to", dest="end", metavar="T", help="window end, ISO 8601 with offset")
    add.add_argument("--grep", metavar="RE", help="keep only records whose text matches this regular expression")
    add.add_argument("--zone", metavar="NAME", help="zone of log timestamps written without an offset (UTC, Europe/Berlin)")
    add.add_argument("--metric", metavar="NAME", help="Prometheus: the series to summarise (and its shown name)")
    add.add_argument("--threshold", type=float, metavar="X", help="Prometheus: threshold (default: twice the baseline)")
    add.add_argument("--format", dest="fmt", metavar="NAME",
                     help="read every SOURCE as this format instead of sniffing (github, slack, pagerduty, alertmanager, "
                          "prometheus, jsonl, logfmt)")
    add.add_argument("--dry-run", action="store_true", help="print the new file to stdout instead of writing it")
    add.add_argument("--config", metavar="FILE", help="configuration file with redaction patterns "
                                                      "(default: .postmortem-kit.yaml found from the incident upwards)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.evidence import evidence_add

    result = evidence_add(args.incident, args.sources, start=args.start, end=args.end, grep=args.grep, zone=args.zone,
                          metric=args.metric, threshold=args.threshold, fmt=args.fmt, dry_run=args.dry_run,
                          config_file=args.config)
    for line in result.report():
        print(f"{PROG}: {line}", file=sys.stderr)
    if args.dry_run and result.text is not None:
        sys.stdout.write(result.text)
    return 1 if not result.total_read else 0
