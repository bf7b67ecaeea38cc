"""Checks run in code on a redaction candidate before it is replaced (``validate`` and ``entropy`` in
``redaction.yaml``).

A regular expression finds the *shape* of a value; these decide whether the shape is the real thing:
an address must parse (loopback and unspecified addresses and network prefixes are kept), a card
number must pass the Luhn check, an IBAN its mod-97 check, and a generic token must look random.

*Looks random* is a Shannon-entropy test with thresholds that are data (``entropy_profiles`` in
``redaction.yaml``): the entropy in bits per character of the value's own character frequencies,

    H = -sum(p(c) * log2 p(c))  over the distinct characters c of the value,

must reach ``bits`` (``hex_bits`` when the value is only hexadecimal digits, whose alphabet is
smaller), the value must be at least ``min_length`` long, mix at least ``classes`` of the
character classes lower-case letter, upper-case letter and digit, and not be a lower-case name made
of words (``looks_like_a_name``).  Ordinary words and identifiers
(``orders``, ``customer_id``, ``timestamp``) stay well below; random keys stay well above.
"""

from __future__ import annotations

import ipaddress
import math
import re
import string
from collections import Counter
from dataclasses import dataclass
from typing import Callable

_HEX = frozenset(string.hexdigits)
_SEPARATORS = re.compile(r"[-_./]")


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text`` under its own character frequencies (0.0 for empty text)."""
    if not text:
        return 0.0
    total = len(text)
    return -sum(n / total * math.log2(n / total) for n in Counter(text).values())


def char_classes(text: str) -> int:
    """How many of lower-case letter, upper-case letter and digit occur in ``text`` (0 to 3)."""
    return any(c.islower() for c in text) + any(c.isupper() for c in text) + any(c.isdigit() for c in text)


def looks_like_a_name(text: str) -> bool:
    """A lower-case identifier made of words (``checkout-api-7d9f8b6c5d-x2k9p``, ``production-eu-west-1``):
    no capital letter, and at least half of its dash/underscore/dot/slash-separated parts are words of
    two or more letters.  Random tokens mix cases; a UUID's parts are not words."""
    if any(c.isupper() for c in text):
        return False
    parts = [part for part in _SEPARATORS.split(text) if part]
    return len(parts) >= 2 and 2 * sum(len(part) >= 2 and part.isalpha() for part in parts) >= len(parts)


@dataclass(frozen=True)
class EntropyProfile:
    """Thresholds for one kind of context (a named value is less suspicious than a bare string)."""

    name: str
    min_length: int
    bits: float
    hex_bits: float | None  # None: an all-hex value never counts (bare hex is digests and ids)
    classes: int

    def random(self, text: str) -> bool:
        core = text.rstrip("=")
        if len(core) < self.min_length or char_classes(core) < self.classes or looks_like_a_name(core):
            return False
        if all(c in _HEX for c in core):
            return self.hex_bits is not None and shannon_entropy(core) >= self.hex_bits
        return shannon_entropy(core) >= self.bits


# --------------------------------------------------------------------------- validators by name


def _network_prefix(text: str, length: int, longest: int) -> bool:
    try:
        return length <= longest and ipaddress.ip_network(text, strict=True) is not None
    except ValueError:
        return False


def valid_ipv4(text: str) -> bool:
    address = text.split("/", 1)[0]
    try:
        parsed = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    if "/" in text:
        length = int(text.split("/", 1)[1])
        if length > 32:
            return False
        if _network_prefix(text, length, 24):
            return False  # a network (host bits zero, /24 or shorter) is topology, not a host: kept
    return not (parsed.is_loopback or parsed.is_unspecified)


def valid_ipv4_dashed(text: str) -> bool:
    """The address in an EC2-style host name (``ip-10-0-12-34``): four dash-separated parts."""
    return valid_ipv4(text.replace("-", "."))


def valid_ipv6(text: str) -> bool:
    address = text.split("%", 1)[0].split("/", 1)[0]
    try:
        parsed = ipaddress.IPv6Address(address)
    except ValueError:
        return False
    if "/" in text:
        length = int(text.rsplit("/", 1)[1])
        if length > 128 or _network_prefix(text.split("%", 1)[0], length, 48):
            return False
    return not (parsed.is_loopback or parsed.is_unspecified)


def luhn(text: str) -> bool:
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


def iban(text: str) -> bool:
    """ISO 13616: 15 to 34 characters, country letters, and the mod-97 remainder of the rearranged number is 1."""
    compact = "".join(text.split()).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    remainder = 0
    for char in rearranged:
        if not char.isalnum() or not char.isascii():
            return False
        for digit in str(int(char, 36)):
            remainder = (remainder * 10 + int(digit)) % 97
    return remainder == 1


def phone(text: str) -> bool:
    return 8 <= sum(c.isdigit() for c in text) <= 15


def password_like(text: str) -> bool:
    """A value stated in prose ("the password is X"): a digit, a symbol inside, or a capital after the
    first letter.  Plain words ("the password is incorrect") are kept."""
    core = text.rstrip(".,;:!?)")
    if any(c.isdigit() for c in core):
        return True
    if any(not c.isalnum() and c not in "-'" for c in core[1:-1]):
        return True
    return any(c.isupper() for c in core[1:])


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "ipv4": valid_ipv4, "ipv4-dashed": valid_ipv4_dashed, "ipv6": valid_ipv6, "luhn": luhn, "iban": iban,
    "phone": phone, "password-like": password_like,
}
