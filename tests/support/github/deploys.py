"""The emulator's deployments, deployment statuses and releases (GitHub REST: repos/*-deployment*, *-release*).

State lives on the ``Repo`` (``deployments``, ``releases``); tests seed records
with past times through ``seed_deployment`` and ``seed_release`` (the create
endpoints stamp the current time, as GitHub does). Lists are newest first, as
on api.github.com, and paginated like every other list of the emulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from support.github.handlers import ApiError, Reply, Request, invalid, not_found
from support.github.json_io import node_id
from support.github.state import Repo, next_id, utc_now

DEPLOYMENT_STATES = ("error", "failure", "inactive", "in_progress", "queued", "pending", "success")


@dataclass
class DeploymentStatus:
    id: int
    state: str
    creator: str
    created_at: str
    description: str = ""
    target_url: str = ""
    environment: str = ""


@dataclass
class Deployment:
    id: int
    sha: str
    ref: str
    environment: str
    creator: str
    created_at: str
    description: str | None = None
    task: str = "deploy"
    statuses: list[DeploymentStatus] = field(default_factory=list)


@dataclass
class Release:
    id: int
    tag_name: str
    name: str | None
    author: str
    created_at: str
    published_at: str | None
    target_commitish: str = "main"
    body: str | None = None
    draft: bool = False
    prerelease: bool = False


def seed_deployment(repo: Repo, *, sha: str, ref: str, environment: str, creator: str, created_at: str,
                    description: str | None = None, statuses: list[tuple[str, str, str]] = ()) -> Deployment:
    """A deployment with ``statuses`` given as (state, created_at, description)."""
    deployment = Deployment(next_id(), sha, ref, environment, creator, created_at, description)
    for state, at, text in statuses:
        deployment.statuses.append(DeploymentStatus(next_id(), state, creator, at, text, environment=environment))
    repo.deployments[deployment.id] = deployment
    return deployment


def seed_release(repo: Repo, *, tag_name: str, name: str | None, author: str, published_at: str,
                 draft: bool = False) -> Release:
    release = Release(next_id(), tag_name, name, author, published_at, None if draft else published_at, draft=draft)
    repo.releases[release.id] = release
    return release


class DeployHandlers:
    """Mixed into GitHubEmulator next to Handlers."""

    def _deployment_json(self, repo: Repo, item: Deployment) -> dict:
        api = f"{self.render.api}/repos/{repo.full_name}"
        return {"url": f"{api}/deployments/{item.id}", "id": item.id, "node_id": node_id("DE", item.id),
                "sha": item.sha, "ref": item.ref, "task": item.task, "payload": {}, "original_environment": item.environment,
                "environment": item.environment, "description": item.description,
                "creator": self.render.simple_user(item.creator), "created_at": item.created_at,
                "updated_at": (item.statuses[-1].created_at if item.statuses else item.created_at),
                "statuses_url": f"{api}/deployments/{item.id}/statuses", "repository_url": api,
                "transient_environment": False, "production_environment": item.environment == "production"}

    def _status_json(self, repo: Repo, deployment: Deployment, item: DeploymentStatus) -> dict:
        api = f"{self.render.api}/repos/{repo.full_name}"
        return {"url": f"{api}/deployments/{deployment.id}/statuses/{item.id}", "id": item.id,
                "node_id": node_id("DES", item.id), "state": item.state, "creator": self.render.simple_user(item.creator),
                "description": item.description, "environment": item.environment or deployment.environment,
                "target_url": item.target_url, "log_url": item.target_url, "environment_url": "",
                "created_at": item.created_at, "updated_at": item.created_at,
                "deployment_url": f"{api}/deployments/{deployment.id}", "repository_url": api}

    def _release_json(self, repo: Repo, item: Release) -> dict:
        api = f"{self.render.api}/repos/{repo.full_name}"
        html = f"{self.render.html}/{repo.full_name}"
        return {"url": f"{api}/releases/{item.id}", "html_url": f"{html}/releases/tag/{item.tag_name}",
                "assets_url": f"{api}/releases/{item.id}/assets",
                "upload_url": f"https://uploads.github.com/repos/{repo.full_name}/releases/{item.id}/assets{{?name,label}}",
                "tarball_url": f"{api}/tarball/{item.tag_name}", "zipball_url": f"{api}/zipball/{item.tag_name}",
                "id": item.id, "node_id": node_id("RE", item.id), "tag_name": item.tag_name,
                "target_commitish": item.target_commitish, "name": item.name, "body": item.body, "draft": item.draft,
                "prerelease": item.prerelease, "created_at": item.created_at, "published_at": item.published_at,
                "author": self.render.simple_user(item.author), "assets": []}

    def _deployment(self, req: Request) -> tuple[Repo, Deployment]:
        repo = self._repo(req)
        deployment = repo.deployments.get(int(req.params["deployment_id"]))
        if deployment is None:
            raise not_found()
        return repo, deployment

    def op_repos_list_deployments(self, req: Request) -> Reply:
        repo = self._repo(req)
        items = sorted(repo.deployments.values(), key=lambda d: (d.created_at, d.id), reverse=True)
        for name in ("sha", "ref", "task", "environment"):
            wanted = req.arg(name)
            if wanted is not None:
                items = [d for d in items if getattr(d, name) == wanted]
        return self._page(req, items, lambda d: self._deployment_json(repo, d))

    def op_repos_create_deployment(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "ref")
        sha = repo.git.resolve(req.body["ref"])
        if sha is None:
            raise ApiError(422, f"No ref found for: {req.body['ref']}")
        deployment = Deployment(next_id(), sha, req.body["ref"], req.field("environment", "production"), req.login,
                                utc_now(), req.field("description", ""), req.field("task", "deploy"))
        repo.deployments[deployment.id] = deployment
        return Reply(201, self._deployment_json(repo, deployment))

    def op_repos_list_deployment_statuses(self, req: Request) -> Reply:
        repo, deployment = self._deployment(req)
        items = sorted(deployment.statuses, key=lambda s: (s.created_at, s.id), reverse=True)
        return self._page(req, items, lambda s: self._status_json(repo, deployment, s))

    def op_repos_create_deployment_status(self, req: Request) -> Reply:
        repo, deployment = self._deployment(req)
        self._need(req, "state")
        if req.body["state"] not in DEPLOYMENT_STATES:
            raise invalid("DeploymentStatus", "state")
        status = DeploymentStatus(next_id(), req.body["state"], req.login, utc_now(), req.field("description", ""),
                                  req.field("log_url") or req.field("target_url") or "",
                                  req.field("environment") or deployment.environment)
        deployment.statuses.append(status)
        return Reply(201, self._status_json(repo, deployment, status))

    def op_repos_list_releases(self, req: Request) -> Reply:
        repo = self._repo(req)
        items = sorted(repo.releases.values(), key=lambda r: (r.created_at, r.id), reverse=True)
        return self._page(req, items, lambda r: self._release_json(repo, r))

    def op_repos_create_release(self, req: Request) -> Reply:
        repo = self._repo(req)
        self._need(req, "tag_name")
        if any(r.tag_name == req.body["tag_name"] for r in repo.releases.values()):
            raise invalid("Release", "tag_name", "already_exists")
        now = utc_now()
        draft = bool(req.field("draft", False))
        release = Release(next_id(), req.body["tag_name"], req.field("name"), req.login, now, None if draft else now,
                          req.field("target_commitish") or repo.default_branch, req.field("body"), draft,
                          bool(req.field("prerelease", False)))
        repo.releases[release.id] = release
        return Reply(201, self._release_json(repo, release))
