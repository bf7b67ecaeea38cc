"""The optional "accept all" suggestion: every stub-anchored draft of a file in one suggestion.

Why a combined suggestion and not a label-driven job that commits for the
reviewer: it needs no new workflow, no write access to the pull request's
branch and no new trust boundary (the posting job already writes review
comments, and the reviewer's own click makes the commit, with their name on
it).  A job that pushes to the branch would need ``contents: write``, and
could never serve forks.

The combined suggestion is one multi-line review comment spanning the first
to the last stub line of the file (every line in between must be in one
hunk of the diff).  Its content is those lines with each stub replaced by its
drafted section, so committing it equals committing every per-section
suggestion.  It overlaps the per-section suggestions by design: GitHub
refuses a batch holding overlapping suggestions, so the reviewer uses either
this one alone, or any subset of the per-section ones.  It is offered only
when a file has two or more stub-anchored drafts.
"""

from __future__ import annotations

from postmortem_kit.pr.anchor import Anchor, diff_lines


def combined(suggestions: list, patch: str | None) -> tuple[Anchor, int, str, tuple[str, ...]] | None:
    """For one file's suggestions: (anchor of the last line, first line, content, sections) of the
    combined suggestion, or None (see module doc)."""
    own = sorted((s for s in suggestions if s.anchor.mode == "replace" and s.start_line is None),
                 key=lambda s: s.anchor.line)
    if len(own) < 2:
        return None
    in_diff = diff_lines(patch)
    first, last = own[0].anchor.line, own[-1].anchor.line
    if any(number not in in_diff for number in range(first, last + 1)):
        return None
    replaced = {s.anchor.line: s.yaml.rstrip("\n") for s in own}
    content = "\n".join(replaced.get(number, in_diff[number]) for number in range(first, last + 1))
    return Anchor(last, "replace", in_diff[last]), first, content, tuple(s.section for s in own)
