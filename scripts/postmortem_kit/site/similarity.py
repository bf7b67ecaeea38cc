"""'Similar past incidents': TF-IDF cosine similarity over what went wrong.

Pure Python, no model download.  Each incident becomes a bag of words from
its title, root cause (primary, technical details, why it happened, why it
was not caught), contributing factors, tags and services (tags and services
count double: they are the team's own classification).  Weights are
sublinear TF times smoothed IDF, vectors are L2-normalised, and scores are
accumulated through an inverted index over each incident's strongest terms,
so 1,000 incidents take a fraction of a second rather than a million pair
comparisons.  Only incidents that started earlier are proposed ("past").

The work per incident is bounded, so the whole is linear in the number of incidents: a term
shared by many earlier incidents is looked up in the ``SCAN`` most recent of them only (at
10,000 incidents a common term would otherwise make every lookup scan thousands).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from functools import cache
from typing import Iterable

from postmortem_kit.site.model import Incident
from postmortem_kit.textsafety import plain

STOPWORDS_FILE = "stopwords.yaml"
_WORD = re.compile(r"[a-z][a-z0-9]+(?:[-_.][a-z0-9]+)*")
QUERY_TERMS = 16  # strongest terms of each incident used to shortlist candidates
MIN_SCORE = 0.12
SCAN = 64  # earlier incidents looked at per query term (the most recent ones that share it)


@cache
def stopwords() -> frozenset[str]:
    import yaml

    from postmortem_kit.core import package_file

    with open(package_file(__package__, STOPWORDS_FILE), encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return frozenset(str(data.get("stopwords", "")).lower().split())


def tokens(text: str) -> list[str]:
    stop = stopwords()
    return [word for word in _WORD.findall(text.lower()) if len(word) > 2 and word not in stop]


def incident_text(incident: Incident) -> Iterable[str]:
    incident = incident.unpacked()  # one unpacking of the mapping for the two sections read here
    yield incident.title
    root = incident.section("root_cause")
    for key in ("primary", "technical_details", "why_it_happened", "why_not_caught"):
        yield plain(root.get(key))
    for factor in incident.items("contributing_factors"):
        yield plain(factor.get("description"))
        yield plain(factor.get("how_it_contributed"))
    if incident.category:
        yield incident.category.replace("-", " ")
    labels = " ".join(incident.tags + incident.services)
    yield labels
    yield labels


def similar_incidents(incidents: list[Incident], limit: int = 3) -> dict[str, list[tuple[Incident, float]]]:
    """For each incident id, up to ``limit`` earlier incidents with their similarity (0..1), best first."""
    bags = [Counter(tokens(" ".join(incident_text(incident)))) for incident in incidents]
    count = len(incidents)
    document_frequency: Counter[str] = Counter()
    for bag in bags:
        document_frequency.update(bag.keys())
    idf = {term: math.log((1 + count) / (1 + df)) + 1.0 for term, df in document_frequency.items()}
    vectors: list[dict[str, float]] = []
    for bag in bags:
        weights = {term: (1.0 + math.log(tf)) * idf[term] for term, tf in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({term: w / norm for term, w in weights.items()})
    # Terms in more than half of the incidents weigh little and would make every lookup scan them all.
    common = {term for term, df in document_frequency.items() if df > max(10, count // 2)}
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for index, vector in enumerate(vectors):
        for term, weight in vector.items():
            if term not in common:
                postings[term].append((index, weight))
    order = [incident.sort_key for incident in incidents]
    newest_first = all(order[i] >= order[i + 1] for i in range(len(order) - 1))
    result: dict[str, list[tuple[Incident, float]]] = {}
    for index, vector in enumerate(vectors):
        strongest = sorted(vector.items(), key=lambda item: item[1], reverse=True)[:QUERY_TERMS]
        scores: dict[int, float] = defaultdict(float)
        for term, weight in strongest:
            entries = postings.get(term, ())
            if newest_first:  # earlier incidents come after this one in every posting list, newest first
                start = bisect_right(entries, (index, float("inf")))
                entries = entries[start:start + SCAN]
            elif len(entries) > SCAN * 4:  # unordered input (not the site's): a bounded sample
                entries = entries[:SCAN * 4]
            for other, other_weight in entries:
                scores[other] += weight * other_weight
        mine = order[index]
        shortlist = sorted(((score, other) for other, score in scores.items()
                            if other != index and order[other] < mine), reverse=True)[:limit * 4]
        exact = []
        for _, other in shortlist:  # the full cosine, not only over the strongest terms
            theirs = vectors[other]
            # the terms they share, in this vector's order: the same sum as over every term (the others add 0.0)
            score = sum([weight * theirs[term] for term, weight in vector.items() if term in theirs])
            if score >= MIN_SCORE:
                exact.append((other, score))
        exact.sort(key=lambda item: (-item[1], item[0]))
        result[incidents[index].id] = [(incidents[other], round(min(score, 1.0), 3)) for other, score in exact[:limit]]
    return result
