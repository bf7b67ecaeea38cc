"""Every place that names a release of this project names THIS release: `rev:` of the pre-commit hook
and `uses: …postmortem-kit…@` of the Action and the reusable workflow, in the README, the docs, the
workflows and the files `postmortem init` writes; the version itself is single-sourced."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from postmortem_kit import __version__
from postmortem_kit.scaffold import planned_files

ROOT = Path(__file__).resolve().parents[2]
TAG = f"v{__version__}"
USES = re.compile(r"uses:\s*['\"]?(?P<target>[^\s'\"@]*postmortem-kit[^\s'\"@]*)@(?P<ref>[^\s'\"#`|)]+)['\"]?"
                  r"(?:\s*#\s*(?P<comment>[^\s`]+))?")
REPO = re.compile(r"repo:\s*(?P<repo>\S+)")
REV = re.compile(r"rev:\s*['\"]?(?P<rev>[^\s'\"#`|)]+)")


def documents() -> dict[str, str]:
    found = {"README.md": (ROOT / "README.md").read_text(encoding="utf-8"),
             "CHANGELOG.md": (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"),
             ".pre-commit-hooks.yaml": (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")}
    for path in sorted((ROOT / "docs").rglob("*.md")) + sorted((ROOT / ".github" / "workflows").glob("*.yml")):
        found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for name, text in planned_files().items():
        found[f"init:{name}"] = text
    return found


def references(text: str) -> list[tuple[int, str, str]]:
    """(line number, what, the release it names) for each release reference of this project."""
    found, repo = [], None
    for number, line in enumerate(text.splitlines(), 1):
        match = USES.search(line)
        if match:
            ref = match["ref"]
            if re.fullmatch(r"[0-9a-f]{40}|<[a-z-]*sha>", ref):  # pinned by commit: the comment names the release
                ref = match["comment"] or ("(a commit placeholder)" if ref.startswith("<") else ref)
            found.append((number, "uses", ref))
        if REPO.search(line):
            repo = REPO.search(line)["repo"]
        rev = REV.search(line)
        if rev and repo and "postmortem-kit" in repo:
            found.append((number, "rev", rev["rev"]))
    return found


@pytest.mark.parametrize("name", sorted(documents()))
def test_every_release_reference_names_this_release(name):
    wrong = [f"{name}:{line}: {what} names {ref}, not {TAG}" for line, what, ref in references(documents()[name])
             if ref not in (TAG, "vX.Y.Z", "(a commit placeholder)")]  # placeholders: no release named
    assert wrong == []


def test_the_references_are_found():
    """The scan sees the places adopters copy from (so the test above is not vacuous)."""
    docs = documents()
    assert any(what == "rev" for _, what, _ in references(docs["init:.pre-commit-config.yaml"]))
    assert any(what == "uses" for _, what, _ in references(docs["init:.github/workflows/postmortem-pr.yml"]))
    assert any(what == "uses" for _, what, _ in references(docs[".github/workflows/postmortem-check.yml"]))
    assert any(what == "rev" for _, what, _ in references(docs["docs/pages/guide/adopt.md"]))
    assert references("  - repo: https://github.com/other/tool\n    rev: v9.9.9\n") == []


def test_the_version_is_single_sourced():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "postmortem_kit.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert f"## [{__version__}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_the_action_installs_the_tool_from_its_own_checkout():
    action = (ROOT / "action.yml").read_text(encoding="utf-8")
    install = re.search(r"pip install[^\n]*\\\n\s*(?P<what>\S+)", action)
    assert install and install["what"] == '"$GITHUB_ACTION_PATH"'
