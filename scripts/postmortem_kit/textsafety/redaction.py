"""Remove secrets and personal data from text before it leaves the machine.

The rules are data (``textsafety/redaction.yaml``, plus ``redaction.extra_patterns``
from the configuration file).  Each match becomes a typed placeholder such as
``[REDACTED:aws-access-key]``; a rule may replace only one capture group so the
surrounding name stays readable (``password=[REDACTED:password]``).  A few
rules confirm a candidate in code first (``validate``): an IPv4/IPv6 candidate
must be a real address (loopback and unspecified addresses are kept), a card
number must pass the Luhn check.  Redaction is idempotent: placeholders never
match a rule.
"""

from __future__ import annotations

import ipaddress
import re
import threading
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable, Iterable

from postmortem_kit.core import PostmortemError, package_file

RULES_FILE = "redaction.yaml"
_FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE, "dotall": re.DOTALL}


class RedactionConfigError(PostmortemError, ValueError):
    """A redaction rule (built-in or configured) is unusable."""


def placeholder(kind: str) -> str:
    return f"[REDACTED:{kind}]"


def _valid_ipv4(text: str) -> bool:
    address = text.split("/", 1)[0]
    try:
        parsed = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    if "/" in text and int(text.split("/", 1)[1]) > 32:
        return False
    return not (parsed.is_loopback or parsed.is_unspecified)


def _valid_ipv6(text: str) -> bool:
    address = text.split("%", 1)[0]
    try:
        parsed = ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return not (parsed.is_loopback or parsed.is_unspecified)


def _luhn(text: str) -> bool:
    digits = [int(c) for c in text if c.isdigit()]
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _phone(text: str) -> bool:
    return 8 <= sum(c.isdigit() for c in text) <= 15


VALIDATORS: dict[str, Callable[[str], bool]] = {"ipv4": _valid_ipv4, "ipv6": _valid_ipv6, "luhn": _luhn,
                                                "phone": _phone}


@dataclass(frozen=True)
class RedactionRule:
    id: str
    pattern: re.Pattern[str]
    group: int = 0
    validate: Callable[[str], bool] | None = None
    description: str = ""

    @classmethod
    def from_mapping(cls, entry: Any, where: str) -> RedactionRule:
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
        return cls(kind, pattern, group, VALIDATORS.get(validate) if validate else None,
                   str(entry.get("description", "")))


@cache
def builtin_rules() -> tuple[RedactionRule, ...]:
    import yaml

    path = package_file(__package__, RULES_FILE)
    with open(path, encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle)
    entries = loaded.get("patterns") if isinstance(loaded, dict) else None
    if not isinstance(entries, list):
        raise RedactionConfigError(f"{path}: expected a `patterns` list")
    return tuple(RedactionRule.from_mapping(entry, f"{path} pattern {index + 1}") for index, entry in enumerate(entries))


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
                if rule.validate is None or rule.validate(secret):
                    hits.append((rule.id, secret))
                return match.group(0)
            rule.pattern.sub(keep, text)
        return hits


def _apply(rule: RedactionRule, text: str, found: Counter[str]) -> str:
    def replace(match: re.Match[str]) -> str:
        secret = match.group(rule.group)
        if not secret or "[REDACTED:" in secret or (rule.validate is not None and not rule.validate(secret)):
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
