"""Compiled regular expressions kept between processes (in ``compiled_cache``'s folder).

The blameless rules' patterns are large, and compiling the ones a clean file reaches was about a
third of a one-file `postmortem check` (about 40 of 150 ms, ``scripts/bench/bench_check.py``), the
same work in every run.  Python cannot save a compiled pattern (pickling one compiles it again), so
this store keeps what the compiler produces, the SRE code with the pattern's flags and groups, and
hands it back to ``_sre.compile``, the call ``re.compile`` itself ends with.  A pattern made from
the store is equal (``==``) to the one ``re.compile`` makes, which compares the code word for word;
the tests check that for every rule pattern, and each process checks it once on a sample before it
uses the store.  A file that is short, holds another pattern, or is refused by ``_sre.compile``
(which validates the code) is compiled again and rewritten.  Only CPython is served; elsewhere, or
with the cache off, every pattern is compiled as usual.
"""

from __future__ import annotations

import json
import re
import sys

from postmortem_kit.core import compiled_cache

FORMAT = 1

try:  # the regex engine's own compile step; absent or different outside CPython
    import _sre
    from re import _compiler, _parser

    _CODE_TYPE = {2: "H", 4: "I", 8: "Q"}.get(_sre.CODESIZE) if sys.implementation.name == "cpython" else None
except (ImportError, AttributeError):  # pragma: no cover - another interpreter
    _CODE_TYPE = None

_usable: bool | None = None


def compile(source: str, flags: int = 0) -> re.Pattern:  # noqa: A001 - the name re uses
    """``re.compile(source, flags)``, from the store when it has the pattern."""
    flags = int(flags)
    if not (_usable if _usable is not None else _check()):
        return re.compile(source, flags)
    text = source.encode("utf-8", "surrogatepass")
    name = compiled_cache.name_for("re", f"{flags}\0".encode() + text)
    data = compiled_cache.read(name)
    if data:
        found = _from_stored(source, text, data)
        if found is not None:
            return found
    pattern, stored = _compiled(source, flags, text)
    compiled_cache.write(name, stored)
    return pattern


def _check() -> bool:
    """Whether the store serves this process: the cache is on, and the store's own compile step
    gives what ``re.compile`` gives (else a change in the engine's internals turns it off)."""
    global _usable
    _usable = False
    if _CODE_TYPE is None or compiled_cache.folder() is None:
        return False
    sample = r"(?i)a(?P<word>b+)|\bc(?=d)[^e-g]"
    try:
        _usable = _compiled(sample, 0)[0] == re.compile(sample)
    except Exception:  # noqa: BLE001 - whatever the internals raise, the store is not used
        _usable = False
    return _usable


def reset() -> None:
    """Check again (the tests change the cache setting within one process)."""
    global _usable
    _usable = None


def _compiled(source: str, flags: int, text: bytes | None = None) -> tuple[re.Pattern, bytes]:
    """The pattern, made as ``re.compile`` makes it, and its stored form when ``text`` (the source
    as UTF-8) is given."""
    parsed = _parser.parse(source, flags)
    code = _compiler._code(parsed, flags)
    state = parsed.state
    final_flags = flags | state.flags
    groupindex = dict(state.groupdict)
    pattern = _sre.compile(source, final_flags, code, state.groups - 1, groupindex, _indexgroup(groupindex, state.groups))
    if text is None:
        return pattern, b""
    from array import array  # only when a pattern is added

    header = json.dumps({"format": FORMAT, "flags": final_flags, "groups": state.groups,
                         "names": groupindex, "words": len(code), "source": len(text)},
                        separators=(",", ":"))
    return pattern, header.encode("ascii") + b"\n" + text + array(_CODE_TYPE, code).tobytes()


def _indexgroup(names: dict[str, int], groups: int) -> tuple:
    """Each group's name by number (None for a group without one), as ``_sre.compile`` takes them."""
    indexgroup = [None] * groups
    for name, index in names.items():
        indexgroup[index] = name
    return tuple(indexgroup)


def _from_stored(source: str, text: bytes, data: bytes) -> re.Pattern | None:
    header, _, body = data.partition(b"\n")
    try:
        fields = json.loads(header)
        words, groups, names, size = fields["words"], fields["groups"], fields["names"], fields["source"]
        if (fields["format"] != FORMAT or len(body) != size + words * _sre.CODESIZE or not isinstance(names, dict)
                or not isinstance(groups, int) or groups < 1
                or body[:size] != text):  # another pattern under the same file name
            return None
        code = memoryview(body)[size:].cast(_CODE_TYPE).tolist()
        return _sre.compile(source, fields["flags"], code, groups - 1, names, _indexgroup(names, groups))
    except (ValueError, KeyError, TypeError, IndexError, RuntimeError, OverflowError):
        return None  # not this format, cut short, or refused by the engine's own validation
