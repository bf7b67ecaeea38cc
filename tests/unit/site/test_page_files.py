"""The pages' folders and empty files made ahead of MkDocs by a forked process (site/page_files.py)."""

from __future__ import annotations

import sys
import threading

import pytest

from postmortem_kit.site.page_files import PageFiles

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked on Linux only")


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    monkeypatch.setattr(threading, "active_count", lambda: 1)  # an earlier test's idle thread


def test_each_page_gets_its_folder_and_an_empty_file_and_a_written_page_is_left_alone(tmp_path):
    site = tmp_path / "site"
    written = site / "incidents" / "INC-1" / "index.html"
    written.parent.mkdir(parents=True)
    written.write_text("<html>written by MkDocs first</html>", encoding="utf-8")
    paths = [str(site / "incidents" / f"INC-{n}" / "index.html") for n in range(1, 6)] + [str(site / "index.html")]
    files = PageFiles.start(paths)
    assert files is not None and files.pid > 0
    files.close()
    files.close()  # idempotent
    assert files.made == 5
    assert written.read_text(encoding="utf-8") == "<html>written by MkDocs first</html>"
    for path in paths[1:]:
        assert (tmp_path / path).is_file() and (tmp_path / path).stat().st_size == 0


def test_after_a_failed_build_the_files_still_empty_are_removed(tmp_path):
    site = tmp_path / "site"
    paths = [str(site / "tags" / f"t{n}" / "index.html") for n in range(4)]
    files = PageFiles.start(paths)
    files._worker.receive()  # every file made (a build error comes later)
    (site / "tags" / "t0" / "index.html").write_text("<html>a page written</html>", encoding="utf-8")
    files.close(failed=True)
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")) == ["tags/t0/index.html"]


def test_nothing_to_make_or_no_fork_gives_none(tmp_path, monkeypatch):
    assert PageFiles.start([]) is None
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # another thread: no fork
    assert PageFiles.start([str(tmp_path / "index.html")]) is None
    assert not (tmp_path / "index.html").exists()
