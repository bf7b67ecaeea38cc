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

Only comments written by the bot's own login and carrying the marker are
ever touched.  When GitHub refuses an anchor (422, e.g. the line is not part
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

from postmortem_kit.pr.anchor import Anchor, suggestion_text, verify
from postmortem_kit.pr.files import ChangedFile

MARKER = "postmortem-kit:suggestion"
_MARKER_RE = re.compile(r"<!-- postmortem-kit:suggestion key=([0-9a-f]{24}) section=([a-z_]{1,40}) -->")
REVIEW_BATCH = 50
MAX_BODY = 65_000  # GitHub refuses comment bodies over 65,536 characters


@dataclass
class Suggestion:
    path: str
    section: str
    anchor: Anchor
    yaml: str
    provenance: dict[str, str] | None
    key: str = ""
    body: str = ""

    def __post_init__(self):
        material = "\x00".join([self.path, self.section, str(self.anchor.line), self.anchor.mode, self.anchor.text,
                                self.yaml])
        self.key = hashlib.sha256(material.encode("utf-8")).hexdigest()[:24]
        self.body = render_body(self)

    def review_comment(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.anchor.line, "side": "RIGHT", "body": self.body}


@dataclass
class Plan:
    suggestions: list[Suggestion] = field(default_factory=list)
    in_comment: dict[tuple[str, str], str] = field(default_factory=dict)  # (path, section) -> why not a suggestion
    refused_before: dict[tuple[str, str], Suggestion] = field(default_factory=dict)  # GitHub said 422 on a past run


@dataclass
class SuggestionReport:
    kept: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    deleted: int = 0
    refused: dict[str, str] = field(default_factory=dict)  # key -> GitHub's reason (422): now in the comment
    failed: dict[str, str] = field(default_factory=dict)  # key -> error (5xx...): retried on the next run
    errors: list[str] = field(default_factory=list)

    @property
    def offered(self) -> set[str]:
        return self.kept | self.created


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
    where = "appends it to the file" if suggestion.anchor.mode == "append" else \
        f"inserts it before line {suggestion.anchor.line}"
    return "\n".join([
        f"<!-- {MARKER} key={suggestion.key} section={suggestion.section} -->",
        f"**Drafted `{suggestion.section}`** ({provenance_line(suggestion.provenance)}). "
        f"\"Commit suggestion\" {where}. A proposal: check it against the evidence first.",
        "",
        f"{fence}suggestion",
        content,
        fence,
    ])


def plan(result: dict[str, Any], files: dict[str, ChangedFile], skip: set[str]) -> Plan:
    """What to offer as suggestions; the rest (with the reason) goes into the sticky comment."""
    out = Plan()
    for entry in result["files"]:
        if entry["change"] == "removed":
            continue
        for draft in entry["drafts"]:
            where = (entry["path"], draft["section"])
            if draft["replaces"]:
                out.in_comment[where] = "it replaces a section the file already has (paste it over the old one)"
                continue
            anchor_data = entry.get("anchor")
            if anchor_data is None:
                out.in_comment[where] = "no line of this file's diff can anchor a suggestion that appends it"
                continue
            anchor = Anchor(anchor_data["line"], anchor_data["mode"], anchor_data["text"])
            changed = files.get(entry["path"])
            if changed is None or changed.deleted:
                out.in_comment[where] = "the file is not in the pull request's current file list"
                continue
            if not verify(anchor, changed.patch):
                out.in_comment[where] = f"line {anchor.line} is no longer part of the diff"
                continue
            suggestion = Suggestion(entry["path"], draft["section"], anchor, draft["yaml"], entry["provenance"])
            if len(suggestion.body) > MAX_BODY:
                out.in_comment[where] = "the draft is too long for one review comment"
                continue
            if suggestion.key in skip:
                out.refused_before[where] = suggestion
                continue
            out.suggestions.append(suggestion)
    return out


def marker_of(body: str | None) -> tuple[str, str] | None:
    match = _MARKER_RE.search(body or "")
    return (match.group(1), match.group(2)) if match else None


def existing(pull, bot_login: str) -> dict[str, list]:
    """Our suggestion comments on the pull request, by key (several when something was posted twice)."""
    found: dict[str, list] = {}
    for comment in pull.get_review_comments():
        if comment.user is None or comment.user.login != bot_login:
            continue
        marker = marker_of(comment.body)
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
    wanted_keys = {s.key for s in wanted}
    for key, comments in current.items():
        keep = key in wanted_keys and comments[0].line is not None  # an outdated comment cannot be committed
        if keep:
            report.kept.add(key)
        for comment in comments[1:] if keep else comments:
            try:
                gate.send(comment.delete, retry_transient=True)
                report.deleted += 1
            except GithubException as error:
                if error.status != 404:  # already gone
                    report.errors.append(f"could not delete a stale suggestion: {describe(error)}")
    missing = [s for s in wanted if s.key not in report.kept]
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
