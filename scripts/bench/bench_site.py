"""Benchmark: the lessons site build for 1,000 generated incidents.

Measures, in one run on this machine:

* ``mkdocs build`` of the real site (mkdocs.yml with our plugin) over N generated
  incidents (tests/support/incident_factory.py);
* the baseline: ``mkdocs build`` with the same theme and configuration but no
  plugin, over the very same pages written out as plain Markdown files (same
  content, same titles and front matter), i.e. what MkDocs itself costs;
* a second reference: ``mkdocs build`` (same theme and configuration, no plugin) of the
  1,000 incidents written as RCA Markdown by ``postmortem export`` (one plain Markdown page
  per incident, as a person would write it), plus stub pages for the navigation;
* the ratio (target: at most 1.3x) and the size of the search index.

Each build runs in its own process; builds alternate and the fastest of
``--repeat`` runs of each is compared.  Usage::

    python scripts/bench/bench_site.py [--incidents 1000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from support.incident_factory import write_incidents  # noqa: E402

TARGET = 1.3


def child_config(path: Path, *, docs_dir: Path, plugin: bool, incidents: Path, site_dir: Path) -> None:
    plugins: list = ["search"]
    if plugin:
        plugins.append({"postmortems": {"dir": str(incidents), "followups_status": None}})
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(docs_dir),
        "site_dir": str(site_dir),
        "plugins": plugins,
        "theme": {"custom_dir": str(ROOT / "scripts/postmortem_kit/site/overrides")},
    }
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is YAML


def write_baseline_docs(incidents: Path, docs: Path) -> int:
    """The pages our plugin generates, written as plain Markdown files with equivalent front matter."""
    from postmortem_kit.site import generate_site, site_options

    options = site_options({"dir": str(incidents), "followups_status": None}, ROOT)
    result = generate_site(options, repo_url="https://github.com/postmortem-kit/postmortem-kit",
                           edit_url_base="https://github.com/postmortem-kit/postmortem-kit/edit/main/")
    shutil.copytree(ROOT / "scripts/postmortem_kit/site/docs", docs)
    for page in result.pages:
        meta = {"title": page.title}
        if not page.search:
            meta["search"] = {"exclude": True}
        if page.hide:
            meta["hide"] = page.hide
        target = docs / page.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n" + json.dumps(meta) + "\n---\n\n" + page.expanded_markdown(), encoding="utf-8")
    return len(result.pages)


def write_export_docs(incidents: Path, docs: Path) -> int:
    """Each incident as RCA Markdown (`postmortem export`), plus the navigation's pages as stubs."""
    from postmortem_kit.core import load_yaml_file
    from postmortem_kit.rca import render_markdown

    shutil.copytree(ROOT / "scripts/postmortem_kit/site/docs", docs)
    for stub in ("index.md", "incidents/index.md", "lessons.md", "analytics.md", "services/index.md",
                 "tags/index.md"):
        (docs / stub).parent.mkdir(parents=True, exist_ok=True)
        (docs / stub).write_text(f"# {stub}\n", encoding="utf-8")
    count = 0
    for path in sorted(incidents.glob("*.yaml")):
        markdown, _ = render_markdown(load_yaml_file(str(path)).data)
        (docs / "incidents" / f"{path.stem}.md").write_text(markdown, encoding="utf-8")
        count += 1
    return count


def build(config: Path, strict: bool = True) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `mkdocs build [--strict]` in a fresh process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", *(["--strict"] if strict else []), "-q",
                           "-f", str(config)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"mkdocs build -f {config} failed:\n{done.stderr[-3000:]}")
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return elapsed, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        incidents = work / "postmortems"
        write_incidents(incidents, args.incidents)
        pages = write_baseline_docs(incidents, work / "plain-docs")
        ours = work / "ours.yml"
        plain = work / "plain.yml"
        child_config(ours, docs_dir=ROOT / "scripts/postmortem_kit/site/docs", plugin=True, incidents=incidents,
                     site_dir=work / "site-ours")
        child_config(plain, docs_dir=work / "plain-docs", plugin=False, incidents=incidents,
                     site_dir=work / "site-plain")
        exported = work / "export.yml"
        exports = write_export_docs(incidents, work / "export-docs")
        child_config(exported, docs_dir=work / "export-docs", plugin=False, incidents=incidents,
                     site_dir=work / "site-export")
        ours_runs, plain_runs, export_runs = [], [], []
        for _ in range(args.repeat):
            plain_runs.append(build(plain))
            ours_runs.append(build(ours))
            export_runs.append(build(exported, strict=False))
        index = work / "site-ours" / "search" / "search_index.json"
        plain_index = work / "site-plain" / "search" / "search_index.json"
        entries = len(json.loads(index.read_text(encoding="utf-8"))["docs"])
        ours_best, plain_best = min(w for w, _ in ours_runs), min(w for w, _ in plain_runs)
        ours_cpu, plain_cpu = min(c for _, c in ours_runs), min(c for _, c in plain_runs)
        ratio = ours_best / plain_best

        def runs(values: list[tuple[float, float]]) -> str:
            return ", ".join(f"{w:.1f} s wall / {c:.1f} s CPU" for w, c in values)

        print(f"incidents: {args.incidents}, pages: {pages} (the same pages in both builds)")
        print(f"mkdocs build, our plugin:           {ours_best:6.1f} s wall  {ours_cpu:6.1f} s CPU  "
              f"({runs(ours_runs)})")
        print(f"mkdocs build, plain Markdown pages: {plain_best:6.1f} s wall  {plain_cpu:6.1f} s CPU  "
              f"({runs(plain_runs)})")
        export_best, export_cpu = min(w for w, _ in export_runs), min(c for _, c in export_runs)
        print(f"mkdocs build, {exports} RCA Markdown pages (postmortem export): {export_best:6.1f} s wall  "
              f"{export_cpu:6.1f} s CPU  ({runs(export_runs)})")
        verdict = "OK" if ratio <= TARGET else "OVER TARGET"
        print(f"ratio (wall, fastest runs): {ratio:.2f}x (target <= {TARGET}x) {verdict}; "
              f"CPU ratio {ours_cpu / plain_cpu:.2f}x; against the RCA Markdown pages "
              f"{ours_best / export_best:.2f}x wall, {ours_cpu / export_cpu:.2f}x CPU")
        print(f"search index: {index.stat().st_size / 1e6:.2f} MB ({index.stat().st_size / 2**20:.2f} MiB), "
              f"{entries} entries, {index.stat().st_size / args.incidents / 1024:.1f} KiB per incident "
              f"(baseline build's index: {plain_index.stat().st_size / 1e6:.2f} MB; RCA Markdown pages, "
              f"fully indexed: {(work / 'site-export' / 'search' / 'search_index.json').stat().st_size / 1e6:.2f} MB)")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
