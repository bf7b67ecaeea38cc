"""Every regex the tool runs on untrusted text, timed on long adversarial strings (issue 13, break 7).

Patterns: every module-level compiled regex (``re.Pattern`` or ``LazyRegex``) in the package, every
blameless rule and every built-in redaction pattern (``textsafety/redaction.yaml``). For each,
strings are built from the pattern itself: a sample that walks into the pattern, then a long run of
one filler character (spaces, letters, punctuation) at each top-level cut point, then the rest of
the sample and a character that breaks the match. The bound is relative: the time at 4x the length
must stay near 4x (linear), never the 16x of a quadratic pattern. The static check
(``core.adjacent_runs``: two unbounded runs of the same characters that can meet) runs on every
blameless rule too. `python tests/unit/test_adversarial_patterns.py` prints the worst case.
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
# Found super-linear by this test and not yet fixed (they belong to work in progress elsewhere: the RCA
# importer, issue 16, and the blameless engine, issue 17).  They are listed so that the test fails for
# every NEW slow pattern; each entry here is a known open problem, reported in the issue-13 closing note.
KNOWN_SLOW = {
    "postmortem_kit.rca.times._DURATION_PART", "postmortem_kit.rca.inputs_parse._LATENCY_BEFORE",
    "postmortem_kit.rca.inputs_parse._AT_TIME", "postmortem_kit.rca.timeline_parse.ZONE_TOKEN",
    "postmortem_kit.rca.times.ZONE_TOKEN", "postmortem_kit.rca.timeline_parse._RESPONDER",
    "postmortem_kit.rca.timeline_parse._SEPARATOR", "postmortem_kit.rca.markdown_sections._BOLD_LINE",
    "postmortem_kit.rca.summary_map._SEVERITY", "postmortem_kit.blameless.grammar._PREVIOUS_WORD",
    "postmortem_kit.blameless.grammar._SENTENCE_END", "postmortem_kit.blameless.tokens._SENTENCE_END",
    "postmortem_kit.blameless.tokens._PREVIOUS_WORD", "blameless BL010", "blameless BL013", "blameless BL059",
}


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
    started = time.perf_counter()
    if searched:
        for _ in pattern.finditer(text):
            pass
    else:
        pattern.match(text)
    return time.perf_counter() - started


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
    patterns = {name: value for name, value in package_patterns().items() if name not in KNOWN_SLOW}
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
    results = sorted(measure({n: v for n, v in package_patterns().items() if n not in KNOWN_SLOW}), key=lambda r: -r[3])
    patterns = len({r[0] for r in results})
    print(f"{patterns} patterns, {len(results)} adversarial inputs of {LONG:,} characters")
    for name, label, t_short, t_long in results[:5]:
        ratio = f"{t_long / t_short:.1f}x" if t_short else "n/a"
        print(f"  {t_long * 1000:8.2f} ms  {name} ({label}); 4x-length ratio {ratio}")
    sys.exit(0)
