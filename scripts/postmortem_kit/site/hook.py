"""MkDocs hook that turns postmortems/*.yaml into the lessons site.

Registered in mkdocs.yml under ``hooks:``.  Everything is generated in
memory at build time (nothing generated is committed):

* ``on_config``  reads ``extra.postmortems`` (see ``site_options``);
* ``on_files``   loads the incidents, the optional follow-up status file,
  computes similar incidents, adds one generated Markdown file per page and
  sanitises each page's HTML blocks with the nh3 allowlist;
* ``on_page_markdown`` sets each generated page's title (inert text), search
  exclusion and hidden sidebars;
* ``on_page_content`` sanitises the rendered Markdown (only our fixed headings)
  and puts the page's HTML blocks in place of their tokens; for an indexed
  page it hands the search plugin only the searchable blocks, and
  ``on_page_context`` (after the search plugin's) gives the page its full
  body back;
* ``on_post_page`` sanitises what the theme put around the body in its
  content ``<article>`` (title, edit button);
* ``on_post_build`` writes the Pagefind search index (``search_index``; material's own index
  is left empty unless ``extra.postmortems.search: builtin``);
* ``on_serve``   makes ``mkdocs serve`` rebuild when an incident file (or the
  follow-up status file) changes.

A file that cannot be used is reported as one warning line with its path and
position and left out; ``mkdocs build --strict`` then fails with MkDocs' own
"Aborted with N warnings" message instead of a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from postmortem_kit.site import search_index
from postmortem_kit.site.options import SiteOptionError, SiteOptions, read_options

log = logging.getLogger("mkdocs.plugins.postmortem_site")

_state: dict = {"options": None, "pages": {}, "full_content": {}}


def on_config(config, **kwargs):
    config_dir = Path(config.config_file_path or ".").resolve().parent
    try:
        _state["options"] = read_options(config.extra, config_dir)
    except SiteOptionError as error:
        raise PluginError(str(error)) from None
    _state["pages"] = {}
    _state["full_content"] = {}
    return config


def on_files(files, config, **kwargs):
    from postmortem_kit.site.build import generate_site

    options: SiteOptions = _state["options"]
    result = generate_site(options, repo_url=config.repo_url, edit_url_base=_edit_url_base(config),
                           use_directory_urls=config.use_directory_urls)
    for problem in result.problems:
        log.warning(problem)
    from postmortem_kit.textsafety import clean_content

    pages = {}
    for page in result.pages:
        page.fragments = [clean_content(fragment) for fragment in page.fragments]
        existing = files.get_file_from_path(page.src_uri)
        if existing is not None:
            log.warning(f"{page.src_uri} in docs_dir is replaced by the generated page of the same name")
            files.remove(existing)
        generated = File.generated(config, page.src_uri, content=page.markdown)
        generated.edit_uri = page.edit_uri
        files.append(generated)
        pages[page.src_uri] = page
    _state["pages"] = pages
    log.info(f"lessons site: {result.summary}")
    return files


def on_page_markdown(markdown, page, config, files, **kwargs):
    spec = _state["pages"].get(page.file.src_uri)
    if spec is None:
        return markdown
    page.meta["title"] = spec.title
    if not spec.search or _pagefind():
        page.meta["search"] = {"exclude": True}
    if spec.hide:
        page.meta["hide"] = list(spec.hide)
    return markdown


def on_page_content(html, page, config, files, **kwargs):
    spec = _state["pages"].get(page.file.src_uri)
    if spec is None:
        return html
    from postmortem_kit.textsafety import clean_content

    # The blocks were cleaned when the pages were generated (on_files); the Markdown part is our
    # headings plus one comment token per block.
    html = clean_content(html, keep_comments=True)
    full = spec.render_fragments(html)
    if not spec.search or _pagefind():
        return full
    # The search plugin indexes page.content in its on_page_context: it gets only the searchable
    # blocks (it would skip the others anyway, after parsing them), and the page gets its full
    # content back in our on_page_context, which runs after the search plugin's.
    _state["full_content"][page.file.src_uri] = full
    return spec.render_fragments(html, searchable_only=True)


@event_priority(-100)
def on_page_context(context, page, config, nav, **kwargs):
    full = _state["full_content"].pop(page.file.src_uri, None)
    if full is not None:
        page.content = full
    return context


def on_post_page(output, page, config, **kwargs):
    if page.file.src_uri not in _state["pages"]:
        return output
    from postmortem_kit.textsafety import clean_document

    output = clean_document(output, page.content)
    if _pagefind() and _state["pages"][page.file.src_uri].search:
        output = search_index.mark_body(output)
    return output


def on_post_build(config, **kwargs):
    if not _pagefind():
        return
    try:
        result = search_index.build_index(config.site_dir)
    except search_index.SearchIndexError as error:
        raise PluginError(str(error)) from None
    log.info(f"lessons site: search index of {result.pages} page(s) written in {result.seconds:.1f} s")


def _pagefind() -> bool:
    options: SiteOptions | None = _state["options"]
    return options is not None and options.search == search_index.PAGEFIND


def on_serve(server, config, builder, **kwargs):
    options: SiteOptions | None = _state["options"]
    if options is None:
        return server
    if options.incidents_dir.is_dir():
        server.watch(str(options.incidents_dir))
    if options.followups_status is not None and options.followups_status.is_file():
        server.watch(str(options.followups_status))
    return server


def _edit_url_base(config) -> str | None:
    """The URL an incident file's repository path is appended to for its edit link (as MkDocs joins them)."""
    edit_uri = config.edit_uri
    if not edit_uri:
        return None
    if urlsplit(edit_uri).scheme:
        return edit_uri if edit_uri.endswith("/") else edit_uri + "/"
    repo_url = config.repo_url
    if not repo_url:
        return None
    base = urljoin(repo_url if repo_url.endswith("/") else repo_url + "/", edit_uri)
    return base if base.endswith("/") else base + "/"
