"""Where the blameless rules come from: the packaged compiled form of ``rules.yaml``, kept in the
compiled cache once a run has read it, or the YAML compiled here (a rule file of the user's, or a
packaged one whose compiled form is stale)."""

from __future__ import annotations

import json
import os
import re

from postmortem_kit.core import PostmortemError, brief, compiled_cache, package_file

RULES_FILE = "rules.yaml"
COMPILED_FILE = "rules.compiled.json"
SNAPSHOT = "derived index"  # the key of a kept copy's rule_snapshot (never a key of the compiled file)


class RuleFileError(PostmortemError, ValueError):
    """The rule file is unusable; the message says where and why."""


def compile_yaml(data: bytes, shown: str, digest: str, *, check: bool = True) -> dict:
    # The project's YAML 1.2 loader: words like `no` and `on` stay words.
    from postmortem_kit.core import YamlLoadError, decode_source, load_yaml_text

    try:
        raw = load_yaml_text(decode_source(data, shown), shown).data
    except YamlLoadError as error:
        finding = error.finding
        raise RuleFileError(brief(finding, path=shown)) from None
    from postmortem_kit.blameless.compiler import compile_rule_file

    try:
        return compile_rule_file(raw, digest, check=check)
    except (ValueError, KeyError, TypeError, AttributeError, re.error) as error:
        raise RuleFileError(f"{shown}: {error}") from None


def compiled_for(digest: str, *, kept: bool = True) -> dict | None:
    """The packaged compiled rules, if they were made from this exact YAML: the compiled cache's
    copy (marshal, which loads in half the time of the packaged JSON, with the index the rules
    derive under SNAPSHOT) once a run has put it there, unless ``kept`` is false."""
    version = _version(digest)
    if version is None:
        return None
    if kept:
        compiled = compiled_cache.kept("rules", version)
        if compiled is not None:
            return compiled
    try:
        with open(package_file(__package__, COMPILED_FILE), encoding="utf-8") as handle:
            compiled = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(compiled, dict) or compiled.get("source_digest") != digest:
        return None
    return compiled


def keep_compiled(digest: str, compiled: dict) -> None:
    """Put the packaged compiled rules (with their SNAPSHOT) in the compiled cache."""
    version = _version(digest)
    if version is not None:
        compiled_cache.keep("rules", version, compiled)


def _version(digest: str) -> str | None:
    """The YAML's digest with the packaged file's size and time: a reinstalled file is another version."""
    try:
        made = os.stat(package_file(__package__, COMPILED_FILE))
    except OSError:
        return None
    return f"{digest} {made.st_size} {made.st_mtime_ns}"
