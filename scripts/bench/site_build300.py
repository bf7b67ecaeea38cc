"""The "Same output" build (docs/pages/design/site-scale.md): 300 generated incidents, the forked
readers, page workers and windows of 37 pages forced on, built with the code on PYTHONPATH.

    python scripts/bench/site_build300.py CHECKOUT OUT [--drafts] [--tail] [--incidents DIR]

CHECKOUT is the tree whose mkdocs.yml and site docs are used (run it once from main's checkout and
environment, once from the branch's), OUT the site folder; ``--drafts``: ``publish_drafts`` with a
``site_url`` (the second configuration); ``--tail``: the build process's tail forced (the plugin's
``TAIL_COSTS`` without the listings' share), where the code has one.  Then ``diff -r -x pagefind``
the two sites and compare ``pagefind/fragment/`` file by file.  Set ``SOURCE_DATE_EPOCH`` for both.
"""

from __future__ import annotations

import argparse
import json
import runpy
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--drafts", action="store_true")
    parser.add_argument("--tail", action="store_true")
    parser.add_argument("--incidents", type=Path, default=Path("/tmp/site-build300/postmortems"))
    args = parser.parse_args()
    sys.path.insert(0, str(args.checkout / "tests"))
    from support.incident_factory import write_incidents

    if not args.incidents.is_dir():
        write_incidents(args.incidents, 300, status="mixed")
    from postmortem_kit.site import model, page_pool
    try:  # where the checkout keeps the tail's costs (site.write_order since 2026-12-07), if anywhere
        from postmortem_kit.site import write_order as site_plugin
    except ImportError:
        from postmortem_kit.site import plugin as site_plugin

    model.MIN_FORKED, page_pool.MIN_PAGES, page_pool.WINDOW = 1, 1, 37
    if args.tail and hasattr(site_plugin, "TAIL_COSTS"):
        site_plugin.TAIL_COSTS = (site_plugin.TAIL_COSTS[0], 0.0, site_plugin.TAIL_COSTS[2])
    options = {"dir": str(args.incidents), "followups_status": None, "search": "pagefind"}
    config = {"INHERIT": str(args.checkout / "mkdocs.yml"),
              "docs_dir": str(args.checkout / "scripts/postmortem_kit/site/docs"),
              "site_dir": str(args.out), "plugins": ["search", {"postmortems": options}]}
    if args.drafts:
        options["publish_drafts"] = True
        config["site_url"] = "https://example.org/lessons/"
    path = args.out.parent / (args.out.name + ".yml")
    path.write_text(json.dumps(config), encoding="utf-8")
    sys.argv = ["mkdocs", "build", "--strict", "-q", "-f", str(path)]
    runpy.run_module("mkdocs", run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
