"""`postmortem draft PATH`: draft the missing analysis sections of one incident.

Prints the drafted sections as YAML ready to append (default), as JSON, or
appends them to the file with ``--write`` (existing bytes untouched).  A
summary with token usage goes to stderr.

Exit status: 0 every requested section drafted (or nothing to draft),
1 a section was dropped (the reason is printed), 2 unusable input,
configuration or arguments.
"""

from __future__ import annotations

import sys
from pathlib import Path

from postmortem_kit.cli.support import ArgumentParser, parse

PROG = "postmortem draft"


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog=PROG, description=(
        "Draft the analysis sections an incident file is missing (or has invalid), for a person to review. "
        "Facts (times, durations, SLA budget, timeline) are computed; prose comes from the provider. "
        "Exit 0 when every section was drafted, 1 when one was dropped, 2 on unusable input or settings."))
    parser.add_argument("path", metavar="PATH", help="the incident YAML file")
    parser.add_argument("--provider", choices=("openai", "offline"),
                        help="openai (needs OPENAI_API_KEY) or offline (no key, placeholders for prose); "
                             "default: openai when OPENAI_API_KEY is set, else offline")
    parser.add_argument("--model", help="model name (default: from the configuration, else gpt-4.1-mini)")
    parser.add_argument("--base-url", help="OpenAI-compatible API base URL (default: OPENAI_BASE_URL or OpenAI)")
    parser.add_argument("--timeout", type=float, help="seconds per model request (default 60)")
    parser.add_argument("--max-retries", type=int, help="client retries on 429/5xx/timeouts (default 2)")
    parser.add_argument("--no-strict", dest="strict", action="store_false", default=None,
                        help="do not ask for strict structured outputs (servers without strict mode)")
    parser.add_argument("--config", metavar="FILE",
                        help="configuration file (default: .postmortem-kit.yaml found from the incident upwards)")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format (default yaml)")
    parser.add_argument("--write", action="store_true",
                        help="append the drafted missing sections to PATH (existing lines are never changed)")
    parser.add_argument("--section", action="append", metavar="NAME",
                        help="draft only this section (repeatable)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the draft cache")
    parser.add_argument("--cache-dir", metavar="DIR", help="cache directory (default: <repo>/.cache/postmortem-kit/drafts)")
    parser.add_argument("--token-budget", type=int, metavar="N", help="most tokens this run may use (default 150000)")
    parser.add_argument("--jobs", type=int, metavar="N", help="sections drafted at once (default 12: all)")
    parser.add_argument("--allow-link-host", action="append", metavar="HOST", default=[],
                        help="host whose links stay clickable in drafted text (repeatable)")
    return parser


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)
    if isinstance(args, int):
        return args
    from postmortem_kit.drafting import (
        DraftConfigError,
        DraftInputError,
        DraftOutputError,
        PromptError,
        ProviderError,
        draft_incident,
        load_config,
        nothing_to_draft,
        render_json,
        validate,
        write_sections,
    )
    from postmortem_kit.textsafety import RedactionConfigError

    try:
        config = load_config(args.config, incident=args.path)
        config = config.with_overrides(
            provider=args.provider, model=args.model, base_url=args.base_url, timeout=args.timeout,
            max_retries=args.max_retries, strict=args.strict, cache_dir=args.cache_dir,
            token_budget=args.token_budget, jobs=args.jobs,
            cache=False if args.no_cache else None,
            link_allowlist=(*config.link_allowlist, *args.allow_link_host) if args.allow_link_host else None)
        validate(config, "command line")
        original = _read_bytes(args.path) if args.write else None
        result = draft_incident(args.path, config=config, sections=args.section)
    except (DraftInputError, DraftConfigError, ProviderError, RedactionConfigError, PromptError,
            *_data_file_errors()) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2

    if not result.requested:
        print(f"{PROG}: {result.path}: nothing to draft: {nothing_to_draft(result.states, args.section)}", file=sys.stderr)
        if args.format == "json":
            sys.stdout.write(render_json(result.to_dict()))
        return 0

    if args.write:
        appendable = {name: d.value for name, d in result.drafted.items() if d.appendable}
        if appendable:
            try:
                from postmortem_kit.core import load_yaml_file

                before = load_yaml_file(args.path).data
                placed, appended = write_sections(
                    args.path, original or b"", before, {name: result.drafted[name].yaml_text for name in appendable},
                    appendable, lambda names: result.yaml_text(only_appendable=True, dropped=False, only=names))
            except DraftOutputError as error:
                print(f"{PROG}: {error}", file=sys.stderr)
                return 2
            if placed:
                print(f"{PROG}: placed {len(placed)} section(s) on their stub lines in {result.path}: "
                      f"{', '.join(placed)}", file=sys.stderr)
            if appended:
                print(f"{PROG}: appended {len(appended)} section(s) to {result.path}: {', '.join(appended)}",
                      file=sys.stderr)
        rest = [d for d in result.drafted.values() if not d.appendable]
        if args.format == "json":
            sys.stdout.write(render_json(result.to_dict()))
        elif rest:
            print(f"{PROG}: {len(rest)} section(s) exist in the file but need replacing; "
                  f"their drafts are printed for you to paste: {', '.join(d.section for d in rest)}",
                  file=sys.stderr)
            sys.stdout.write("\n".join(d.yaml_text for d in rest))
    elif args.format == "json":
        sys.stdout.write(render_json(result.to_dict()))
    else:
        sys.stdout.write(result.yaml_text())

    _report(result)
    return 1 if result.dropped else 0


def _data_file_errors() -> tuple[type[Exception], ...]:
    """Errors of other data files the drafting reads (the blameless rules), when that module is installed."""
    try:
        from postmortem_kit.blameless import RuleFileError
    except ImportError:
        return ()
    return (RuleFileError,)


def _read_bytes(path: str) -> bytes:
    from postmortem_kit.drafting import DraftInputError

    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise DraftInputError(f"{path}: cannot read: {error.strerror or error}") from None


def _report(result) -> None:
    usage = result.usage
    provider = result.provenance
    budget = f" (budget {result.budget:,})" if result.budget else ""
    cached = f", {result.cache_hits} from cache" if result.cache_hits else ""
    print(f"{PROG}: {result.path}: drafted {len(result.drafted)} section(s){cached}, dropped {len(result.dropped)}; "
          f"{provider.provider} {provider.model}; {usage.calls} model call(s); tokens: {usage.prompt_tokens:,} prompt "
          f"+ {usage.completion_tokens:,} completion = {usage.total_tokens:,}{budget}", file=sys.stderr)
    if result.redacted:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(result.redacted.items()))
        print(f"{PROG}: redacted before sending: {kinds}", file=sys.stderr)
    for dropped in result.dropped:
        print(f"{PROG}: dropped {dropped.section}: {dropped.reason}", file=sys.stderr)
