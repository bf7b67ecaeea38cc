"""The blameless check of one loaded incident: read its prose fields, report findings.

All prose strings of the file (as the schema marks them) are joined with
paragraph breaks and scanned in one pass; each match is mapped back to its
field and to the exact line and column in the YAML file.  Only prose is read:
owners, authors, responders, log excerpts and other verbatim fields never are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate, compress
from operator import itemgetter

from postmortem_kit.blameless.findings import make_finding
from postmortem_kit.blameless.mask import MASK, mask_inline
from postmortem_kit.blameless.rules import RuleSet, load_rules
from postmortem_kit.blameless.scanner import Region, dedupe, raw_hits, scan
from postmortem_kit.blameless.suppress import Marker, file_suppressions, find_markers
from postmortem_kit.core import Finding, SourceDocument, dotted_path, line_starts
from postmortem_kit.incident import Shape, root_shape

SEPARATOR = "\n\n"  # a paragraph break: sentences and quotes never cross fields
_STEP = len(SEPARATOR).__add__  # a string's length and the separator after it
_FIRST, _TEXT = itemgetter(0), itemgetter(1)  # of an item (path, text): its path; of a path: its top-level key


def find_blame(doc: SourceDocument, path: str | None = None, status: str = "in-review", *,
               rules: RuleSet | None = None, items: list[tuple[tuple, str]] | None = None) -> list[Finding]:
    """Blameless findings for every prose field of ``doc`` (suppressed ones included, marked).
    ``items`` are ``prose_items(doc.data)`` when the caller has them already (`check` takes them
    from the walk its consistency rules make)."""
    rules = rules or load_rules()
    path = path or doc.path
    data = doc.data
    if not isinstance(data, dict):
        return []
    if items is None:
        items = prose_items(data)
    if not items:
        return []
    # Where each string starts in the joined text, and the cause regions: C-level passes, and a
    # Python step only for the strings under a top-level key that can hold cause fields.
    texts = list(map(_TEXT, items))
    starts = list(accumulate(map(_STEP, map(len, texts)), initial=0))
    del starts[-1]
    regions: list[Region] = []
    roots = _cause_roots(rules)
    contexts = _path_contexts(rules)
    for index in compress(range(len(items)), map(roots.__contains__, map(_FIRST, map(_FIRST, items)))):
        where = items[index][0]
        context = contexts.get(where)
        if context is None:
            context = _field_context(rules, tuple("[]" if isinstance(part, int) else part for part in where))
            if len(contexts) < _PATH_CONTEXTS:
                contexts[where] = context
        if context[0] or context[1]:
            offset = starts[index]
            regions.append(Region(offset, offset + len(texts[index]), context[0], context[1]))
    joined = SEPARATOR.join(texts)
    lowered, hits = raw_hits(joined, rules)
    # Mask only the strings with a hit; a name found in another cause field is checked against
    # the masking of its own string afterwards (names in quotes or code do not count).
    wanted = {bisect_right(starts, position) - 1 for position, _, _ in hits}
    if not wanted and not regions:
        matches = []
    else:
        if wanted:
            for index in wanted:
                texts[index] = mask_inline(texts[index])
            masked = SEPARATOR.join(texts)
            matches = scan(joined, rules=rules, regions=regions, masked=masked, hits=hits, dedupe=False)
        else:  # masking only removes matches, and there are none to remove: the text is as read
            matches = scan(joined, rules=rules, regions=regions, masked=joined, hits=hits, lowered=lowered,
                           dedupe=False)
        matches = [match for match in matches if not _masked_later(match, wanted, starts, items)]
    if matches:  # the second look (entities, subjects, speaker) only for texts with a match
        from postmortem_kit.blameless.context import Context, keep
        from postmortem_kit.blameless.entities import Entities, incident_declared
        from postmortem_kit.blameless.speaker import without_exempt

        declared, people = incident_declared(data)
        entities = Entities(joined, rules.lexicon, declared=declared, people=people)
        context = Context(joined, entities, rules.lexicon)
        matches = [match for match in matches if keep(match.rule, match.start, match.start + len(match.text), context)]
        # Matches are deduplicated only now: one that the second look or the speaker clears hides no other.
        matches = dedupe(without_exempt(matches, lambda match: _local(match, starts, items)[1:]))
    if rules.learned is not None:  # BL159 on the sentences no rule flagged (learned.py)
        from postmortem_kit.blameless.learned import SKIPPED_FIELDS, with_learned

        strings = [(start, start + len(text)) for start, text, (where, _) in zip(starts, texts, items)
                   if where[0] not in SKIPPED_FIELDS]
        matches = with_learned(matches, joined, rules, strings=strings, split=rules.triggers.split_of(lowered))
    if matches:
        from postmortem_kit.blameless.speaker import organisation_subject

    findings: list[Finding] = []
    suppress_file, problems = file_suppressions(data, rules, path, doc.position)
    findings.extend(problems)
    markers, marker_lines, problems = _markers(doc, rules, path)
    findings.extend(problems)
    ranges: dict[int, tuple[int, int]] = {}
    for match in matches:
        index, text, local, local_end = _local(match, starts, items)
        where = items[index][0]
        line, column = doc.text_position(where, local)
        end_line, end_column = doc.text_position(where, local_end)
        finding = make_finding(match.rule, match.text, path=path, status=status, line=line, column=column,
                               end_line=end_line, end_column=end_column, field=dotted_path(where),
                               organisation=organisation_subject(text, local, local_end))
        reason = suppress_file.get(match.rule.id)
        if reason is None and markers:
            if index not in ranges:
                ranges[index] = _line_range(doc, where)
            reason = _marker_reason(markers, marker_lines, ranges[index], match.rule.id)
        if reason is not None:
            finding.suppressed = True
            finding.suppression = reason
        findings.append(finding)
    return findings


def _local(match, starts: list[int], items: list) -> tuple[int, str, int, int]:
    """The index and text of the string of ``items`` that holds ``match``, and the match's span in it."""
    index = bisect_right(starts, match.start) - 1
    text = items[index][1]
    local = match.start - starts[index]
    return index, text, local, min(local + len(match.text), len(text))


def prose_items(data) -> list[tuple[tuple, str]]:
    """(path, text) of every prose string, as ``schema_fields.prose_strings`` yields them.

    The same walk, but each schema shape is reduced once to the children that
    can hold prose, so subtrees without any (the pasted inputs: events, logs,
    metrics) are never entered.  Strings are taken where they are met (most
    values are), and only containers are walked further, to a bounded depth
    (deeper ones, which only a recursive schema allows, go on the stack walk).
    """
    found: list[tuple[tuple, str]] = []
    plan = _plan(root_shape())
    if type(data) is str:
        if plan[0]:
            found.append(((), data))
    else:
        _walk(data, plan, (), found, 0)
    return found


_DEPTH = 40  # containers walked by recursion; deeper ones (a recursive schema) by _walk_stack


def _walk(value, plan, path: tuple, found: list, depth: int) -> None:
    if depth > _DEPTH:
        found.extend(_walk_stack(value, plan, path))
        return
    _, children, additional, items = plan
    kind = type(value)
    if kind is dict:
        for key, child in value.items():
            child_plan = children.get(key) or additional
            if child_plan is None:
                continue
            if type(child) is str:
                if child_plan[0]:
                    found.append((path + (key,), child))
            else:
                _walk(child, child_plan, path + (key,), found, depth + 1)
    elif kind is list and items is not None:
        prose = items[0]
        for index, child in enumerate(value):
            if type(child) is str:
                if prose:
                    found.append((path + (index,), child))
            else:
                _walk(child, items, path + (index,), found, depth + 1)


def _walk_stack(data, root: tuple, base: tuple) -> list[tuple[tuple, str]]:
    """The same walk with an explicit stack (no recursion), for very deep data."""
    found: list[tuple[tuple, str]] = []
    stack: list[tuple] = [(data, root, base)]
    while stack:
        value, plan, path = stack.pop()
        prose, children, additional, items = plan
        kind = type(value)
        if kind is str:
            if prose:
                found.append((path, value))
        elif kind is dict:
            for key, child in reversed(value.items()):
                child_plan = children.get(key) or additional
                if child_plan is not None:
                    stack.append((child, child_plan, path + (key,)))
        elif kind is list and items is not None:
            for index in range(len(value) - 1, -1, -1):
                stack.append((value[index], items, path + (index,)))
    return found


_PLANS: dict[int, tuple] = {}


def _plan(shape: Shape) -> tuple:
    """(is prose, {key: child plan}, additional plan, items plan), keeping only children with prose below."""
    plan = _PLANS.get(id(shape))
    if plan is not None:
        return plan
    children: dict[str, tuple] = {}
    plan = (shape.prose, children, None, None)
    _PLANS[id(shape)] = plan  # provisional, for recursive schemas
    for key, child in shape.properties.items():
        if _has_prose(child):
            children[key] = _plan(child)
    additional = _plan(shape.additional) if shape.additional is not None and _has_prose(shape.additional) else None
    items = _plan(shape.items) if shape.items is not None and _has_prose(shape.items) else None
    plan = (shape.prose, children, additional, items)
    _PLANS[id(shape)] = plan
    return plan


_PROSE_BELOW: dict[int, bool] = {}


def _has_prose(shape: Shape) -> bool:
    """Can a prose string sit at or below ``shape``? (memoised; schema cycles are cut)."""
    known = _PROSE_BELOW.get(id(shape))
    if known is not None:
        return known
    _PROSE_BELOW[id(shape)] = False  # provisional, for recursive schemas
    children = list(shape.properties.values()) + [s for s in (shape.items, shape.additional) if s is not None]
    result = shape.prose or any(_has_prose(child) for child in children)
    _PROSE_BELOW[id(shape)] = result
    return result


_CONTEXTS: dict[tuple[int, tuple], tuple[bool, bool]] = {}
_ROOTS: dict[int, frozenset[str]] = {}


def _cause_roots(rules: RuleSet) -> frozenset[str]:
    """Top-level keys under which cause fields can be (a fast first test)."""
    roots = _ROOTS.get(id(rules))
    if roots is None:
        roots = frozenset(re.split(r"[.\[]", glob, maxsplit=1)[0] for glob in rules.cause_field_globs)
        _ROOTS[id(rules)] = roots
    return roots


_PATH_CONTEXTS = 50_000  # field paths (with their list indexes) remembered per rule set
_BY_PATH: dict[int, dict[tuple, tuple[bool, bool]]] = {}


def _path_contexts(rules: RuleSet) -> dict[tuple, tuple[bool, bool]]:
    """{field path: (cause field, cause-subject field)} for this rule set, filled as paths come up."""
    found = _BY_PATH.get(id(rules))
    if found is None:
        found = _BY_PATH[id(rules)] = {}
    return found


def _field_context(rules: RuleSet, generic: tuple) -> tuple[bool, bool]:
    """(cause field, cause-subject field) for a path with list indexes as "[]" (cached)."""
    key = (id(rules), generic)
    found = _CONTEXTS.get(key)
    if found is None:
        field = dotted_path(tuple(0 if part == "[]" else part for part in generic))
        found = (bool(rules.cause_fields.match(field)), bool(rules.cause_subject_fields.match(field)))
        _CONTEXTS[key] = found
    return found


def _masked_later(match, masked_strings: set[int], starts: list[int], items) -> bool:
    """Is a detector's match inside quotes or code of a string that was not masked up front?"""
    if not match.rule.detector:
        return False
    index = bisect_right(starts, match.start) - 1
    if index in masked_strings:
        return False
    local = match.start - starts[index]
    masked = mask_inline(items[index][1])
    return MASK in masked[local:local + len(match.text)]


def _markers(doc: SourceDocument, rules: RuleSet, path: str) -> tuple[list[Marker], list[int], list[Finding]]:
    """Suppression markers anywhere in the YAML text (comments or inside prose)."""
    if "blameless-ignore" not in doc.text:
        return [], [], []
    starts = line_starts(doc.text)

    def position(offset: int) -> tuple[int, int]:
        row = bisect_right(starts, offset) - 1
        return row + 1, offset - starts[row] + 1

    markers, problems = find_markers(doc.text, rules, path, position)
    return markers, [position(marker.start)[0] for marker in markers], problems


def _line_range(doc: SourceDocument, where: tuple) -> tuple[int, int]:
    """First line (the key's) and last line of a prose field in the YAML file."""
    key = doc.keys.get(where)
    node = doc.nodes.get(where)
    first = key.line if key is not None else (node.line if node is not None else 1)
    last = first
    if node is not None:
        last = doc.text.count("\n", 0, max(node.start_index, node.end_index - 1)) + 1
        last = max(last, node.line)
    return first, last


def _marker_reason(markers: list[Marker], lines: list[int], span: tuple[int, int], rule_id: str) -> str | None:
    first, last = span
    for marker, line in zip(markers, lines):
        if rule_id not in marker.rules:
            continue
        if marker.whole_file or first - 1 <= line <= last:
            return marker.reason
    return None
