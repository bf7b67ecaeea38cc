"""The small parts of the follow-ups sync: pacing, markers, owners, tracking references,
the push-event decision and the GitHub client's bounded retries."""

from __future__ import annotations

import json

import pytest

from postmortem_kit.followups import (
    Marker,
    action_key,
    classify,
    decide,
    is_closing_comment,
    is_managed_label,
    label_style,
    parse,
    render,
    render_closed,
    tracking_number,
)
from postmortem_kit.github import EventError, Pacer, RateLimitWaitTooLong, WriteGate, describe_error
from support.github.fixtures import WEBHOOKS, VirtualClock, webhook_names


def busiest_minute(times: list[float]) -> int:
    return max(sum(1 for t in times if start <= t < start + 60) for start in times)


@pytest.mark.parametrize("limit", [80, 10, 200])
def test_pacer_never_lets_more_than_the_limit_through_in_a_minute(limit):
    clock = VirtualClock(0)
    pacer = Pacer(limit, clock=clock.now, sleep=clock.sleep)
    sent = []
    for _ in range(3 * limit):
        pacer.wait()
        sent.append(clock.now())
    assert busiest_minute(sent) <= limit
    assert sent[-1] == pytest.approx((3 * limit - 1) * 60 / limit)  # evenly spaced, no idle time


def test_pacer_off_never_sleeps():
    clock = VirtualClock(0)
    pacer = Pacer(None, clock=clock.now, sleep=clock.sleep)
    for _ in range(1000):
        pacer.wait()
    assert clock.now() == 0


def test_write_gate_refuses_writes_in_a_dry_run():
    gate = WriteGate(Pacer(None), dry_run=True)
    with pytest.raises(RuntimeError, match="dry run"):
        gate.send(lambda: None)


def test_write_gate_stops_when_the_wait_is_too_long():
    from github.GithubException import RateLimitExceededException

    clock = VirtualClock(0)
    gate = WriteGate(Pacer(None, clock=clock.now, sleep=clock.sleep), max_rate_limit_wait=30)
    error = RateLimitExceededException(403, {"message": "You have exceeded a secondary rate limit. Please wait a "
                                                        "few minutes before you try again."}, {"retry-after": "31"})

    def refuse():
        raise error

    with pytest.raises(RateLimitWaitTooLong, match="retry in 31 s, more than the 30 s"):
        gate.send(refuse)
    assert clock.now() == 0


def test_marker_round_trip_and_damage():
    marker = Marker("INC-2026-0042", 3, action_key("Add an alert"), "octocat")
    body = render(marker) + "\nText that quotes <!-- postmortem-kit:follow-up {bad} -->"
    assert parse(body) == marker
    assert parse("no marker") is None
    assert parse('<!-- postmortem-kit:follow-up {"incident": 1} -->') is None
    assert action_key("Add  an ALERT") == action_key("add an alert")
    assert is_closing_comment(render_closed("INC-2026-0042", 7) + "\nwhy") and not is_closing_comment(body)


@pytest.mark.parametrize("owner, kind, login, label", [
    ("@octocat", "person", "octocat", "owner:octocat"),
    ("@acme/sre", "team", None, "team:acme/sre"),
    ("team-payments", "team", None, "team:team-payments"),
    ("incident-commander", "team", None, "team:incident-commander"),
    ("@" + "x" * 99, "person", "x" * 99, ("owner:" + "x" * 99)[:50]),
])
def test_owner_kinds_and_labels(owner, kind, login, label):
    parsed = classify(owner)
    assert (parsed.kind, parsed.login, parsed.label) == (kind, login, label)
    assert len(parsed.label) <= 50


def test_managed_labels_and_styles_come_from_the_data_file():
    assert is_managed_label("postmortem") and is_managed_label("severity:SEV2") and is_managed_label("team:x")
    assert not is_managed_label("in-progress")
    assert label_style("severity:SEV1") == ("b60205", "Follow-up of a SEV1 incident")
    assert label_style("team:anything")[0] == "1d76db"


@pytest.mark.parametrize("tracking, number", [
    ("new", None), ("#12", 12), ("acme/shop#12", 12), ("ACME/Shop#12", 12), ("other/repo#12", "external"),
    ("https://github.com/acme/shop/issues/12", 12), ("https://github.com/acme/other/issues/12", "external"),
    ("https://jira.example.com/browse/OPS-1", "external"), ("OPS-123", "external"),
])
def test_tracking_references(tracking, number):
    assert tracking_number(tracking, "acme/shop", "https://github.com") == number


def test_push_events_from_githubs_examples():
    decisions = {name: decide("push", str(WEBHOOKS / f"{name}.json")) for name in webhook_names("push")}
    assert {name for name, d in decisions.items() if d.run} == {"push.5", "push.6"}
    assert all(d.repository == "Codertocat/Hello-World" for d in decisions.values())
    assert "deleted refs/tags/simple-tag" in decisions["push.2"].reason
    assert "refs/tags/simple-tag, not to the default branch master" in decisions["push.1"].reason
    assert decide("workflow_dispatch", None).run and decide(None, None).run


def test_push_event_that_cannot_be_used(tmp_path):
    with pytest.raises(EventError, match="not set"):
        decide("push", None)
    other = tmp_path / "pr.json"
    other.write_text(json.dumps({"action": "opened"}), encoding="utf-8")
    with pytest.raises(EventError, match="not a push event payload"):
        decide("push", str(other))


def test_bounded_retry_raises_instead_of_sleeping_an_hour(github_emulator):
    from github.GithubException import RateLimitExceededException

    from postmortem_kit.github import GitHubSettings, connect

    github_emulator.add_token("ghp_t", "octocat")
    github_emulator.add_repo("octocat/hello")
    github_emulator.secondary_rate_limit(operation="repos/get", retry_after=3600)
    gh = connect(GitHubSettings(token="ghp_t", api_url=github_emulator.url, max_rate_limit_wait=5, backoff_factor=0))
    with pytest.raises(RateLimitExceededException) as failure:
        gh.get_repo("octocat/hello")
    assert "3600" in describe_error(failure.value) or failure.value.status == 403
    github_emulator.fail_next(502, operation="repos/get", times=2)
    assert gh.get_repo("octocat/hello").name == "hello"  # reads are retried on 5xx


def test_describe_error_is_one_line():
    from github.GithubException import GithubException

    error = GithubException(422, {"message": "Validation Failed", "errors": [
        {"resource": "Label", "code": "already_exists", "field": "name"}]}, {})
    assert describe_error(error) == "HTTP 422: Validation Failed (name/already_exists)"
    assert describe_error(TimeoutError("read timed out\nmore")) == "TimeoutError: read timed out"
