"""The build's fast paths write the site the slow paths write.

* The theme's page shell (site/page_shell.py) against material's template for every page, and
  forked page workers (site/page_pool.py) against bodies made in-process: the same files, byte
  for byte (nav active states, titles, canonical URLs, edit links, relative links at every depth).
* A worker that fails or dies stops the build with one clear error naming the page, and leaves no
  process behind; without ``fork`` the pages are made in-process.
* The Pagefind runs started while pages are written (search_overlap) index what runs after the
  build index; a run that fails stops the build with one line.

Real MkDocs builds in this process (so the switches can be set), Pagefind included."""

from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from postmortem_kit.site import model, page_pool, page_shell
from postmortem_kit.site.plugin import PostmortemsPlugin
from support.incident_factory import incident_yaml, write_incidents
from support.site_fixtures import SITE_PACKAGE, bundle_contents, hostile_incident, mkdocs, write_config

SITE_DOCS = SITE_PACKAGE / "site" / "docs"


@pytest.fixture(scope="module")
def incidents(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("workers") / "postmortems"
    write_incidents(folder, 36, seed=23, status="mixed")
    data = hostile_incident()
    (folder / f"{data['id']}.yaml").write_text(incident_yaml(data), encoding="utf-8")
    return folder


@pytest.fixture
def forks(monkeypatch) -> list[int]:
    """Workers are forked even when an earlier test in this pytest process left an idle thread
    (a served site, a test server): ``can_fork`` counts threads.  Returns the forked pids."""
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    pids: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recording_fork)
    return pids


def site_build(tmp_path: Path, incidents: Path, name: str, **options) -> PostmortemsPlugin:
    path = write_config(tmp_path, incidents, site_dir=tmp_path / name, name=f"{name}.yml", publish_drafts=True,
                        **options)
    config = json.loads(path.read_text(encoding="utf-8"))
    config["site_url"] = "https://lessons.example.org/team/"  # canonical URLs on every page
    path.write_text(json.dumps(config), encoding="utf-8")
    loaded = load_config(str(path))
    # as `mkdocs build` does: MkDocs keeps a plugin that defines on_startup for the whole process, so
    # without this call an earlier test's `serve` would still be the command here (no workers then)
    loaded.plugins.on_startup(command="build", dirty=False)
    build(loaded)
    return loaded.plugins["postmortems"]


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*")
            if path.is_file() and "pagefind" not in path.relative_to(root).parts}


def test_shell_and_workers_write_the_site_the_template_writes(tmp_path, incidents, monkeypatch, forks):
    monkeypatch.setattr(page_shell, "ENABLED", False)
    monkeypatch.setattr(page_pool, "MIN_PAGES", 10 ** 9)
    monkeypatch.setattr(model, "MIN_FORKED", 10 ** 9)
    slow = site_build(tmp_path, incidents, "slow")
    assert slow.shells.filled == 0 and slow.worker_pages == 0

    monkeypatch.setattr(page_shell, "ENABLED", True)
    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.setattr(model, "MIN_FORKED", 1)  # the files read by forked readers too
    monkeypatch.setattr(page_pool, "WINDOW", 7)  # several pairs of workers, one after the other
    monkeypatch.setattr(page_pool.os, "cpu_count", lambda: 2)
    fast = site_build(tmp_path, incidents, "fast")
    assert fast.worker_pages > 20  # incident pages made by the workers (all of them)
    assert fast.shells.filled > 20 and fast.shells.fallbacks == 0
    assert fast.files_made_ahead is not None  # the pages' folders and files made ahead (site.page_files)

    before, after = tree(tmp_path / "slow"), tree(tmp_path / "fast")
    assert sorted(before) == sorted(after)
    differing = [name for name in before if before[name] != after[name]]
    assert not differing, f"{len(differing)} file(s) differ, e.g. {differing[:3]}"
    first = sorted(incidents.glob("*.yaml"))[0].stem
    page = (tmp_path / "fast" / "incidents" / first / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="https://lessons.example.org/team/incidents/{first}/">' in page


def test_a_layout_the_shell_cannot_reproduce_is_rendered_by_the_template(tmp_path, incidents, monkeypatch):
    """A theme override that transforms the title: the check against the template catches it."""
    overrides = tmp_path / "overrides"
    overrides.mkdir()
    (overrides / "main.html").write_text('{% extends "base.html" %}{% block extrahead %}'
                                         "{% if page %}<meta name=\"x-title\" content=\"{{ page.meta.title | upper }}\">{% endif %}"
                                         "{% endblock %}", encoding="utf-8")

    def themed(name: str) -> PostmortemsPlugin:
        path = write_config(tmp_path, incidents, site_dir=tmp_path / name, name=f"{name}.yml")
        config = json.loads(path.read_text(encoding="utf-8"))
        config["theme"] = {"name": "material", "custom_dir": str(overrides)}
        path.write_text(json.dumps(config), encoding="utf-8")
        loaded = load_config(str(path))
        loaded.plugins.on_startup(command="build", dirty=False)
        build(loaded)
        return loaded.plugins["postmortems"]

    monkeypatch.setattr(page_shell, "ENABLED", False)
    themed("template")
    monkeypatch.setattr(page_shell, "ENABLED", True)
    shelled = themed("shell")
    assert shelled.shells.fallbacks > 0
    assert tree(tmp_path / "template") == tree(tmp_path / "shell")


def test_without_fork_the_pages_are_made_in_process(tmp_path, incidents, monkeypatch):
    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.delattr(os, "fork")
    plugin = site_build(tmp_path, incidents, "nofork")
    assert plugin.worker_pages == 0
    first = sorted(incidents.glob("*.yaml"))[0].stem
    assert (tmp_path / "nofork" / "incidents" / first / "index.html").is_file()


def test_with_another_thread_running_the_pages_are_made_in_process(tmp_path, incidents, monkeypatch):
    """Another plugin's thread could hold a lock a forked worker would wait on forever: no fork then."""
    import threading

    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.setattr(model, "MIN_FORKED", 1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        plugin = site_build(tmp_path, incidents, "threaded")
    finally:
        stop.set()
        other.join()
    assert plugin.worker_pages == 0
    first = sorted(incidents.glob("*.yaml"))[0].stem
    assert (tmp_path / "threaded" / "incidents" / first / "index.html").is_file()


@pytest.mark.parametrize("fault", ["dies", "raises"])
def test_a_failing_worker_stops_the_build_with_a_clear_error(tmp_path, incidents, monkeypatch, caplog, fault, forks):
    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.setattr(page_pool, "WINDOW", 5)  # the failing page is in a later pair's window
    monkeypatch.setattr(page_pool.os, "cpu_count", lambda: 2)
    victim = f"incidents/{sorted(incidents.glob('*.yaml'))[9].stem}.md"
    parent = os.getpid()
    body = PostmortemsPlugin._body

    def faulty(self, uri):
        if os.getpid() != parent and uri == victim:  # only in a worker
            if fault == "dies":
                os._exit(7)
            raise ValueError("a page that cannot be made")
        return body(self, uri)

    monkeypatch.setattr(PostmortemsPlugin, "_body", faulty)
    caplog.set_level(logging.ERROR)
    with pytest.raises(Abort):
        site_build(tmp_path, incidents, "broken")
    errors = "\n".join(record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR)
    expected = "stopped unexpectedly (exit status 7)" if fault == "dies" else \
        f"failed on {victim}: ValueError: a page that cannot be made"
    assert expected in errors and victim in errors and "not completely written" in errors
    assert "Traceback" not in errors
    assert not [path for path in (tmp_path / "broken").rglob("*.html") if not path.stat().st_size]  # made ahead, unused
    assert forks
    for pid in forks:  # every worker was reaped (other tests' children are not ours to check)
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_the_search_index_written_during_the_build_is_the_one_written_after_it(tmp_path, incidents, monkeypatch,
                                                                                 forks, caplog):
    """Pagefind runs started while the page workers write pages (search_overlap: true) index
    the same pages into the same bundles as runs started after the last page, in-process."""
    monkeypatch.setattr(page_pool, "MIN_PAGES", 10 ** 9)
    monkeypatch.setattr(model, "MIN_FORKED", 10 ** 9)
    site_build(tmp_path, incidents, "after", search_shard_pages=5, search_overlap=False)
    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.setattr(page_pool, "WINDOW", 7)
    monkeypatch.setattr(page_pool.os, "cpu_count", lambda: 2)
    caplog.set_level(logging.INFO)
    plugin = site_build(tmp_path, incidents, "during", search_shard_pages=5, search_overlap=True)
    assert plugin.worker_pages and forks
    during, after = tmp_path / "during", tmp_path / "after"
    assert tree(during) == tree(after)
    assert bundle_contents(during) == bundle_contents(after)
    manifest = json.loads((during / "pagefind" / "pm-search.json").read_text(encoding="utf-8"))
    assert len(manifest["bundles"]) == 8 and manifest["pages"] == 37
    logged = [record.getMessage() for record in caplog.records if "search index of" in record.getMessage()]
    assert "(8 bundle(s), 0 run(s) started while" not in logged[-1]  # some ran while pages were written
    assert not list(during.glob(".pm-search-*"))


def test_a_failing_pagefind_run_stops_the_build_with_one_clear_line(tmp_path, incidents):
    """A real Pagefind failure (its bundle folder is taken by a file of the docs) in a run started
    while pages are written: `mkdocs build` stops with one line saying so, no traceback, no
    temporary folder and no Pagefind process left."""
    docs = tmp_path / "docs"
    shutil.copytree(SITE_DOCS, docs)
    (docs / "pagefind").write_text("a file where the search bundle goes\n", encoding="utf-8")
    config = write_config(tmp_path, incidents, site_dir=tmp_path / "site", search_shard_pages=5,
                          search_overlap=True)
    data = json.loads(config.read_text(encoding="utf-8"))
    data["docs_dir"] = str(docs)
    config.write_text(json.dumps(data), encoding="utf-8")
    done = mkdocs(config)
    output = done.stdout + done.stderr
    assert done.returncode != 0
    errors = [line for line in output.splitlines() if "pagefind failed" in line]
    assert len(errors) == 1 and "on search shard 1 (exit " in errors[0], output
    # Pagefind meets the file either when it makes the folder or when it writes into it, by timing:
    assert "File exists" in errors[0] or "Not a directory" in errors[0], output
    assert "Traceback" not in output and "backtrace" not in output
    assert not list((tmp_path / "site").glob(".pm-search-*"))
    for entry in Path("/proc").iterdir():  # no Pagefind run over this site is left running
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            assert str(tmp_path / "site").encode() not in command


def test_the_listings_written_last_and_the_build_process_tail_keep_the_site_and_index(tmp_path, incidents,
                                                                                       monkeypatch, forks, caplog):
    """The incident pages are written first and the listings last; the last incident pages are
    made by the build process once the workers are gone (``PagePool.start(tail=...)``), and the
    shards written by then are indexed beside them: the same files and bundles as a build that
    makes every page in-process, and the sitemap in MkDocs' order (home first)."""
    from postmortem_kit.site import write_order

    monkeypatch.setattr(page_pool, "MIN_PAGES", 10 ** 9)
    monkeypatch.setattr(model, "MIN_FORKED", 10 ** 9)
    site_build(tmp_path, incidents, "in-process", search_shard_pages=5)
    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.setattr(page_pool, "WINDOW", 7)
    monkeypatch.setattr(page_pool.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(write_order, "TAIL_COSTS", (1.9, 0.0, 2.6))  # a tail of 27 of the 37 incident pages
    caplog.set_level(logging.INFO)
    plugin = site_build(tmp_path, incidents, "tail", search_shard_pages=5)
    assert 0 < plugin.worker_pages < 10 and forks
    tail, alone = tmp_path / "tail", tmp_path / "in-process"
    assert tree(tail) == tree(alone)
    assert bundle_contents(tail) == bundle_contents(alone)
    logged = [record.getMessage() for record in caplog.records if "search index of" in record.getMessage()]
    assert "(8 bundle(s), 0 run(s) started while" not in logged[-1]  # runs went beside the last pages
    sitemap = (tail / "sitemap.xml").read_text(encoding="utf-8")
    assert sitemap.index("<loc>https://lessons.example.org/team/</loc>") < sitemap.index("/incidents/INC-")
