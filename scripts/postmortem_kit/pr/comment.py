"""The one sticky comment on the pull request: status per file, findings, drafts, provenance.

The comment is found by the bot's own login *and* a hidden marker at the very
start of its body or, when a person edited the marker out, its fixed first
line (the heading of part 1, the "continued" line of later parts): a comment
by anyone else is never edited or deleted, whatever it says.  It is edited in
place when its text changes (which also puts a removed marker back) and left
alone when it does not (so an unchanged re-run makes no write).

GitHub refuses comment bodies over 65,536 characters.  The body is built
from blocks (header, table chunks, one block per file, one per YAML draft)
and packed into parts of at most ``PART_BUDGET`` characters; part 2 onwards
are continuation comments with their own marker (``part=N``), deleted again
when no longer needed.  A block that alone is too long is trimmed, and past
``MAX_PARTS`` parts the rest is left out; both say so in the comment.

Drafts that could not be offered as suggestions appear as YAML blocks; when
GitHub itself refused the suggestion (422), the block carries the
suggestion's key so later runs do not try again (``unanchored_keys``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

from postmortem_kit import __version__
from postmortem_kit.pr.checklist import render_checklist
from postmortem_kit.pr.suggestions import Plan, SuggestionReport, fence_for, provenance_line, slot_of
from postmortem_kit.pr.summary import OUTCOME_LABEL
from postmortem_kit.textsafety import cell, inline, path_code

MARKER = "postmortem-kit:pr-comment"
_PART_RE = re.compile(r"\A<!-- postmortem-kit:pr-comment(?: part=(\d{1,3}))? -->")
_UNANCHORED_RE = re.compile(r"<!-- postmortem-kit:unanchored key=([0-9a-f]{24}) -->")
HEADING = "### postmortem-kit: incident files in this pull request"
_CONTINUED = "_postmortem-kit, continued (part {number} of {total})_"
_CONTINUED_RE = re.compile(r"_postmortem-kit, continued \(part (\d{1,3}) of \d{1,3}\)_")
COMMENT_LIMIT = 65_536
PART_BUDGET = 60_000
MAX_PARTS = 10
FINDINGS_PER_FILE = 30
TABLE_CHUNK = 150


@dataclass
class CommentReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)
    trimmed: list[str] = field(default_factory=list)
    parts: int = 0
    wrong_author: str | None = None  # GitHub shows the comment we created as another login's


def part_of(body: str | None) -> int | None:
    match = _PART_RE.match(body or "")
    if not match:
        return None
    return int(match.group(1) or 1)


def part_by_first_line(body: str | None) -> int | None:
    """The part number a comment of ours shows in its first line, for one whose marker was edited out."""
    text = (body or "").lstrip()
    if text.startswith(HEADING):
        return 1
    match = _CONTINUED_RE.match(text)
    return int(match.group(1)) if match else None


def unanchored_keys(bodies: list[str]) -> set[str]:
    keys: set[str] = set()
    for body in bodies:
        keys.update(_UNANCHORED_RE.findall(body or ""))
    return keys


def existing(pull, bot_login: str) -> dict[int, list]:
    """The bot's own sticky comments by part number (oldest first): written by ``bot_login``,
    with the marker or, failing that, our first line."""
    found: dict[int, list] = {}
    for comment in pull.get_issue_comments():
        if comment.user is None or comment.user.login.lower() != bot_login.lower():
            continue
        number = part_of(comment.body) or part_by_first_line(comment.body)
        if number is not None:
            found.setdefault(number, []).append(comment)
    return found


# --------------------------------------------------------------------------- rendering


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in ("error", "warning", "notice"))


def render(result: dict[str, Any], plan: Plan, report: SuggestionReport, notes: list[str],
           remembered: set[tuple[str, str]] = frozenset()) -> tuple[list[str], list[str]]:
    """The comment parts, and notes about anything trimmed or left out.

    ``remembered``: (slot, value hash) of drafts offered on earlier runs (see ``pr.checklist``)."""
    from postmortem_kit.pr.checklist import memory_markers
    files = result["files"]
    failed = sum(1 for f in files if f["outcome"] in ("failed", "unreadable"))
    checked = sum(1 for f in files if f["outcome"] != "deleted")
    verdict = "**Check failed**" if result["exit_status"] else "**Check passed**"
    header = [
        HEADING,
        "",
        f"{verdict}: {checked} incident file{'s' if checked != 1 else ''} checked"
        + (f", {failed} with errors" if failed else "")
        + f" at commit `{result['head_sha'][:12]}`.",
    ]
    for note in notes:
        header += ["", f"> {inline(note, 800)}"]
    if not files:
        header += ["", "This pull request changes no incident files."]
    blocks = ["\n".join(header)]

    by_key = {(s.path, s.section): s for s in plan.suggestions}
    placements: dict[str, str] = {}
    offered_by_file: dict[str, list[str]] = {}
    yaml_blocks: dict[str, list[str]] = {}
    for entry in files:
        offered, pasted = [], []
        for draft in entry["drafts"]:
            where = (entry["path"], draft["section"])
            if where in plan.accepted:
                continue  # our draft was committed: nothing to offer again
            suggestion = by_key.get(where)
            if suggestion is not None and suggestion.key in report.offered:
                offered.append(draft["section"])
                continue
            marker = ""
            refused_earlier = plan.refused_before.get(where)
            if refused_earlier is not None or (suggestion is not None and suggestion.key in report.refused):
                suggestion = refused_earlier or suggestion
                reason = f"GitHub refused a suggestion on line {suggestion.anchor.line} of the diff"
                marker = f"<!-- postmortem-kit:unanchored key={suggestion.key} -->\n"
            elif suggestion is not None and suggestion.key in report.failed:
                reason = f"posting the suggestion failed ({report.failed[suggestion.key]}); the next run tries again"
            else:
                reason = plan.in_comment.get(where, "not offered as a suggestion")
            pasted.append(draft["section"])
            yaml_blocks.setdefault(entry["path"], []).append(_yaml_block(draft, reason, marker))
        placements[entry["path"]] = _placement(entry, offered, pasted)
        offered_by_file[entry["path"]] = offered

    rows = [entry for entry in files]
    for start in range(0, len(rows), TABLE_CHUNK):
        chunk = rows[start:start + TABLE_CHUNK]
        table = ["| file | change | status | result | errors | warnings | notices | drafted sections |",
                 "| --- | --- | --- | --- | ---: | ---: | ---: | --- |"]
        for entry in chunk:
            counts = entry["counts"]
            table.append(f"| {path_code(entry['path'], 120)} | {cell(entry['change'])} | "
                         f"{cell(entry['incident_status'] or '-')} | {OUTCOME_LABEL.get(entry['outcome'], '?')} | "
                         f"{counts['error']} | {counts['warning']} | {counts['notice']} | "
                         f"{placements[entry['path']]} |")
        blocks.append("\n".join(table))

    memory = set(remembered or ())
    for entry in files:
        detail = _file_block(entry, offered_by_file.get(entry["path"], []), plan, report, remembered,
                             result.get("provider", "none"))
        if detail:
            blocks.append(detail)
        blocks.extend(yaml_blocks.get(entry["path"], []))
        memory.update((slot_of(entry["path"], d["section"]), d["value_hash"]) for d in entry["drafts"]
                      if d.get("value_hash"))
    if memory:
        blocks.append(memory_markers(memory))

    footer = (f"<sub>postmortem-kit {__version__} · updated in place on every push · drafted sections are "
              "proposals for a person to review, never edits.</sub>")
    return pack(blocks, footer)


def _placement(entry: dict[str, Any], offered: list[str], pasted: list[str]) -> str:
    parts = []
    if offered:
        parts.append(f"{len(offered)} as suggestions")
    if pasted:
        parts.append(f"{len(pasted)} as YAML below")
    if entry["dropped"]:
        parts.append(f"{len(entry['dropped'])} not drafted")
    return "; ".join(parts) or "-"


def _file_block(entry: dict[str, Any], offered: list[str], plan: Plan, report: SuggestionReport,
                remembered: set[tuple[str, str]], provider: str) -> str | None:
    lines: list[str] = []
    findings = [f for f in entry["findings"] if not f.get("suppressed")]
    if entry["outcome"] == "deleted":
        return None
    title = f"#### {path_code(entry['path'], 200)}"
    if entry.get("previous_path"):
        title += f" (renamed from {path_code(entry['previous_path'], 200)})"
    title += f" · {cell(entry['incident_status'] or 'unknown status')} · {_counts_text(entry['counts'])}"
    for finding in findings[:FINDINGS_PER_FILE]:
        text = f"- line {finding['line']}: **{finding['severity']}** `{_rule(finding['rule'])}` {inline(finding['message'], 500)}"
        if finding.get("suggestion"):
            text += f" (suggestion: {inline(finding['suggestion'], 300)})"
        lines.append(text)
    hidden = len(findings) - FINDINGS_PER_FILE + entry["findings_omitted"]
    if hidden > 0:
        lines.append(f"- … {hidden} more finding{'s' if hidden != 1 else ''}: see the check job's summary")
    if entry["provenance"] and (entry["drafts"] or entry["dropped"]):
        lines.append("")
        lines.append(f"Drafted by {provenance_line(entry['provenance'])}.")
        if entry["provenance"]["provider"] == "offline":
            lines.append("Offline drafts compute the facts and leave `TODO(draft)` for the prose; "
                         "`postmortem check` rejects those once the status is `in-review`.")
    if entry.get("sections") is not None or entry["drafts"] or entry["dropped"]:
        lines += render_checklist(entry, plan, report, remembered, provider)
    elif entry.get("draft_error"):
        lines.append(f"- not drafted: {inline(entry['draft_error'], 400)}")
    if not lines:
        return None
    return "\n".join([title, "", *lines])


def _rule(rule: str) -> str:
    return re.sub(r"[^A-Za-z0-9/_.-]", "", rule)[:100]


def _yaml_block(draft: dict[str, Any], reason: str, marker: str) -> str:
    fence = fence_for(draft["yaml"])
    return (f"{marker}<details><summary>Drafted <code>{draft['section']}</code> as YAML to paste: "
            f"{cell(reason, 400)}</summary>\n\n{fence}yaml\n{draft['yaml'].rstrip()}\n{fence}\n\n</details>")


def _part_header(number: int) -> str:
    marker = f"<!-- {MARKER} -->" if number == 1 else f"<!-- {MARKER} part={number} -->"
    return marker


def pack(blocks: list[str], footer: str, *, budget: int = PART_BUDGET,
         max_parts: int = MAX_PARTS) -> tuple[list[str], list[str]]:
    """Blocks into comment bodies of at most ``budget`` characters (see module doc)."""
    notes: list[str] = []
    room = budget - 200  # the marker, the continuation line and the separators
    fitted = []
    for block in blocks:
        if len(block) > room:
            notes.append(f"a block of {len(block):,} characters was trimmed to fit GitHub's comment limit")
            block = _trim(block, room)
        fitted.append(block)
    parts: list[list[str]] = [[]]
    sizes = [0]
    left_out = 0
    for block in fitted:
        size = len(block) + 2
        if sizes[-1] + size > room:
            if len(parts) == max_parts:
                left_out += 1
                continue
            parts.append([])
            sizes.append(0)
        parts[-1].append(block)
        sizes[-1] += size
    if left_out:
        notes.append(f"{left_out} block{'s' if left_out != 1 else ''} left out: more than {max_parts} comments "
                     "would be needed; the check job's summary has every finding")
    bodies = []
    total = len(parts)
    for number, chunk in enumerate(parts, 1):
        head = [_part_header(number)]
        if number > 1:
            head.append(_CONTINUED.format(number=number, total=total) + "\n")
        body_blocks = list(chunk)
        if number == 1 and total > 1:
            body_blocks.insert(1, f"_This report continues in {total - 1} more comment{'s' if total > 2 else ''} "
                                  "below (GitHub limits one comment to 65,536 characters)._")
        if number == total:
            tail = []
            if notes:
                tail.append("> " + "; ".join(notes) + ".")
            tail.append(footer)
            body_blocks.extend(tail)
        bodies.append("\n".join(head) + "\n" + "\n\n".join(body_blocks) + "\n")
    return bodies, notes


def _trim(block: str, room: int) -> str:
    note = "\n\n_(trimmed: too long for one comment; see the check job's summary)_"
    cut = block[: room - len(note) - 10]
    cut = cut[: cut.rfind("\n")] if "\n" in cut else cut
    # Close a fence or a <details> left open by the cut.
    fences = re.findall(r"^(`{3,})", cut, re.MULTILINE)
    if len(fences) % 2:
        cut += "\n" + fences[-1]
    if cut.count("<details>") > cut.count("</details>"):
        cut += "\n\n</details>"
    return cut + note


# --------------------------------------------------------------------------- syncing


def _same(a: str | None, b: str) -> bool:
    return (a or "").replace("\r\n", "\n").rstrip() == b.replace("\r\n", "\n").rstrip()


def sync(pull, parts: list[str], current: dict[int, list], bot_login: str, gate,
         is_transient: Callable[[BaseException], bool], describe: Callable[[BaseException], str]) -> CommentReport:
    """Make the bot's sticky comments exactly ``parts``: edit in place, create what is missing,
    delete leftovers (extra parts, duplicates of ours)."""
    from github.GithubException import GithubException

    report = CommentReport(parts=len(parts))
    for number, body in enumerate(parts, 1):
        mine = current.get(number, [])
        try:
            if mine:
                keep = mine[0]
                if _same(keep.body, body):
                    report.unchanged += 1
                else:
                    gate.send(lambda keep=keep, body=body: keep.edit(body), retry_transient=True)  # same PATCH: safe to repeat
                    report.updated += 1
                for duplicate in mine[1:]:
                    _delete(duplicate, gate, report)
            else:
                _create(pull, body, number, bot_login, gate, report, is_transient)
        except GithubException as error:
            report.errors.append(f"comment part {number}: {describe(error)}")
        except Exception as error:  # noqa: BLE001 - timeouts, dropped connections
            if not is_transient(error):
                raise
            report.errors.append(f"comment part {number}: {describe(error)}")
    for number, comments in current.items():
        if number > len(parts):
            for comment in comments:
                try:
                    _delete(comment, gate, report)
                except GithubException as error:
                    report.errors.append(f"removing old comment part {number}: {describe(error)}")
    return report


def _delete(comment, gate, report: CommentReport) -> None:
    from github.GithubException import GithubException

    try:
        gate.send(comment.delete, retry_transient=True)
        report.deleted += 1
    except GithubException as error:
        if error.status != 404:
            raise


def _create(pull, body: str, number: int, bot_login: str, gate, report: CommentReport, is_transient) -> None:
    from postmortem_kit.github import wrong_author

    try:
        created = gate.send(lambda: pull.create_issue_comment(body))
        report.created += 1
        report.wrong_author = wrong_author(created, bot_login)
        return
    except Exception as error:  # noqa: BLE001
        if not is_transient(error):
            raise
    # The response was lost and the comment may exist: look before posting again.
    again = existing(pull, bot_login).get(number, [])
    if again:
        if not _same(again[0].body, body):
            gate.send(lambda: again[0].edit(body), retry_transient=True)
        report.created += 1
        return
    gate.send(lambda: pull.create_issue_comment(body))
    report.created += 1
