"""The theme's page around a generated page's body, rendered once per layout instead of once per page.

Material's ``main.html`` (header, navigation tabs, sidebars, footer) is the largest part of a
build's time when the site has thousands of pages, yet two incident pages with the same headings
differ in the theme's output only in a few values: the body, the title, the edit link and the
page's own URL.  ``PageShells`` renders the real template for the first page of a *layout* (same
template, same directory, same metadata apart from the title, same table of contents) and cuts
its output at those values into a *shell*: literal text with slots.  Later pages of that layout
get the shell with their own values in the slots.

Byte-identical output is not assumed, it is checked: the next ``VERIFY`` pages of a layout are
rendered through the template as well and compared with the filled shell; one difference and
that layout always takes the template from then on (``fallbacks`` counts them).  A value the
theme transforms (escapes, URL-encodes, tests with ``in``) makes such a difference, as would a
value that happens to occur in the theme's own text, so neither can slip through.  Relative
links depend on the page's directory, which is part of the layout.

The plugin sends a ``GeneratedPage`` here by giving it the template ``SHELL_TEMPLATE``, whose only
content calls ``render`` (see ``install``); every other page is rendered by MkDocs as usual.
"""

from __future__ import annotations

import re
from typing import Any

SHELL_TEMPLATE = "postmortems-page-shell.html"
_GLOBAL = "postmortems_page_shell"
VERIFY = 2  # pages of each layout also rendered through the template and compared
ENABLED = True  # tests turn it off to build the same site through the template for every page


class PageShells:
    """Per build: layout -> shell (see the module docstring)."""

    def __init__(self, env):
        self.env = env
        self._shells: dict[tuple, list | None] = {}  # None: this layout always renders the template
        self._checks: dict[tuple, int] = {}
        self._page = None
        self._context: dict[str, Any] | None = None
        self.rendered = 0  # pages rendered through the template
        self.filled = 0  # pages made from a shell
        self.fallbacks = 0  # layouts whose shell did not reproduce the template's output

    def install(self) -> None:
        """Make ``SHELL_TEMPLATE`` available in the theme's environment."""
        import jinja2

        self.env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({SHELL_TEMPLATE: "{{ %s() }}" % _GLOBAL}),
                                               self.env.loader])
        self.env.globals[_GLOBAL] = self._render_current

    def prepare(self, page, context: dict[str, Any]) -> None:
        """The page about to be rendered (called from the plugin's last ``on_page_context``)."""
        self._page, self._context = page, context

    def _render_current(self) -> str:
        page, context = self._page, self._context
        self._page = self._context = None
        if page is None:  # pragma: no cover - the shell template outside a prepared page
            raise RuntimeError("the page shell template was rendered without a page")
        return self.render(page, context)

    def render(self, page, context: dict[str, Any]) -> str:
        template = getattr(page, "theme_template", "main.html")
        if not ENABLED:
            return self._template(template, context)
        key = _layout(template, page)
        values = _values(page)
        if key not in self._shells:
            output = self._template(template, context)
            self._shells[key] = _cut(output, values)
            self._checks[key] = 0
            return output
        shell = self._shells[key]
        if shell is None:
            return self._template(template, context)
        filled = _fill(shell, values)
        if self._checks[key] < VERIFY:
            self._checks[key] += 1
            output = self._template(template, context)
            if output != filled:
                self._shells[key] = None
                self.fallbacks += 1
            return output
        self.filled += 1
        return filled

    def _template(self, name: str, context: dict[str, Any]) -> str:
        self.rendered += 1
        return self.env.get_template(name).render(context)


def _layout(template: str, page) -> tuple:
    meta = tuple(sorted((k, repr(v)) for k, v in page.meta.items() if k not in ("title", "template")))
    directory = page.url.rstrip("/").rpartition("/")[0]
    return (template, directory, page.url.endswith("/"), meta, page.edit_url is None,
            page.canonical_url is None, str(page.toc) if page.toc is not None else "")


def _values(page) -> list[str]:
    """The page's own values, the body first (it may contain the others)."""
    return [page.content or "", str(page.meta.get("title") or ""), page.edit_url or "",
            page.canonical_url or "", page.url, page.abs_url or ""]


def _cut(output: str, values: list[str]) -> list | None:
    """The rendered page as literal strings and slot numbers (indexes into ``values``), or None
    when the body is not in it exactly once (nothing to gain, or an ambiguous cut)."""
    body = values[0]
    if not body or output.count(body) != 1:
        return None
    before, after = output.split(body)
    others = sorted({(value, index) for index, value in enumerate(values) if index and value},
                    key=lambda item: -len(item[0]))
    slot = {value: index for value, index in others}
    pattern = re.compile("|".join(re.escape(value) for value, _ in others)) if others else None
    shell: list = []
    for number, part in enumerate((before, after)):
        if number:
            shell.append(0)
        if pattern is None:
            shell.append(part)
            continue
        at = 0
        for match in pattern.finditer(part):
            shell.append(part[at:match.start()])
            shell.append(slot[match[0]])
            at = match.end()
        shell.append(part[at:])
    return shell


def _fill(shell: list, values: list[str]) -> str:
    return "".join(values[item] if type(item) is int else item for item in shell)
