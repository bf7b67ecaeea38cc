"""The documentation: generated references are current, the docs site builds strictly, the README stays short."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = DOCS / "pages"
README = ROOT / "README.md"


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "tools" / "gen_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_references_are_current():
    for path, text in _gen_docs().generated().items():
        assert path.exists(), f"{path.relative_to(ROOT)} is missing: run python scripts/tools/gen_docs.py"
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(ROOT)} is stale: run python scripts/tools/gen_docs.py")


def test_cli_reference_covers_every_verb_and_option():
    from postmortem_kit.cli.main import VERBS

    text = (PAGES / "reference" / "cli.md").read_text(encoding="utf-8")
    for verb in VERBS:
        assert f"## `{verb}`" in text
    assert "`--no-blameless`" in text and "`--format {text,json,github,sarif}`" in text


def test_rule_reference_lists_every_registered_rule():
    from postmortem_kit.cli.catalog import every_rule

    text = (PAGES / "reference" / "rules.md").read_text(encoding="utf-8")
    missing = [rule.id for rule in every_rule() if f"`{rule.id}`" not in text]
    assert not missing


def _nav_pages(nav) -> list[str]:
    found = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        found += _nav_pages(value) if isinstance(value, list) else [value]
    return found


def test_every_page_is_in_the_navigation():
    config = yaml.safe_load((DOCS / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = set(_nav_pages(config["nav"]))
    pages = {str(path.relative_to(PAGES)) for path in PAGES.rglob("*.md")}
    assert pages - nav == set(), "pages missing from docs/mkdocs.yml nav"
    assert nav - pages == set(), "nav entries without a page"


def test_docs_site_builds_strictly(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(DOCS / "mkdocs.yml"),
                             "--site-dir", str(tmp_path / "site")], capture_output=True, text=True, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "rules" / "index.html").exists()


def test_readme_is_short_and_keeps_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200
    setup = text.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^make (\w+)", setup, re.M)
    assert commands == ["run", "test"]


def test_readme_links_resolve():
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if target.startswith(("http://", "https://")):
            continue
        assert (ROOT / target).exists(), f"README links to a missing file: {target}"


def test_readme_shows_every_verb():
    from postmortem_kit.cli.main import VERBS

    text = README.read_text(encoding="utf-8")
    assert [verb for verb in VERBS if f"postmortem {verb}" not in text] == []
