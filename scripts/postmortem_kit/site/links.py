"""Where each generated page lives and how pages link to each other.

Pages are generated, so their links are written as HTML with relative URLs
computed here (the same rules MkDocs applies: ``use_directory_urls`` makes
``incidents/INC-2026-0001.md`` the URL ``incidents/INC-2026-0001/``).
"""

from __future__ import annotations

from urllib.parse import quote

HOME = "index.md"
INCIDENTS = "incidents/index.md"
LESSONS = "lessons.md"
ANALYTICS = "analytics.md"
TAGS = "tags/index.md"
SERVICES = "services/index.md"


def incident(incident_id: str) -> str:
    return f"incidents/{incident_id}.md"


def tag(name: str) -> str:
    return f"tags/{name}.md"


def service(name: str) -> str:
    return f"services/{name}.md"


def severity(level: str) -> str:
    return f"incidents/severity/{level.lower()}.md"


def category(name: str) -> str:
    return f"incidents/category/{name}.md"


def year(value: str) -> str:
    return f"incidents/year/{value}.md"


class Links:
    """Relative URLs between generated pages."""

    def __init__(self, use_directory_urls: bool = True):
        self.directory_urls = use_directory_urls
        self._quoted: dict[str, str] = {}

    def url(self, src_uri: str) -> str:
        stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index":
            return ""
        if stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def href(self, from_src: str, to_src: str, anchor: str = "") -> str:
        """The relative URL from page ``from_src`` to page ``to_src`` (already safe for an attribute).

        Up to the site root, then down to the target: not always the shortest path, but cheap
        (a site of 1,000 incidents has hundreds of thousands of links) and always right."""
        depth = self.url(from_src).count("/")
        target = self._quoted.get(to_src)
        if target is None:
            target = self._quoted[to_src] = quote(self.url(to_src), safe="/.-_~")
        prefix = "../" * depth if depth else ("./" if not target else "")
        return prefix + target + (f"#{quote(anchor, safe='-_.')}" if anchor else "")
