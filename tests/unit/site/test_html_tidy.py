"""``html.tidy`` (one regular-expression split) gives what the tag-by-tag replaces gave."""

from __future__ import annotations

import random

from postmortem_kit.site.html import _BLOCK_TAGS, tidy


def _tidy_by_replaces(markdown: str) -> str:
    """The previous implementation: each block tag's ``</tag><`` replaced until none is left."""
    for name in _BLOCK_TAGS:
        closed, broken = f"</{name}><", f"</{name}>\n<"
        while closed in markdown:
            markdown = markdown.replace(closed, broken)
    return markdown.replace("<thead>", "<thead data-search-exclude>")


PIECES = [f"</{name}>" for name in _BLOCK_TAGS] + [f"<{name}>" for name in _BLOCK_TAGS] + [
    "<", ">", "<<", "><", "/", "</", "</a>", "</pre>", "</P>", "</td >", "<thead>", "</thead", "x", " ", "\n",
    "é", "</tdx>", "</t", "d>", "<td class=\"a\">", "</span>", "<br>", "&lt;", "</tbody><", "</p></p>"]


def test_tidy_is_the_replaces_fixed_point_on_random_markup():
    rng = random.Random(18)
    for _ in range(60_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14)))
        assert tidy(text) == _tidy_by_replaces(text), text


def test_tidy_on_a_listing_table():
    rows = "\n".join(f'<tr><td class="pm-col-id"><a href="../x{n}/">x{n}</a></td><td>2024</td></tr>'
                     for n in range(300))
    table = f'<div class="pm-table-wrap"><table><thead><tr><th>A</th></tr></thead><tbody>{rows}</tbody></table></div>'
    assert tidy(table) == _tidy_by_replaces(table)
    assert "</td>\n<td>" in tidy(table) and "<thead data-search-exclude>" in tidy(table)
