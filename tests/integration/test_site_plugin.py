"""The `postmortems` MkDocs plugin in a team's repository: found through its entry point, with no paths
to the package in mkdocs.yml; pages under a prefix beside the team's own docs; edit links from the git
remote; `mkdocs serve` watches the incident folder."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

from support.incident_factory import write_incidents
from support.release_repo import git
from support.site_fixtures import mkdocs


def team_repo(tmp_path: Path, **options) -> Path:
    """A repository with its own docs and a mkdocs.yml naming the plugin only by its name."""
    (tmp_path / "docs").mkdir()
    # with a prefix the team keeps its own home page; without one the lessons home is the site's
    name = "index.md" if options.get("prefix") else "handbook.md"
    (tmp_path / "docs" / name).write_text("# Team handbook\n\nHow we work.\n")
    write_incidents(tmp_path / "postmortems", 3, seed=14)
    config = {"site_name": "Team", "docs_dir": "docs", "site_dir": "site", "theme": {"name": "material"},
              "plugins": ["search", {"postmortems": {"followups_status": None, **options}}]}
    path = tmp_path / "mkdocs.yml"
    path.write_text(json.dumps(config), encoding="utf-8")
    return path


def test_pages_under_a_prefix_beside_the_team_docs(tmp_path):
    config = team_repo(tmp_path, prefix="lessons")
    done = mkdocs(config)
    assert done.returncode == 0, done.stdout + done.stderr
    site = tmp_path / "site"
    assert "Team handbook" in (site / "index.html").read_text()
    home = site / "lessons" / "index.html"
    html = home.read_text()
    assert "Incident lessons" in html
    assert (site / "lessons" / "assets" / "postmortem.css").is_file() and 'href="assets/postmortem.css"' in html
    incident_pages = sorted((site / "lessons" / "incidents").glob("INC-*/index.html"))
    assert len(incident_pages) >= 1
    # every relative link of the generated pages lands on a page that exists
    for page in [home, *incident_pages]:
        base = "file://" + str(page.parent) + "/"
        for href in re.findall(r'href="([^"#:?]+)"', page.read_text()):
            if href.startswith(("http", "/")):
                continue
            target = Path(urljoin(base, href)[len("file://"):])
            assert target.exists() or (target / "index.html").exists(), (page, href)


def test_edit_links_come_from_the_git_remote(tmp_path):
    config = team_repo(tmp_path)
    git(tmp_path, "init", "-q", "-b", "trunk")
    git(tmp_path, "remote", "add", "origin", "git@github.com:acme/incident-notes.git")
    done = mkdocs(config)
    assert done.returncode == 0, done.stdout + done.stderr
    page = next((tmp_path / "site" / "incidents").glob("INC-*/index.html"))
    incident = page.parent.name
    html = page.read_text()
    assert f"https://github.com/acme/incident-notes/edit/trunk/postmortems/{incident}.yaml" in html
    assert 'href="https://github.com/acme/incident-notes"' in html  # the header's repository link


def test_a_wrong_option_is_mkdocs_own_error(tmp_path):
    done = mkdocs(team_repo(tmp_path, latest="ten"))
    assert done.returncode == 1
    assert "Plugin 'postmortems' option 'latest'" in done.stderr and "Traceback" not in done.stderr


def test_serve_watches_the_incident_folder(tmp_path):
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    config_path = team_repo(tmp_path, followups_status=None)
    config = load_config(str(config_path))
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    try:
        config.plugins.on_serve(server, config=config, builder=lambda: None)
        assert str((tmp_path / "postmortems").resolve()) in server._watched_paths
    finally:
        server.server_close()


def test_a_serve_rebuild_makes_only_the_changed_incident_page(tmp_path):
    """`mkdocs serve` keeps the plugin between builds: after one incident file changes, the rebuild
    parses that file only and makes that incident's page only (counted, not timed)."""
    import yaml
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from support.incident_factory import incident_yaml

    config_path = team_repo(tmp_path)
    write_incidents(tmp_path / "postmortems", 12, seed=15, start=20)
    files = sorted((tmp_path / "postmortems").glob("*.yaml"))

    def serve_build():
        config = load_config(str(config_path))
        config.plugins.on_startup(command="serve", dirty=False)
        build(config, serve_url="http://127.0.0.1:8000/")
        return config.plugins["postmortems"]

    plugin = serve_build()
    pages = sorted((tmp_path / "site" / "incidents").glob("INC-*/index.html"))
    assert plugin.made.renders == len(pages) >= 10 and plugin.load_cache.parsed == len(files)
    plugin = serve_build()  # nothing changed
    assert plugin.made.renders == 0 and plugin.load_cache.parsed == len(files)

    changed = next(path for path in files if (tmp_path / "site" / "incidents" / path.stem).is_dir())
    data = yaml.safe_load(changed.read_text())
    data["lesson"]["what_changed"] = "Rebuilt after a quokka review."
    changed.write_text(incident_yaml(data), encoding="utf-8")
    plugin = serve_build()
    assert plugin.made.renders == 1 and plugin.load_cache.parsed == len(files) + 1
    assert "quokka" in (tmp_path / "site" / "incidents" / changed.stem / "index.html").read_text()
    assert "quokka" in (tmp_path / "site" / "lessons" / "index.html").read_text()  # listings are rebuilt
