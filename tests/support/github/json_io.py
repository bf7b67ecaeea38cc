"""GitHub's JSON shapes for the emulator's state objects.

Each method returns the fields api.github.com returns for that object (the
required ones of GitHub's OpenAPI description and the ones PyGithub reads),
with URLs pointing back at the emulator so PyGithub can follow them.
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from support.github.state import (
    GitCommit,
    Issue,
    IssueComment,
    Label,
    Milestone,
    PullFile,
    Repo,
    Review,
    ReviewComment,
    User,
)


def node_id(kind: str, number: int) -> str:
    return base64.b64encode(f"0:{kind}{number}".encode()).decode().rstrip("=")


class Renderer:
    def __init__(self, emulator):
        self.emu = emulator

    @property
    def api(self) -> str:
        return self.emu.url

    @property
    def html(self) -> str:
        return self.emu.html_url

    # --- users ---

    def simple_user(self, login: str) -> dict:
        user: User = self.emu.user(login)
        api = f"{self.api}/users/{user.login}"
        return {
            "login": user.login, "id": user.id, "node_id": node_id("U", user.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{user.id}?v=4", "gravatar_id": "",
            "url": api, "html_url": f"{self.html}/{user.login}",
            "followers_url": f"{api}/followers", "following_url": f"{api}/following{{/other_user}}",
            "gists_url": f"{api}/gists{{/gist_id}}", "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{api}/subscriptions", "organizations_url": f"{api}/orgs",
            "repos_url": f"{api}/repos", "events_url": f"{api}/events{{/privacy}}",
            "received_events_url": f"{api}/received_events", "type": user.type,
            "user_view_type": "public", "site_admin": False,
        }

    def public_user(self, login: str) -> dict:
        user = self.emu.user(login)
        data = self.simple_user(login)
        data.update({
            "name": user.name, "company": None, "blog": "", "location": None, "email": user.email,
            "hireable": None, "bio": None, "twitter_username": None, "public_repos": 0, "public_gists": 0,
            "followers": 0, "following": 0, "created_at": user.created_at, "updated_at": user.created_at,
        })
        return data

    def private_user(self, login: str) -> dict:
        data = self.public_user(login)
        data.update({
            "user_view_type": "private", "private_gists": 0, "total_private_repos": 0, "owned_private_repos": 0,
            "disk_usage": 0, "collaborators": 0, "two_factor_authentication": True,
        })
        return data

    def collaborator(self, repo: Repo, login: str) -> dict:
        role = "admin" if login == repo.owner else repo.collaborators[login]
        rank = ["read", "triage", "write", "maintain", "admin"].index(role)
        data = self.simple_user(login)
        data["permissions"] = {"pull": True, "triage": rank >= 1, "push": rank >= 2, "maintain": rank >= 3, "admin": rank >= 4}
        data["role_name"] = role
        return data

    # --- repositories ---

    def repository(self, repo: Repo, *, full: bool = False) -> dict:
        api = f"{self.api}/repos/{repo.full_name}"
        html = f"{self.html}/{repo.full_name}"
        open_issues = sum(1 for issue in repo.issues.values() if issue.state == "open")
        data = {
            "id": repo.id, "node_id": node_id("R", repo.id), "name": repo.name, "full_name": repo.full_name,
            "private": repo.private, "owner": self.simple_user(repo.owner), "html_url": html,
            "description": repo.description, "fork": repo.fork, "url": api,
            "archive_url": f"{api}/{{archive_format}}{{/ref}}", "assignees_url": f"{api}/assignees{{/user}}",
            "blobs_url": f"{api}/git/blobs{{/sha}}", "branches_url": f"{api}/branches{{/branch}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}", "comments_url": f"{api}/comments{{/number}}",
            "commits_url": f"{api}/commits{{/sha}}", "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "contents_url": f"{api}/contents/{{+path}}", "contributors_url": f"{api}/contributors",
            "deployments_url": f"{api}/deployments", "downloads_url": f"{api}/downloads",
            "events_url": f"{api}/events", "forks_url": f"{api}/forks",
            "git_commits_url": f"{api}/git/commits{{/sha}}", "git_refs_url": f"{api}/git/refs{{/sha}}",
            "git_tags_url": f"{api}/git/tags{{/sha}}", "git_url": f"git://github.com/{repo.full_name}.git",
            "issue_comment_url": f"{api}/issues/comments{{/number}}", "issue_events_url": f"{api}/issues/events{{/number}}",
            "issues_url": f"{api}/issues{{/number}}", "keys_url": f"{api}/keys{{/key_id}}",
            "labels_url": f"{api}/labels{{/name}}", "languages_url": f"{api}/languages",
            "merges_url": f"{api}/merges", "milestones_url": f"{api}/milestones{{/number}}",
            "notifications_url": f"{api}/notifications{{?since,all,participating}}",
            "pulls_url": f"{api}/pulls{{/number}}", "releases_url": f"{api}/releases{{/id}}",
            "ssh_url": f"git@github.com:{repo.full_name}.git", "stargazers_url": f"{api}/stargazers",
            "statuses_url": f"{api}/statuses/{{sha}}", "subscribers_url": f"{api}/subscribers",
            "subscription_url": f"{api}/subscription", "tags_url": f"{api}/tags", "teams_url": f"{api}/teams",
            "trees_url": f"{api}/git/trees{{/sha}}", "clone_url": f"{html}.git", "mirror_url": None,
            "hooks_url": f"{api}/hooks", "svn_url": html, "homepage": None, "language": None,
            "forks_count": 0, "forks": 0, "stargazers_count": 0, "watchers_count": 0, "watchers": 0, "size": 0,
            "default_branch": repo.default_branch, "open_issues_count": open_issues, "open_issues": open_issues,
            "is_template": False, "topics": [], "has_issues": True, "has_projects": True, "has_wiki": True,
            "has_pages": False, "has_downloads": True, "has_discussions": False, "archived": False, "disabled": False,
            "visibility": "private" if repo.private else "public", "pushed_at": repo.created_at,
            "created_at": repo.created_at, "updated_at": repo.created_at, "license": None,
            "allow_forking": True, "web_commit_signoff_required": False,
        }
        if full:
            data.update({
                "network_count": 0, "subscribers_count": 0,
                "permissions": {"admin": True, "maintain": True, "push": True, "triage": True, "pull": True},
                "allow_squash_merge": True, "allow_merge_commit": True, "allow_rebase_merge": True,
                "allow_auto_merge": False, "delete_branch_on_merge": False,
            })
        return data

    # --- labels and milestones ---

    def label(self, repo: Repo, label: Label) -> dict:
        return {
            "id": label.id, "node_id": node_id("LA", label.id),
            "url": f"{self.api}/repos/{repo.full_name}/labels/{quote(label.name, safe='')}",
            "name": label.name, "color": label.color, "default": label.default, "description": label.description,
        }

    def milestone(self, repo: Repo, milestone: Milestone) -> dict:
        issues = [i for i in repo.issues.values() if i.milestone == milestone.number]
        api = f"{self.api}/repos/{repo.full_name}/milestones/{milestone.number}"
        return {
            "url": api, "html_url": f"{self.html}/{repo.full_name}/milestone/{milestone.number}",
            "labels_url": f"{api}/labels", "id": milestone.id, "node_id": node_id("MI", milestone.id),
            "number": milestone.number, "state": milestone.state, "title": milestone.title,
            "description": milestone.description, "creator": self.simple_user(milestone.creator),
            "open_issues": sum(1 for i in issues if i.state == "open"),
            "closed_issues": sum(1 for i in issues if i.state == "closed"),
            "created_at": milestone.created_at, "updated_at": milestone.updated_at,
            "closed_at": milestone.closed_at, "due_on": milestone.due_on,
        }

    # --- issues and comments ---

    def author_association(self, repo: Repo, login: str) -> str:
        if login == repo.owner:
            return "OWNER"
        if login in repo.collaborators:
            return "COLLABORATOR"
        return "NONE"

    def reactions(self, url: str) -> dict:
        return {"url": f"{url}/reactions", "total_count": 0, "+1": 0, "-1": 0, "laugh": 0, "hooray": 0,
                "confused": 0, "heart": 0, "rocket": 0, "eyes": 0}

    def issue(self, repo: Repo, issue: Issue) -> dict:
        api = f"{self.api}/repos/{repo.full_name}/issues/{issue.number}"
        kind = "pull" if issue.pull else "issues"
        html = f"{self.html}/{repo.full_name}/{kind}/{issue.number}"
        labels = [self.label(repo, repo.label(name)) for name in issue.labels if repo.label(name)]
        comments = sum(1 for c in repo.comments.values() if c.issue_number == issue.number)
        milestone = repo.milestones.get(issue.milestone) if issue.milestone else None
        data = {
            "url": api, "repository_url": f"{self.api}/repos/{repo.full_name}",
            "labels_url": f"{api}/labels{{/name}}", "comments_url": f"{api}/comments", "events_url": f"{api}/events",
            "html_url": html, "id": issue.id, "node_id": node_id("I", issue.id), "number": issue.number,
            "title": issue.title, "user": self.simple_user(issue.user), "labels": labels, "state": issue.state,
            "locked": issue.locked, "assignee": self.simple_user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.simple_user(login) for login in issue.assignees],
            "milestone": self.milestone(repo, milestone) if milestone else None, "comments": comments,
            "created_at": issue.created_at, "updated_at": issue.updated_at, "closed_at": issue.closed_at,
            "author_association": self.author_association(repo, issue.user), "type": None,
            "active_lock_reason": None, "body": issue.body,
            "closed_by": self.simple_user(issue.closed_by) if issue.closed_by else None,
            "reactions": self.reactions(api), "timeline_url": f"{api}/timeline",
            "performed_via_github_app": None, "state_reason": issue.state_reason,
        }
        if issue.pull:
            pulls = f"{self.html}/{repo.full_name}/pull/{issue.number}"
            data["draft"] = issue.pull.draft
            data["pull_request"] = {
                "url": f"{self.api}/repos/{repo.full_name}/pulls/{issue.number}", "html_url": pulls,
                "diff_url": f"{pulls}.diff", "patch_url": f"{pulls}.patch", "merged_at": issue.pull.merged_at,
            }
        return data

    def issue_comment(self, repo: Repo, comment: IssueComment) -> dict:
        api = f"{self.api}/repos/{repo.full_name}/issues/comments/{comment.id}"
        issue = repo.issues[comment.issue_number]
        kind = "pull" if issue.pull else "issues"
        return {
            "url": api, "html_url": f"{self.html}/{repo.full_name}/{kind}/{comment.issue_number}#issuecomment-{comment.id}",
            "issue_url": f"{self.api}/repos/{repo.full_name}/issues/{comment.issue_number}",
            "id": comment.id, "node_id": node_id("IC", comment.id), "user": self.simple_user(comment.user),
            "created_at": comment.created_at, "updated_at": comment.updated_at, "body": comment.body,
            "author_association": self.author_association(repo, comment.user),
            "reactions": self.reactions(api), "performed_via_github_app": None,
        }

    # --- pull requests ---

    def _branch(self, repo: Repo, issue: Issue, ref: str, sha: str, repo_name: str | None) -> dict:
        source = self.emu.repos.get(repo_name) if repo_name else repo
        source = source or repo
        return {"label": f"{source.owner}:{ref}", "ref": ref, "sha": sha, "user": self.simple_user(source.owner),
                "repo": self.repository(source)}

    def _pull_links(self, repo: Repo, number: int, head_sha: str) -> dict:
        api = f"{self.api}/repos/{repo.full_name}"
        return {
            "self": {"href": f"{api}/pulls/{number}"}, "html": {"href": f"{self.html}/{repo.full_name}/pull/{number}"},
            "issue": {"href": f"{api}/issues/{number}"}, "comments": {"href": f"{api}/issues/{number}/comments"},
            "review_comments": {"href": f"{api}/pulls/{number}/comments"},
            "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{api}/pulls/{number}/commits"}, "statuses": {"href": f"{api}/statuses/{head_sha}"},
        }

    def pull(self, repo: Repo, issue: Issue, *, simple: bool = False) -> dict:
        pull = issue.pull
        api = f"{self.api}/repos/{repo.full_name}"
        html = f"{self.html}/{repo.full_name}/pull/{issue.number}"
        labels = []
        for name in issue.labels:
            label = repo.label(name)
            if label:
                rendered = self.label(repo, label)
                rendered["description"] = rendered["description"] or ""
                labels.append(rendered)
        milestone = repo.milestones.get(issue.milestone) if issue.milestone else None
        data = {
            "url": f"{api}/pulls/{issue.number}", "id": issue.id + 1, "node_id": node_id("PR", issue.id),
            "html_url": html, "diff_url": f"{html}.diff", "patch_url": f"{html}.patch",
            "issue_url": f"{api}/issues/{issue.number}", "commits_url": f"{api}/pulls/{issue.number}/commits",
            "review_comments_url": f"{api}/pulls/{issue.number}/comments",
            "review_comment_url": f"{api}/pulls/comments{{/number}}",
            "comments_url": f"{api}/issues/{issue.number}/comments", "statuses_url": f"{api}/statuses/{pull.head_sha}",
            "number": issue.number, "state": issue.state, "locked": issue.locked, "title": issue.title,
            "user": self.simple_user(issue.user), "body": issue.body, "labels": labels,
            "milestone": self.milestone(repo, milestone) if milestone else None,
            "active_lock_reason": None, "created_at": issue.created_at, "updated_at": issue.updated_at,
            "closed_at": issue.closed_at, "merged_at": pull.merged_at, "merge_commit_sha": pull.merge_commit_sha,
            "assignee": self.simple_user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [self.simple_user(login) for login in issue.assignees],
            "requested_reviewers": [], "requested_teams": [],
            "head": self._branch(repo, issue, pull.head_ref, pull.head_sha, pull.head_repo),
            "base": self._branch(repo, issue, pull.base_ref, pull.base_sha, None),
            "_links": self._pull_links(repo, issue.number, pull.head_sha),
            "author_association": self.author_association(repo, issue.user), "auto_merge": None,
            "draft": pull.draft,
        }
        if simple:
            return data
        data.update({
            "merged": pull.merged, "mergeable": None if pull.merged else True,
            "rebaseable": None if pull.merged else True, "mergeable_state": "unknown" if pull.merged else "clean",
            "merged_by": None, "comments": sum(1 for c in repo.comments.values() if c.issue_number == issue.number),
            "review_comments": sum(1 for c in repo.review_comments.values() if c.pull_number == issue.number),
            "maintainer_can_modify": pull.maintainer_can_modify, "commits": 1,
            "additions": sum(f.additions for f in pull.files), "deletions": sum(f.deletions for f in pull.files),
            "changed_files": len(pull.files),
        })
        return data

    def pull_file(self, repo: Repo, issue: Issue, entry: PullFile) -> dict:
        sha = issue.pull.head_sha
        path = quote(entry.filename)
        data = {
            "sha": entry.sha, "filename": entry.filename, "status": entry.status, "additions": entry.additions,
            "deletions": entry.deletions, "changes": entry.additions + entry.deletions,
            "blob_url": f"{self.html}/{repo.full_name}/blob/{sha}/{path}",
            "raw_url": f"{self.html}/{repo.full_name}/raw/{sha}/{path}",
            "contents_url": f"{self.api}/repos/{repo.full_name}/contents/{path}?ref={sha}",
        }
        if entry.patch is not None:
            data["patch"] = entry.patch
        if entry.previous_filename:
            data["previous_filename"] = entry.previous_filename
        return data

    def review_comment(self, repo: Repo, comment: ReviewComment) -> dict:
        api = f"{self.api}/repos/{repo.full_name}"
        html = f"{self.html}/{repo.full_name}/pull/{comment.pull_number}#discussion_r{comment.id}"
        data = {
            "url": f"{api}/pulls/comments/{comment.id}", "pull_request_review_id": comment.review_id,
            "id": comment.id, "node_id": node_id("PRRC", comment.id), "diff_hunk": comment.diff_hunk,
            "path": comment.path, "position": comment.position, "original_position": comment.position,
            "commit_id": comment.commit_id, "original_commit_id": comment.original_commit_id or comment.commit_id,
            "user": self.simple_user(comment.user), "body": comment.body, "created_at": comment.created_at,
            "updated_at": comment.updated_at, "html_url": html, "pull_request_url": f"{api}/pulls/{comment.pull_number}",
            "author_association": self.author_association(repo, comment.user),
            "_links": {"self": {"href": f"{api}/pulls/comments/{comment.id}"}, "html": {"href": html},
                       "pull_request": {"href": f"{api}/pulls/{comment.pull_number}"}},
            "start_line": comment.start_line, "original_start_line": comment.start_line,
            "start_side": comment.start_side, "line": comment.line, "original_line": comment.original_line or comment.line,
            "side": comment.side, "subject_type": "line", "reactions": self.reactions(f"{api}/pulls/comments/{comment.id}"),
        }
        if comment.line is None:  # outdated: GitHub's description has no null for these, so they are left out
            for key in ("line", "position", "original_position"):
                data.pop(key)
            if data["original_line"] is None:
                data.pop("original_line")
        if comment.in_reply_to_id:
            data["in_reply_to_id"] = comment.in_reply_to_id
        return data

    def review(self, repo: Repo, review: Review) -> dict:
        api = f"{self.api}/repos/{repo.full_name}/pulls/{review.pull_number}"
        html = f"{self.html}/{repo.full_name}/pull/{review.pull_number}#pullrequestreview-{review.id}"
        data = {
            "id": review.id, "node_id": node_id("PRR", review.id), "user": self.simple_user(review.user),
            "body": review.body, "state": review.state, "html_url": html, "pull_request_url": api,
            "_links": {"html": {"href": html}, "pull_request": {"href": api}}, "commit_id": review.commit_id,
            "author_association": self.author_association(repo, review.user),
        }
        if review.submitted_at:
            data["submitted_at"] = review.submitted_at
        return data

    # --- contents and git data ---

    def content_file(self, repo: Repo, path: str, sha: str, data: bytes, ref: str) -> dict:
        api = f"{self.api}/repos/{repo.full_name}/contents/{quote(path)}?ref={quote(ref)}"
        git = f"{self.api}/repos/{repo.full_name}/git/blobs/{sha}"
        html = f"{self.html}/{repo.full_name}/blob/{ref}/{quote(path)}"
        encoded = base64.encodebytes(data).decode()
        return {
            "type": "file", "encoding": "base64", "size": len(data), "name": path.rsplit("/", 1)[-1], "path": path,
            "content": encoded, "sha": sha, "url": api, "git_url": git, "html_url": html,
            "download_url": f"{self.html}/{repo.full_name}/raw/{ref}/{quote(path)}",
            "_links": {"self": api, "git": git, "html": html},
        }

    def content_entry(self, repo: Repo, path: str, kind: str, sha: str, size: int, ref: str) -> dict:
        api = f"{self.api}/repos/{repo.full_name}/contents/{quote(path)}?ref={quote(ref)}"
        git = f"{self.api}/repos/{repo.full_name}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
        html = f"{self.html}/{repo.full_name}/{'tree' if kind == 'dir' else 'blob'}/{ref}/{quote(path)}"
        return {
            "type": kind, "size": size, "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha, "url": api,
            "git_url": git, "html_url": html,
            "download_url": None if kind == "dir" else f"{self.html}/{repo.full_name}/raw/{ref}/{quote(path)}",
            "_links": {"self": api, "git": git, "html": html},
        }

    def git_ref(self, repo: Repo, ref: str, sha: str) -> dict:
        kind = repo.git.kind(sha) or "commit"
        return {
            "ref": ref, "node_id": node_id("REF", abs(hash(ref)) % 10**9),
            "url": f"{self.api}/repos/{repo.full_name}/git/{ref}",
            "object": {"type": kind, "sha": sha, "url": f"{self.api}/repos/{repo.full_name}/git/{kind}s/{sha}"},
        }

    def git_commit(self, repo: Repo, sha: str, commit: GitCommit) -> dict:
        api = f"{self.api}/repos/{repo.full_name}/git"
        return {
            "sha": sha, "node_id": node_id("C", int(sha[:7], 16)), "url": f"{api}/commits/{sha}",
            "html_url": f"{self.html}/{repo.full_name}/commit/{sha}", "author": commit.author,
            "committer": commit.committer, "message": commit.message,
            "tree": {"sha": commit.tree, "url": f"{api}/trees/{commit.tree}"},
            "parents": [{"sha": p, "url": f"{api}/commits/{p}", "html_url": f"{self.html}/{repo.full_name}/commit/{p}"}
                        for p in commit.parents],
            "verification": {"verified": False, "reason": "unsigned", "signature": None, "payload": None,
                             "verified_at": None},
        }

    def git_tree(self, repo: Repo, sha: str, recursive: bool) -> dict:
        api = f"{self.api}/repos/{repo.full_name}/git"
        entries = []

        def walk(tree_sha: str, prefix: str):
            for mode, name, entry_sha in repo.git.trees[tree_sha]:
                path = prefix + name
                if mode == "40000":
                    entries.append({"path": path, "mode": "040000", "type": "tree", "sha": entry_sha,
                                    "url": f"{api}/trees/{entry_sha}"})
                    if recursive:
                        walk(entry_sha, path + "/")
                else:
                    entries.append({"path": path, "mode": mode, "type": "blob", "sha": entry_sha,
                                    "size": len(repo.git.blobs[entry_sha]), "url": f"{api}/blobs/{entry_sha}"})

        walk(sha, "")
        return {"sha": sha, "url": f"{api}/trees/{sha}", "tree": entries, "truncated": False}

    def blob(self, repo: Repo, sha: str) -> dict:
        data = repo.git.blobs[sha]
        return {"sha": sha, "node_id": node_id("B", int(sha[:7], 16)),
                "url": f"{self.api}/repos/{repo.full_name}/git/blobs/{sha}", "size": len(data),
                "content": base64.encodebytes(data).decode(), "encoding": "base64"}
