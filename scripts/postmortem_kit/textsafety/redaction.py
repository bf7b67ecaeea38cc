"""Remove secrets and personal data from text before it leaves the machine.

The rules are data (``textsafety/redaction.yaml``, plus ``redaction.extra_patterns``
from the configuration file).  Each match becomes a typed placeholder such as
``[REDACTED:aws-access-key]``; a rule may replace only one capture group so the
surrounding name stays readable (``password=[REDACTED:password]``).  A few
rules confirm a candidate in code first (``validate``, ``entropy``; see
``redaction_checks``): an IPv4/IPv6 candidate must be a real address (loopback
and unspecified addresses are kept), a card number must pass the Luhn check,
a generic token must look random (Shannon entropy, thresholds as data).
Redaction is idempotent: placeholders never match a rule.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, Iterable

from postmortem_kit.core import PostmortemError, package_file
from postmortem_kit.textsafety.redaction_checks import VALIDATORS, EntropyProfile

RULES_FILE = "redaction.yaml"
_FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE, "dotall": re.DOTALL}


class RedactionConfigError(PostmortemError, ValueError):
    """A redaction rule (built-in or configured) is unusable."""


def placeholder(kind: str) -> str:
    return f"[REDACTED:{kind}]"


@dataclass(frozen=True)
class RedactionRule:
    id: str
    pattern: re.Pattern[str]
    group: int = 0
    validate: Callable[[str], bool] | None = None
    description: str = ""
    entropy: EntropyProfile | None = None

    def accepts(self, secret: str) -> bool:
        """The candidate passes the rule's code checks (validator and entropy profile, when set)."""
        return ((self.validate is None or self.validate(secret))
                and (self.entropy is None or self.entropy.random(secret)))

    @classmethod
    def from_mapping(cls, entry: Any, where: str, profiles: dict[str, EntropyProfile] | None = None) -> RedactionRule:
        if not isinstance(entry, dict):
            raise RedactionConfigError(f"{where}: each redaction pattern is a mapping with id and regex")
        kind, regex = entry.get("id"), entry.get("regex")
        if not isinstance(kind, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]*", kind):
            raise RedactionConfigError(f"{where}: `id` must be lower-case letters, digits and dashes (got {kind!r})")
        if not isinstance(regex, str) or not regex:
            raise RedactionConfigError(f"{where}: pattern {kind!r} needs a `regex`")
        flags = 0
        for name in entry.get("flags") or []:
            if name not in _FLAGS:
                raise RedactionConfigError(f"{where}: pattern {kind!r}: unknown flag {name!r} "
                                           f"(use {', '.join(_FLAGS)})")
            flags |= _FLAGS[name]
        try:
            pattern = re.compile(regex, flags)
        except re.error as error:
            raise RedactionConfigError(f"{where}: pattern {kind!r} is not a valid regular expression: {error}") from None
        group = entry.get("group", 0)
        if not isinstance(group, int) or not 0 <= group <= pattern.groups:
            raise RedactionConfigError(f"{where}: pattern {kind!r}: `group` {group!r} does not exist in the regex")
        validate = entry.get("validate")
        if validate is not None and validate not in VALIDATORS:
            raise RedactionConfigError(f"{where}: pattern {kind!r}: unknown validator {validate!r} "
                                       f"(use {', '.join(VALIDATORS)})")
        if pattern.search(placeholder(kind)) or pattern.search("[REDACTED:x]"):
            raise RedactionConfigError(f"{where}: pattern {kind!r} matches the placeholder text itself")
        profiles = entropy_profiles() if profiles is None else profiles
        entropy = entry.get("entropy")
        if entropy is not None and entropy not in profiles:
            raise RedactionConfigError(f"{where}: pattern {kind!r}: unknown entropy profile {entropy!r} "
                                       f"(use {', '.join(profiles)})")
        return cls(kind, pattern, group, VALIDATORS.get(validate) if validate else None,
                   str(entry.get("description", "")), profiles[entropy] if entropy is not None else None)


@cache
def _rules_file() -> tuple[str, dict]:
    import yaml

    path = package_file(__package__, RULES_FILE)
    with open(path, encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    if not isinstance(loaded, dict):
        raise RedactionConfigError(f"{path}: expected a mapping with `patterns`")
    return str(path), loaded


@cache
def entropy_profiles() -> dict[str, EntropyProfile]:
    """The named entropy thresholds of ``redaction.yaml`` (``entropy_profiles``)."""
    path, loaded = _rules_file()
    entries = loaded.get("entropy_profiles") or {}
    if not isinstance(entries, dict):
        raise RedactionConfigError(f"{path}: `entropy_profiles` is a mapping of name to thresholds")
    return {name: _profile(name, entry, path) for name, entry in entries.items()}


def _profile(name: str, entry: Any, where: str) -> EntropyProfile:
    if not isinstance(entry, dict):
        raise RedactionConfigError(f"{where}: entropy profile {name!r} is a mapping")
    try:
        hex_bits = entry.get("hex_bits")
        return EntropyProfile(name, int(entry["min_length"]), float(entry["bits"]),
                              None if hex_bits is None else float(hex_bits), int(entry.get("classes", 1)))
    except (KeyError, TypeError, ValueError) as error:
        raise RedactionConfigError(f"{where}: entropy profile {name!r} needs min_length and bits (numbers): "
                                   f"{error}") from None


@cache
def builtin_rules() -> tuple[RedactionRule, ...]:
    path, loaded = _rules_file()
    entries = loaded.get("patterns")
    if not isinstance(entries, list):
        raise RedactionConfigError(f"{path}: expected a `patterns` list")
    profiles = entropy_profiles()
    return tuple(RedactionRule.from_mapping(entry, f"{path} pattern {index + 1}", profiles)
                 for index, entry in enumerate(entries))


class Redactor:
    """Applies the rules in order; counts what it replaced, per placeholder type."""

    def __init__(self, rules: Iterable[RedactionRule]):
        self.rules = tuple(rules)
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    @classmethod
    def default(cls, extra_patterns: Iterable[Any] = ()) -> Redactor:
        extra = [RedactionRule.from_mapping(entry, f"redaction.extra_patterns[{index}]")
                 for index, entry in enumerate(extra_patterns)]
        # Configured patterns run first: they are the most specific to the team.
        return cls([*extra, *builtin_rules()])

    def redact(self, text: str) -> str:
        if not text:
            return text
        found: Counter[str] = Counter()
        for rule in self.rules:
            text = _apply(rule, text, found)
        if found:
            with self._lock:
                self.counts.update(found)
        return text

    def redact_data(self, value: Any) -> Any:
        """A copy of ``value`` with every string redacted (mapping keys are kept)."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {key: self.redact_data(child) for key, child in value.items()}
        if isinstance(value, list):
            return [self.redact_data(child) for child in value]
        return value

    def findings(self, text: str) -> list[tuple[str, str]]:
        """(type, matched text) for every value that would be redacted (for tests and reports)."""
        hits: list[tuple[str, str]] = []
        for rule in self.rules:
            def keep(match: re.Match[str], rule=rule) -> str:
                secret = match.group(rule.group)
                if rule.accepts(secret):
                    hits.append((rule.id, secret))
                return match.group(0)
            rule.pattern.sub(keep, text)
        return hits


def _apply(rule: RedactionRule, text: str, found: Counter[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        secret = match.group(rule.group)
        if not secret or "[REDACTED:" in secret or not rule.accepts(secret):
            return match.group(0)  # nothing to hide, or already a placeholder
        found[rule.id] += 1
        if rule.group == 0:
            return placeholder(rule.id)
        whole = match.group(0)
        start, end = match.start(rule.group) - match.start(0), match.end(rule.group) - match.start(0)
        return whole[:start] + placeholder(rule.id) + whole[end:]

    return rule.pattern.sub(replace, text)


def redact(text: str) -> str:
    """Redact with the built-in rules only."""
    return Redactor.default().redact(text)
