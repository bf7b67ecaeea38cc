"""`postmortem new`: write a new draft incident file with the next free id."""

from __future__ import annotations

import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

from postmortem_kit.cli.support import ArgumentParser, parse
from postmortem_kit.core import schema_file
from postmortem_kit.github import actor
from postmortem_kit.incident import DEFAULT_DIR, ID_PATTERN, SCHEMA_FILE, next_free_id, schema_id

_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_HANDLE = re.compile(r"^@?[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="postmortem new", description=(
        "Write a new draft incident file with the next free id and the input sections ready to fill."))
    parser.add_argument("--dir", default=DEFAULT_DIR, help=f"folder for incident files (default: {DEFAULT_DIR})")
    parser.add_argument("--id", help="incident id (default: the next free INC-<year>-NNNN)")
    parser.add_argument("--title", default="TODO: what failed and its visible effect", help="one-line title")
    parser.add_argument("--service", default="service-name", help="affected service (lower-case slug)")
    parser.add_argument("--author", default=None, help="your GitHub handle or team (default: $GITHUB_ACTOR or TODO)")
    parser.add_argument("--now", default=None, help="timestamp for the first event (default: now, UTC)")
    return parser


def schema_reference(target_dir: Path) -> str:
    """A relative path to the repository's schema when there is one, else the schema's $id."""
    here = target_dir.resolve()
    for folder in (here, *here.parents):
        candidate = folder / "schema" / SCHEMA_FILE
        if candidate.is_file():
            return os.path.relpath(candidate, here).replace(os.sep, "/")
    return schema_id()


def render(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace(f"@{key}@", value)
    return template


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    now = args.now or datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    try:
        year = datetime.fromisoformat(now).year
    except ValueError:
        print(f"postmortem new: --now {now!r} is not an ISO 8601 timestamp", file=sys.stderr)
        return 2
    if not _SLUG.match(args.service):
        print(f"postmortem new: --service {args.service!r} must be a lower-case slug like checkout-api", file=sys.stderr)
        return 2
    author = args.author or actor() or "TODO"
    if not _HANDLE.match(author):
        print(f"postmortem new: --author {author!r} is not a GitHub handle or team", file=sys.stderr)
        return 2
    directory = Path(args.dir)
    incident_id = args.id or next_free_id(directory, year)
    if not ID_PATTERN.match(incident_id):
        print(f"postmortem new: {incident_id!r} is not an id of the form INC-2026-0042", file=sys.stderr)
        return 2
    target = directory / f"{incident_id}.yaml"
    if target.exists():
        print(f"postmortem new: {target} already exists; not overwriting it", file=sys.stderr)
        return 2
    text = render(schema_file("incident-template.yaml").read_text(encoding="utf-8"), {
        "SCHEMA": schema_reference(directory if directory.exists() else Path.cwd()),
        "ID": incident_id,
        "TITLE": args.title.replace("\\", "\\\\").replace('"', '\\"'),
        "AUTHOR": author,
        "SERVICE": args.service,
        "NOW": now,
    })
    directory.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        print(f"postmortem new: {target} already exists; not overwriting it", file=sys.stderr)
        return 2
    print(target)
    return 0
