"""From incident files to the list of generated pages (no MkDocs import here).

``generate_site`` is what the MkDocs plugin calls; the benchmark calls it too,
to write the same Markdown as plain files for its baseline build.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from postmortem_kit.site.followups import EMPTY, load_status
from postmortem_kit.site.html import Page, SiteData
from postmortem_kit.site.links import Links
from postmortem_kit.site.model import LoadCache, load_incidents
from postmortem_kit.site.options import SiteOptions
from postmortem_kit.site.pages import build_pages
from postmortem_kit.site.similarity import similar_incidents


@dataclass
class SiteResult:
    pages: list[Page]
    problems: list[str] = field(default_factory=list)
    incidents: int = 0
    drafts_skipped: int = 0
    status_source: str | None = None

    @property
    def summary(self) -> str:
        status = f"follow-up status from {self.status_source}" if self.status_source else "no follow-up status"
        return (f"{self.incidents} incident page(s), {len(self.pages)} page(s) in all, "
                f"{self.drafts_skipped} draft(s) not published, {len(self.problems)} problem(s), {status}")


def generate_site(options: SiteOptions, *, repo_url: str | None = None, edit_url_base: str | None = None,
                  use_directory_urls: bool = True, cache: LoadCache | None = None) -> SiteResult:
    """Every page of the site: the listings written, each incident page lazy (``Page.load``);
    ``cache`` (mkdocs serve) keeps the parsed files between builds."""
    problems: list[str] = []
    if not options.incidents_dir.is_dir():
        problems.append(f"{options.incidents_dir}: incident directory not found (postmortems plugin option `dir`)")
    incidents, file_problems, drafts_skipped = load_incidents(options.incidents_dir,
                                                              publish_drafts=options.publish_drafts, cache=cache)
    problems.extend(str(problem) for problem in file_problems)
    status, status_problem = load_status(options.followups_status) if options.followups_status else (EMPTY, None)
    if status_problem:
        problems.append(status_problem)
    similar = similar_incidents(incidents, options.similar) if options.similar else {}
    site = SiteData(incidents=incidents, status=status, similar=similar, links=Links(use_directory_urls),
                    repo_url=repo_url, edit_url_base=edit_url_base, edit_path=options.edit_path,
                    latest=options.latest, chart_months=options.chart_months, drafts_skipped=drafts_skipped,
                    page_size=options.page_size)
    pages = build_pages(site)
    return SiteResult(pages=pages, problems=problems, incidents=len(incidents), drafts_skipped=drafts_skipped,
                      status_source=status.source)
