"""Prometheus ``query_range`` responses, summarised instead of dumped.

The HTTP API's JSON (``{"status": "success", "data": {"resultType": "matrix",
"result": [{"metric": {..}, "values": [[<unix seconds>, "<value>"], ..]}]}}``).
For each series (or only the one named with ``--metric``), within the window:

* one metric entry at the peak: baseline (the median of the first fifth of the
  samples), peak and when, how many samples over what span;
* when a threshold is crossed (``--threshold``, else twice the baseline): a
  metric entry at the first sample above it (role ``symptom``: it starts the
  incident when nothing earlier does) and one when it went back below.
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime
from typing import Any, Iterator

from postmortem_kit.evidence.model import Evidence, EvidenceError, Options, parse_epoch, stamp
from postmortem_kit.evidence.probe import Probe, Progress
from postmortem_kit.incident import SourceLabel

MAX_SERIES = 20


def _is_range(data: Any) -> bool:
    return (isinstance(data, dict) and "status" in data and isinstance(data.get("data"), dict)
            and data["data"].get("resultType") in ("matrix", "vector")) or (
        isinstance(data, dict) and data.get("status") == "error" and "errorType" in data)


class PrometheusReader:
    name = "prometheus"
    title = "Prometheus query_range response JSON (summarised: baseline, peak, threshold crossing)"

    def sniff(self, probe: Probe) -> bool:
        return not probe.is_container and _is_range(probe.json())

    def read(self, probe: Probe, options: Options, progress: Progress) -> Iterator[Evidence]:
        source = probe.source
        data = probe.json()
        if data.get("status") != "success":
            raise EvidenceError(f"{source.shown}: the query failed: {data.get('errorType')}: {data.get('error')}")
        if data["data"].get("resultType") != "matrix":
            raise EvidenceError(f"{source.shown}: an instant query (resultType vector); save a query_range response")
        series = [s for s in data["data"].get("result") or [] if isinstance(s, dict)]
        if options.metric:
            named = [s for s in series if (s.get("metric") or {}).get("__name__") == options.metric]
            series = named or series  # expressions drop __name__: then --metric only names the result
        if len(series) > MAX_SERIES:
            raise EvidenceError(f"{source.shown}: {len(series)} series; summarise at most {MAX_SERIES} "
                                "(aggregate in the query, or pick one with --metric)")
        for number, one in enumerate(series, 1):
            yield from _summarise(one, f"{source.shown}: series {number}", source.label_file(), options)


def _series_name(series: dict, options: Options) -> str:
    metric = series.get("metric") if isinstance(series.get("metric"), dict) else {}
    name = options.metric or metric.get("__name__") or "query result"
    labels = ", ".join(f"{k}={v}" for k, v in sorted(metric.items()) if k != "__name__")
    return f"{name}{{{labels}}}"[:200] if labels else str(name)[:200]


def _summarise(series: dict, where: str, file: str, options: Options) -> Iterator[Evidence]:
    points: list[tuple[datetime, float]] = []
    for index, pair in enumerate(series.get("values") or [], 1):
        if not (isinstance(pair, list) and len(pair) == 2):
            raise EvidenceError(f"{where}, sample {index}: expected [<unix time>, \"<value>\"]")
        at = parse_epoch(str(pair[0]) if isinstance(pair[0], (int, float)) else pair[0], f"{where}, sample {index}",
                         what="time")
        try:
            value = float(pair[1])
        except (TypeError, ValueError):
            raise EvidenceError(f"{where}, sample {index}: value {pair[1]!r} is not a number") from None
        if options.window.holds(at) and math.isfinite(value):
            points.append((at, value))
    if not points:
        return
    name = _series_name(series, options)
    values = [v for _, v in points]
    baseline = statistics.median(values[: max(1, len(values) // 5)])
    peak_at, peak = max(points, key=lambda p: p[1])
    ident = name.replace(" ", "")[:60]
    span = f"{len(points)} samples {stamp(points[0][0])} to {stamp(points[-1][0])}"
    yield Evidence(peak_at, "metrics", f"baseline {_num(baseline)}, peak {_num(peak)} at {stamp(peak_at)} ({span})",
                   SourceLabel("prometheus", "metric", file, f"{ident}@peak"), name=name)
    threshold = options.threshold if options.threshold is not None else (2 * baseline if baseline > 0 else None)
    if threshold is None:
        return
    which = "threshold" if options.threshold is not None else "twice the baseline"
    above = next((i for i, (_, v) in enumerate(points) if v > threshold), None)
    if above is None:
        return
    at, value = points[above]
    yield Evidence(at, "metrics", f"crossed {which} ({_num(threshold)}): {_num(value)}",
                   SourceLabel("prometheus", "symptom", file, f"{ident}@crossed"), name=name)
    below = next((i for i in range(above + 1, len(points)) if points[i][1] <= threshold), None)
    if below is not None:
        at, value = points[below]
        yield Evidence(at, "metrics", f"back at or below {which} ({_num(threshold)}): {_num(value)}",
                       SourceLabel("prometheus", "metric", file, f"{ident}@recovered"), name=name)


def _num(value: float) -> str:
    return f"{value:.4g}"
