"""Every regex the tool runs on untrusted text, timed on long adversarial strings (issue 13, break 7).

Patterns: every module-level compiled regex (``re.Pattern`` or ``LazyRegex``) in the package, every
blameless rule, every built-in redaction pattern (``textsafety/redaction.yaml``), and the patterns
built at run time from data (``runtime_patterns``).  For each, strings are built from the pattern
itself: a sample that walks into the pattern, then a long run of one filler character (spaces,
letters, punctuation) at each top-level cut point, then the rest of the sample and a character that
breaks the match.  The bound is relative: the CPU time at 4x the length must stay near 4x (linear),
never the 16x of a quadratic pattern.  There are no exemptions: a slow pattern is rewritten, not
listed.  The static check (``core.adjacent_runs``: two unbounded runs of the same characters that can
meet) runs on every blameless rule too.  `python tests/unit/test_adversarial_patterns.py` prints the
worst case.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
import sys
import time

import postmortem_kit
from postmortem_kit.core import LazyRegex, adjacent_runs, package_file
from postmortem_kit.textsafety import builtin_rules

try:
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as sre  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

FILLERS = (" ", "a", "a ", "1", "(", ")", ":", "-", "`", "\n", ".", "\\", "@")
SHORT, LONG = 3000, 12000  # 4x longer
MAX_RATIO = 10.0  # linear is 4, quadratic 16 (the machine is shared: timings are noisy)
NOISE = 0.03  # seconds: below this at the long size nothing is judged


def package_patterns() -> dict[str, tuple[re.Pattern, bool]]:
    """name -> (compiled pattern, searched): ``searched`` when the module ever scans text with it
    (search, finditer, findall, sub, split), else it is only anchored (match, fullmatch)."""
    found: dict[str, tuple[re.Pattern, bool]] = {}
    for info in pkgutil.walk_packages(postmortem_kit.__path__, "postmortem_kit."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        source = inspect.getsource(module)
        for name, value in vars(module).items():
            if isinstance(value, LazyRegex):
                value = value.compiled()
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                anchored_only = re.search(rf"\b{re.escape(name)}\.(?:match|fullmatch)\(", source) and not re.search(
                    rf"\b{re.escape(name)}\b(?!\.(?:match|fullmatch)\()(?! = )", source.split(f"{name} = ", 1)[-1])
                found.setdefault(f"{info.name}.{name}", (value, not anchored_only))
    rules = json.loads(package_file("postmortem_kit.blameless", "rules.compiled.json").read_text(encoding="utf-8"))
    for rule in rules["rules"]:
        found[f"blameless {rule['id']}"] = (re.compile(rule["pattern"], re.IGNORECASE), True)
    for index, rule in enumerate(builtin_rules()):  # patterns loaded from YAML, used with sub()
        found[f"redaction {rule.id} #{index + 1}"] = (rule.pattern, True)
    found.update(runtime_patterns())
    return found


def runtime_patterns() -> dict[str, tuple[re.Pattern, bool]]:
    """Patterns built at run time from data (word lists, the schema, the rule file; redaction is above):
    not module-level names, so listed here one by one.  ``True`` = searched, ``False`` = match() only."""
    from postmortem_kit.blameless import load_rules

    rca_times = importlib.import_module("postmortem_kit.rca.times")
    rca_values = importlib.import_module("postmortem_kit.rca.values")
    placeholders = importlib.import_module("postmortem_kit.incident.placeholders")
    fact_points = importlib.import_module("postmortem_kit.incident.fact_points")
    schema_validator = importlib.import_module("postmortem_kit.incident.schema_validator")
    schema_bridge = importlib.import_module("postmortem_kit.blameless.schema_bridge")
    rules = load_rules()
    found: dict[str, tuple[re.Pattern, bool]] = {
        "rca zone names": (rca_times._zone_names()[1], False),
        "rca person": (rca_values._person_pattern(), False),
        "rca slug": (rca_values._slug_pattern(), False),
        "incident placeholders": (placeholders.placeholder_pattern(), True),
        "blameless cause markers": (rules.marker, True),
        "blameless meta markers": (rules.meta, True),
        "blameless cause headings": (rules.cause_headings, False),
        "blameless cause fields": (rules.cause_fields, False),
        "blameless cause subject fields": (rules.cause_subject_fields, False),
        "blameless schema phrases": (schema_bridge._phrase_finder()[0], True),
    }
    facts = fact_points.rules()
    for field in ("impact", "trigger", "detection", "resolution", "error_levels", "warn_levels"):
        found[f"incident facts {field}"] = (getattr(facts, field), True)
    for rule in rules.rules:
        if rule.requires_before is not None:
            found[f"blameless {rule.id} requires_before"] = (rule.requires_before, True)
    for source, pattern in schema_validator.REGEX_PATTERNS.items():
        found[f"schema {source}"] = (pattern, True)
    return found


# --------------------------------------------------------------------------- samples from the pattern


def _sample(items, depth: int = 0) -> str:
    return "".join(_element(op, value, depth) for op, value in items)


def _element(op, value, depth: int) -> str:
    if depth > 20:
        return ""
    if op == sre.LITERAL:
        return chr(value)
    if op == sre.NOT_LITERAL:
        return "a" if chr(value) != "a" else "b"
    if op == sre.ANY:
        return "a"
    if op == sre.IN:
        return _class_char(value)
    if op == sre.CATEGORY:
        return {sre.CATEGORY_SPACE: " ", sre.CATEGORY_DIGIT: "1", sre.CATEGORY_WORD: "a"}.get(value, "-")
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", -1)):
        low, _high, body = value
        return _sample(body, depth + 1) * max(1, min(low, 3))
    if op == sre.SUBPATTERN:
        return _sample(value[-1], depth + 1)
    if op == sre.BRANCH:
        return _sample(value[1][0], depth + 1)
    if op == sre.GROUPREF:
        return ""
    return ""


def _class_char(items) -> str:
    negate = any(kind == sre.NEGATE for kind, _ in items)
    if negate:
        excluded = {chr(v) for kind, v in items if kind == sre.LITERAL}
        return next(c for c in "a1 -x" if c not in excluded)
    for kind, item in items:
        if kind == sre.LITERAL:
            return chr(item)
        if kind == sre.RANGE:
            return chr(item[0])
        if kind == sre.CATEGORY:
            return {sre.CATEGORY_SPACE: " ", sre.CATEGORY_DIGIT: "1", sre.CATEGORY_WORD: "a"}.get(item, "-")
    return "a"


def adversarial_inputs(pattern: re.Pattern, size: int) -> list[tuple[str, str]]:
    """(label, text) pairs: the pattern's sample with a long filler run at each top-level cut."""
    items = list(sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE))
    if len(items) == 1 and items[0][0] == sre.SUBPATTERN:
        items = list(items[0][1][-1])
    cuts = range(0, min(len(items), 6) + 1)
    out = []
    for cut in cuts:
        head, tail = _sample(items[:cut]), _sample(items[cut:])
        for filler in FILLERS:
            run = (filler * (size // len(filler) + 1))[:size]
            out.append((f"cut {cut} filler {filler!r}", head + run + tail[:-1] + "\x07"))
    return out


def _time(pattern: re.Pattern, text: str, searched: bool = True) -> float:
    """CPU seconds of this thread, not wall time: on a busy machine a run longer than a scheduler slice
    (a few ms) is preempted, and its wall time grows faster than its work (linear rules looked quadratic)."""
    started = time.thread_time()
    if searched:
        for _ in pattern.finditer(text):
            pass
    else:
        pattern.match(text)
    return time.thread_time() - started


def measure(patterns: dict[str, tuple[re.Pattern, bool]]):
    """Yield (name, label, short_seconds, long_seconds) for every pattern and input."""
    for name, (pattern, searched) in patterns.items():
        shorts = adversarial_inputs(pattern, SHORT)
        longs = adversarial_inputs(pattern, LONG)
        for (label, short), (_, long) in zip(shorts, longs):
            t_short = _time(pattern, short, searched)
            if t_short * (LONG / SHORT) < NOISE / 4:
                yield name, label, None, t_short * (LONG / SHORT)  # far too fast to matter: not run long
                continue
            t_short = min(t_short, *(_time(pattern, short, searched) for _ in range(3)))
            t_long = min(_time(pattern, long, searched) for _ in range(3))
            yield name, label, t_short, t_long


def test_no_blameless_rule_has_two_unbounded_runs_that_can_meet():
    """The compiler refuses such rules (BL071 had `\\s*[!?.]{0,3}\\s*`); the compiled file agrees.  Parser
    patterns are judged by timing below (the static check also flags `\\s*.+`, harmless when anchored)."""
    problems = {name: adjacent_runs(p.pattern) for name, (p, _) in package_patterns().items()
                if name.startswith("blameless ")}
    assert {name: why for name, why in problems.items() if why} == {}
    assert adjacent_runs(r"\((?:\s+)?again(?:\s+)?[!?.]{0,3}(?:\s+)?\)")  # the old BL071 shape is caught


def test_every_redaction_pattern_is_timed():
    names = [name for name in package_patterns() if name.startswith("redaction ")]
    assert len(names) == len(builtin_rules())


def test_every_pattern_scales_linearly_on_adversarial_input():
    slow = []
    patterns = package_patterns()
    for name, label, t_short, t_long in measure(patterns):
        if t_short is not None and t_long > NOISE and t_long / max(t_short, 1e-6) > MAX_RATIO:
            # Confirm before failing: the machine is shared, so one slow run may be another process.
            pattern, searched = patterns[name]
            inputs = dict(adversarial_inputs(pattern, SHORT)), dict(adversarial_inputs(pattern, LONG))
            for _ in range(3):  # slow in three rounds of interleaved best-of-3 timings, or noise
                pairs = [(_time(pattern, inputs[0][label], searched), _time(pattern, inputs[1][label], searched))
                         for _ in range(3)]
                t_short, t_long = min(p[0] for p in pairs), min(p[1] for p in pairs)
                if t_long <= NOISE or t_long / max(t_short, 1e-6) <= MAX_RATIO:
                    break
            if t_long <= NOISE or t_long / max(t_short, 1e-6) <= MAX_RATIO:
                continue
            slow.append(f"{name} ({label}): {t_short * 1000:.1f} ms at {SHORT:,} chars, {t_long * 1000:.1f} ms at {LONG:,}")
    assert slow == []


if __name__ == "__main__":  # the worst cases, for the closing note
    results = sorted(measure(package_patterns()), key=lambda r: -r[3])
    patterns = len({r[0] for r in results})
    print(f"{patterns} patterns, {len(results)} adversarial inputs of {LONG:,} characters")
    for name, label, t_short, t_long in results[:5]:
        ratio = f"{t_long / t_short:.1f}x" if t_short else "n/a"
        print(f"  {t_long * 1000:8.2f} ms  {name} ({label}); 4x-length ratio {ratio}")
    judged = [r for r in results if r[2] is not None and r[3] > NOISE]
    if judged:
        name, label, t_short, t_long = max(judged, key=lambda r: r[3] / max(r[2], 1e-6))
        print(f"highest 4x-length ratio above {NOISE * 1000:.0f} ms: {t_long / max(t_short, 1e-6):.1f}x, {name} ({label})")
    sys.exit(0)
