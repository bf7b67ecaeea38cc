"""Who owns a follow-up, and the labels the sync puts on its issue.

* ``@login``: a person. Assigned when the login is a collaborator of the
  repository (GitHub refuses other assignees); otherwise labelled ``owner:login``.
* ``@org/team`` or a bare name (``team-payments``, ``incident-commander``):
  a team or a role, which cannot be assigned; labelled ``team:<name>``.

Label names are capped at GitHub's 50 characters; colours and descriptions
of new labels come from followups/texts.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from postmortem_kit.followups.texts import texts

LABEL_MAX = 50
POSTMORTEM_LABEL = "postmortem"
MANAGED_PREFIXES = ("severity:", "team:", "owner:")


@dataclass(frozen=True)
class Owner:
    text: str
    kind: str  # "person" or "team"
    login: str | None = None

    @property
    def label(self) -> str:
        name = self.text.removeprefix("@")
        prefix = "owner:" if self.kind == "person" else "team:"
        return (prefix + name)[:LABEL_MAX]


def classify(owner: str) -> Owner:
    text = owner.strip()
    if text.startswith("@") and "/" not in text:
        return Owner(text, "person", text[1:])
    return Owner(text, "team")


def is_managed_label(name: str) -> bool:
    """Labels the sync sets and may remove again; anything else on an issue is left alone."""
    return name.lower() == POSTMORTEM_LABEL or name.lower().startswith(MANAGED_PREFIXES)


def label_style(name: str) -> tuple[str, str]:
    """(colour, description) for a label the sync creates, from followups/texts.yaml."""
    styles = texts()["labels"]
    style = styles.get(name)
    if style is None:
        style = next((styles[prefix] for prefix in styles if prefix.endswith(":") and name.startswith(prefix)), None)
    if style is None:
        return "ededed", "Postmortem follow-up"
    return str(style["color"]), str(style.get("description") or "")


def severity_label(severity: str | None) -> str | None:
    return f"severity:{severity}" if severity else None
