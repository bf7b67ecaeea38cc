"""The blameless check for free text: Markdown documents, plain text, stdin.

Markdown structure decides what is read: fenced and indented code, block
quotes, front matter, HTML and link targets are masked; headings name topics,
so phrase-only rules (\"Human error and system design\") do not fire in them;
sections under a root-cause, contributing-factor or lessons heading are cause
context, where naming a person is flagged.  Suppression markers:
``<!-- blameless-ignore BL012: reason -->`` covers its own line and the next,
``<!-- blameless-ignore-file BL012: reason -->`` the whole document.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from postmortem_kit.blameless.findings import make_finding
from postmortem_kit.blameless.mask import markdown_block_spans, mask_inline
from postmortem_kit.blameless.rules import RuleSet, load_rules
from postmortem_kit.blameless.scanner import Region, dedupe, prepare, scan
from postmortem_kit.blameless.suppress import find_markers
from postmortem_kit.core import Finding, LazyRegex, line_starts

_ATX = LazyRegex(r"^[ \t]{0,3}(#{1,6})[ \t]+([^\n]*)$", re.MULTILINE)
_SETEXT = LazyRegex(r"^([^\n]+)\n[ \t]{0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_LINE_START_NOT_HEADING = LazyRegex(r"[ \t]*(?:[-*+>|]|\d|@|\(|\[|`)")
_LABEL = LazyRegex(r"\w[:=]\s")  # "Incident type: Human Error" is a field with a value, not a heading
_WORD = LazyRegex(r"[^\W_][\w'’-]*")
# The start of a list item or paragraph: its first words are the subject of a cause statement.
_ITEM_START = LazyRegex(r"^[ \t]{0,3}(?:(?:[-*+]|\d{1,3}[.)])[ \t]+)?(?=[^\s#|>`<])", re.MULTILINE)
_LESSONS = LazyRegex(r"lesson|learn|takeaway", re.IGNORECASE)
# "Contributing factors:" alone on a line (bold or not), and the list lines (or blank lines) after it.
_LABEL_LINE = LazyRegex(r"^[ \t]{0,3}(?:\*\*|__)?([A-Za-z][A-Za-z '’-]{2,40}?)(?:\*\*|__)?:(?:\*\*|__)?[ \t]*$",
                        re.MULTILINE)
_LIST_LINE = LazyRegex(r"\n(?:[ \t]*|[ \t]{0,3}(?:[-*+]|\d{1,3}[.)])[ \t]+([^\n]{0,2000})|[ \t]{2,}[^\n]{0,2000})(?=\n|\Z)")
HEADING_MAX_WORDS = 6
CONTINUED = frozenset({"BL084"})  # lead-ins whose list items continue them ("I should have:")


def lint_text(text: str, path: str, *, markdown: bool = True, status: str = "draft",
              rules: RuleSet | None = None) -> list[Finding]:
    """Blameless findings for a text document, with exact lines and columns."""
    rules = rules or load_rules()
    blocks = markdown_block_spans(text) if markdown else []
    masked = mask_inline(text, spans=list(blocks))
    headings = heading_spans(text, markdown=markdown)
    causes = cause_sections(text, rules) if markdown else []
    subjects = cause_item_regions(text, causes) if causes else None
    matches = scan(text, rules=rules, masked=masked, cause_spans=causes, meta_spans=headings, regions=subjects,
                   dedupe=False)
    if markdown:  # drop matches that run across a heading
        matches = [match for match in matches if not crosses_block(text, match.start, match.end, headings)]
    if matches:  # the second look (entities, subjects, speaker) only for texts with a match
        from postmortem_kit.blameless.context import Context, keep
        from postmortem_kit.blameless.entities import Entities
        from postmortem_kit.blameless.speaker import organisation_subject, without_exempt

        context = Context(text, Entities(text, rules.lexicon), rules.lexicon)
        matches = [match for match in matches if keep(match.rule, match.start, match.start + len(match.text), context)]
        # Matches are deduplicated only now: one that the second look or the speaker clears hides no other.
        matches = dedupe(without_exempt(matches, lambda match: (text, match.start, match.start + len(match.text))))
        if markdown and any(match.rule.id in CONTINUED for match in matches):
            from postmortem_kit.blameless.continuation import continuations
            from postmortem_kit.blameless.scanner import Match

            matches = sorted(matches + continuations(text, matches, CONTINUED, Match, organisation_subject),
                             key=lambda match: match.start)
    if rules.learned is not None:  # BL159 on the sentences no rule flagged (learned.py)
        from postmortem_kit.blameless.learned import with_learned

        matches = with_learned(matches, text, rules, lowered=prepare(text, masked=masked), skip=headings)
    if matches:
        from postmortem_kit.blameless.speaker import organisation_subject
    starts = line_starts(text)

    def position(offset: int) -> tuple[int, int]:
        row = bisect_right(starts, offset) - 1
        return row + 1, offset - starts[row] + 1

    markers, findings = find_markers(text, rules, path, position)
    marker_lines = [position(marker.start)[0] for marker in markers]
    for match in matches:
        line, column = position(match.start)
        end_line, end_column = position(match.start + len(match.text))
        finding = make_finding(match.rule, match.text, path=path, status=status, line=line, column=column,
                               end_line=end_line, end_column=end_column,
                               organisation=organisation_subject(text, match.start, match.start + len(match.text)))
        for marker, marker_line in zip(markers, marker_lines):
            if match.rule.id in marker.rules and (marker.whole_file or marker_line <= line <= marker_line + 1):
                finding.suppressed = True
                finding.suppression = marker.reason
                break
        findings.append(finding)
    return findings


_BLOCK_BREAK = LazyRegex(r"\n[ \t]*\n")


def crosses_block(text: str, start: int, end: int, headings: list[tuple[int, int]]) -> bool:
    """Does a match run from one Markdown block into the next?  A heading is a topic, not the
    subject of the list or paragraph below it ("Contributing Factors" + "- Political Situation")."""
    if _BLOCK_BREAK.search(text, start, end):
        return True
    return any(h_start <= start < h_end < end for h_start, h_end in headings)


def heading_spans(text: str, *, markdown: bool) -> list[tuple[int, int]]:
    """Headings: Markdown ATX/setext headings and short standalone lines without end punctuation."""
    spans: list[tuple[int, int]] = []
    if markdown and "#" in text:
        spans.extend(m.span(2) for m in _ATX.finditer(text))
    if markdown and ("==" in text or "--" in text):
        spans.extend(m.span(1) for m in _SETEXT.finditer(text))
    for start, end in _standalone_lines(text):
        line = text[start:end].strip()
        if not line or line[-1] in ".!?:;,\"”)" or _LINE_START_NOT_HEADING.match(line) or _LABEL.search(line):
            continue
        if len(_WORD.findall(line)) <= HEADING_MAX_WORDS:
            spans.append((start, end))
    return spans


def _standalone_lines(text: str):
    """Lines with a blank line (or the start/end of the text) above and below."""
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines):
        above = index == 0 or not lines[index - 1].strip()
        below = index == len(lines) - 1 or not lines[index + 1].strip()
        if above and below and line.strip():
            yield offset, offset + len(line)
        offset += len(line) + 1


def cause_sections(text: str, rules: RuleSet) -> list[tuple[int, int]]:
    """Sections under a root-cause, contributing-factor or lessons heading, and lists under a
    label line of the same name ("Contributing factors:" or "**Root cause:**" alone on a line)."""
    sections = _label_lists(text, rules) if ":" in text else []
    if "#" not in text:
        return sections
    headings = [(m.start(), m.end(), len(m.group(1)), m.group(0).strip()) for m in _ATX.finditer(text)]
    sections = []
    for index, (start, end, level, line) in enumerate(headings):
        if not rules.cause_headings.match(line.lstrip()):
            continue
        stop = len(text)
        for later_start, _, later_level, _ in headings[index + 1:]:
            if later_level <= level:
                stop = later_start
                break
        sections.append((end, stop))
    return sorted(sections)


def _label_lists(text: str, rules: RuleSet) -> list[tuple[int, int]]:
    sections = []
    for m in _LABEL_LINE.finditer(text):
        if not rules.cause_headings.match("# " + m.group(1).strip()):
            continue
        end = position = m.end()
        line = _LIST_LINE.match(text, position)
        while line is not None and line.end() > position:  # anchored: each line is read once
            position = line.end()
            if line.group(1):
                end = position
            line = _LIST_LINE.match(text, position)
        if end > m.end():
            sections.append((m.end(), end))
    return sections


def cause_item_regions(text: str, sections: list[tuple[int, int]]) -> list[Region]:
    """Each list item and paragraph of a root-cause or contributing-factor section, as a cause
    statement whose first subject is read ("- Priya merged the change without review").
    Lessons sections are left out: their items are advice ("Engineers can now ...")."""
    regions = []
    for start, stop in sections:
        if _LESSONS.search(text, text.rfind("\n", 0, max(0, start - 1)) + 1, start):
            continue
        for m in _ITEM_START.finditer(text, start, stop):
            paragraph = m.start() <= start + 1 or text[max(0, m.start() - 2):m.start()] == "\n\n"
            if m.group().strip() or paragraph:  # a list item, or the first line of a paragraph
                line_end = text.find("\n", m.end(), stop)
                regions.append(Region(m.end(), stop if line_end < 0 else line_end, cause=True, cause_subject=True))
    return regions
