"""The ``postmortems`` MkDocs plugin: turns the incident files into the lessons site.

Registered through the ``mkdocs.plugins`` entry point, so a repository only writes
``plugins: [search, postmortems]``; options are in ``site.options.PostmortemsConfig``.  Everything is
generated at build time (nothing generated is committed), and all state lives on the plugin
instance:

* ``on_startup`` keeps this instance for every build of one ``mkdocs serve``: its caches (parsed
  incident files, made incident pages, see ``site.generated_page``) then make a rebuild parse and
  write again only what an incident change touches;
* ``on_config``  resolves the options, the repository links (``repo_url``, else the git remote) and
  puts the package's theme overrides and stylesheet in place (no paths to edit);
* ``on_files``   loads the incidents and the optional follow-up status file, adds one generated
  Markdown file per page under ``prefix`` and the package's assets; an incident page is a
  ``GeneratedPage`` whose body is made only when it is written (with Pagefind search);
* ``on_page_markdown`` sets each generated page's title (inert text), search exclusion, hidden
  sidebars and edit link;
* ``on_page_content`` sanitises the rendered Markdown and puts the page's HTML blocks in place of
  their tokens; for an indexed page it hands the search plugin only the searchable blocks, and
  ``on_page_context`` (after the search plugin's) gives the page its full body back;
* ``on_page_context`` also makes a ``GeneratedPage``'s body just before the theme writes it;
* ``on_post_page`` sanitises what the theme put around the body in its content ``<article>``, and
  drops a ``GeneratedPage``'s body once written;
* ``on_post_page`` also notes each incident page for the Pagefind index, which is written in
  shards (``search_shards.ShardRunner``), each shard's run started once the page workers are gone
  (``ShardRunner.run_beside``: the build process then makes the last incident pages and the
  listings itself, ``site.write_order``) or, with ``search_overlap``, while the next pages are written;
* ``on_post_build`` waits for the last runs and writes the search manifest (material's own index is
  left empty unless the ``search`` option is ``builtin``);
* ``on_env`` / ``on_serve``: no template re-checks per page in a build, the incident pages put
  before the listings in the order of writing (``site.write_order``; ``on_template_context`` gives
  the sitemap MkDocs' order), the page workers forked (``site.page_pool``) and the pages' folders
  and files made ahead (``site.page_files``);
  ``mkdocs serve`` rebuilds when an incident file (or the status file) changes.

A file that cannot be used is reported as one warning line with its path and position and left
out; ``mkdocs build --strict`` then fails with MkDocs' own "Aborted with N warnings" message.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel

from postmortem_kit.site import links as where
from postmortem_kit.site import search_index, search_shards, write_order
from postmortem_kit.site.generated_page import GeneratedPage, MadeCache, MarkdownMemo
from postmortem_kit.site.options import PostmortemsConfig, SiteOptions, site_options
from postmortem_kit.site.page_files import PageFiles
from postmortem_kit.site.page_pool import PagePool, PoolError
from postmortem_kit.site.page_shell import SHELL_TEMPLATE, PageShells
from postmortem_kit.site.repository import default_branch, default_edit_uri, edit_url_base, remote_url

log = logging.getLogger("mkdocs.plugins.postmortems")

PACKAGE = Path(__file__).resolve().parent
OVERRIDES = PACKAGE / "overrides"
SEARCH_OVERRIDES = PACKAGE / "search_overrides"  # the header's search box, answered by Pagefind
ASSETS = PACKAGE / "docs"
# the pages listed in an automatic nav; the others (one per incident, tag, filter) are reachable by links
IN_NAV = {where.HOME, where.INCIDENTS, where.LESSONS, where.ANALYTICS, where.SERVICES, where.TAGS}


class PostmortemsPlugin(BasePlugin[PostmortemsConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.options: SiteOptions | None = None
        self.edit_base: str | None = None
        self.pages: dict = {}
        self.full_content: dict[str, str] = {}
        self.serving = False
        self.dirty = False
        self.pool = None  # page workers for this build (site.page_pool), None: bodies made in-process
        self.page_files = None  # the pages' folders and files made ahead of MkDocs (site.page_files)
        self.files_made_ahead: int | None = None  # how many of them, in the last build (None: not forked)
        self.worker_pages = 0  # pages given to the workers in the last build
        self.made_waiting = 0  # of them, made here while the workers waited for a search run
        self.load_cache = None  # mkdocs serve: parsed incident files, kept between builds
        self.made = None  # the incident pages made (site.generated_page.MadeCache)
        self.memo = None
        self.shells = None  # the theme's page shell per layout (site.page_shell), one build at a time
        self.search = None  # the search index being written (search_shards.ShardRunner), Pagefind only
        self.page_order = None  # the pages in MkDocs' order when the listings are written last (write_order.listings_last)
        self.search_left = 0  # indexed pages not written yet in this build

    def on_startup(self, *, command, dirty, **kwargs):
        # Defining on_startup keeps this plugin instance for all the builds of one `mkdocs serve`,
        # so its caches see the previous build.
        self.serving = command == "serve"
        self.dirty = bool(dirty)

    def on_config(self, config, **kwargs):
        config_dir = Path(config.config_file_path or ".").resolve().parent
        if isinstance(config.extra, dict) and "postmortems" in config.extra:
            log.warning("extra.postmortems is no longer read: put these options under "
                        "'plugins: - postmortems:' in mkdocs.yml")
        self.options = site_options(self.config, config_dir)
        if self.options.search == search_index.PAGEFIND and not search_index.available():
            log.info("lessons site: Pagefind is not installed (pip install 'postmortem-kit[site]'): "
                     "material's built-in search is used")
            self.options = replace(self.options, search=search_index.BUILTIN)
        self.pages, self.full_content = {}, {}
        self.page_order, self.search_left = None, 0
        self._close_search()
        if self._pagefind():
            self.search = search_shards.ShardRunner(config.site_dir, self.options.search_shard_pages,
                                                   background=self.options.search_overlap,
                                                   memory_mb=self.options.search_overlap_memory_mb,
                                                   pids=self._processes)
        from postmortem_kit.site.model import LoadCache
        from postmortem_kit.textsafety import clean_content

        if self.load_cache is None or not self.serving:
            self.load_cache = LoadCache() if self.serving else None
            self.made = MadeCache(keep=self.serving)
        self.made.renders = 0
        self.memo = MarkdownMemo(config, lambda html: clean_content(html, keep_comments=True))
        if not config.repo_url:
            found = remote_url(config_dir)
            if found:
                config.repo_url = found
                if not config.repo_name:
                    config.repo_name = "/".join(found.rstrip("/").split("/")[-2:])
        edit_uri = self.config.edit_uri
        if edit_uri is None and config.repo_url:
            edit_uri = default_edit_uri(config.repo_url, default_branch(config_dir))
        self.edit_base = edit_url_base(config.repo_url, edit_uri)
        theme = config.theme
        if str(OVERRIDES) not in theme.dirs:
            theme.dirs.insert(1 if theme.custom_dir else 0, str(OVERRIDES))
        if self._pagefind() and str(SEARCH_OVERRIDES) not in theme.dirs:
            theme.dirs.insert(theme.dirs.index(str(OVERRIDES)), str(SEARCH_OVERRIDES))
        for asset in self._assets():
            uri = self.options.prefix + asset.relative_to(ASSETS).as_posix()
            if asset.suffix == ".css" and uri not in config.extra_css:
                config.extra_css.append(uri)
            if asset.suffix == ".js" and self._pagefind() and uri not in [str(x) for x in config.extra_javascript]:
                config.extra_javascript.append(uri)
        return config

    @staticmethod
    def _assets() -> list[Path]:
        return sorted(path for path in ASSETS.rglob("*") if path.is_file() and not path.name.startswith("."))

    def on_files(self, files, config, **kwargs):
        from postmortem_kit.site.build import generate_site
        from postmortem_kit.textsafety import clean_content

        options = self.options
        result = generate_site(options, repo_url=config.repo_url, edit_url_base=self.edit_base,
                               use_directory_urls=config.use_directory_urls, cache=self.load_cache)
        for problem in result.problems:
            log.warning(problem)
        for asset in self._assets():
            uri = options.prefix + asset.relative_to(ASSETS).as_posix()
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(asset), inclusion=InclusionLevel.INCLUDED))
        pages = {}
        lazy = self._pagefind()  # material's built-in search needs every page's text in the first phase
        for page in result.pages:
            if page.make is not None and (not lazy or page.src_uri in IN_NAV):  # MkDocs' nav makes its own pages
                page = self.made.made(page, clean_content)
            elif page.make is None:
                page.fragments = [clean_content(fragment) for fragment in page.fragments]
            uri = options.prefix + page.src_uri
            existing = files.get_file_from_path(uri)
            if existing is not None:
                log.warning(f"{uri} in docs_dir is replaced by the generated page of the same name")
                files.remove(existing)
            inclusion = InclusionLevel.INCLUDED if page.src_uri in IN_NAV else InclusionLevel.NOT_IN_NAV
            generated = File.generated(config, uri, content=page.markdown, inclusion=inclusion)
            generated.edit_uri = page.edit_uri
            files.append(generated)
            if page.make is not None:
                GeneratedPage(None, generated, config)  # becomes generated.page
            pages[uri] = page
        self.pages = pages
        self.made.retain(set(pages))
        log.info(f"lessons site: {result.summary}"
                 + (f"; {self.load_cache.parsed} file(s) parsed" if self.load_cache is not None else ""))
        return files

    def on_page_markdown(self, markdown, page, config, files, **kwargs):
        spec = self.pages.get(page.file.src_uri)
        if spec is None:
            return markdown
        page.meta["title"] = spec.title
        if not spec.search or self._pagefind():
            page.meta["search"] = {"exclude": True}
        if spec.hide:
            page.meta["hide"] = list(spec.hide)
        page.edit_url = self.edit_base + spec.edit_uri if self.edit_base and spec.edit_uri else None
        if isinstance(page, GeneratedPage):  # the theme's page comes from a shell (site.page_shell)
            page.theme_template = page.meta.get("template", "main.html")
            page.meta["template"] = SHELL_TEMPLATE
        return markdown

    def on_page_content(self, html, page, config, files, **kwargs):
        spec = self.pages.get(page.file.src_uri)
        if spec is None or isinstance(page, GeneratedPage):
            return html
        from postmortem_kit.textsafety import clean_content

        # The blocks were cleaned when the pages were generated (on_files); the Markdown part is our
        # headings plus one comment token per block.
        html = clean_content(html, keep_comments=True)
        full = spec.render_fragments(html)
        if not spec.search or self._pagefind():
            return full
        # The search plugin indexes page.content in its on_page_context: it gets only the searchable
        # blocks, and the page gets its full content back in our on_page_context, which runs after it.
        self.full_content[page.file.src_uri] = full
        return spec.render_fragments(html, searchable_only=True)

    @event_priority(-100)
    def on_page_context(self, context, page, config, nav, **kwargs):
        if self.page_order is not None:
            context["pages"] = self.page_order  # as MkDocs gives it, whatever the order of writing
        uri = page.file.src_uri
        if isinstance(page, GeneratedPage) and uri in self.pages:
            if self.pool is not None and self.pool.covers(uri):
                from mkdocs.exceptions import PluginError

                try:
                    content, toc, searched = self.pool.take(uri)
                except (PoolError, search_index.SearchIndexError) as error:
                    raise PluginError(str(error)) from None
            else:
                content, toc, searched = self._body(uri)
            page.fill(content, toc)
            page.searched = searched
            self.shells.prepare(page, context)
            return context
        full = self.full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        return context

    def _body(self, uri: str):
        """A generated page's body, table of contents and, for a page Pagefind indexes, the body
        without its blocks left out of the index (``shard_files.search_document``), else None
        (in a page worker, or in-process)."""
        from postmortem_kit.textsafety import clean_content

        made = self.made.made(self.pages[uri], clean_content)
        html, toc = self.memo.convert(made.markdown)
        searched = made.render_fragments(html, searchable_only=True) if self.search is not None and made.search else None
        return made.render_fragments(html), toc, searched

    def on_post_page(self, output, page, config, **kwargs):
        if page.file.src_uri not in self.pages:
            return output
        from postmortem_kit.textsafety import clean_document

        output = clean_document(output, page.content)
        if self.search is not None:
            try:
                if self.pool is None or self.pool.finished:
                    # the workers are gone: Pagefind takes their core for the shards written
                    self.search.run_beside(last=not self.search_left)
                if self.pages[page.file.src_uri].search:
                    self.search_left -= 1
                    # while a window's workers wait for a run (page_pool), the next run waits for them
                    output = self.search.add(output, page.file.dest_uri,
                                             start=self.pool is None or not self.pool.waiting,
                                             body=(page.content, getattr(page, "searched", None)))
            except search_index.SearchIndexError as error:
                from mkdocs.exceptions import PluginError

                raise PluginError(str(error)) from None
        if isinstance(page, GeneratedPage):
            page.drop()  # written: the page's HTML is not kept
        return output

    def on_post_build(self, config, **kwargs):
        self._close_pool()  # every page is written: the workers are gone before Pagefind starts
        self._close_page_files()
        if self.shells is not None:
            log.debug(f"lessons site: {self.shells.filled} page(s) from a shell, {self.shells.rendered} through "
                      f"the template, {self.shells.fallbacks} layout(s) fell back to the template")
        if not self._pagefind() or self.search is None:
            return
        from mkdocs.exceptions import PluginError

        # Every page is written: the page specs (and, outside `mkdocs serve`, the made pages and the
        # Markdown memo) are not needed again, and Pagefind runs better beside a smaller process.
        self.pages, self.full_content = {}, {}
        if not self.serving:
            self.made = self.memo = None

        search, self.search = self.search, None
        try:
            result = search.finish()
        except search_index.SearchIndexError as error:
            raise PluginError(str(error)) from None
        finally:
            search.close()
        log.info(f"lessons site: search index of {result.pages} page(s) written in {result.seconds:.1f} s "
                 f"after the last page ({len(result.bundles)} bundle(s), {search.started_early} run(s) started while "
                 f"pages were written, Pagefind runs {search.run_seconds:.1f} s; {self.made_waiting} worker "
                 f"page(s) made here while the workers waited for a run)")

    def _pagefind(self) -> bool:
        return self.options is not None and self.options.search == search_index.PAGEFIND

    def on_env(self, env, config, files, **kwargs):
        # Outside `mkdocs serve` no template changes during the build: Jinja need not check each
        # template file again for every page (10,000 incident pages: one stat per partial per page).
        if not self.serving:
            env.auto_reload = False
        self.shells = PageShells(env)
        self.shells.install()
        self._close_pool()
        self._close_page_files()
        if self._pagefind() and not self.serving and not self.dirty:
            self.page_order = write_order.listings_last(files, self.pages)
        self.search_left = sum(1 for file in files.documentation_pages()
                               if file.src_uri in self.pages and self.pages[file.src_uri].search)
        if not self.serving and not self.dirty:  # every page is read: fork the page workers
            # incident pages only: a listing page reads the listing caches of the build process (its rows
            # and lesson blocks), which a worker would build again in its own memory
            uris = [file.src_uri for file in files.documentation_pages()
                    if isinstance(file.page, GeneratedPage) and self.pages.get(file.src_uri) is not None
                    and self.pages[file.src_uri].digest]
            self.made_waiting, self.files_made_ahead = 0, None
            tail = 0 if self.search is None or self.search.background or self.page_order is None else \
                write_order.tail_pages(uris, files, self.pages, self.search_left)
            self.pool = PagePool.start(uris, self._body, may_fork=self._may_fork, tail=tail)
            self.worker_pages = self.pool.size if self.pool is not None else 0
            if self.pool is not None:  # the pages' folders and files, created ahead of MkDocs
                self.page_files = PageFiles.start([file.abs_dest_path for file in files.documentation_pages()
                                                   if file.src_uri in self.pages])
        return env

    def on_template_context(self, context, template_name, config, **kwargs):
        if self.page_order is not None:
            context["pages"] = self.page_order  # the sitemap lists the pages in MkDocs' order
        return context

    def on_build_error(self, error, **kwargs):
        self._close_pool(kill=True)
        self._close_page_files(failed=True)
        self._close_search()

    def _may_fork(self, waiting: bool) -> bool:
        """Between two windows of page workers (none running): one search shard that is due runs
        now if the memory allows, and the next pair of workers waits until it has finished
        (``waiting``: asked again, no other run is started) unless the workers and the run fit in
        the memory together, so Pagefind has the other core and the workers' memory
        (``page_pool``, ``search_index``)."""
        if self.search is None or not self.search.background:
            return True
        self.search.poll(between=True, start=not waiting)
        return self.search.leaves_room_for_workers()

    def _processes(self) -> list[int]:
        """This build's processes: this one and its page workers (what a Pagefind run adds to)."""
        import os

        return [os.getpid(), *(self.pool.pids() if self.pool is not None else [])]

    def _close_search(self) -> None:
        if self.search is not None:
            self.search.close()
            self.search = None

    def _close_page_files(self, failed: bool = False) -> None:
        if self.page_files is not None:
            self.page_files.close(failed=failed)
            self.files_made_ahead = self.page_files.made
            self.page_files = None

    def _close_pool(self, kill: bool = False) -> None:
        if self.pool is not None:
            self.pool.close(kill=kill)
            self.made_waiting = self.pool.made_here
            self.pool = None

    def on_serve(self, server, config, builder, **kwargs):
        options = self.options
        if options is None:
            return server
        if options.incidents_dir.is_dir():
            server.watch(str(options.incidents_dir))
        if options.followups_status is not None and options.followups_status.is_file():
            server.watch(str(options.followups_status))
        return server
