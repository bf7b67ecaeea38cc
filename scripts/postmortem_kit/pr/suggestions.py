"""Drafted sections as review comments with a ```suggestion``` block.

Each appendable drafted section becomes one review comment on the anchor
line stage 1 chose (``pr_anchor``), checked again here against the patch
this job fetched itself.  "Commit suggestion" then appends the section to
the file.  A hidden marker in each comment carries a key: a hash of the file,
section, anchor line and text, and the drafted YAML.  So on a re-run

* a comment whose key is still wanted is left alone (no edit, no new comment);
* a comment of ours whose key is no longer wanted (the section was
  committed, the draft changed, the file was deleted, the line moved) is
  deleted;
* only the missing keys are posted, in as few requests as possible (reviews
  of up to ``REVIEW_BATCH`` comments, each one content-creating request).

A suggestion on a section's stub line (``replace`` anchor) holds just the
section and replaces exactly that line; those never overlap, so a reviewer
can batch any subset of them into one commit.  Drafts without a stub in the
diff fall back to the shared append/insert anchor (``fallback``).

Only comments written by the bot's own login, carrying the marker *and*
whose stable slot (a hash of the comment's own file path and the section)
matches the comment's path are ever touched.  When a person edited the marker
out, the bot's comment is still known by its author and its fixed first line
(``**Drafted `section`**`` or ``**All N drafted sections...**``) on its own
path: it is edited back in place where that slot is still wanted on that
line, and deleted as stale otherwise, never posted twice.  A comment of ours whose slot is
still wanted on the same line, but whose draft changed, is edited in place
instead of deleted and posted again.  When GitHub refuses an anchor (422, e.g. the line is not part
of the diff) the section goes into the sticky comment as a YAML block
instead, and its key is remembered there so later runs do not ask again.
A lost response (5xx, timeout) is followed by a fresh listing before any
retry, so nothing is posted twice.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from postmortem_kit.pr.anchor import Anchor, suggestion_text, verify, verify_stub
from postmortem_kit.pr.batch import combined
from postmortem_kit.pr.files import ChangedFile

MARKER = "postmortem-kit:suggestion"
_MARKER_RE = re.compile(r"<!-- postmortem-kit:suggestion key=([0-9a-f]{24}) section=([a-z_]{1,40})"
                        r"(?: slot=([0-9a-f]{16}))?(?: value=([0-9a-f]{16}))? -->")
ALL_SECTIONS = "all_sections"  # the section name of the combined "accept all" suggestion
_FIRST_LINE_RE = re.compile(r"\*\*(?:Drafted `([a-z_]{1,40})`|All \d{1,4} drafted sections in one suggestion)\*\* \(")
UNMARKED = "unmarked-"  # key prefix of a comment of ours whose marker was edited out (never a wanted key)
REVIEW_BATCH = 50
MAX_BODY = 65_000  # GitHub refuses comment bodies over 65,536 characters


@dataclass
class Suggestion:
    path: str
    section: str
    anchor: Anchor
    yaml: str
    provenance: dict[str, str] | None
    value: str = ""  # hash of the drafted value (drafts.value_hash), remembered to recognise it once accepted
    start_line: int | None = None  # a multi-line suggestion (the combined one) starts here
    sections: tuple[str, ...] = ()  # the combined suggestion: the sections it holds
    key: str = ""
    body: str = ""

    def __post_init__(self):
        # A stub line names its section, so a replace anchor is identified by its text: when GitHub moves
        # the comment along with its line (a batch committed above it), the key stays the same.
        line = "" if self.anchor.mode == "replace" and self.start_line is None else str(self.anchor.line)
        material = "\x00".join([self.path, self.section, line, self.anchor.mode, self.anchor.text,
                                str(self.start_line), self.yaml])
        self.key = hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]
        self.body = render_body(self)

    @property
    def slot(self) -> str:
        return slot_of(self.path, self.section)

    def review_comment(self) -> dict[str, Any]:
        comment = {"path": self.path, "line": self.anchor.line, "side": "RIGHT", "body": self.body}
        if self.start_line is not None:
            comment.update(start_line=self.start_line, start_side="RIGHT")
        return comment


def slot_of(path: str, section: str) -> str:
    """The stable key of one suggestion place: the same file and section on every run."""
    return hashlib.sha256(f"{path}\x00{section}".encode("utf-8")).hexdigest()[:16]


@dataclass
class Plan:
    suggestions: list[Suggestion] = field(default_factory=list)
    in_comment: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, section) -> why not a suggestion
    refused_before: dict[tuple[str, str], Suggestion] = field(default_factory=dict)  # GitHub said 422 on a past run
    fallback: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, section) -> why no stub anchor
    accepted: set[tuple[str, str]] = field(default_factory=set)  # drafts of ours already committed: not offered again
    combined: dict[str, Suggestion] = field(default_factory=dict)  # path -> the "accept all" suggestion


@dataclass
class SuggestionReport:
    kept: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)  # an outdated draft of ours edited in place (same slot and line)
    deleted: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # key -> GitHub's reason (422): now in the comment
    failed: dict[str, str] = field(default_factory=dict)  # key -> error (5xx...): retried on the next run
    errors: list[str] = field(default_factory=list)

    @property
    def offered(self) -> set[str]:
        return self.kept | self.created | self.updated


def fence_for(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    return "`" * max(3, longest + 1)


def provenance_line(provenance: dict[str, str] | None) -> str:
    if not provenance:
        return "provenance unknown"
    return (f"{provenance['provider']} provider, model `{_plain(provenance['model'])}`, prompts "
            f"`v{_plain(provenance['prompt_version'])}`, input sha256:`{provenance['input_hash'][:16]}`")


def _plain(text: str) -> str:
    """Model names and prompt versions come from the artifact: only a safe alphabet is shown."""
    return re.sub(r"[^A-Za-z0-9._:+/-]", "?", text)[:80]


def render_body(suggestion: Suggestion) -> str:
    content = suggestion_text(suggestion.anchor, suggestion.yaml)
    fence = fence_for(content)
    value = f" value={suggestion.value}" if suggestion.value else ""
    marker = f"<!-- {MARKER} key={suggestion.key} section={suggestion.section} slot={suggestion.slot}{value} -->"
    if suggestion.section == ALL_SECTIONS:
        names = ", ".join(f"`{name}`" for name in suggestion.sections)
        head = (f"**All {len(suggestion.sections)} drafted sections in one suggestion** ({names}; "
                f"{provenance_line(suggestion.provenance)}). Use this one *instead of* the per-section suggestions: "
                f"\"Commit suggestion\" replaces lines {suggestion.start_line} to {suggestion.anchor.line} (every stub) "
                "in one commit. It overlaps them, so do not add it to a batch with them.")
    else:
        mode = suggestion.anchor.mode
        where = ("replaces its stub line; add it to a batch with any others to commit them together"
                 if mode == "replace" else "appends it to the file" if mode == "append"
                 else f"inserts it before line {suggestion.anchor.line}")
        head = (f"**Drafted `{suggestion.section}`** ({provenance_line(suggestion.provenance)}). "
                f"\"Commit suggestion\" {where}. A proposal: check it against the evidence first.")
    return "\n".join([marker, head, "", f"{fence}suggestion", content, fence])


def plan(result: dict[str, Any], files: dict[str, ChangedFile], skip: set[str],
         remembered: set[tuple[str, str]] = frozenset()) -> Plan:
    """What to offer as suggestions; the rest (with the reason) goes into the sticky comment.

    ``remembered``: (slot, value hash) of drafts offered on earlier runs; a section the file now
    has with exactly such a value was accepted, and its re-draft is not offered again."""
    out = Plan()
    for entry in result["files"]:
        if entry["change"] == "removed":
            continue
        present = entry.get("sections") or {}
        changed = files.get(entry["path"])
        for draft in entry["drafts"]:
            where = (entry["path"], draft["section"])
            if draft["replaces"]:
                if (slot_of(*where), present.get(draft["section"])) in remembered:
                    out.accepted.add(where)
                else:
                    out.in_comment[where] = "it replaces a section the file already has (paste it over the old one)"
                continue
            if changed is None or changed.deleted:
                out.in_comment[where] = "the file is not in the pull request's current file list"
                continue
            own = draft.get("anchor")
            if own is not None:
                anchor = Anchor(own["line"], own["mode"], own["text"])
                if verify_stub(anchor, draft["section"], changed.patch):
                    _offer(out, Suggestion(*where, anchor, draft["yaml"], entry["provenance"],
                                           value=draft.get("value_hash", "")), skip)
                    continue
                out.fallback[where] = f"its stub line {anchor.line} is no longer part of the diff"
            else:
                out.fallback[where] = "the file has no stub line for it in the diff"
            anchor_data = entry.get("anchor")
            if anchor_data is None:
                out.in_comment[where] = "no line of this file's diff can anchor a suggestion that appends it"
                continue
            anchor = Anchor(anchor_data["line"], anchor_data["mode"], anchor_data["text"])
            if not verify(anchor, changed.patch):
                out.in_comment[where] = f"line {anchor.line} is no longer part of the diff"
                continue
            _offer(out, Suggestion(*where, anchor, draft["yaml"], entry["provenance"],
                                   value=draft.get("value_hash", "")), skip)
        if changed is not None and not changed.deleted:
            parts = combined([s for s in out.suggestions if s.path == entry["path"]], changed.patch)
            if parts is not None:
                anchor, first, content, sections = parts
                together = Suggestion(entry["path"], ALL_SECTIONS, anchor, content, entry["provenance"],
                                      start_line=first, sections=sections)
                if len(together.body) <= MAX_BODY and together.key not in skip:
                    out.combined[entry["path"]] = together
    return out


def _offer(out: Plan, suggestion: Suggestion, skip: set[str]) -> None:
    where = (suggestion.path, suggestion.section)
    if len(suggestion.body) > MAX_BODY:
        out.in_comment[where] = "the draft is too long for one review comment"
    elif suggestion.key in skip:
        out.refused_before[where] = suggestion
    else:
        out.suggestions.append(suggestion)


def marker_of(body: str | None) -> tuple[str, str] | None:
    match = _MARKER_RE.search(body or "")
    return (match.group(1), match.group(2)) if match else None


def remembered_of(bodies: list[str | None]) -> set[tuple[str, str]]:
    """(slot, value hash) of every draft a marker in ``bodies`` records."""
    found = set()
    for body in bodies:
        for match in _MARKER_RE.finditer(body or ""):
            if match.group(3) and match.group(4):
                found.add((match.group(3), match.group(4)))
    return found


def ours(comment, bot_login: str) -> tuple[str, str] | None:
    """(key, section) when ``comment`` is one of our suggestion comments: written by the bot's login,
    with our marker, and (when the marker has one) a slot that matches the comment's own path."""
    if comment.user is None or comment.user.login.lower() != bot_login.lower():
        return None
    match = _MARKER_RE.search(comment.body or "")
    if not match:
        section = section_by_first_line(comment.body)
        return (f"{UNMARKED}{comment.id}", section) if section else None
    if match.group(3) and match.group(3) != slot_of(comment.path or "", match.group(2)):
        return None  # the marker was copied from another file's comment: not this comment's own
    return match.group(1), match.group(2)


def section_by_first_line(body: str | None) -> str | None:
    """The section a suggestion comment of ours names in its first line, for one whose marker was
    edited out."""
    match = _FIRST_LINE_RE.match((body or "").lstrip())
    return (match.group(1) or ALL_SECTIONS) if match else None


def existing(pull, bot_login: str) -> dict[str, list]:
    """Our suggestion comments on the pull request, by key (several when something was posted twice)."""
    found: dict[str, list] = {}
    for comment in pull.get_review_comments():
        marker = ours(comment, bot_login)
        if marker:
            found.setdefault(marker[0], []).append(comment)
    return found


def sync(pull, wanted: list[Suggestion], bot_login: str, gate, commit,
         is_transient: Callable[[BaseException], bool], describe: Callable[[BaseException], str]) -> SuggestionReport:
    """Make the bot's suggestion comments exactly ``wanted`` (see module doc).

    ``commit``: the head commit (a PyGithub Commit, lazy is fine) the anchors belong to."""
    from github.GithubException import GithubException

    report = SuggestionReport()
    current = existing(pull, bot_login)
    wanted_lines = {s.key: s.anchor.line for s in wanted}
    replaceable = {(s.slot, s.anchor.line, s.start_line): s for s in wanted if s.key not in current}
    for key, comments in current.items():
        # An outdated comment (no line) cannot be committed; one GitHub moved elsewhere is not where we want it.
        keep = key in wanted_lines and comments[0].line == wanted_lines[key]
        extra = comments[1:] if keep else comments
        if keep:
            report.kept.add(key)
        elif comments[0].line is not None:
            first = comments[0]
            section = (ours(first, bot_login) or ("", ""))[1]
            same_place = replaceable.pop((slot_of(first.path or "", section), first.line, first.start_line), None)
            if same_place is not None:
                try:
                    gate.send(lambda first=first, body=same_place.body: first.edit(body), retry_transient=True)
                    report.updated.add(same_place.key)
                    extra = comments[1:]
                except GithubException as error:
                    report.errors.append(f"could not update a suggestion: {describe(error)}")
        for comment in extra:
            try:
                gate.send(comment.delete, retry_transient=True)
                report.deleted += 1
            except GithubException as error:
                if error.status != 404:  # already gone
                    report.errors.append(f"could not delete a stale suggestion: {describe(error)}")
    missing = [s for s in wanted if s.key not in report.kept and s.key not in report.updated]
    for start in range(0, len(missing), REVIEW_BATCH):
        batch = missing[start:start + REVIEW_BATCH]
        _post_batch(pull, batch, commit, bot_login, gate, report, is_transient, describe)
    return report


def _review_body(count: int) -> str:
    return (f"postmortem-kit drafted {count} section{'s' if count != 1 else ''} for this pull request: "
            "each is a suggestion below. The sticky comment lists the findings and where each draft is.")


def _post_batch(pull, batch: list[Suggestion], commit, bot_login: str, gate, report: SuggestionReport,
                is_transient, describe) -> None:
    from github.GithubException import GithubException

    def send():
        return pull.create_review(commit=commit, body=_review_body(len(batch)), event="COMMENT",
                                  comments=[s.review_comment() for s in batch])

    try:
        gate.send(send)
        report.created.update(s.key for s in batch)
        return
    except GithubException as error:
        if error.status == 422:
            _post_one_by_one(pull, batch, commit, gate, report, is_transient, describe)
            return
        if not is_transient(error):
            for s in batch:
                report.failed[s.key] = describe(error)
            report.errors.append(f"posting {len(batch)} suggestions failed: {describe(error)}")
            return
        first = error
    except Exception as error:  # timeouts and dropped connections
        if not is_transient(error):
            raise
        first = error
    # The response was lost: the review may exist. Look before sending anything again.
    posted = set(existing(pull, bot_login))
    report.created.update(s.key for s in batch if s.key in posted)
    rest = [s for s in batch if s.key not in posted]
    if not rest:
        return
    try:
        gate.send(lambda: pull.create_review(commit=commit, body=_review_body(len(rest)), event="COMMENT",
                                             comments=[s.review_comment() for s in rest]))
        report.created.update(s.key for s in rest)
    except GithubException as error:
        if error.status == 422:
            _post_one_by_one(pull, rest, commit, gate, report, is_transient, describe)
            return
        for s in rest:
            report.failed[s.key] = describe(error)
        report.errors.append(f"posting {len(rest)} suggestions failed twice: {describe(first)}, then {describe(error)}")
    except Exception as error:
        if not is_transient(error):
            raise
        for s in rest:
            report.failed[s.key] = describe(error)
        report.errors.append(f"posting {len(rest)} suggestions failed twice: {describe(error)}")


def _post_one_by_one(pull, batch: list[Suggestion], commit, gate, report: SuggestionReport, is_transient,
                     describe) -> None:
    """A review is refused whole when one anchor is bad: find which, post the others."""
    from github.GithubException import GithubException

    for s in batch:
        try:
            gate.send(lambda s=s: pull.create_review_comment(s.body, commit, s.path, line=s.anchor.line, side="RIGHT"))
            report.created.add(s.key)
        except GithubException as error:
            if error.status == 422:
                report.refused[s.key] = describe(error)
            else:
                report.failed[s.key] = describe(error)
                report.errors.append(f"posting the `{s.section}` suggestion on {s.path} failed: {describe(error)}")
        except Exception as error:
            if not is_transient(error):
                raise
            report.failed[s.key] = describe(error)
            report.errors.append(f"posting the `{s.section}` suggestion on {s.path} failed: {describe(error)}")
