"""The primed PyYAML reader pattern: the same characters as PyYAML's own, and really used."""

from __future__ import annotations

import re
import subprocess
import sys

from postmortem_kit.core import yaml_module


def test_the_primed_set_is_exactly_pyyaml_s_set():
    every = "".join(map(chr, range(0x110000)))  # lone surrogates included, as Python strings allow
    original = re.compile(yaml_module.NON_PRINTABLE)
    primed = re.compile(yaml_module.SAME_SET)
    assert [m.start() for m in original.finditer(every)] == [m.start() for m in primed.finditer(every)]


def test_pyyaml_s_reader_uses_the_primed_pattern():
    probe = ("import postmortem_kit.core.yaml_source, yaml.reader; "
             "print(yaml.reader.Reader.NON_PRINTABLE.pattern == postmortem_kit.core.yaml_module.SAME_SET)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_pyyaml_s_pattern_is_unchanged():
    """If PyYAML changes its pattern the priming silently stops saving time: notice it here."""
    import yaml.reader

    source = open(yaml.reader.__file__, encoding="utf-8").read()
    assert "NON_PRINTABLE = re.compile('[^\\x09\\x0A\\x0D\\x20-\\x7E\\x85\\xA0-\\uD7FF\\uE000-\\uFFFD" in source
