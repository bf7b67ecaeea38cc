"""The search index in shards: which pages go to which Pagefind run, the manifest the search box
reads, and real Pagefind runs over a few small pages (one bundle per shard, merged bundles pruned,
no temporary folder left behind, an empty site gets an empty manifest)."""

from __future__ import annotations

import gzip
import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest
from mkdocs.config.base import ValidationError

from postmortem_kit.site import search_index, search_shards, shard_files
from postmortem_kit.site.options import PostmortemsConfig, site_options
from postmortem_kit.site.search_index import MANIFEST, SearchPages, bundle_name, shards
from postmortem_kit.site.search_shards import build_index
from support.site_fixtures import bundle_contents


def _page(title: str, words: str, filters: dict[str, list[str]], before: str = "") -> str:
    spans = "".join(f'<span data-pagefind-filter="{name}:{value}"></span>'
                    for name, values in filters.items() for value in values)
    return (f"<!doctype html><html lang=\"en\"><head><title>{title}</title></head><body>"
            f"<nav>navigation words</nav>{search_index.ARTICLE_OPEN}<h1>{title}</h1>{before}"
            f'<div class="pm-search-facets" hidden data-pagefind-ignore>{spans}</div>'
            f"<p>{words}</p><p data-search-exclude>excludedword</p>"
            f'<div class="pm-unindexed" data-pagefind-ignore><p>timelineword</p></div></article></body></html>')


def test_shards_are_the_pages_in_write_order_in_runs_of_the_size():
    paths = [f"incidents/INC-{n}/index.html" for n in (5, 1, 4, 2, 3)]
    assert shards(paths, 2) == [["incidents/INC-5/index.html", "incidents/INC-1/index.html"],
                                ["incidents/INC-4/index.html", "incidents/INC-2/index.html"],
                                ["incidents/INC-3/index.html"]]
    assert shards(paths, 1000) == [paths]
    assert shards([], 3) == []
    assert [len(group) for group in shards(paths, 1)] == [1] * 5
    assert [bundle_name(n) for n in range(3)] == ["", "1/", "2/"]


def test_search_pages_marks_the_article_and_counts_the_filter_values():
    pages = SearchPages()
    # page text cannot hold a raw "<": a facet block quoted in an incident's text is not read
    quoted = '<p>&lt;div class="pm-search-facets" hidden&gt; data-pagefind-filter="severity:SEV9"</p>'
    first = pages.add(_page("One", "alpha", {"severity": ["SEV1"], "tag": ["dns", "tls"]}, before=quoted),
                      "incidents/INC-1/index.html")
    pages.add(_page("Two", "beta", {"severity": ["SEV1"], "tag": ["dns"], "year": ["2025"]}),
              "incidents/INC-2/index.html")
    pages.add("<html><body>no facets</body></html>", "incidents/INC-3/index.html")
    assert search_index.BODY_OPEN in first and search_index.ARTICLE_OPEN not in first
    assert pages.paths == [f"incidents/INC-{n}/index.html" for n in (1, 2, 3)]
    manifest = pages.manifest(["", "1/"])
    assert manifest == {"version": 1, "pages": 3, "bundles": ["", "1/"],
                        "filters": {"severity": {"SEV1": 2}, "tag": {"dns": 2, "tls": 1}, "year": {"2025": 1}}}


def _site(tmp_path: Path, count: int) -> tuple[Path, SearchPages]:
    site = tmp_path / "site"
    pages = SearchPages()
    for n in range(count):
        relative = f"incidents/INC-{n:02d}/index.html"
        path = site / relative
        path.parent.mkdir(parents=True)
        document = pages.add(_page(f"Incident {n}", f"common word{n}",
                                   {"severity": [f"SEV{n % 2 + 1}"], "year": ["2024"]}), relative)
        path.write_text(document, encoding="utf-8")
    (site / "index.html").write_text(_page("Home", "listing", {}), encoding="utf-8")  # not noted: not indexed
    return site, pages


def _records(bundle: Path) -> list[dict]:
    records = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        records.append(json.loads(data[len(b"pagefind_dcd"):]))
    return records


def test_build_index_writes_one_bundle_per_shard_and_the_manifest(tmp_path):
    site, pages = _site(tmp_path, 5)
    (site / "pagefind" / "9").mkdir(parents=True)  # an earlier build's bundle goes
    result = build_index(site, pages, shard_pages=2)
    assert result.pages == 5 and result.bundles == ("", "1/", "2/")
    bundle = site / "pagefind"
    manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["bundles"] == ["", "1/", "2/"] and manifest["pages"] == 5
    assert manifest["filters"] == {"severity": {"SEV1": 3, "SEV2": 2}, "year": {"2024": 5}}
    assert not (bundle / "9").exists()
    urls = {name: sorted(r["url"] for r in _records(bundle / name)) for name in ("", "1", "2")}
    assert urls == {"": ["/incidents/INC-00/", "/incidents/INC-01/"],
                    "1": ["/incidents/INC-02/", "/incidents/INC-03/"], "2": ["/incidents/INC-04/"]}
    # the same URLs as one run over the site would give; only the article, without the ignored parts
    record = _records(bundle / "2")[0]
    assert "word4" in record["content"] and "navigation" not in record["content"]
    assert "excludedword" not in record["content"] and "timelineword" not in record["content"]
    assert record["filters"] == {"severity": ["SEV1"], "year": ["2024"]}
    # the first bundle is complete; a merged one keeps only its index
    assert (bundle / "pagefind.js").is_file() and list(bundle.glob("wasm.*.pagefind"))
    assert sorted(p.name for p in (bundle / "1").iterdir() if p.suffix != ".pf_meta") == \
        ["filter", "fragment", "index", "pagefind-entry.json"]
    assert len(list((bundle / "1").glob("*.pf_meta"))) == 1
    # what the search box fetches at once: every bundle's metadata and the first one's wasm, named
    # by the entry files, and a tag for this build's entry files
    assert len(manifest["tag"]) == 16 and int(manifest["tag"], 16) >= 0
    assert sorted(manifest["warm"]) == sorted(
        [p.relative_to(bundle).as_posix() for p in bundle.rglob("*.pf_meta")] + ["wasm.en.pagefind"])
    assert search_index.preloads(bundle, ["", "1/", "2/"]) == (manifest["tag"], manifest["warm"])
    # the temporary folders are gone; the pages are untouched
    assert sorted(p.name for p in site.iterdir()) == ["incidents", "index.html", "pagefind"]
    assert (site / "incidents/INC-04/index.html").stat().st_nlink == 1


def test_pagefind_given_the_head_and_article_writes_the_fragments_of_the_whole_pages(tmp_path):
    """Each shard's folder holds the pages cut to their head and marked article (``search_document``):
    every fragment (URL, text, anchors, filters, metadata) is byte for byte the one Pagefind writes
    over the whole pages, so its file name (a hash of it) is the same too."""
    import subprocess

    site, pages = _site(tmp_path, 4)
    whole = tmp_path / "whole"
    env = {**os.environ, search_index.CHUNK_SIZE_VARIABLE: str(search_index.CHUNK_SIZE)}
    subprocess.run(search_shards._command() + ["--site", str(site), "--output-path", str(whole),
                                               "--exclude-selectors", search_index.EXCLUDE_SELECTORS],
                   check=True, capture_output=True, env=env)
    build_index(site, pages, shard_pages=10)

    def fragments(bundle: Path) -> dict[str, bytes]:
        return {path.name: gzip.decompress(path.read_bytes()) for path in (bundle / "fragment").iterdir()}

    assert len(fragments(whole)) == 4
    assert fragments(site / "pagefind") == fragments(whole)


def test_pagefind_given_the_body_without_its_unindexed_blocks_writes_the_same_fragments(tmp_path):
    """The plugin hands ``add`` the page's body and the same body without the blocks left out of
    the index (``body``): Pagefind, given that, writes every fragment byte for byte as over the
    whole pages (the blocks' text was never indexed; headings, and so anchors, stay)."""
    import subprocess

    whole_site, runner = tmp_path / "whole-site", search_shards.ShardRunner(tmp_path / "site", 10, background=False)
    for n in range(3):
        relative = f"incidents/INC-{n:02d}/index.html"
        page = _page(f"Incident {n}", f"common word{n}", {"severity": ["SEV1"]})
        body = page[page.index("<h1>"):page.index("</article>")]
        searched = body.replace("<p data-search-exclude>excludedword</p>", "").replace(
            '<div class="pm-unindexed" data-pagefind-ignore><p>timelineword</p></div>', "")
        assert searched != body
        for site, document in ((whole_site, SearchPages().add(page, relative)),
                               (runner.site, runner.add(page, relative, body=(body, searched)))):
            (site / relative).parent.mkdir(parents=True, exist_ok=True)
            (site / relative).write_text(document, encoding="utf-8")
    folder = runner._shard.folder  # what Pagefind will read, written as each page is noted
    assert folder.parent == shard_files.scratch_dir() and folder.name.startswith(shard_files.FOLDER_PREFIX)
    cut = (folder / "incidents/INC-00/index.html").read_text(encoding="utf-8")
    assert "timelineword" not in cut and "word0" in cut
    runner.finish()
    assert not folder.exists()
    runner.close()
    env = {**os.environ, search_index.CHUNK_SIZE_VARIABLE: str(search_index.CHUNK_SIZE)}
    subprocess.run(search_shards._command() + ["--site", str(whole_site), "--output-path", str(tmp_path / "whole"),
                                               "--exclude-selectors", search_index.EXCLUDE_SELECTORS],
                   check=True, capture_output=True, env=env)

    def fragments(bundle: Path) -> dict[str, bytes]:
        return {path.name: gzip.decompress(path.read_bytes()) for path in (bundle / "fragment").iterdir()}

    assert len(fragments(tmp_path / "whole")) == 3
    assert fragments(runner.site / "pagefind") == fragments(tmp_path / "whole")


def test_the_search_document_is_the_head_and_the_marked_article():
    page = SearchPages().add(_page("One", "alpha", {"severity": ["SEV1"]}), "incidents/INC-1/index.html")
    cut = shard_files.search_document(page)
    assert cut.startswith('<!doctype html><html lang="en"><head><title>One</title></head><body>')
    assert search_index.BODY_OPEN + "<h1>One</h1>" in cut and "navigation" not in cut
    assert cut.endswith("timelineword</p></div></article></body></html>\n")
    unmarked = _page("Two", "beta", {})  # no marked article: given whole
    assert shard_files.search_document(unmarked) == unmarked
    assert shard_files.search_document("<html>no body</html>") == "<html>no body</html>"


def test_an_empty_site_gets_an_empty_manifest_and_no_pagefind_run(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    result = build_index(site, SearchPages(), shard_pages=2)
    assert result.pages == 0 and result.bundles == ()
    manifest = json.loads((site / "pagefind" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"version": 1, "pages": 0, "bundles": [], "filters": {}}
    assert sorted(p.name for p in (site / "pagefind").iterdir()) == [MANIFEST]


def test_a_failing_pagefind_is_a_clear_error(tmp_path, monkeypatch):
    site, pages = _site(tmp_path, 1)
    monkeypatch.setattr(search_shards, "_command", lambda: [str(tmp_path / "no-such-pagefind")])
    with pytest.raises(search_index.SearchIndexError, match="pagefind could not start"):
        build_index(site, pages)
    assert sorted(p.name for p in site.iterdir()) == ["incidents", "index.html"]  # no folder left behind


def _written_as_mkdocs_writes(site: Path, runner: search_shards.ShardRunner, count: int) -> None:
    """Each page noted (``on_post_page``), then written, one after the other, as MkDocs does."""
    for n in reversed(range(count)):  # not in path order: the shards are the pages in write order
        relative = f"incidents/INC-{n:02d}/index.html"
        document = runner.add(_page(f"Incident {n}", f"common word{n}",
                                    {"severity": [f"SEV{n % 2 + 1}"], "year": ["2024"]}), relative)
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")


def test_shards_indexed_while_pages_are_written_give_the_bundles_of_one_run_after(tmp_path):
    sequential, overlapped = tmp_path / "sequential", tmp_path / "overlapped"
    results = {}
    for site, background in ((sequential, False), (overlapped, True)):
        runner = search_shards.ShardRunner(site, 2, background=background)
        _written_as_mkdocs_writes(site, runner, 7)
        assert (runner.started_early >= 1) == background  # the first shard ran while pages were written
        results[background] = runner.finish()
        runner.close()
    assert results[True].bundles == results[False].bundles == ("", "1/", "2/", "3/")
    assert results[True].pages == results[False].pages == 7
    assert bundle_contents(overlapped) == bundle_contents(sequential)  # manifest and fragments byte for byte
    urls = sorted(r["url"] for r in _records(overlapped / "pagefind"))
    assert urls == ["/incidents/INC-05/", "/incidents/INC-06/"]  # the first two written
    assert sorted(p.name for p in overlapped.iterdir()) == ["incidents", "pagefind"]  # no folder left
    # build_index (the pages noted first, then indexed) gives the same bundles
    pages = SearchPages()
    pages.paths = [f"incidents/INC-{n:02d}/index.html" for n in reversed(range(7))]
    pages.filters = {"severity": Counter({"SEV1": 4, "SEV2": 3}), "year": Counter({"2024": 7})}
    build_index(overlapped, pages, shard_pages=2)
    assert bundle_contents(overlapped) == bundle_contents(sequential)


@pytest.mark.parametrize("background", [True, False])
def test_a_failing_pagefind_run_is_one_clear_line_and_leaves_nothing_behind(tmp_path, background, monkeypatch):
    scratch = tmp_path / "ram"
    scratch.mkdir()
    monkeypatch.setattr(shard_files, "SCRATCH_DIRS", (str(scratch),))
    site = tmp_path / "site"
    site.mkdir()
    (site / "pagefind").write_text("not a folder", encoding="utf-8")  # Pagefind cannot write its bundle
    runner = search_shards.ShardRunner(site, 2, background=background)
    with pytest.raises(search_index.SearchIndexError) as caught:
        _written_as_mkdocs_writes(site, runner, 7)
        time.sleep(0.5)
        runner.poll()
        runner.finish()
    runner.close()
    message = str(caught.value)
    assert message.startswith("pagefind failed on search shard 1 (exit ") and "\n" not in message
    assert "backtrace" not in message  # Pagefind meets the file making the folder or writing in it, by timing:
    assert "File exists" in message or "Not a directory" in message
    assert sorted(p.name for p in site.iterdir()) == ["incidents", "pagefind"]  # no temporary folder
    assert not list(scratch.iterdir())


def test_the_shard_folders_go_on_a_ram_file_system_with_room_else_in_the_temporary_folder(tmp_path, monkeypatch):
    import tempfile

    ram = tmp_path / "ram"
    ram.mkdir()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(shard_files, "SCRATCH_DIRS", (str(tmp_path / "missing"), str(tmp_path / "a-file"), str(ram)))
    assert shard_files.scratch_dir() == ram
    monkeypatch.setattr(shard_files, "SCRATCH_ROOM_MB", 2 ** 40)  # no file system has that much room
    assert shard_files.scratch_dir() == Path(tempfile.gettempdir())
    monkeypatch.setattr(shard_files, "SCRATCH_DIRS", ())
    assert shard_files.scratch_dir() == Path(tempfile.gettempdir())


@pytest.mark.skipif(not Path("/proc/self/smaps_rollup").is_file(), reason="PSS is read from /proc (Linux)")
def test_a_run_starts_while_pages_are_written_only_if_the_memory_allows(tmp_path, monkeypatch):
    from postmortem_kit.site.memory import pss_mb

    held = pss_mb([os.getpid()])
    assert held and held > 1 and abs(pss_mb([os.getpid(), 2 ** 22 + 7]) - held) < 8  # a process gone counts 0 (ours moves by pages)
    monkeypatch.setattr(search_shards, "CHECK_SECONDS", 0.0)
    started = {}
    for budget in (64, 1_000_000):  # below what this process holds already; plenty
        site = tmp_path / str(budget)
        runner = search_shards.ShardRunner(site, 2, memory_mb=budget)
        _written_as_mkdocs_writes(site, runner, 7)
        started[budget] = runner.started_early
        assert runner.held_mb >= held / 2
        assert runner.finish().bundles == ("", "1/", "2/", "3/")  # held back: every run after the last page
        runner.close()
    assert started[64] == 0 and started[1_000_000] >= 1
    runner = search_shards.ShardRunner(tmp_path / "room", 2, memory_mb=1_000_000)
    assert runner.leaves_room_for_workers()  # no run
    _written_as_mkdocs_writes(tmp_path / "room", runner, 3)
    assert runner.running and runner.leaves_room_for_workers()
    runner.memory_mb = 64  # the workers and the run would not fit: the workers wait
    assert not runner.leaves_room_for_workers()
    runner.close()
    assert bundle_contents(tmp_path / "64") == bundle_contents(tmp_path / "1000000")
    assert search_shards.pagefind_mb(1000) > 160 > search_shards.pagefind_mb(500) > 80


def test_close_stops_a_run_still_going(tmp_path):
    site = tmp_path / "site"
    runner = search_shards.ShardRunner(site, 2)
    _written_as_mkdocs_writes(site, runner, 3)  # the first shard's run has started
    assert runner.started_early == 1
    runner.close()
    runner.close()
    assert sorted(p.name for p in site.iterdir()) in (["incidents"], ["incidents", "pagefind"])


def test_last_line_of_a_failed_run():
    panic = ("Running Pagefind v1.5.2\n\nthread 'main' (30310) panicked at pagefind/src/output/mod.rs:422:46:\n"
             "called `Result::unwrap()` on an `Err` value: Os { code: 17 }\nstack backtrace:\n"
             "   0: rust_begin_unwind\n             at /rustc/x/library/std/src/panicking.rs:665:5\n"
             "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n")
    assert search_shards._last_line(panic) == "called `Result::unwrap()` on an `Err` value: Os { code: 17 }"
    assert search_shards._last_line("") == "no output"
    assert len(search_shards._last_line("x" * 1000)) == 300


def test_release_memory_runs_anywhere():
    search_index.release_memory()


def test_shard_size_option(tmp_path):
    assert site_options({}, tmp_path).search_shard_pages == 1000
    assert site_options({"search_shard_pages": 3}, tmp_path).search_shard_pages == 3
    for bad in (0, True, "many"):
        config = PostmortemsConfig()
        config.load_dict({"search_shard_pages": bad})
        failed, _ = config.validate()
        assert failed and failed[0][0] == "search_shard_pages", bad
    with pytest.raises(ValidationError):
        PostmortemsConfig.search_shard_pages.run_validation(-1)


def test_overlap_options(tmp_path):
    assert site_options({}, tmp_path).search_overlap_memory_mb == 400
    assert site_options({"search_overlap_memory_mb": 300}, tmp_path).search_overlap_memory_mb == 300
    for bad in (10, True, "400MB", 4.5):
        config = PostmortemsConfig()
        config.load_dict({"search_overlap_memory_mb": bad})
        failed, _ = config.validate()
        assert failed and failed[0][0] == "search_overlap_memory_mb", bad
    assert site_options({}, tmp_path).search_overlap is False
    assert site_options({"search_overlap": False}, tmp_path).search_overlap is False
    for bad in ("no", 0, "true"):
        config = PostmortemsConfig()
        config.load_dict({"search_overlap": bad})
        failed, _ = config.validate()
        assert failed and failed[0][0] == "search_overlap", bad


def test_a_temporary_folder_that_cannot_be_written_is_a_clear_error(tmp_path, monkeypatch):
    scratch = tmp_path / "ram"
    scratch.mkdir()
    monkeypatch.setattr(shard_files, "SCRATCH_DIRS", (str(scratch),))
    runner = search_shards.ShardRunner(tmp_path / "site", 10, background=False)
    page = _page("One", "alpha", {"severity": ["SEV1"]})
    body = page[page.index("<h1>"):page.index("</article>")]
    runner.add(page, "incidents/INC-01/index.html", body=(body, body))
    (runner._shard.folder / "incidents").rename(runner._shard.folder / "moved")
    (runner._shard.folder / "incidents").write_text("a file where a folder goes", encoding="utf-8")
    with pytest.raises(search_index.SearchIndexError, match="temporary folder could not be written"):
        runner.add(page, "incidents/INC-02/index.html", body=(body, body))
    runner.close()
    assert not list(scratch.iterdir())


@pytest.mark.parametrize("entry", [
    None,  # no entry file
    b"{not json",
    b'{"languages": []}',
    b'{"languages": {}}',
    b'{"languages": {"en": {"hash": "en_1", "wasm": "en"}, "de": {"hash": "de_1", "wasm": "de"}}}',
    b'{"languages": {"en": {"hash": "../../x", "wasm": "en"}}}',
    b'{"languages": {"en": {"hash": "en_1", "wasm": "https://example.com/x"}}}',
    b'{"languages": {"en": "en_1"}}',
])
def test_no_early_fetches_from_an_entry_file_that_is_missing_or_odd(tmp_path, entry):
    """The search box then loads as Pagefind does by itself: the manifest names nothing to fetch."""
    good = b'{"version": "1.5.2", "languages": {"en": {"hash": "en_a1", "wasm": "en", "page_count": 2}}}'
    (tmp_path / "1").mkdir()
    (tmp_path / search_index.ENTRY).write_bytes(good)
    if entry is not None:
        (tmp_path / "1" / search_index.ENTRY).write_bytes(entry)
    assert search_index.preloads(tmp_path, [""])[1] == ["pagefind.en_a1.pf_meta", "wasm.en.pagefind"]
    assert search_index.preloads(tmp_path, ["", "1/"]) is None
    assert search_index.preloads(tmp_path, []) is None
    assert "tag" not in SearchPages().manifest([""], None)
