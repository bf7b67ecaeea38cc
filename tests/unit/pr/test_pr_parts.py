"""The pull-request job's parts on their own: events, anchors, annotation caps, the job summary's
size limit, the result file's schema, text neutralisation."""

from __future__ import annotations

import io
import json

import pytest

from postmortem_kit.core import Finding, load_yaml_text
from postmortem_kit.github import EventError
from postmortem_kit.pr import (
    GITHUB_SUMMARY_LIMIT,
    Anchor,
    ArtifactError,
    Listing,
    check_summary,
    clean_draft,
    diff_lines,
    find_anchor,
    is_incident_path,
    normalise_dirs,
    parse_event,
    parse_result,
    select,
    suggestion_text,
    verify,
    write,
)
from postmortem_kit.textsafety import inert, log_line, path_code
from support.github.fixtures import load_webhook, webhook_names

# --------------------------------------------------------------------------- events


@pytest.mark.parametrize("name", webhook_names("pull_request.opened") + webhook_names("pull_request.synchronize")
                         + webhook_names("pull_request.reopened"))
def test_every_pull_request_payload_is_understood(name):
    payload = load_webhook(name)
    event = parse_event(payload, "pull_request")
    assert event.relevant and event.action == payload["action"]
    assert event.pull.number == payload["number"] and event.pull.head_sha == payload["pull_request"]["head"]["sha"]
    assert event.pull.fork is False and event.pull.changed_files == payload["pull_request"]["changed_files"]


@pytest.mark.parametrize("name", webhook_names("workflow_run.completed"))
def test_every_workflow_run_payload_is_understood(name):
    payload = load_webhook(name)
    event = parse_event(payload, "workflow_run")
    assert event.run.run_id == payload["workflow_run"]["id"]
    assert event.run.head_sha == payload["workflow_run"]["head_sha"]
    assert not event.relevant and "not by a pull request" in event.skip_reason  # none of the examples is
    payload["workflow_run"]["event"] = "pull_request"
    assert parse_event(payload, "workflow_run").relevant


def test_a_fork_is_recognised_and_unknown_events_are_nothing_to_do():
    payload = load_webhook("pull_request.opened.1")
    payload["pull_request"]["head"]["repo"]["full_name"] = "mallory/Hello-World"
    assert parse_event(payload).pull.fork is True
    payload["pull_request"]["head"]["repo"] = None  # the fork was deleted
    assert parse_event(payload).pull.fork is True
    assert not parse_event(load_webhook("push.1"), "push").relevant
    with pytest.raises(EventError, match="repository"):
        parse_event({"action": "opened", "pull_request": {}})


# --------------------------------------------------------------------------- anchors

TEXT = "id: INC-1\ntitle: T\nstatus: draft\ninputs:\n  notes: a\n"
SECTION = {"lesson": {"what_happened": "x", "why_it_matters": "y", "what_changed": "z"}}
SECTION_YAML = "lesson:\n  what_happened: x\n  why_it_matters: y\n  what_changed: z\n"
DATA = load_yaml_text(TEXT).data


def test_diff_lines_are_the_new_side_lines_of_every_hunk():
    patch = "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n\\ No newline at end of file\n@@ -10,2 +11,2 @@\n x\n+y"
    assert diff_lines(patch) == {1: "a", 2: "B", 3: "C", 4: "c", 11: "x", 12: "y"}
    assert diff_lines(None) == {}


def test_the_last_line_anchors_an_append_when_it_is_in_the_diff():
    patch = "@@ -0,0 +1,5 @@\n" + "\n".join("+" + line for line in TEXT.splitlines())
    anchor = find_anchor(TEXT, patch, DATA, SECTION, [SECTION_YAML])
    assert anchor == Anchor(5, "append", "  notes: a")
    committed = "\n".join(TEXT.splitlines()[:4] + [suggestion_text(anchor, SECTION_YAML)]) + "\n"
    assert load_yaml_text(committed).data == {**DATA, **SECTION}
    assert verify(anchor, patch) and not verify(Anchor(5, "append", "  notes: b"), patch)


def test_a_top_level_key_in_the_diff_anchors_an_insert_before_it():
    patch = "@@ -1,3 +1,3 @@\n id: INC-1\n-title: old\n+title: T\n status: draft"
    anchor = find_anchor(TEXT, patch, DATA, SECTION, [SECTION_YAML])
    assert anchor == Anchor(3, "insert", "status: draft")
    lines = TEXT.splitlines()
    committed = "\n".join(lines[:2] + [suggestion_text(anchor, SECTION_YAML)] + lines[3:]) + "\n"
    assert load_yaml_text(committed).data == {**DATA, **SECTION}


def test_no_anchor_when_only_nested_lines_are_in_the_diff_or_the_file_would_break():
    longer = TEXT + "tags: [a]\n"
    patch = "@@ -5,1 +5,1 @@\n-  notes: b\n+  notes: a"  # only a nested line, not the last one
    assert find_anchor(longer, patch, load_yaml_text(longer).data, SECTION, [SECTION_YAML]) is None
    keep = "id: INC-1\ntitle: T\nstatus: draft\nnotes: |+\n  kept\n\n"  # a keep-chomping block scalar at the end
    patch = "@@ -0,0 +1,6 @@\n" + "\n".join("+" + line for line in keep.split("\n")[:6])
    data = load_yaml_text(keep).data
    assert find_anchor(keep, patch, data, SECTION, [SECTION_YAML]) == Anchor(4, "insert", "notes: |+")  # not append
    tail = "@@ -5,2 +5,2 @@\n+  kept\n+"  # only the block scalar's lines: appending would change its value
    assert find_anchor(keep, tail, data, SECTION, [SECTION_YAML]) is None
    assert not verify(Anchor(1, "insert", "  nested: x"), "@@ -0,0 +1 @@\n+  nested: x")


# --------------------------------------------------------------------------- annotations and summary


def finding(severity: str, n: int, path: str = "postmortems/a.yaml") -> Finding:
    return Finding(path, n, 1, f"rule/{severity}", severity, f"{severity} number {n}")


def test_annotations_stay_within_githubs_caps_and_the_rest_go_to_the_summary():
    findings = [finding(s, n) for s in ("notice", "warning", "error") for n in range(1, 26)]
    findings.append(Finding("postmortems/a.yaml", 99, 1, "blameless/x", "warning", "suppressed", suppressed=True))
    selection = select(findings)
    shown = [f.severity for f in selection.shown]
    assert shown.count("error") == 10 and shown.count("warning") == 10 and shown.count("notice") == 10
    assert len(selection.rest) == 45 and all(not f.suppressed for f in selection.rest)
    assert len(select(findings, already_in_job=40).shown) == 10  # 50 per job
    assert [f.line for f in select(findings, already_in_job=40).shown] == list(range(1, 11))  # errors first
    out = io.StringIO()
    write(selection, out)
    assert out.getvalue().count("\n") == 30 and out.getvalue().startswith("::")


def test_the_job_summary_stays_under_one_mebibyte():
    rest = [finding("error", n, path=f"postmortems/INC-{n:05d}.yaml") for n in range(30000)]
    for f in rest:
        f.message = "m" * 300
    entry = {"path": "postmortems/INC-00001.yaml", "change": "added", "previous_path": None,
             "incident_status": "published", "outcome": "failed", "counts": {"error": 30000, "warning": 0, "notice": 0},
             "drafts": [], "dropped": [], "draft_error": None, "anchor": None}
    result = {"pull_number": 7, "head_sha": "a" * 40, "provider": "offline", "exit_status": 1, "files": [entry]}
    text = check_summary(result, rest, 30)
    assert len(text.encode()) < GITHUB_SUMMARY_LIMIT
    assert "more rows not shown: the job summary is limited to 1 MiB" in text


# --------------------------------------------------------------------------- files and text


def test_incident_paths():
    dirs = normalise_dirs(["postmortems", " incidents/ "])
    assert dirs == ("postmortems", "incidents")
    assert is_incident_path("postmortems/a.yaml", dirs) and is_incident_path("incidents/x/b.yml", dirs)
    assert not is_incident_path("postmortems/.hidden.yaml", dirs) and not is_incident_path("docs/a.yaml", dirs)
    assert not is_incident_path("postmortems/a.json", dirs)
    assert Listing(listed=3000, changed_files=3000).truncation_note() is None
    assert "this one changes 4,000" in Listing(listed=3000, changed_files=4000).truncation_note()


def test_text_is_made_inert():
    assert inert("ping @octocat about #12 {{ x }}") == "ping `@octocat` about `#12` `{{ x }}`"
    assert "<img" not in inert('<img src="https://evil.example/x.gif">')
    assert path_code("a`b\nc.yaml") == "``a`b?c.yaml``"
    assert log_line("x\n::set-output name=a::b") == "x ::set-output name=a::b"
    assert log_line("::error::forged").startswith(" ::")


# --------------------------------------------------------------------------- the result file


def test_clean_draft_revalidates_a_drafted_section():
    text, problem = clean_draft("lesson", SECTION_YAML)
    assert problem is None and text == SECTION_YAML
    text, problem = clean_draft("lesson", "lesson:\n  what_happened: ping @octocat\n  why_it_matters: y\n"
                                          "  what_changed: z\n")
    assert problem is None and "`@octocat`" in text
    assert "not exactly one `lesson` section" in clean_draft("lesson", SECTION_YAML + "extra: 1\n")[1]
    assert "does not load" in clean_draft("lesson", "lesson: &a [*a]\n")[1]
    assert clean_draft("lesson", "lesson: 3\n")[1].startswith("lesson:")


def test_parse_result_refuses_what_is_not_a_result():
    with pytest.raises(ArtifactError, match="not a postmortem pr result"):
        parse_result(b'{"format": "other"}', "r.json")
    with pytest.raises(ArtifactError, match="not UTF-8"):
        parse_result(b'{"format": "\xff"}', "r.json")
    with pytest.raises(ArtifactError, match="does not match"):
        parse_result(json.dumps({"format": "postmortem-kit/pr-result", "version": 2}).encode(), "r.json")
