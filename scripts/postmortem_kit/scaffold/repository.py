"""`postmortem init`: scaffold a repository of postmortems.

Writes the incident folder (with an example unless asked not to), the schema, the pre-commit
configuration pinned to this release, the GitHub workflows using the Action at this release, the
lessons site's mkdocs.yml, the drafting settings, VS Code settings and a short README. A file that
is already there is never overwritten (unless ``force``): it is listed as skipped, with what to add
by hand. A file whose content is already what init would write is "unchanged", so a second run
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from postmortem_kit import __version__
from postmortem_kit.core import PostmortemError, package_file, schema_file, write_atomic

REPOSITORY = "postmortem-kit/postmortem-kit"
REPOSITORY_URL = f"https://github.com/{REPOSITORY}"
EXAMPLE = "postmortems/INC-2026-0001.yaml"

# target path in the new repository -> template (in templates/), or None for the published schema
FILES: dict[str, str | None] = {
    EXAMPLE: "example-incident.yaml",
    "schema/postmortem.schema.json": None,
    ".pre-commit-config.yaml": "pre-commit-config.yaml",
    ".postmortem-kit.yaml": "postmortem-kit.yaml",
    ".vscode/settings.json": "vscode-settings.json",
    ".github/workflows/postmortem-pr.yml": "workflows/postmortem-pr.yml",
    ".github/workflows/postmortem-pr-comment.yml": "workflows/postmortem-pr-comment.yml",
    ".github/workflows/followups.yml": "workflows/followups.yml",
    ".github/workflows/pages.yml": "workflows/pages.yml",
    ".github/zizmor.yml": "zizmor.yml",
    "mkdocs.yml": "mkdocs.yml",
    "docs/writing-a-postmortem.md": "docs-writing.md",
    "README.md": "README.md",
}

# What to add by hand when a file is already there and differs.
HINTS: dict[str, str] = {
    ".pre-commit-config.yaml": f"""add to its `repos:` list:
  - repo: {REPOSITORY_URL}
    rev: v{__version__}
    hooks:
      - id: postmortem-check""",
    "mkdocs.yml": """add the plugin (its pages go under the prefix, beside your own docs):
plugins:
  - search
  - postmortems:
      dir: postmortems
      prefix: lessons
and a nav entry if you list pages by hand:  - Lessons: lessons/index.md""",
    ".vscode/settings.json": """add to it:
  "yaml.schemas": {"./schema/postmortem.schema.json": "postmortems/*.yaml"}""",
    "README.md": "add a pointer to postmortems/ and docs/writing-a-postmortem.md",
}


class InitError(PostmortemError):
    """The repository cannot be scaffolded as asked (exit 2)."""


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def report(self) -> str:
        lines = [f"postmortem init: {self.root}"]
        for label, names in (("created", self.created), ("overwritten", self.overwritten),
                             ("unchanged", self.unchanged)):
            lines += [f"  {label:<11} {name}" for name in names]
        for name in self.skipped:
            lines.append(f"  skipped     {name} (already there and different; --force overwrites)")
        hints = [(name, HINTS.get(name)) for name in self.skipped]
        if any(hint for _, hint in hints):
            lines += ["", "To add by hand:"]
            for name, hint in hints:
                if hint:
                    lines += [f"- {name}: " + hint.splitlines()[0]] + ["    " + line for line in hint.splitlines()[1:]]
        if self.created or self.overwritten:
            lines += ["", "Next: git add -A && pre-commit install && pre-commit run --all-files; "
                          "mkdocs serve shows the lessons site."]
        return "\n".join(lines)


def render(template: str) -> str:
    text = package_file(__package__, f"templates/{template}").read_text(encoding="utf-8")
    for key, value in (("VERSION", __version__), ("REPOSITORY_URL", REPOSITORY_URL), ("REPOSITORY", REPOSITORY)):
        text = text.replace(f"@{key}@", value)
    return text


def planned_files(*, example: bool = True) -> dict[str, str]:
    """Every file init writes, path -> content."""
    planned = {}
    for target, template in FILES.items():
        if target == EXAMPLE and not example:
            continue
        if template is None:
            planned[target] = schema_file(Path(target).name).read_text(encoding="utf-8")
        else:
            planned[target] = render(template)
    return planned


def init_repository(root: Path, *, example: bool = True, force: bool = False) -> InitResult:
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise InitError(f"{root}: not a directory")
    result = InitResult(root)
    for target, content in planned_files(example=example).items():
        path = root / target
        if path.is_symlink() or (path.exists() and not path.is_file()):
            result.skipped.append(target)
            continue
        if path.is_file():
            try:
                same = path.read_text(encoding="utf-8") == content
            except (OSError, UnicodeDecodeError):
                same = False
            if same:
                result.unchanged.append(target)
                continue
            if not force:
                result.skipped.append(target)
                continue
            _write(path, content)
            result.overwritten.append(target)
            continue
        _write(path, content)
        result.created.append(target)
    if not example:
        (root / "postmortems").mkdir(parents=True, exist_ok=True)
    return result


def _write(path: Path, content: str) -> None:
    """Through a temporary file and a rename: an interrupted run leaves no half-written file."""
    try:
        write_atomic(path, content)
    except OSError as error:
        raise InitError(f"{path}: cannot write ({error.strerror or error})") from None
