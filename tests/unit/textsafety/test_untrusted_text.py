"""Model output is made inert: nothing pings, links, loads, hides or overflows."""

from __future__ import annotations

import re

import pytest

from postmortem_kit.textsafety import ELLIPSIS, InertPolicy, code_span, hosts_in, make_inert, split_code, strip_html
from support.llm_server import INJECTION_SNIPPETS

POLICY = InertPolicy.build(["github.com", "runbooks.acme.example"])

# What GitHub would render as active: a mention, an issue reference or an autolinked URL outside code.
ACTIVE = re.compile(r"@[A-Za-z0-9]|(?<![\w&])#\d|\bGH-\d|https?://|www\.|<[A-Za-z!/]|!\[", re.IGNORECASE)


def active_outside_code(text: str) -> list[str]:
    return [m.group(0) for segment, is_code in split_code(text) if not is_code for m in ACTIVE.finditer(segment)]


@pytest.mark.parametrize("snippet", INJECTION_SNIPPETS)
def test_injection_snippets_become_inert(snippet):
    out = make_inert(snippet, POLICY)
    assert active_outside_code(out) == []
    assert "evil.example/beacon" not in out and "pixel.png" not in out  # images are dropped, not kept as code
    assert "ignore previous instructions" not in out  # HTML comments are removed
    assert "alert(1)" not in out  # script content is removed


def test_mentions_and_references_become_code_spans():
    out = make_inert("@octocat and @acme/sre: closes #123, fixes acme/shop#456, see GH-77.", POLICY)
    assert out == "`@octocat` and `@acme/sre`: closes `#123`, fixes `acme/shop#456`, see `GH-77`."


@pytest.mark.parametrize("text", [
    "e-mail [REDACTED:email] and the handle ops@ on chat",  # an address is not a mention
    "Slack channel #inc-checkout-503 and C#7",
    "R&D < 300 ms, p99 <3, and 5 > 4",
    "the `@already-code` and ``double `tick` code``",
    "rate 38% at 09:40, ratio 3:2",
])
def test_plain_text_is_kept(text):
    assert make_inert(text, POLICY) == text


def test_links_outside_the_allowlist_are_inert_and_allowlisted_ones_stay():
    out = make_inert("see https://github.com/acme/shop/issues/4, https://evil.example/x and www.evil.example/y. "
                     "[runbook](https://runbooks.acme.example/db) [login](https://evil.example/login \"t\")", POLICY)
    assert "see https://github.com/acme/shop/issues/4," in out
    assert "`https://evil.example/x`" in out and "`www.evil.example/y`." in out
    assert "[runbook](https://runbooks.acme.example/db)" in out
    assert "login (`https://evil.example/login`)" in out
    assert active_outside_code(out.replace("https://github.com", "").replace("https://runbooks", "")) == []


def test_subdomains_of_allowed_hosts_are_allowed_but_lookalikes_are_not():
    policy = InertPolicy.build(["acme.example"])
    assert policy.allows("https://docs.acme.example/x")
    assert not policy.allows("https://acme.example.evil.test/x")
    assert not policy.allows("https://evilacme.example/x")
    assert not policy.allows("javascript:alert(1)")


def test_dangerous_schemes_are_never_clickable():
    out = make_inert("[x](javascript:alert(1)) data:text/html,hi", InertPolicy.build(["*"]))
    assert "](javascript" not in out
    assert "`data:text/html,hi`" in out


def test_html_is_stripped_and_entities_cannot_smuggle_tags():
    assert strip_html('<b>bold</b> <img src="x" onerror="alert(1)"> text') == "bold  text"
    assert "<" not in make_inert("&lt;img src=x onerror=alert(1)&gt; and &amp;lt;b&amp;gt;bold", POLICY).replace(
        "&lt;", "")
    assert make_inert("<textarea>hi</textarea><style>p{}</style>ok", POLICY) == "ok"


def test_comments_even_unterminated_are_removed():
    assert make_inert("before <!-- hidden --> after", POLICY) == "before  after"
    assert make_inert("before <!-- hidden to the end", POLICY) == "before "


def test_images_and_reference_definitions_are_dropped():
    out = make_inert("a ![x](https://evil.example/p.png) b ![y][ref] c\n[ref]: https://evil.example/z", POLICY)
    assert "evil" not in out
    assert out.startswith("a  b  c")


def test_invisible_and_bidi_characters_are_removed():
    out = make_inert("pay\u200bload @\u200dbob \u202etxet", POLICY)
    assert out == "payload `@bob` txet"


def test_code_fences_are_left_alone():
    text = "log:\n```\n@inside #12 https://evil.example\n```\nafter @bob"
    assert make_inert(text, POLICY) == "log:\n```\n@inside #12 https://evil.example\n```\nafter `@bob`"


def test_length_cap_cuts_at_a_word_before_neutralising():
    out = make_inert("word " * 100 + "@octocat", InertPolicy(max_chars=60))
    assert len(out) <= 60 and out.endswith(ELLIPSIS)
    # The cap never splits a code span the neutraliser added.
    capped = make_inert("x" * 50 + " @octocat-with-a-long-name tail", InertPolicy(max_chars=70))
    assert capped.count("`") % 2 == 0


def test_code_span_uses_a_longer_fence_when_needed():
    assert code_span("a`b") == "``a`b``"
    assert code_span("`x") == "`` `x ``"


def test_hosts_in_text():
    assert hosts_in("see https://Runbooks.Acme.example/db. and http://10.0.0.1:8080/x") == {
        "runbooks.acme.example", "10.0.0.1"}


def test_the_fast_paths_of_text_and_strip_hidden_give_what_the_full_ones_give():
    """``strip_hidden`` skips its regex for printable ASCII and ``text``/``verbatim`` skip
    ``str.translate`` when nothing is to be escaped: the same strings as always running them."""
    import random

    from postmortem_kit.core.text_guard import HIDDEN, strip_hidden
    from postmortem_kit.textsafety import html_text

    def full_strip(value: str) -> str:
        return HIDDEN.sub("", value) if HIDDEN.search(value) else value

    rng = random.Random(18)
    alphabet = [chr(n) for n in range(0x250)] + list("\u200b\u202e\u2066\ufeff\u00ad\U000e0041&<>\"'{} \t\n")
    for _ in range(20_000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randrange(16)))
        assert strip_hidden(value) == full_strip(value), repr(value)
        assert html_text.text(value) == " ".join(full_strip(value.replace("\r\n", "\n")).split()).translate(
            html_text._ESCAPE), repr(value)
        lines = full_strip(value.replace("\r\n", "\n")).rstrip("\n").split("\n")
        assert html_text.verbatim(value) == "\n".join(line.rstrip() for line in lines).translate(html_text._ESCAPE)
    for number in [*range(0x250), 0x200B, 0x202E, 0xFEFF, 0xE0041]:
        assert strip_hidden(f"a{chr(number)}b") == full_strip(f"a{chr(number)}b")
