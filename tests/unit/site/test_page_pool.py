"""Page workers that wait for the search index: while ``may_fork`` says no at a window's start,
that window's pages are made in the build process, and a pair is forked for the rest of the
window once it says yes; every page's body is the one its maker gives, in any case."""

from __future__ import annotations

import os
import threading

import pytest

from postmortem_kit.site import page_pool
from postmortem_kit.site.page_pool import PagePool

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="page workers fork")


def _body(uri: str):
    return f"<p>{uri} made by {os.getpid()}</p>", [{"id": uri}]


@pytest.mark.parametrize("answers", [[True], [False, False, False, True], [False]])
def test_pages_wait_for_may_fork_and_come_out_the_same(monkeypatch, answers):
    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.setattr(page_pool, "WINDOW", 6)
    monkeypatch.setattr(page_pool, "MAIN_EVERY", 4)  # every fourth page made by the build process itself (the default)
    monkeypatch.setattr(page_pool.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    asked = []

    def may_fork(waiting: bool) -> bool:
        asked.append(waiting)
        return answers[min(len(asked), len(answers)) - 1]

    uris = [f"incidents/INC-{n:02d}.md" for n in range(40)]
    pool = PagePool.start(uris, _body, may_fork=may_fork)
    assert pool is not None
    here = os.getpid()
    makers = {}
    for uri in uris:
        if pool.covers(uri):
            content, toc = pool.take(uri)
            assert content.startswith(f"<p>{uri} made by ") and toc == [{"id": uri}]
            makers[uri] = int(content.split()[-1][:-4])
    assert len(makers) == pool.size == 30 and asked  # 3 of every 4 pages, windows of 6: 4 later windows
    made_here = sum(pid == here for pid in makers.values())
    assert made_here == pool.made_here
    if answers == [True]:
        assert made_here == 0
    elif answers == [False]:
        assert made_here == 24  # every window after the first
    else:
        assert 0 < made_here < 24
    pool.close()


def test_by_default_the_build_process_makes_every_fourth_page(monkeypatch):
    monkeypatch.setattr(page_pool, "MIN_PAGES", 1)
    monkeypatch.setattr(page_pool.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert page_pool.MAIN_EVERY == 4
    uris = [f"incidents/INC-{n:02d}.md" for n in range(10)]
    pool = PagePool.start(uris, _body)
    given = [uri for index, uri in enumerate(uris) if index % 4 != 3]
    assert pool is not None and pool.size == 8 and [uri for uri in uris if pool.covers(uri)] == given
    here = os.getpid()
    for uri in given:
        content, _ = pool.take(uri)
        assert content.startswith(f"<p>{uri} made by ") and not content.endswith(f" {here}</p>")
    pool.close()
