"""What GitHub does when a reviewer commits suggestions, and what a new head commit does to review comments.

GitHub's REST API has no endpoint for "Commit suggestion" (it is a web UI
action), so the emulator offers it as a method for tests::

    sha = emu.apply_suggestions("owner/repo", 2, [comment.id, ...], user="reviewer")

As on GitHub ("Add suggestion to batch", then "Commit suggestions"):

* every comment must belong to the pull request, hold a ```suggestion block,
  and not be outdated; the pull request must be open and the user must be
  able to push to its branch;
* suggestions of one batch must not overlap (two that touch the same line
  of a file are refused whole: nothing is committed);
* all suggestions become **one commit** on the head branch ("Apply
  suggestions from code review"), each replacing exactly its anchored lines
  (``start_line``..``line``) with the block's content.

Then the head moves (``move_head``), as after any push: the pull request's
files and patches are recomputed, and every review comment either follows
its lines to their new numbers (the lines are unchanged and still in the
diff) or becomes outdated (``line`` and ``position`` are absent from the
JSON, ``original_line`` keeps where it was).
"""

from __future__ import annotations

import difflib
import re

from support.github.state import Repo, find_line, hunk_text, parse_hunks, utc_now

_BLOCK = re.compile(r"^(`{3,})suggestion[ \t]*\n(.*?)^\1[ \t]*$", re.MULTILINE | re.DOTALL)


class SuggestionError(Exception):
    """GitHub refuses the batch (nothing was committed)."""


def suggestion_content(body: str) -> str | None:
    """The replacement text of the first ```suggestion block of a comment body (None: no block)."""
    match = _BLOCK.search(body or "")
    if match is None:
        return None
    return match.group(2)


def apply_suggestions(emu, full_name: str, number: int, comment_ids: list[int], *, user: str,
                      message: str = "Apply suggestions from code review") -> str:
    with emu.lock:
        repo: Repo = emu.repos[full_name]
        issue = repo.issues[number]
        pull = issue.pull
        if pull is None or issue.state != "open":
            raise SuggestionError("suggestions can only be applied on an open pull request")
        if not repo.can_push(user) and user != issue.user:
            raise SuggestionError(f"{user} cannot push to {pull.head_ref}")
        if not comment_ids:
            raise SuggestionError("no suggestion to apply")
        taken: dict[str, list[tuple[int, int, str]]] = {}
        for cid in comment_ids:
            comment = repo.review_comments.get(cid)
            if comment is None or comment.pull_number != number:
                raise SuggestionError(f"comment {cid} is not on this pull request")
            content = suggestion_content(comment.body)
            if content is None:
                raise SuggestionError(f"comment {cid} holds no suggestion")
            if comment.line is None:
                raise SuggestionError(f"comment {cid} is outdated: its suggestion cannot be applied")
            start = comment.start_line or comment.line
            for other_start, other_end, _ in taken.get(comment.path, []):
                if start <= other_end and other_start <= comment.line:
                    raise SuggestionError("suggestions overlap: a batch cannot change the same line twice")
            taken.setdefault(comment.path, []).append((start, comment.line, content))
        files: dict[str, str] = {}
        for path, edits in taken.items():
            text = repo.read_file(pull.head_ref, path)
            if text is None:
                raise SuggestionError(f"{path} is not on the branch")
            lines = text.split("\n")
            final_newline = lines and lines[-1] == ""
            if final_newline:
                lines.pop()
            for start, end, content in sorted(edits, reverse=True):
                replacement = content.split("\n")
                if replacement and replacement[-1] == "":
                    replacement.pop()
                lines[start - 1:end] = replacement
            files[path] = "\n".join(lines) + ("\n" if final_newline else "")
        old_head = pull.head_sha
        sha = repo.commit_files(pull.head_ref, files, message, user)
        move_head(repo, issue, old_head, sha)
        return sha


def move_head(repo: Repo, issue, old_head: str, new_head: str) -> None:
    """The pull request's branch now points at ``new_head``: new files, and comments follow or go outdated."""
    from support.github.handlers import diff_files

    pull = issue.pull
    pull.head_sha = new_head
    pull.files = diff_files(repo, pull.base_sha, new_head)
    issue.updated_at = utc_now()
    for comment in repo.review_comments.values():
        if comment.pull_number != issue.number or comment.line is None:
            continue
        _follow(repo, pull, comment, old_head, new_head)


def _text(repo: Repo, sha: str, path: str) -> list[str]:
    data = repo.git.read_file(sha, path)
    return [] if data is None else data.decode(errors="replace").splitlines()


def _follow(repo: Repo, pull, comment, old_head: str, new_head: str) -> None:
    old, new = _text(repo, old_head, comment.path), _text(repo, new_head, comment.path)
    start = comment.start_line or comment.line
    mapping: dict[int, int] = {}
    for tag, a0, a1, b0, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            for offset in range(a1 - a0):
                mapping[a0 + offset + 1] = b0 + offset + 1
    moved = [mapping.get(number) for number in range(start, comment.line + 1)]
    entry = pull.file(comment.path)
    new_lines = {n for hunk in parse_hunks(entry.patch if entry else None) for _, _, n, _ in hunk.lines if n}
    if any(number is None or number not in new_lines for number in moved):
        comment.original_line = comment.original_line or comment.line
        comment.line = None
        comment.start_line = None
        comment.position = None
        return
    if comment.start_line is not None:
        comment.start_line = moved[0]
    comment.original_line = comment.original_line or comment.line
    comment.original_commit_id = comment.original_commit_id or comment.commit_id
    comment.line = moved[-1]
    comment.commit_id = new_head
    hunks = parse_hunks(entry.patch)
    found = find_line(hunks, comment.line, comment.side or "RIGHT")
    if found is not None:
        hunk, index = found
        comment.position = hunk.lines[index][3]
        comment.diff_hunk = hunk_text(entry.patch, hunk, index)
