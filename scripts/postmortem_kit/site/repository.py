"""Where the lessons site's edit and source links point: ``repo_url`` from mkdocs.yml, else the git
remote of the folder mkdocs.yml is in, turned into a browsable https URL (credentials dropped)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

_SCP = re.compile(r"^(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/\s][^\s]*)$")  # git@host:owner/repo.git


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10,
                              check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    out = done.stdout.strip()
    return out if done.returncode == 0 and out else None


def web_url(remote: str) -> str | None:
    """``git@github.com:team/repo.git`` or ``https://user:token@host/team/repo.git`` as
    ``https://host/team/repo``; None for a local path or anything else."""
    remote = remote.strip()
    match = _SCP.match(remote)
    if match and "://" not in remote:
        host, path = match["host"], match["path"]
    else:
        parts = urlsplit(remote)
        if parts.scheme not in ("https", "http", "ssh", "git") or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[:-4]
    if not path or not re.fullmatch(r"[A-Za-z0-9._~/-]+", path):
        return None
    return urlunsplit(("https", host, "/" + path, "", ""))


def remote_url(folder: Path) -> str | None:
    remote = _git(folder, "remote", "get-url", "origin")
    return web_url(remote) if remote else None


def default_branch(folder: Path) -> str:
    head = _git(folder, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
    if head and "/" in head:
        return head.split("/", 1)[1]
    return _git(folder, "symbolic-ref", "--short", "HEAD") or "main"


def default_edit_uri(repo_url: str, branch: str) -> str:
    """The edit path of the repository root on the forge (GitLab's differs from GitHub's)."""
    host = urlsplit(repo_url).hostname or ""
    return f"-/edit/{branch}/" if "gitlab" in host else f"edit/{branch}/"


def edit_url_base(repo_url: str | None, edit_uri: str | None) -> str | None:
    """The URL an incident file's repository path is appended to for its edit link (as MkDocs joins them)."""
    if not edit_uri:
        return None
    if urlsplit(edit_uri).scheme:
        return edit_uri if edit_uri.endswith("/") else edit_uri + "/"
    if not repo_url:
        return None
    base = urljoin(repo_url if repo_url.endswith("/") else repo_url + "/", edit_uri)
    return base if base.endswith("/") else base + "/"
