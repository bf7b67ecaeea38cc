"""Untrusted text made safe: redaction of secrets and personal data, text made inert for GitHub
Markdown, HTML text and sanitising for the site, and log truncation.

Public names are listed in ``__all__`` and imported lazily on first use, so importing one
of them loads only the module that defines it (the cold `postmortem check` path stays short).
"""

from __future__ import annotations

from postmortem_kit.core import lazy_exports

_EXPORTS: dict[str, str] = {
    "ELLIPSIS": "postmortem_kit.textsafety.untrusted",
    "EntropyProfile": "postmortem_kit.textsafety.redaction_checks",
    "InertPolicy": "postmortem_kit.textsafety.untrusted",
    "RedactionConfigError": "postmortem_kit.textsafety.redaction",
    "Redactor": "postmortem_kit.textsafety.redaction",
    "builtin_rules": "postmortem_kit.textsafety.redaction",
    "cell": "postmortem_kit.textsafety.untrusted",
    "clean_content": "postmortem_kit.textsafety.html_sanitize",
    "clean_document": "postmortem_kit.textsafety.html_sanitize",
    "code_span": "postmortem_kit.textsafety.untrusted",
    "entropy_profiles": "postmortem_kit.textsafety.redaction",
    "hosts_in": "postmortem_kit.textsafety.untrusted",
    "inert": "postmortem_kit.textsafety.untrusted",
    "inline": "postmortem_kit.textsafety.untrusted",
    "log_line": "postmortem_kit.textsafety.untrusted",
    "make_inert": "postmortem_kit.textsafety.untrusted",
    "paragraphs": "postmortem_kit.textsafety.html_text",
    "path_code": "postmortem_kit.textsafety.untrusted",
    "placeholder": "postmortem_kit.textsafety.redaction",
    "plain": "postmortem_kit.textsafety.html_text",
    "safe_href": "postmortem_kit.textsafety.html_text",
    "safe_title": "postmortem_kit.textsafety.html_text",
    "shannon_entropy": "postmortem_kit.textsafety.redaction_checks",
    "slug": "postmortem_kit.textsafety.html_text",
    "split_code": "postmortem_kit.textsafety.untrusted",
    "strip_html": "postmortem_kit.textsafety.untrusted",
    "text": "postmortem_kit.textsafety.html_text",
    "truncate_log": "postmortem_kit.textsafety.log_truncation",
    "verbatim": "postmortem_kit.textsafety.html_text",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
