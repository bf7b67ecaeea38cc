"""Stage 2 of the pull-request job (`postmortem pr post`): the only part that writes to GitHub.

It runs on ``workflow_run`` in the base repository with ``pull-requests:
write``, and never runs or even checks out the pull request's code.  Its
input is stage 1's artifact, read as untrusted data (``pr_artifact``), and
what it learns from the API itself:

1. the artifact must describe the completed run (repository, head commit,
   head repository); the pull request it names must, according to the API,
   be open in this repository with exactly that head commit (otherwise a
   newer run will post, or the artifact lies);
2. the pull request's files are listed again: every path in the artifact
   must be among them, and suggestion anchors are checked against these
   patches, not the artifact's;
3. suggestions are synced (``pr_suggestions``), then the sticky comment
   (``pr_comment``).  Both compare with what is already there, so an
   unchanged re-run makes no write at all.

Exit status: 0 posted (or nothing to do), 1 GitHub failed part way (the
summary says what was and was not done), 2 unusable artifact, event or settings.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO

from postmortem_kit.core import PostmortemError
from postmortem_kit.pr.artifact import ArtifactError, load_result
from postmortem_kit.pr.checklist import remembered_in
from postmortem_kit.pr.comment import existing as existing_comments
from postmortem_kit.pr.comment import render, unanchored_keys
from postmortem_kit.pr.comment import sync as sync_comments
from postmortem_kit.pr.event import PrEvent
from postmortem_kit.pr.files import ChangedFile, list_changed
from postmortem_kit.pr.suggestions import Plan, SuggestionReport
from postmortem_kit.pr.suggestions import plan as plan_suggestions
from postmortem_kit.pr.suggestions import sync as sync_suggestions
from postmortem_kit.pr.summary import post_summary, write_summary
from postmortem_kit.textsafety import inline, log_line


@dataclass
class PostOptions:
    results: list[str] = field(default_factory=list)
    bot_login: str | None = None
    link_hosts: tuple[str, ...] = ()
    summary_path: str | None = None


@dataclass
class PostOutcome:
    exit_status: int
    lines: list[str]
    writes: int = 0


class _Stop(PostmortemError):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def pick_result(event: PrEvent, options: PostOptions) -> tuple[dict[str, Any], list[str]]:
    """Load every given artifact (all must be valid); the last one present is used."""
    notes: list[str] = []
    loaded: list[tuple[str, dict[str, Any]]] = []
    for path in options.results:
        if not os.path.exists(path):
            notes.append(f"{path}: not found, skipped")
            continue
        loaded.append((path, load_result(path, event, hosts=options.link_hosts)))
    if not loaded:
        raise ArtifactError("no result file found: " + ", ".join(options.results or ["(none given)"]))
    path, result = loaded[-1]
    if len(loaded) > 1:
        notes.append(f"using {path} (the last result given)")
    return result, notes


def run_post(event: PrEvent, gh, options: PostOptions, gate, out: TextIO | None = None) -> PostOutcome:
    from postmortem_kit.github import bot_login, describe_error, is_transient

    out = out or sys.stdout
    lines: list[str] = []
    try:
        result, notes = pick_result(event, options)
    except ArtifactError as error:
        return _finish(PostOutcome(2, [f"refused: {error}"]), options, out, None)
    number = result["pull_number"]
    lines += notes
    done: list[str] = []
    try:
        pull = _verified_pull(gh, event, result)
        files = _listed(pull, result)
        login = bot_login(gh, options.bot_login)
        sticky = existing_comments(pull, login)
        sticky_bodies = [c.body for comments in sticky.values() for c in comments]
        skip = unanchored_keys(sticky_bodies)
        remembered = remembered_in(sticky_bodies)
        wanted = plan_suggestions(result, files, skip, remembered)
        commit = pull.base.repo.get_commit(result["head_sha"])
        report = sync_suggestions(pull, wanted.suggestions + list(wanted.combined.values()), login, gate, commit,
                                  is_transient, describe_error)
        done.append(_suggestion_line(wanted, report))
        parts, _ = render(result, wanted, report, _comment_notes(result), remembered)
        if not result["files"] and not sticky:
            parts = []  # a pull request that never touched an incident file gets no comment at all
        comments = sync_comments(pull, parts, sticky, login, gate, is_transient, describe_error)
        done.append(_comment_line(comments))
        errors = report.errors + comments.errors
        lines += done
        if comments.wrong_author:  # a rerun would not find the comment: say so, exit 1
            lines += [f"problem: {log_line(e, 400)}" for e in [comments.wrong_author, *errors]]
            return _finish(PostOutcome(1, lines, gate.writes), options, out, number)
        if errors:
            lines += [f"problem: {log_line(e, 400)}" for e in errors]
            lines.append("GitHub failed part way: what is listed above was done; run the job again to finish "
                         "(nothing is posted twice).")
            return _finish(PostOutcome(1, lines, gate.writes), options, out, number)
        lines.append(f"done: {gate.writes} write request{'s' if gate.writes != 1 else ''}"
                     + (" (nothing changed)" if gate.writes == 0 else ""))
        return _finish(PostOutcome(0, lines, gate.writes), options, out, number)
    except _Stop as stop:
        lines += done + [stop.message]
        return _finish(PostOutcome(stop.status, lines, gate.writes), options, out, number)
    except ArtifactError as error:
        lines += done + [f"refused: {error}"]
        return _finish(PostOutcome(2, lines, gate.writes), options, out, number)
    except Exception as error:  # noqa: BLE001 - any API or network failure ends here with a summary
        from github.GithubException import GithubException

        from postmortem_kit.github import RateLimitWaitTooLong

        if not isinstance(error, (GithubException, RateLimitWaitTooLong)) and not is_transient(error):
            raise
        lines += done
        lines.append(f"GitHub failed part way: {log_line(describe_error(error), 400)}. Done before that: "
                     + ("; ".join(done) if done else "nothing") + ". Run the job again to finish (nothing is "
                     "posted twice).")
        return _finish(PostOutcome(1, lines, gate.writes), options, out, number)


def _verified_pull(gh, event: PrEvent, result: dict[str, Any]):
    repo = gh.get_repo(event.repository)
    pull = repo.get_pull(result["pull_number"])
    base_repo = pull.base.repo.full_name
    if base_repo.lower() != event.repository.lower():
        raise ArtifactError(f"pull request #{result['pull_number']} belongs to {base_repo}, not {event.repository}")
    head_repo = pull.head.repo.full_name if pull.head.repo is not None else None
    if result["head_repository"] and head_repo and head_repo.lower() != result["head_repository"].lower():
        raise ArtifactError(f"pull request #{result['pull_number']} comes from {head_repo}, the artifact says "
                            f"{result['head_repository']}")
    if pull.head.sha != result["head_sha"]:
        raise _Stop(0, f"pull request #{result['pull_number']} has moved on to {pull.head.sha[:12]} (the result is for "
                       f"{result['head_sha'][:12]}): nothing posted; the run for the new commit posts its own result")
    if pull.state != "open":
        raise _Stop(0, f"pull request #{result['pull_number']} is {pull.state}: nothing posted")
    return pull


def _listed(pull, result: dict[str, Any]) -> dict[str, ChangedFile]:
    wanted = {entry["path"] for entry in result["files"]}
    listing = list_changed(pull, wanted.__contains__, pull.changed_files)
    files = listing.by_path()
    for entry in result["files"]:
        changed = files.get(entry["path"])
        if changed is None:
            raise ArtifactError(f"{entry['path'][:200]!r} is not among the pull request's changed files")
        if (changed.change == "removed") != (entry["change"] == "removed"):
            raise ArtifactError(f"{entry['path'][:200]!r}: the artifact and the API disagree on whether it was deleted")
    return files


def _comment_notes(result: dict[str, Any]) -> list[str]:
    notes = []
    listing = result["listing"]
    if listing["truncated"]:
        total = f"{listing['changed_files']:,}" if listing["changed_files"] is not None else "more than 3,000"
        notes.append(f"GitHub's API lists at most 3,000 files of a pull request and this one changes {total}: "
                     "incident files past that point were not checked (run `postmortem check` on the branch).")
    if result["fork"] and result["provider"] == "offline":
        notes.append("This pull request comes from a fork, so sections were drafted offline (no model, no secrets): "
                     "facts are computed and the prose is left as `TODO(draft)`.")
    return notes


def _suggestion_line(wanted: Plan, report: SuggestionReport) -> str:
    parts = [f"suggestions: {len(report.offered)} offered ({len(report.created)} new, {len(report.kept)} already there"
             + (f", {len(report.updated)} updated in place" if report.updated else "") + ")"]
    if wanted.combined:
        parts.append(f"{len(wanted.combined)} of them combined (accept all)")
    if wanted.accepted:
        parts.append(f"{len(wanted.accepted)} accepted drafts not offered again")
    if report.deleted:
        parts.append(f"{report.deleted} stale removed")
    if report.refused:
        first = next(iter(report.refused.values()))
        parts.append(f"{len(report.refused)} refused by GitHub, e.g. {first} (in the comment as YAML, not asked again)")
    if wanted.refused_before:
        parts.append(f"{len(wanted.refused_before)} refused by GitHub on an earlier run (in the comment as YAML)")
    if report.failed:
        parts.append(f"{len(report.failed)} failed (in the comment as YAML; retried next run)")
    if wanted.in_comment:
        parts.append(f"{len(wanted.in_comment)} drafts in the comment as YAML")
    return ", ".join(parts)


def _comment_line(report) -> str:
    if not report.parts and not report.deleted:
        return "sticky comment: none (the pull request changes no incident files)"
    if report.created:
        state = "created"
    elif report.updated:
        state = "updated in place"
    else:
        state = "unchanged"
    extra = f", {report.deleted} old part{'s' if report.deleted != 1 else ''} removed" if report.deleted else ""
    return f"sticky comment: {state} ({report.parts} part{'s' if report.parts != 1 else ''}{extra})"


def _finish(outcome: PostOutcome, options: PostOptions, out: TextIO, number: int | None) -> PostOutcome:
    title = f"## postmortem-kit: posting to pull request #{number}" if number else "## postmortem-kit: posting"
    status = {0: "done", 1: "**GitHub failed part way**", 2: "**refused**"}[outcome.exit_status]
    write_summary(post_summary([title, "", f"Result: {status}.", "", *[f"- {inline(l, 1000)}" for l in outcome.lines]]),
                  options.summary_path)
    out.write(f"postmortem pr post: {'#' + str(number) if number else ''} "
              f"{['done', 'GitHub failed part way', 'refused'][outcome.exit_status]}\n")
    for line in outcome.lines:
        out.write(f"  {log_line(line, 1000)}\n")
    return outcome
