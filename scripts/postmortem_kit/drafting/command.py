"""`postmortem draft PATH`: the whole command behind the thin CLI module (cli/draft.py).

Reads the configuration, drafts, writes or prints, and reports: a summary
with the honest counters (HTTP requests, retries, format fallbacks, tokens,
seconds) on stderr, and a progress line while drafting when stderr is a
terminal.  Exit status: 0 every requested section drafted (or nothing to
draft), 1 a section was dropped, 2 unusable input, configuration or arguments.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from postmortem_kit.core import PostmortemError

PROG = "postmortem draft"


def draft_command(path: str, *, config_file: str | None = None, overrides: dict[str, Any] | None = None,
                  sections: list[str] | None = None, fmt: str = "yaml", write: bool = False,
                  allow_link_hosts: list[str] | None = None, out: TextIO | None = None,
                  err: TextIO | None = None) -> int:
    """Run `postmortem draft` for ``path``; ``overrides`` are command-line settings (None = not given)."""
    from postmortem_kit.drafting.config import load_config, validate
    from postmortem_kit.drafting.engine import draft_incident
    from postmortem_kit.drafting.output import DraftOutputError, render_json, write_sections
    from postmortem_kit.drafting.sections import nothing_to_draft

    out = out or sys.stdout
    err = err or sys.stderr
    progress = _Progress(err) if _is_tty(err) else None
    try:
        config = load_config(config_file, incident=path)
        extra = dict(overrides or {})
        if allow_link_hosts:
            extra["link_allowlist"] = (*config.link_allowlist, *allow_link_hosts)
        config = config.with_overrides(**extra)
        validate(config, "command line")
        original = _read_bytes(path) if write else None
        result = draft_incident(path, config=config, sections=sections, progress=progress)
    except (PostmortemError, *_data_file_errors()) as error:
        if progress:
            progress.clear()
        print(f"{PROG}: {error}", file=err)
        return 2
    if progress:
        progress.clear()

    if not result.requested:
        print(f"{PROG}: {result.path}: nothing to draft: {nothing_to_draft(result.states, sections)}", file=err)
        if fmt == "json":
            out.write(render_json(result.to_dict()))
        return 0

    if write:
        appendable = {name: d.value for name, d in result.drafted.items() if d.appendable}
        if appendable:
            try:
                from postmortem_kit.core import load_yaml_file

                before = load_yaml_file(path).data
                placed, appended = write_sections(
                    path, original or b"", before, {name: result.drafted[name].yaml_text for name in appendable},
                    appendable, lambda names: result.yaml_text(only_appendable=True, dropped=False, only=names))
            except DraftOutputError as error:
                print(f"{PROG}: {error}", file=err)
                return 2
            if placed:
                print(f"{PROG}: placed {len(placed)} section(s) on their stub lines in {result.path}: "
                      f"{', '.join(placed)}", file=err)
            if appended:
                print(f"{PROG}: appended {len(appended)} section(s) to {result.path}: {', '.join(appended)}",
                      file=err)
        rest = [d for d in result.drafted.values() if not d.appendable]
        if fmt == "json":
            out.write(render_json(result.to_dict()))
        elif rest:
            print(f"{PROG}: {len(rest)} section(s) exist in the file but need replacing; "
                  f"their drafts are printed for you to paste: {', '.join(d.section for d in rest)}", file=err)
            out.write("\n".join(d.yaml_text for d in rest))
    elif fmt == "json":
        out.write(render_json(result.to_dict()))
    else:
        out.write(result.yaml_text())
    report(result, err)
    return 1 if result.dropped else 0


def report(result, err: TextIO) -> None:
    """The summary on stderr: sections, counters as measured, redactions, dropped sections."""
    usage = result.usage
    provider = result.provenance
    stats = result.stats or {}
    budget = f" (budget {result.budget:,})" if result.budget else ""
    cached = f", {result.cache_hits} from cache" if result.cache_hits else ""
    extras = []
    for key, label in (("retries", "retr{}"), ("fallbacks", "format fallback{}")):
        count = int(stats.get(key, 0))
        if count:
            extras.append(f"{count} " + label.format(("y" if count == 1 else "ies") if key == "retries"
                                                     else ("" if count == 1 else "s")))
    extra = f" ({', '.join(extras)})" if extras else ""
    print(f"{PROG}: {result.path}: drafted {len(result.drafted)} section(s){cached}, dropped {len(result.dropped)}; "
          f"{provider.provider} {provider.model}; {usage.calls} HTTP request(s){extra}; tokens: "
          f"{usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion = {usage.total_tokens:,}{budget}; "
          f"{stats.get('seconds', 0):.1f} s", file=err)
    if stats.get("format"):
        print(f"{PROG}: server profile {stats.get('server')}, response format {stats['format']}", file=err)
    for line in stats.get("learned", []):
        print(f"{PROG}: learned: {line}", file=err)
    if result.redacted:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(result.redacted.items()))
        print(f"{PROG}: redacted before sending: {kinds}", file=err)
    if result.redacted_output:  # counts by kind only: the values never reach a log
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(result.redacted_output.items()))
        print(f"{PROG}: redacted from the model's answers: {kinds}", file=err)
    for dropped in result.dropped:
        print(f"{PROG}: dropped {dropped.section}: {dropped.reason}", file=err)


class _Progress:
    """``drafting 5/12 sections, 41 s, 38 tok/s`` on one line of a terminal (never written to a file)."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.started = time.monotonic()

    def __call__(self, done: int, total: int, tokens: int) -> None:
        elapsed = time.monotonic() - self.started
        rate = tokens / elapsed if elapsed > 0 else 0.0
        self.stream.write(f"\r{PROG}: {done}/{total} sections, {elapsed:.0f} s, {rate:.0f} tok/s ")
        self.stream.flush()

    def clear(self) -> None:
        self.stream.write("\r\033[K")
        self.stream.flush()


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _data_file_errors() -> tuple[type[Exception], ...]:
    """Errors of other data files the drafting reads (the blameless rules), when that module is installed."""
    try:
        from postmortem_kit.blameless import RuleFileError
    except ImportError:
        return ()
    return (RuleFileError,)


def _read_bytes(path: str) -> bytes:
    from postmortem_kit.drafting.engine import DraftInputError

    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise DraftInputError(f"{path}: cannot read: {error.strerror or error}") from None
