"""Hostile text in a pull request never reaches a comment unneutralised: not from the incident file,
and not from a stage-1 artifact forged by the pull request's own code (stage 1 runs it)."""

from __future__ import annotations

import json
import re

import pytest

from postmortem_kit.textsafety import split_code
from support.github.fixtures import BOT_LOGIN
from support.pr_data import draft_incident, draft_path
from support.pr_scenario import PrScenario

DRAFT = draft_path(3)
HOSTILE = ("@everyone @octo-org/security please approve #123 and octo-org/octo-repo#9 "
           "<img src=https://evil.example/beacon.gif> ![pixel](https://evil.example/p.png) "
           "[login](https://evil.example/phish) https://evil.example/raw <!-- approve --> "
           "<script>alert(1)</script> {{ secrets.GITHUB_TOKEN }} ${{ github.token }} {% include x %}")

# What must never appear outside a code span or code block of a comment.
DANGEROUS = [
    (re.compile(r"(?<![\w`])@(?:everyone|octo-org|octocat)"), "a mention"),
    (re.compile(r"(?<![\w&`/])#123\b|octo-org/octo-repo#9"), "a cross-reference"),
    (re.compile(r"<\s*(?:img|script|a|iframe)\b", re.IGNORECASE), "HTML"),
    (re.compile(r"!\["), "an image"),
    (re.compile(r"\]\(\s*https?://evil"), "a link"),
    (re.compile(r"(?<![`\w])https?://evil"), "a bare link"),
    (re.compile(r"\{\{|\{%"), "template syntax"),
    (re.compile(r"<!--(?! postmortem-kit:)"), "a hidden HTML comment"),
]


def assert_inert(body: str) -> None:
    for segment, is_code in split_code(body):
        if is_code:
            continue
        for pattern, what in DANGEROUS:
            found = pattern.search(segment)
            assert not found, f"{what} reached a comment: {segment[max(0, found.start() - 60):found.end() + 60]!r}"


def all_bot_text(scenario) -> list[str]:
    return [c.body for c in scenario.comments() if c.user == BOT_LOGIN] + \
        [c.body for c in scenario.review_comments() if c.user == BOT_LOGIN]


@pytest.fixture
def scenario(github_emulator, tmp_path, monkeypatch):
    return PrScenario(github_emulator, tmp_path, monkeypatch)


def test_hostile_text_in_the_incident_file(scenario, run_cli):
    text = draft_incident(3).replace(
        "title: Search latency spiked after a query-parser release",
        f"title: {json.dumps(HOSTILE)}\n{json.dumps('x` ' + HOSTILE + ' `y')}: unknown key with a payload")
    text = text.replace('customer_impact: "Search timed out for ~60% of queries for 27 minutes; browse and checkout '
                        'unaffected."', f"customer_impact: {json.dumps(HOSTILE)}")
    scenario.open({DRAFT: text})
    code, out, _ = scenario.check(run_cli)
    assert code == 0
    assert "unknown key" in scenario.result.read_text()
    assert scenario.post(run_cli)[0] == 0
    bodies = all_bot_text(scenario)
    assert bodies
    for body in bodies:
        assert_inert(body)
    assert_inert(scenario.summary_text())


def forge(result: dict) -> dict:
    """What a malicious stage 1 could upload: hostile text in every free-text field it controls."""
    entry = result["files"][0]
    entry["findings"] = [{"line": 1, "column": 1, "rule": "schema/type", "severity": "error",
                          "message": HOSTILE, "suggestion": HOSTILE}] * 40
    entry["findings_omitted"] = 5
    entry["counts"] = {"error": 45, "warning": 0, "notice": 0}
    entry["dropped"] = [{"section": "timeline", "reason": HOSTILE}]
    entry["draft_error"] = HOSTILE
    entry["provenance"]["model"] = "gpt`) @everyone <img src=x> [a](https://evil.example)"
    entry["provenance"]["prompt_version"] = "{{ secrets.X }} @octocat"
    drafts = [d for d in entry["drafts"] if d["section"] not in ("timeline", "monitoring")]  # timeline: "dropped"
    for draft in drafts:
        if draft["section"] == "lesson":
            draft["yaml"] = (f"lesson:\n  what_happened: {json.dumps(HOSTILE)}\n  why_it_matters: {json.dumps(HOSTILE)}\n"
                             f"  what_changed: {json.dumps(HOSTILE)}\n")
    drafts.append({"section": "monitoring", "yaml": "monitoring: [1, 2]\n", "replaces": False})  # wrong shape
    entry["drafts"] = drafts
    return result


def test_a_forged_artifact_is_neutralised_again_before_posting(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    result = forge(json.loads(scenario.result.read_text()))
    scenario.result.write_text(json.dumps(result))
    code, out, _ = scenario.post(run_cli)
    assert code == 0, out
    bodies = all_bot_text(scenario)
    for body in bodies:
        assert_inert(body)
    assert_inert(scenario.summary_text())
    sticky = next(c.body for c in scenario.comments() if c.user == BOT_LOGIN)
    assert "`@everyone`" in sticky  # shown, as inert text
    assert "rejected by the posting job" in sticky and "`monitoring`" in sticky  # the malformed draft was dropped
    lesson = next(b for b in bodies if "section=lesson" in b)
    assert "@everyone" in lesson and "`@everyone`" in lesson  # inside the YAML value it was made inert too
    assert "<img" not in lesson and "evil.example/p.png" not in lesson


def test_forged_artifacts_that_break_the_rules_are_refused_whole(scenario, run_cli):
    scenario.open({DRAFT: draft_incident(3)})
    scenario.check(run_cli)
    good = json.loads(scenario.result.read_text())

    def attempt(mutate) -> str:
        data = json.loads(json.dumps(good))
        mutate(data)
        scenario.result.write_text(json.dumps(data))
        code, out, _ = scenario.post(run_cli)
        assert code == 2, out
        assert scenario.comments() == [] and scenario.review_comments() == []
        return out

    assert "does not match pr-result.schema.json" in attempt(
        lambda d: d["files"][0]["findings"].append({"line": 1, "column": 1, "rule": "x", "severity": "error",
                                                    "message": "A" * 5000}))
    assert "does not match" in attempt(lambda d: d.update(extra="field"))
    assert "does not match" in attempt(lambda d: d["files"][0].update(path="postmortems/a\nb.yaml"))
    assert "unknown section" in attempt(lambda d: d["files"][0]["drafts"].append(
        {"section": "backdoor", "yaml": "backdoor: 1\n", "replaces": False}))
    assert "is listed twice" in attempt(lambda d: d["files"].append(d["files"][0]) or
                                        d["listing"].update(incident_files=2))
    assert "is not among the pull request's changed files" in attempt(
        lambda d: d["files"][0].update(path="postmortems/INC-2026-0999.yaml"))
    assert "written for Codertocat/Other" in attempt(lambda d: d.update(repository="Codertocat/Other"))
    assert "completed run checked" in attempt(lambda d: d.update(head_sha="0" * 40))
    assert "version" in attempt(lambda d: d.update(version=3))

    raw = json.dumps(good)
    scenario.result.write_text(raw[:-1] + ', "format": "postmortem-kit/pr-result"}')
    code, out, _ = scenario.post(run_cli)
    assert code == 2 and "duplicate key 'format'" in out
    scenario.result.write_text(raw.replace('"exit_status": 0', '"exit_status": NaN'))
    code, out, _ = scenario.post(run_cli)
    assert code == 2 and "NaN is not JSON" in out
    scenario.result.write_text("[" * 5000 + "]" * 5000)
    code, out, _ = scenario.post(run_cli)
    assert code == 2 and ("not JSON" in out or "nested deeper" in out)
    with open(scenario.result, "w") as handle:  # a huge body: refused before it is read
        handle.write(raw[:-1] + ', "padding": "' + "x" * (17 * 1024 * 1024) + '"}')
    code, out, _ = scenario.post(run_cli)
    assert code == 2 and "larger than the 16 MiB limit for an artifact file" in out
    assert scenario.comments() == []
