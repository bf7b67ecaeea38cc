"""Issue 13, breaks 2-4: the inert transform by CommonMark's rules, checked with a real CommonMark/GFM
renderer (markdown-it-py); entity-encoded invisibles; e-mail addresses; workflow commands in logs."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from postmortem_kit.core import GuardedStream, guard_commands, one_line
from postmortem_kit.textsafety import cell, inert, inline, log_line, make_inert

GFM = MarkdownIt("commonmark", {"linkify": False}).enable(["table", "strikethrough"])
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
REFERENCE = re.compile(r"(?<![\w&])#\d|\bGH-\d")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
HIDDEN = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u00ad]")


class _Live(HTMLParser):
    """Text GitHub would still process (outside <code>/<pre>), and every href."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.live: list[str] = []
        self.hrefs: list[str] = []
        self.all_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self.depth += 1
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self.depth -= 1

    def handle_data(self, data):
        self.all_text.append(data)
        if self.depth == 0:
            self.live.append(data)


def rendered(markdown: str) -> _Live:
    parser = _Live()
    parser.feed(GFM.render(markdown))
    return parser


def assert_rendered_inert(markdown: str) -> None:
    page = rendered(markdown)
    live = "".join(page.live)
    assert not MENTION.search(live), f"live mention in {live!r} (from {markdown!r})"
    assert not REFERENCE.search(live), f"live reference in {live!r}"
    assert not EMAIL.search(live), f"e-mail address (GitHub autolinks it) in {live!r}"
    assert not any(h.lower().startswith("mailto:") for h in page.hrefs)
    assert not HIDDEN.search("".join(page.all_text)), f"invisible character in {markdown!r}"


SHAPES = {
    # an escaped backtick: CommonMark never opens a span there, so the text is prose
    "escaped backtick": "\\`not code @octocat` and more",
    "escaped backtick inside a span": "`a\\` @octocat `b`",
    # a closing fence longer than the opening one closes it; what follows is prose
    "longer closing fence": "```\nsome code\n`````\n@octocat please approve, mail ops@example.com",
    "longer closing tilde fence": "~~~\ncode\n~~~~~\n@octocat #12",
    # a blank line ends the paragraph: no span continues across it
    "span broken by a blank line": "`start of a span\n\n@octocat ends it` here",
    "span across a heading": "`a\n# @octocat `",
    "fence inside a list item, then column 0": "- item\n  ```\n@octocat\n  ```",
    "table cell pipe in a span": "| a | b |\n|---|---|\n| `x | @octocat ` | y |",
    "backslash before a mention": "\\@octocat and \\\\@hubot",
    "entity-encoded mention and bidi": "&#64;octocat &#x202E;reversed&#x202C; &amp;#x200B;x &#8206;",
    "e-mail": "write to alice.smith@example.com",
    "indented fence closed by a column-0 fence": "x\n  ```\n```\n@octocat\n```",
    "first-line fence": "~~~\n```\n~~~\n```\n@octocat",
    "nested fences": "- a\n  ```\n```\n@y\n  ```\n```\n@octocat\n```",
    "fork artifact": "file `x` ``y`` \\` @octo-org/security ``` `` ` @hubot #99",
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_rendered_by_commonmark_nothing_is_live(text):
    for shown in (make_inert(text), inert(text), inline(text), cell(text)):
        assert_rendered_inert(shown)
        assert_rendered_inert(f"- {shown}\n")  # as a list item in the sticky comment
        assert_rendered_inert(f"| {cell(text)} | x |\n|---|---|\n")


def test_true_code_stays_code():
    text = "run `kubectl rollout undo` then\n\n```\n@not-a-mention in code\n```\n"
    assert make_inert(text) == text
    assert "<code>@not-a-mention" not in GFM.render(make_inert("`a\n\n@x`"))


def test_entity_encoded_invisibles_do_not_survive():
    out = make_inert("ok &#x202E;txt&#x202C; &#8203;zw &amp;#x2066;iso &#xFEFF;")
    assert not HIDDEN.search(out) and "&#x202" not in out.replace("&amp;", "&")


def test_workflow_commands_are_guarded_in_every_printed_line():
    assert guard_commands("::stop-commands::tok") == "\u00b7::stop-commands::tok"
    assert guard_commands("  ::error::x\nok ##[warning]y") == "  \u00b7::error::x\nok #\u00b7#[warning]y"
    assert "##[" not in log_line("postmortems/##[error]x.yaml") and "##[" not in one_line("a\n##[group]b")
    out = io.StringIO()
    stream = GuardedStream(out)
    stream.write("   ")
    stream.write("::set-output name=a::b\n")
    print("line ##[error]x", file=stream)
    stream.write_command("::error file=a.yaml::real annotation\n")
    lines = out.getvalue().splitlines()
    assert lines[0].strip().startswith("\u00b7::") and "##[" not in lines[1]
    assert lines[2] == "::error file=a.yaml::real annotation"


PIECES = ["`", "``", "```", "~~~", "\\", "\n", "\n\n", "  ", "- ", "> ", "| ", "@octocat", "#12", "a@b.io", "x",
          "&#64;o", "[l](https://e.x/`)", "{{ t }}", "1. ", "\t", "<b>", "&#x202E;"]


def test_random_markdown_never_renders_a_live_mention():
    """A seeded fuzz over the characters that decide code and prose in CommonMark."""
    import random

    rng = random.Random(13)
    for _ in range(500):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 14)))
        shown = make_inert(text)
        for markdown in (shown, f"- {shown}\n", f"> {shown}\n", f"| {cell(text)} | x |\n|---|---|\n",
                         f"### {inline(text)}\n"):
            assert_rendered_inert(markdown)
