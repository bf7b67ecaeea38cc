"""The GitHub REST emulator: PyGithub against it, every response checked against
GitHub's OpenAPI description, pagination and injected faults."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests
from github import Auth, Github, GithubException, InputGitTreeElement
from github.GithubException import RateLimitExceededException

from support.github.emulator import ROUTES, GitHubEmulator
from support.github.fixtures import BOT_LOGIN, BOT_TOKEN, USER_TOKEN, VirtualClock, load_webhook, webhook_names
from support.github.openapi import check_calls, openapi_subset
from support.github.state import PullFile

PATCH = "@@ -1,4 +1,5 @@\n one\n-two\n+TWO\n+two and a half\n three\n four\n@@ -20,3 +21,3 @@\n twenty\n-x\n+y\n end"


def raw(emu: GitHubEmulator, method: str, path: str, token: str = USER_TOKEN, **kwargs) -> requests.Response:
    return requests.request(method, emu.url + path, headers={"Authorization": f"token {token}"}, timeout=10, **kwargs)


@pytest.fixture
def emu(github_emulator):
    github_emulator.add_token(USER_TOKEN, "octocat")
    github_emulator.add_repo("octocat/hello", files={"README.md": "# hello\n", "docs/a.txt": "one\ntwo\nthree\n"},
                             collaborators={"hubot": "write", "reader": "read"})
    return github_emulator


def test_every_endpoint_answers_as_the_openapi_description_says(emu, github_api):
    gh = github_api(USER_TOKEN)
    bot = github_api(BOT_TOKEN)
    assert gh.get_user().login == "octocat"
    assert gh.get_user("hubot").login == "hubot"
    repo = gh.get_repo("octocat/hello")
    assert repo.default_branch == "main"
    assert repo.has_in_collaborators("hubot") and not repo.has_in_collaborators("stranger")
    assert {c.login for c in repo.get_collaborators()} == {"octocat", "hubot", "reader"}
    assert gh.get_rate_limit().resources.core.limit == 5000
    assert raw(emu, "GET", "/").json()["rate_limit_url"].endswith("/rate_limit")

    # contents and git data
    readme = repo.get_contents("README.md")
    assert readme.decoded_content == b"# hello\n"
    assert {c.path for c in repo.get_contents("docs")} == {"docs/a.txt"}
    created = repo.create_file("notes/new.md", "add notes", "hello\n", branch="main")
    repo.update_file("notes/new.md", "edit notes", "hello again\n", created["content"].sha, branch="main")
    assert emu.repo().read_file("main", "notes/new.md") == "hello again\n"
    main = repo.get_git_ref("heads/main")
    blob = repo.create_git_blob("blob text\n", "utf-8")
    assert base64.b64decode(repo.get_git_blob(blob.sha).content) == b"blob text\n"
    base_tree = repo.get_git_tree(main.object.sha)
    tree = repo.create_git_tree([InputGitTreeElement("docs/b.txt", "100644", "blob", sha=blob.sha)], base_tree)
    assert "docs/b.txt" in {e.path for e in repo.get_git_tree(tree.sha, recursive=True).tree}
    parent = repo.get_git_commit(main.object.sha)
    commit = repo.create_git_commit("add b", tree, [parent])
    branch = repo.create_git_ref("refs/heads/feature", commit.sha)
    branch.edit(commit.sha, force=False)
    main.edit(commit.sha)
    scratch = repo.create_git_ref("refs/heads/scratch", commit.sha)
    scratch.delete()

    # pull requests: files, comments, review comments, reviews
    emu.repo().commit_files("topic", {"docs/a.txt": "one\nTWO\nthree\n", "docs/c.txt": "new\n"}, "topic", "hubot")
    pull = gh.get_repo("octocat/hello").create_pull(base="main", head="topic", title="Topic", body="why")
    assert [f.filename for f in pull.get_files()] == ["docs/a.txt", "docs/c.txt"]
    assert [p.number for p in repo.get_pulls(state="open", head="octocat:topic")] == [pull.number]
    assert raw(emu, "GET", f"/repos/octocat/hello/commits/{pull.head.sha}/pulls").json()[0]["number"] == pull.number
    pull.edit(title="Topic, edited")
    assert repo.get_pull(pull.number).title == "Topic, edited"
    comment = bot.get_repo("octocat/hello").get_pull(pull.number).create_issue_comment("sticky")
    assert comment.user.login == BOT_LOGIN
    comment.edit("sticky, edited")
    assert repo.get_issue(pull.number).get_comment(comment.id).body == "sticky, edited"
    assert [c.body for c in pull.get_issue_comments()] == ["sticky, edited"]
    comment.delete()
    review_comment = pull.create_review_comment("suggestion", pull.head.sha, "docs/a.txt", line=2, side="RIGHT")
    assert review_comment.diff_hunk.endswith("+TWO")
    review_comment.edit("suggestion, edited")
    assert pull.get_review_comment(review_comment.id).body == "suggestion, edited"
    assert [c.id for c in pull.get_review_comments()] == [review_comment.id]
    review_comment.delete()
    review = bot.get_repo("octocat/hello").get_pull(pull.number).create_review(
        body="drafts", event="COMMENT", comments=[{"path": "docs/c.txt", "line": 1, "body": "x"}])
    assert review.state == "COMMENTED"
    assert [r.id for r in pull.get_reviews()][-1] == review.id

    # issues, labels, milestones
    label = repo.create_label("postmortem", "5319e7", "From a postmortem")
    assert repo.get_label("PostMortem").name == "postmortem"
    label.edit("postmortem", "5319e8", "Follow-up from a postmortem")
    assert [l.name for l in repo.get_labels()] == ["postmortem"]
    milestone = repo.create_milestone("Due 2026-03-01", description="due", due_on=__import__("datetime").date(2026, 3, 1))
    milestone.edit("Due 2026-03-01", description="due date")
    assert repo.get_milestone(milestone.number).description == "due date"
    assert [m.title for m in repo.get_milestones()] == ["Due 2026-03-01"]
    issue = bot.get_repo("octocat/hello").create_issue("Add an alert", body="b", labels=["postmortem", "sev:1"],
                                                       assignees=["hubot"], milestone=milestone)
    assert issue.user.login == BOT_LOGIN and issue.assignees[0].login == "hubot"
    issue.create_comment("closing")
    assert [c.body for c in issue.get_comments()] == ["closing"]
    issue.edit(state="closed", state_reason="not_planned", labels=["postmortem"])
    fetched = repo.get_issue(issue.number)
    assert (fetched.state, fetched.state_reason, [l.name for l in fetched.labels]) == ("closed", "not_planned", ["postmortem"])
    assert [i.number for i in repo.get_issues(state="closed", labels=["postmortem"], creator=BOT_LOGIN)] == [issue.number]

    # deployments, their statuses and releases (postmortem evidence add github:OWNER/REPO)
    deployment = repo.create_deployment("main", environment="production", description="pool change")
    deployment.create_status("success", description="deployed", target_url="https://ci.example/1")
    assert [d.id for d in repo.get_deployments()] == [deployment.id]
    assert [(s.state, s.description) for s in deployment.get_statuses()] == [("success", "deployed")]
    release = repo.create_git_release("v1.0.0", "1.0.0", "notes")
    assert [r.tag_name for r in repo.get_releases()] == ["v1.0.0"] and release.name == "1.0.0"

    hit = {call.operation for call in emu.calls}
    assert {operation for _, _, operation in ROUTES} <= hit
    assert set(openapi_subset().operations) == {operation for _, _, operation in ROUTES}
    assert check_calls(emu.calls) == []


def test_validation_catches_a_response_that_is_not_what_github_sends():
    subset = openapi_subset()
    assert subset.response_errors("issues/get", 200, {"number": "1"})
    assert subset.response_errors("issues/create", 502, {"message": "Bad Gateway"}) == []
    assert subset.response_errors("repos/check-collaborator", 204, None) == []
    assert subset.request_errors("issues/create", {"labels": "not a list"})


def test_issue_list_pages_with_link_headers_and_filters(emu, github_api):
    repo = emu.repo()
    for n in range(250):
        emu.add_issue(repo.full_name, f"issue {n}", user=BOT_LOGIN if n % 2 else "octocat",
                      labels=["postmortem"] if n % 5 else [], state="closed" if n % 7 == 0 else "open")
    first = raw(emu, "GET", "/repos/octocat/hello/issues?state=all&per_page=100")
    assert len(first.json()) == 100
    links = first.headers["Link"]
    assert 'page=2>; rel="next"' in links and 'page=3>; rel="last"' in links and "per_page=100" in links
    last = raw(emu, "GET", "/repos/octocat/hello/issues?state=all&per_page=100&page=3")
    assert len(last.json()) == 50 and 'rel="prev"' in last.headers["Link"] and 'rel="next"' not in last.headers["Link"]
    assert len(raw(emu, "GET", "/repos/octocat/hello/issues").json()) == 30  # GitHub's default page size
    assert len(raw(emu, "GET", "/repos/octocat/hello/issues?per_page=500").json()) == 100  # and its maximum

    gh = github_api(USER_TOKEN, per_page=100)
    listed = list(gh.get_repo("octocat/hello").get_issues(state="all", labels=["postmortem"], creator=BOT_LOGIN))
    expected = [i.number for i in repo.issues.values() if i.user == BOT_LOGIN and "postmortem" in i.labels]
    assert sorted(i.number for i in listed) == sorted(expected)
    assert [i.number for i in listed] == sorted(expected, reverse=True)  # newest first
    opened = list(gh.get_repo("octocat/hello").get_issues(state="open"))
    assert len(opened) == sum(1 for i in repo.issues.values() if i.state == "open")


def test_pull_files_stop_at_3000_like_github(emu, github_api):
    files = [PullFile(f"postmortems/INC-2026-{n:04d}.yaml", "added", "@@ -0,0 +1 @@\n+id: x") for n in range(10_000)]
    files.append(PullFile("postmortems/INC-2025-0001.yaml", "removed", None))
    pull = emu.add_pull("octocat/hello", title="big", user="octocat", files=files)
    gh = github_api(USER_TOKEN, per_page=100)
    fetched = gh.get_repo("octocat/hello").get_pull(pull.number)
    assert fetched.changed_files == 10_001
    listed = list(fetched.get_files())
    assert len(listed) == 3000
    assert len(emu.calls_to("pulls/list-files")) == 30


def test_review_comment_must_be_on_a_line_of_the_diff(emu, github_api):
    pull = emu.add_pull("octocat/hello", title="p", user="octocat", files=[PullFile("a.yaml", "modified", PATCH)])
    pr = github_api(USER_TOKEN).get_repo("octocat/hello").get_pull(pull.number)
    sha = pull.pull.head_sha
    ok = pr.create_review_comment("multi-line", sha, "a.yaml", line=3, side="RIGHT", start_line=2, start_side="RIGHT")
    assert (ok.start_line, ok.line) == (2, 3)
    assert pr.create_review_comment("old side", sha, "a.yaml", line=2, side="LEFT").side == "LEFT"
    for kwargs in ({"line": 10}, {"line": 22, "start_line": 2}, {"line": 2, "start_line": 3}):
        with pytest.raises(GithubException) as failure:
            pr.create_review_comment("outside", sha, "a.yaml", **kwargs)
        assert failure.value.status == 422
        assert failure.value.data["errors"][0]["field"].startswith("pull_request_review_thread.")
    with pytest.raises(GithubException) as failure:
        pr.create_review(body="x", event="COMMENT", comments=[{"path": "a.yaml", "line": 99, "body": "x"}])
    assert failure.value.status == 422 and failure.value.data["errors"] == ["Line could not be resolved"]
    with pytest.raises(GithubException) as failure:
        pr.create_review(body="fine", event="APPROVE")
    assert failure.value.status == 422  # nobody approves their own pull request
    assert len(emu.repo().review_comments) == 2


def test_writes_are_validated_like_github(emu, github_api):
    repo = github_api(USER_TOKEN).get_repo("octocat/hello")
    repo.create_label("team:payments", "0e8a16")
    with pytest.raises(GithubException) as failure:
        repo.create_label("Team:Payments", "d93f0b")
    assert failure.value.status == 422 and failure.value.data["errors"][0]["code"] == "already_exists"
    with pytest.raises(GithubException) as failure:
        repo.create_issue("t", assignees=["stranger"])
    assert failure.value.status == 422 and failure.value.data["errors"][0]["field"] == "assignees"
    assert repo.create_issue("t", labels=["brand-new"]).labels[0].name == "brand-new"  # created on the fly
    main = repo.get_git_ref("heads/main")
    tree = repo.create_git_tree([InputGitTreeElement("x.txt", "100644", "blob", content="x")])
    orphan = repo.create_git_commit("orphan", tree, [])
    with pytest.raises(GithubException) as failure:
        main.edit(orphan.sha)
    assert failure.value.status == 422 and failure.value.data["message"] == "Update is not a fast forward"
    with pytest.raises(GithubException) as failure:
        repo.create_git_ref("refs/heads/main", orphan.sha)
    assert failure.value.status == 422
    current = repo.get_contents("README.md")
    with pytest.raises(GithubException) as failure:
        repo.update_file("README.md", "stale", "x", "0" * 40)
    assert failure.value.status == 409
    repo.update_file("README.md", "fresh", "x", current.sha)
    assert raw(emu, "GET", "/repos/octocat/hello/issues/999").status_code == 404
    assert raw(emu, "GET", "/repos/octocat/hello", token="wrong").status_code == 401


def test_identity_decides_the_author_and_app_tokens_are_integrations(emu, github_api):
    with pytest.raises(GithubException) as failure:
        github_api(BOT_TOKEN).get_user().login
    assert failure.value.status == 403 and "integration" in failure.value.data["message"]
    emu.add_token("ghs_readonly", "reader-app[bot]", app=True, permissions={"issues": "read"})
    with pytest.raises(GithubException) as failure:
        github_api("ghs_readonly").get_repo("octocat/hello").create_issue("no")
    assert failure.value.status == 403
    issue = github_api(BOT_TOKEN).get_repo("octocat/hello").create_issue("yes")
    comment = github_api(USER_TOKEN).get_repo("octocat/hello").get_issue(issue.number).create_comment("human")
    assert (emu.issues[issue.number].user, emu.repo().comments[comment.id].user) == (BOT_LOGIN, "octocat")
    assert emu.users[BOT_LOGIN].type == "Bot"


def test_failed_request_changes_nothing(emu, github_api):
    repo = github_api(USER_TOKEN).get_repo("octocat/hello")
    fault = emu.fail_next(502, operation="issues/create")
    with pytest.raises(GithubException) as failure:
        repo.create_issue("lost")
    assert failure.value.status == 502 and fault.hits == 1
    assert emu.issues == {}
    assert repo.create_issue("second try").number == 1


def test_create_applied_but_response_lost(emu, github_api):
    repo = github_api(USER_TOKEN).get_repo("octocat/hello")
    emu.fail_next(502, method="POST", path=r"/issues$", applied=True)
    with pytest.raises(GithubException) as failure:
        repo.create_issue("applied")
    assert failure.value.status == 502
    assert [i.title for i in emu.issues.values()] == ["applied"]
    assert emu.calls[-1].applied and emu.calls[-1].fault == "status 502"


def test_transport_retry_of_a_post_duplicates_a_lost_create(emu):
    """Why the follow-ups sync must not let urllib3 retry POSTs: GithubRetry does by default."""
    from github import GithubRetry

    emu.fail_next(502, operation="issues/create", applied=True)
    gh = Github(base_url=emu.url, auth=Auth.Token(USER_TOKEN), retry=GithubRetry(total=2, backoff_factor=0),
                seconds_between_requests=None, seconds_between_writes=None)
    gh.get_repo("octocat/hello").create_issue("twice")
    assert [i.title for i in emu.issues.values()] == ["twice", "twice"]


def test_secondary_rate_limit_has_retry_after_and_githubs_message(emu, github_api):
    emu.secondary_rate_limit(operation="issues/create", retry_after=7)
    with pytest.raises(RateLimitExceededException) as failure:
        github_api(USER_TOKEN).get_repo("octocat/hello").create_issue("x")
    assert failure.value.status == 403
    assert failure.value.headers["retry-after"] == "7"
    assert failure.value.data["message"].startswith("You have exceeded a secondary rate limit")
    assert emu.issues == {}


def test_primary_rate_limit_reports_no_remaining_requests(emu, github_api):
    emu.primary_rate_limit(reset_in=5, operation="repos/get")
    with pytest.raises(RateLimitExceededException) as failure:
        github_api(USER_TOKEN).get_repo("octocat/hello")
    assert failure.value.headers["x-ratelimit-remaining"] == "0"
    assert int(failure.value.headers["x-ratelimit-reset"]) >= int(time.time())
    assert github_api(USER_TOKEN).get_repo("octocat/hello").name == "hello"  # only the next one


def test_slow_response_times_out_after_the_write(emu, github_api):
    emu.slow(2, operation="issues/create")
    with pytest.raises(requests.exceptions.ReadTimeout):
        github_api(USER_TOKEN, timeout=1).get_repo("octocat/hello").create_issue("late")
    deadline = time.monotonic() + 5
    while not emu.issues and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [i.title for i in emu.issues.values()] == ["late"]


def test_content_creating_requests_per_minute_are_counted_and_can_be_enforced(github_api):
    clock = VirtualClock()
    with GitHubEmulator(clock=clock) as emu:
        emu.add_token(USER_TOKEN, "octocat")
        emu.add_repo("octocat/hello")
        emu.enforce_secondary_limit(3)
        gh = Github(base_url=emu.url, auth=Auth.Token(USER_TOKEN), retry=None,
                    seconds_between_requests=None, seconds_between_writes=None)
        repo = gh.get_repo("octocat/hello")
        for n in range(3):
            repo.create_issue(f"n{n}")
            clock.sleep(1)
        with pytest.raises(RateLimitExceededException):
            repo.create_issue("fourth")
        clock.sleep(60)
        repo.create_issue("after a minute")
        assert emu.max_content_creating_per_minute() == 3
        assert len(emu.issues) == 4
        assert check_calls(emu.calls) == []


def test_webhook_payloads_are_githubs_examples():
    names = {prefix: webhook_names(prefix) for prefix in
             ("pull_request.opened", "pull_request.synchronize", "pull_request.reopened", "workflow_run.completed", "push")}
    assert all(names.values()), names
    for prefix, found in names.items():
        for name in found:
            payload = load_webhook(name)
            assert payload["repository"]["full_name"]
            if prefix.startswith("pull_request"):
                assert payload["action"] == prefix.split(".")[1] and payload["pull_request"]["head"]["sha"]
            if prefix.startswith("workflow_run"):
                assert payload["action"] == "completed" and payload["workflow_run"]["head_sha"]
            if prefix == "push":
                assert payload["ref"].startswith("refs/") and "after" in payload
    assert any(load_webhook(n)["ref"] == "refs/heads/" + load_webhook(n)["repository"]["default_branch"]
               for n in names["push"])
    source = json.loads((__import__("pathlib").Path(__file__).parents[1] / "support/github/api/webhooks/SOURCE.json").read_text())
    assert source["source"].startswith("@octokit/webhooks-examples ")
