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


def compiled_for(digest: str) -> dict | None:
    """The packaged compiled rules, if they were made from this exact YAML: from the compiled cache
    (marshal, which loads in half the time of the packaged JSON) once a run has put them there."""
    import marshal

    packaged = package_file(__package__, COMPILED_FILE)
    try:
        made = os.stat(packaged)
    except OSError:
        return None
    version = f"{digest} {made.st_size} {made.st_mtime_ns}"  # a reinstalled file is another version
    name = compiled_cache.name_for("rules", version.encode())
    kept = compiled_cache.read(name)
    if kept:
        try:
            stored_version, compiled = marshal.loads(kept)
        except (ValueError, EOFError, TypeError):
            stored_version = compiled = None
        if stored_version == version and isinstance(compiled, dict):
            return compiled
    try:
        with open(packaged, encoding="utf-8") as handle:
            compiled = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(compiled, dict) or compiled.get("source_digest") != digest:
        return None
    compiled_cache.write(name, marshal.dumps((version, compiled)))
    return compiled
