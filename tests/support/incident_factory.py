"""Realistic random incidents for tests and benchmarks.

``make_incident(i, status=..., rng=...)`` returns one incident as a plain dict
that passes ``postmortem check`` (schema, consistency rules, blameless
language): times with real UTC offsets for their zone, timelines that cross
midnight with ``date`` entries, durations that add up, exactly five follow-ups
due after the incident, neutral system-focused wording.  Incidents are drawn
from a catalogue of failure scenarios (configuration errors, code bugs,
capacity issues, dependency failures) with varied services, numbers and
phrasing, so text-based features (search, similar incidents) have something
real to work on.

``write_incidents(directory, n)`` writes ``n`` files named after their ids.
Both are deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

ZONES = ("Europe/Berlin", "UTC", "America/Los_Angeles", "America/New_York", "Asia/Tokyo", "Europe/London")
TEAMS = ("team-checkout", "team-platform", "team-payments", "team-search", "team-data-platform",
         "team-identity", "team-observability", "team-storage", "team-mobile", "team-edge")
HANDLES = ("@mara-okafor", "@devon-lee", "@priya-raman", "@sam-ortiz", "@lin-zhou", "@noah-berg",
           "@aiko-tanaka", "@rui-costa", "@zoe-adams", "@omar-haddad")
FIRST_DAY = date(2023, 1, 2)
LAST_DAY = date(2026, 10, 30)


def _scenarios() -> list[dict[str, Any]]:
    """The failure scenarios; ``{svc}``, ``{dep}``, ``{n}``, ``{pct}``, ``{mins}`` are filled per incident."""
    return [
        {
            "key": "pool", "category": "configuration-error",
            "services": ["checkout-api", "orders-api", "billing-api", "cart-service", "inventory-api"],
            "deps": ["orders-db", "billing-db", "inventory-db", "accounts-db"],
            "tags": ["database", "config-change", "connection-pool"],
            "title": ["{svc} returned 503s after a connection-pool setting change",
                      "Requests to {svc} timed out waiting for database connections",
                      "{svc} errors after the pool size for {dep} was lowered"],
            "primary": "The database connection pool of {svc} was capped at {small} connections per pod instead of "
                       "{big}, so requests queued for a connection and timed out under normal load.",
            "details": "The release read the pool size from a new environment file where the value came from the "
                       "staging profile; with {pods} pods the service could hold {held} connections to {dep} while "
                       "peak traffic needs about {needed}.",
            "why": "Production and staging settings lived in two hand-maintained files with no shared defaults, "
                   "and the change moved the pool setting from one file to the other.",
            "not_caught": "Configuration changes had no review rule for capacity keys, and the readiness probe only "
                          "pinged {dep}, so saturated pods stayed in rotation.",
            "factors": [
                ("The readiness probe checked reachability but not pool saturation.",
                 "Saturated pods kept receiving traffic, so the error rate stayed high until the rollback."),
                ("The error-budget alert needed several minutes of data before it could fire.",
                 "The first page went out {ttd} minutes after errors started."),
                ("The deploy pipeline had no automatic rollback on error-rate regression.",
                 "Rolling back needed a manual decision and a full pipeline run."),
                ("The dashboard linked from the alert did not show pool wait time.",
                 "Diagnosis relied on ad-hoc queries of pod metrics."),
            ],
            "symptom": "pool.acquire timeouts and 503 responses from {svc}",
            "fix": "rolled back the release and restored the pool size",
            "lesson": ("A configuration change capped the {svc} database pool far below its needed size.",
                       "Capacity settings behave like code and need the same review and bounds.",
                       "Pool sizes now have enforced lower bounds and readiness reflects saturation."),
            "measures": ["Enforce a lower bound for the pool size at service start-up",
                         "Add pool saturation to the readiness probe",
                         "Require platform review for capacity-related configuration keys",
                         "Generate environment files from one typed defaults file",
                         "Roll back automatically on post-deploy error regression",
                         "Show pool wait time on the service dashboard"],
            "log": "ERROR pool.acquire timeout after 3000ms (active={small} idle=0 waiting={n})",
        },
        {
            "key": "nullref", "category": "code-bug",
            "services": ["payments-api", "invoice-service", "profile-api", "notifications", "pricing-service"],
            "deps": ["payments-db", "user-store", "ledger"],
            "tags": ["release", "serialization", "null-handling"],
            "title": ["{svc} crashed on records with an empty optional field",
                      "Serializer change in {svc} rejected valid requests",
                      "{svc} release failed requests that carried no currency code"],
            "primary": "A release of {svc} assumed an optional field was always present, and requests without "
                       "it raised an unhandled exception that returned HTTP 500.",
            "details": "The new serializer dereferenced the optional field while building the response; about "
                       "{pct}% of stored records from {dep} predate the field and have it empty.",
            "why": "The test fixtures were generated from recent records, all of which carry the field, so the "
                   "empty case never ran in continuous integration.",
            "not_caught": "The canary stage routes only new sessions, which rarely touch old records, and error "
                          "alerts are aggregated across all endpoints.",
            "factors": [
                ("Test fixtures covered only records created after the field was introduced.",
                 "The failing code path had no test and merged with a green build."),
                ("The canary received traffic that did not exercise old records.",
                 "The canary analysis passed and the release reached every region."),
                ("Alerting used one error rate for all endpoints.",
                 "The failing endpoint was a small share of traffic, so paging started late."),
                ("The schema had no contract test between {svc} and {dep}.",
                 "Nothing compared the serializer's expectations with stored data."),
            ],
            "symptom": "HTTP 500 responses and NullReference exceptions in {svc}",
            "fix": "deployed a fix that treats the field as optional",
            "lesson": ("One {svc} release failed requests for older records that lacked an optional field.",
                       "Data shapes in production are older and messier than fixtures made last week.",
                       "Fixtures now sample historic records and endpoints have their own error alerts."),
            "measures": ["Sample historic production record shapes into test fixtures",
                         "Per-endpoint error-rate alerts for {svc}",
                         "Contract tests between {svc} and {dep}",
                         "Route a share of old-record traffic to the canary",
                         "Add a lint rule for unchecked optional fields",
                         "Replay recorded traffic against release candidates"],
            "log": "ERROR unhandled exception in serialize_response: field 'currency' is None (request_id={n})",
        },
        {
            "key": "disk", "category": "capacity-issue",
            "services": ["kafka-broker", "log-pipeline", "order-events", "metrics-store", "search-indexer"],
            "deps": ["object-storage", "kafka-broker", "elasticsearch"],
            "tags": ["disk", "capacity", "retention"],
            "title": ["{svc} stopped accepting writes after a disk filled",
                      "Full disk on one {svc} node delayed downstream processing",
                      "Unbounded retention filled {svc} storage overnight"],
            "primary": "A topic created by a backfill job had no retention limit, and its data filled the disk "
                       "of one {svc} node, which then took its log directory offline.",
            "details": "The backfill produced about {n} GB in {hours} hours; the node reached 100% disk use and the "
                       "partitions it led became unavailable until retention removed old segments.",
            "why": "The cluster default allowed topics with unlimited retention, and disk alerts used a one-hour "
                   "window tuned for slow growth.",
            "not_caught": "Capacity planning looked at average daily growth, and the backfill job was not part of "
                          "any load test.",
            "factors": [
                ("Topics could be created with unlimited retention by default.",
                 "The backfill topic grew without bound."),
                ("The disk alert waited an hour before paging.",
                 "The node filled before the alert fired."),
                ("Partition placement ignored free disk space.",
                 "One node took a larger share of the new data."),
                ("The consumer-lag alert threshold was set for daytime volume.",
                 "Overnight lag grew for hours before it crossed the threshold."),
            ],
            "symptom": "write errors and growing consumer lag on {svc}",
            "fix": "capped retention on the backfill topic and brought the log directory back online",
            "lesson": ("Unbounded retention on one topic filled the disk of one {svc} node and stalled "
                       "processing for hours.",
                       "Storage limits need defaults that fail safe, not alerts tuned for slow growth.",
                       "Retention is now bounded by default and disk alerts predict time to full."),
            "measures": ["Bound retention on every topic by default",
                         "Alert on predicted time to disk full",
                         "Disk-aware partition placement",
                         "Include backfill jobs in capacity reviews",
                         "Scale consumer-lag thresholds with traffic",
                         "Quota for backfill producers"],
            "log": "ERROR Error while appending records: java.io.IOException: No space left on device ({n} bytes)",
        },
        {
            "key": "dns", "category": "dependency-failure",
            "services": ["auth-gateway", "login-web", "partner-api", "sso-bridge", "email-sender"],
            "deps": ["identity-provider", "dns-provider", "sms-gateway", "payment-gateway"],
            "tags": ["dns", "third-party", "authentication"],
            "title": ["Logins failed while {dep} could not be resolved",
                      "{svc} lost its upstream during a {dep} outage",
                      "{dep} outage stopped most requests through {svc}"],
            "primary": "The external {dep} stopped answering, and {svc} had no fallback for resolving or reaching "
                       "it once cached answers expired.",
            "details": "DNS answers for the {dep} endpoint were cached for five minutes; after they expired every "
                       "upstream call from {svc} failed with SERVFAIL and clients retried for {mins} seconds.",
            "why": "The dependency was treated as always available: there was no serve-stale cache, no secondary "
                   "provider and no degraded mode.",
            "not_caught": "Dependency failure drills covered only internal services, and the provider's status "
                          "feed was not connected to alerting.",
            "factors": [
                ("Long client-side retries hid the failure behind a spinner.",
                 "Users retried repeatedly and load on {svc} rose during the outage."),
                ("The provider's status feed was not connected to alerting.",
                 "Responders learned of the outage from customer reports."),
                ("There was no serve-stale DNS cache for tier-1 dependencies.",
                 "The outage reached users as soon as cached answers expired."),
                ("The runbook had no steps for an unreachable {dep}.",
                 "Responders worked out a mitigation during the incident."),
            ],
            "symptom": "SERVFAIL lookups and upstream timeouts in {svc}",
            "fix": "the provider recovered and {svc} traffic returned to normal",
            "lesson": ("An outage at {dep} stopped most requests through {svc} for over an hour.",
                       "A single external dependency with no fallback is a single point of failure.",
                       "Tier-1 dependencies now have serve-stale caching and a documented degraded mode."),
            "measures": ["Serve stale DNS answers for tier-1 dependencies",
                         "Shorten client retries and show a clear error",
                         "Route provider status incidents into alerting",
                         "Secondary provider for critical lookups",
                         "Quarterly dependency failure drill",
                         "Runbook for an unreachable {dep}"],
            "log": "WARN upstream {dep} lookup failed: SERVFAIL (attempt {small}/5)",
        },
        {
            "key": "regex", "category": "code-bug",
            "services": ["search-api", "query-parser", "catalog-api", "recommendations"],
            "deps": ["search-cluster", "catalog-db"],
            "tags": ["cpu", "regex", "latency"],
            "title": ["{svc} latency spiked after a query-parser release",
                      "Backtracking regular expression saturated {svc} CPU",
                      "{svc} timed out on long queries after a tokenizer change"],
            "primary": "A new tokenizer in {svc} used a regular expression with catastrophic backtracking, and "
                       "long queries consumed a full CPU core for seconds each.",
            "details": "Queries with long runs of one character took up to {mins} seconds to tokenize; {pct}% of "
                       "workers were busy with them and p99 latency reached the 10-second timeout.",
            "why": "The tokenizer change was reviewed for correctness but no test measured worst-case input "
                   "time, and the regex engine has no time limit.",
            "not_caught": "Benchmarks used a sample of common queries, and the rollout went to every pod at once.",
            "factors": [
                ("The rollout reached all pods in one step.",
                 "There was no partial deployment to compare against."),
                ("Benchmarks used only common queries.",
                 "The worst-case input never ran before release."),
                ("Workers had no per-request CPU budget.",
                 "A few expensive queries blocked capacity for all requests."),
                ("Latency alerts fired only on p99 over three minutes.",
                 "Detection took longer than the rollout itself."),
            ],
            "symptom": "p99 latency at the timeout and CPU at 100% on {svc}",
            "fix": "rolled back the tokenizer release",
            "lesson": ("A backtracking regular expression in {svc} turned long queries into CPU-bound timeouts.",
                       "Worst-case input cost matters as much as the average case for shared workers.",
                       "Parsers now run fuzzed worst-case tests and requests have CPU budgets."),
            "measures": ["Fuzz the tokenizer with worst-case inputs in CI",
                         "Switch to a linear-time regex engine",
                         "Per-request CPU budget for {svc} workers",
                         "Progressive rollout for {svc}",
                         "Latency alert on p99 over one minute",
                         "Reject queries over a length limit at the edge"],
            "log": "WARN slow query {n}ms q=\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"",
        },
        {
            "key": "flag", "category": "configuration-error",
            "services": ["web-frontend", "mobile-api", "pricing-service", "promotions", "shipping-api"],
            "deps": ["feature-flags", "config-service"],
            "tags": ["feature-flag", "config-change", "rollout"],
            "title": ["A feature flag enabled an unfinished flow in every region",
                      "{svc} served an unfinished checkout step after a flag change",
                      "Flag targeting rule turned on a beta path for all {svc} users"],
            "primary": "A targeting rule in {dep} was saved with an empty segment, which the flag service "
                       "treats as everyone, so an unfinished flow in {svc} went live for all users.",
            "details": "The flag was meant for an internal segment; with the segment empty the rule matched "
                       "{pct}% of sessions and the unfinished flow lacked the final confirmation call.",
            "why": "The flag editor accepted an empty segment without a warning, and flag changes took effect "
                   "immediately in every region.",
            "not_caught": "Flag changes had no staged rollout or preview of the affected share of traffic.",
            "factors": [
                ("The flag editor allowed saving a rule with an empty segment.",
                 "The rule matched every session instead of none."),
                ("Flag changes reached every region at once.",
                 "There was no window to spot the change on a small share of traffic."),
                ("The unfinished flow had no server-side guard.",
                 "Requests from the new flow were accepted without the confirmation step."),
                ("Flag changes were not shown on the service dashboard.",
                 "Responders looked for a deploy first and found none."),
            ],
            "symptom": "orders stuck without confirmation in {svc}",
            "fix": "turned the flag off and replayed the unconfirmed orders",
            "lesson": ("An empty targeting segment turned an unfinished {svc} flow on for everyone.",
                       "Configuration that changes behaviour for all users needs the same staging as code.",
                       "Flag changes now preview their reach and roll out region by region."),
            "measures": ["Reject empty segments in the flag editor",
                         "Staged rollout for flag changes",
                         "Server-side guard for unfinished flows",
                         "Annotate dashboards with flag changes",
                         "Preview the share of traffic a rule matches",
                         "Audit trail review for high-risk flags"],
            "log": "INFO flag checkout_v2 evaluated true for segment='' (matched {n} sessions)",
        },
        {
            "key": "cert", "category": "dependency-failure",
            "services": ["edge-proxy", "api-gateway", "partner-api", "webhooks", "cdn-origin"],
            "deps": ["certificate-authority", "cdn-provider", "acme-client"],
            "tags": ["tls", "certificates", "expiry"],
            "title": ["TLS certificate expiry broke connections to {svc}",
                      "Clients rejected {svc} after its certificate expired",
                      "Certificate renewal for {svc} stalled at {dep}"],
            "primary": "The TLS certificate for {svc} expired because automatic renewal through {dep} had been "
                       "failing silently for weeks.",
            "details": "Renewal requests were rejected after a DNS validation record moved; the renewal job "
                       "logged the error and exited with status 0, so {n} retries went unnoticed.",
            "why": "The renewal job treated validation errors as warnings, and certificate expiry was not "
                   "monitored from outside.",
            "not_caught": "No alert checked the remaining validity of served certificates, and the renewal job's "
                          "logs were not collected.",
            "factors": [
                ("The renewal job exited successfully after a failed renewal.",
                 "The scheduler showed every run as green."),
                ("No external probe checked certificate expiry.",
                 "The first signal was clients failing the handshake."),
                ("The DNS validation record moved during a zone migration.",
                 "Renewal could not complete after the migration."),
                ("Renewal job logs were not shipped to the log pipeline.",
                 "The errors were only visible on the job's host."),
            ],
            "symptom": "TLS handshake failures for clients of {svc}",
            "fix": "issued a certificate manually and restored the validation record",
            "lesson": ("An expired certificate on {svc} broke client connections after renewal failed silently.",
                       "A job that reports success on failure hides problems until they become outages.",
                       "Certificate validity is now probed externally and renewal failures page."),
            "measures": ["External probe alerting 21 days before certificate expiry",
                         "Make the renewal job fail loudly",
                         "Ship renewal job logs to the pipeline",
                         "Check validation records after DNS migrations",
                         "Inventory of every served certificate",
                         "Game day for certificate expiry"],
            "log": "WARN acme: validation failed for {svc}.example.net: NXDOMAIN (exit 0)",
        },
        {
            "key": "memleak", "category": "capacity-issue",
            "services": ["image-resizer", "pdf-renderer", "report-builder", "export-service"],
            "deps": ["object-storage", "render-queue"],
            "tags": ["memory", "oom", "autoscaling"],
            "title": ["{svc} pods were OOM-killed under a burst of large jobs",
                      "Memory exhaustion in {svc} dropped queued jobs",
                      "{svc} ran out of memory when job sizes grew"],
            "primary": "{svc} pods ran out of memory when a burst of large jobs arrived, and the autoscaler "
                       "scaled on CPU, which stayed low, so capacity never grew.",
            "details": "Each large job held about {n} MB while rendering; with {small} concurrent jobs per pod the "
                       "memory limit was exceeded and pods restarted in a loop, dropping in-flight work.",
            "why": "The per-pod concurrency limit was fixed regardless of job size, and memory was not a "
                   "scaling signal.",
            "not_caught": "Load tests used small jobs only, and restarts were not alerted on.",
            "factors": [
                ("The autoscaler used CPU as its only signal.",
                 "Memory pressure did not add pods."),
                ("Concurrency per pod ignored job size.",
                 "A few large jobs exhausted a pod's memory."),
                ("Pod restarts did not raise an alert.",
                 "The restart loop ran for {ttd} minutes before anyone was paged."),
                ("Jobs were acknowledged before they finished.",
                 "Restarted pods dropped work that was never retried."),
            ],
            "symptom": "OOMKilled restarts and dropped jobs in {svc}",
            "fix": "lowered per-pod concurrency and requeued the dropped jobs",
            "lesson": ("Large jobs exhausted {svc} memory while the autoscaler watched only CPU.",
                       "Scaling on the wrong signal leaves a service with no headroom when it matters.",
                       "Concurrency now depends on job size and memory drives autoscaling."),
            "measures": ["Scale {svc} on memory as well as CPU",
                         "Size-aware concurrency limits",
                         "Alert on restart loops",
                         "Acknowledge jobs only after completion",
                         "Load test with the largest real job sizes",
                         "Dead-letter queue for dropped jobs"],
            "log": "WARN container {svc} OOMKilled (limit 2Gi, rss {n}Mi)",
        },
        {
            "key": "ratelimit", "category": "configuration-error",
            "services": ["api-gateway", "partner-api", "public-api", "graphql-gateway"],
            "deps": ["rate-limiter", "redis-cluster"],
            "tags": ["rate-limiting", "config-change", "api"],
            "title": ["Partners were throttled after a rate-limit configuration change",
                      "{svc} returned 429s to most clients after a limit change",
                      "A per-minute limit entered as per-second throttled {svc}"],
            "primary": "A rate-limit change for {svc} entered a per-minute value in a per-second field, cutting "
                       "allowed traffic by a factor of sixty.",
            "details": "The new limit allowed {small} requests per minute per client; {pct}% of partner traffic "
                       "received HTTP 429 and several integrations backed off for {mins} minutes.",
            "why": "The configuration format had no unit in the field name, and the change tool showed no "
                   "preview of the effect on current traffic.",
            "not_caught": "Rate-limit changes skipped staging because staging traffic is too low to trigger them.",
            "factors": [
                ("The limit field had no unit in its name.",
                 "The value was entered in the wrong unit."),
                ("The change tool had no dry run against recent traffic.",
                 "Nobody could see that most clients would be throttled."),
                ("429 responses were not part of the error budget.",
                 "Alerting treated throttling as success."),
                ("Partners were not told about limit changes ahead of time.",
                 "Support learned of the impact from partner tickets."),
            ],
            "symptom": "HTTP 429 responses for most clients of {svc}",
            "fix": "restored the previous limit",
            "lesson": ("A rate limit entered in the wrong unit throttled most clients of {svc}.",
                       "Limits that protect a service can take it down just as well.",
                       "Limit fields now carry units and changes are dry-run against recent traffic."),
            "measures": ["Put units in every limit field name",
                         "Dry run rate-limit changes against recent traffic",
                         "Count 429 responses in the error budget",
                         "Announce limit changes to partners",
                         "Staged rollout for gateway configuration",
                         "Alert on throttled share per client tier"],
            "log": "INFO rate limit exceeded client={n} limit={small}/s route=/v2/orders",
        },
        {
            "key": "herd", "category": "capacity-issue",
            "services": ["catalog-api", "session-service", "pricing-service", "feed-service"],
            "deps": ["redis-cluster", "memcached", "catalog-db"],
            "tags": ["cache", "thundering-herd", "database"],
            "title": ["Cache flush sent a thundering herd to {dep}",
                      "{svc} overloaded {dep} after its cache was emptied",
                      "Cold cache after maintenance saturated {dep}"],
            "primary": "A cache flush during maintenance sent every {svc} read to {dep} at once, and the "
                       "database saturated before the cache could warm up.",
            "details": "Cache hit rate fell from 98% to 0% and {dep} received about {n} queries per second "
                       "against a capacity of {needed}; requests queued and timed out, which slowed warming further.",
            "why": "The maintenance runbook flushed the whole cache at once, and cache misses had no request "
                   "coalescing.",
            "not_caught": "The maintenance procedure had never run at peak traffic, and load tests started with "
                          "a warm cache.",
            "factors": [
                ("Cache misses for the same key were not coalesced.",
                 "Identical queries multiplied the load on {dep}."),
                ("The runbook flushed the whole cache in one step.",
                 "Every key went cold at the same moment."),
                ("Maintenance was scheduled by calendar, not by traffic.",
                 "The flush happened near the daily peak."),
                ("{dep} had no admission control.",
                 "Overload slowed every query instead of shedding some."),
            ],
            "symptom": "cache misses and database timeouts behind {svc}",
            "fix": "throttled {svc} and warmed the cache from a snapshot",
            "lesson": ("A full cache flush sent a thundering herd from {svc} to {dep}.",
                       "Caches are load-bearing, and emptying one is a capacity event.",
                       "Cache misses are coalesced and flushes happen gradually off-peak."),
            "measures": ["Coalesce concurrent cache misses",
                         "Flush caches gradually by key range",
                         "Schedule maintenance by traffic level",
                         "Admission control for {dep}",
                         "Load test from a cold cache",
                         "Warm caches from snapshots after maintenance"],
            "log": "ERROR query timeout after 5000ms on {dep} (queue depth {n})",
        },
    ]


SCENARIOS = _scenarios()


def _fill(template: str, values: dict[str, Any]) -> str:
    return template.format(**values)


def _stamp(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).isoformat(timespec="seconds")


def _clock(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%H:%M}"


def make_incident(i: int, status: str = "published", rng: random.Random | None = None) -> dict[str, Any]:
    """Incident number ``i`` (id ``INC-<year>-<i>``) as a dict that passes ``postmortem check``."""
    rng = rng or random.Random(i)
    scenario = SCENARIOS[rng.randrange(len(SCENARIOS))]
    zone = ZoneInfo(rng.choice(ZONES))
    day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    local_start = datetime(day.year, day.month, day.day, rng.randrange(24), rng.randrange(60), tzinfo=zone)
    start = local_start.astimezone(timezone.utc)
    ttd = rng.choice((2, 4, 6, 9, 12, 15, 21, 28, 40, 55, 75, 130))
    ttr_after = rng.choice((12, 20, 35, 50, 70, 95, 140, 210, 330, 480))
    detection = start + timedelta(minutes=ttd)
    resolution = detection + timedelta(minutes=ttr_after)
    svc = rng.choice(scenario["services"])
    dep = rng.choice(scenario["deps"])
    small = rng.choice((3, 5, 8, 10))
    values = {
        "svc": svc, "dep": dep, "small": small, "big": small * rng.choice((5, 10)), "pods": rng.choice((3, 4, 6)),
        "held": small * 3, "needed": rng.choice((120, 240, 400, 900)), "n": rng.randrange(200, 9000),
        "pct": rng.choice((12, 18, 27, 31, 44, 58, 63)), "mins": rng.choice((20, 30, 45, 90)),
        "hours": rng.choice((3, 5, 7)), "ttd": ttd,
    }
    incident_id = f"INC-{start.astimezone(zone).year}-{i:04d}"
    team = rng.choice(TEAMS)
    handle = rng.choice(HANDLES)
    tags = list(dict.fromkeys(scenario["tags"][: rng.choice((2, 3))] + [rng.choice(("sev-review", "weekend",
                                                                                   "peak-traffic", "migration",
                                                                                   "customer-facing"))]))
    services = list(dict.fromkeys([svc, dep]))
    title = _fill(rng.choice(scenario["title"]), values)
    title = title[0].upper() + title[1:]
    data: dict[str, Any] = {
        "id": incident_id,
        "title": title,
        "status": status,
        "authors": list(dict.fromkeys([handle, team])),
        "tags": tags,
        "services": services,
        "inputs": _inputs(scenario, values, zone, start, detection, resolution, handle, rng),
    }
    if status == "draft":
        return data
    severity = rng.choices(("SEV1", "SEV2", "SEV3", "SEV4"), weights=(1, 3, 4, 2))[0]
    users = values["n"] * rng.choice((3, 7, 11))
    data["summary"] = {
        "start": _stamp(start, zone), "detection": _stamp(detection, zone), "resolution": _stamp(resolution, zone),
        "timezone": str(zone.key), "total_duration": _duration(resolution - start), "severity": severity,
        "severity_justification": f"{svc} was degraded for {_duration(resolution - start)} hours for about "
                                  f"{values['pct']}% of requests; other services kept working.",
    }
    data["impact"] = {
        "users_affected": f"About {users:,} users ({values['pct']}% of active sessions in the window).",
        "business_impact": f"An estimated USD {values['n'] * 17:,} in delayed or lost revenue and "
                           f"{values['n'] // 10} support tickets.",
        "user_experience": f"Users saw errors or long waits when their requests reached {svc}. Retrying sometimes "
                           "worked, which made the problem look intermittent.",
        "downstream_systems": [{"system": dep,
                                "effect": f"Received irregular traffic from {svc} during the incident."}],
    }
    factors = rng.sample(scenario["factors"], rng.choice((2, 3, 4)))
    data["root_cause"] = {
        "primary": _fill(scenario["primary"], values),
        "technical_details": _fill(scenario["details"], values),
        "category": scenario["category"],
        "why_it_happened": _fill(scenario["why"], values),
        "why_not_caught": _fill(scenario["not_caught"], values),
    }
    data["contributing_factors"] = [{"description": _fill(d, values), "how_it_contributed": _fill(h, values)}
                                    for d, h in factors]
    data["timeline"] = _timeline(scenario, values, zone, start, detection, resolution, handle, rng)
    measures = [_fill(m, values) for m in scenario["measures"]]
    rng.shuffle(measures)
    owners = [team, "team-platform", "team-observability", handle]

    def measure(text: str) -> dict[str, str]:
        return {"action": text + ".", "implementation": f"Implement and roll out: {text[0].lower()}{text[1:]}.",
                "owner": rng.choice(owners), "verification": f"A test run shows the change in effect for {svc}."}

    data["prevention"] = {"immediate": [measure(measures[0])],
                          "short_term": [measure(m) for m in measures[1:3]],
                          "long_term": [measure(m) for m in measures[3:5]]}
    data["monitoring"] = {
        "missing_alert": f"An alert on {_fill(scenario['symptom'], values)} would have paged within minutes.",
        "dashboard_update": f"Add the signals behind this incident to the {svc} dashboard.",
        "threshold_adjustment": f"Page after {max(1, ttd // 3)} minutes instead of {ttd}.",
    }
    data["testing"] = {
        "test_scenario": f"A test that reproduces {_fill(scenario['symptom'], values)} before release.",
        "load_testing": f"Run {svc} at peak traffic with production settings in a pre-production environment.",
        "chaos_experiment": f"Inject the failure of {dep} on one instance each month and check the alerts.",
    }
    what, why, changed = (_fill(s, values) for s in scenario["lesson"])
    data["lesson"] = {"what_happened": what, "why_it_matters": why, "what_changed": changed}
    incident_day = start.astimezone(zone).date()
    follow_ups = []
    for index, text in enumerate(measures[:5]):
        due = incident_day + timedelta(days=7 + 14 * index + rng.randrange(7))
        tracking = f"#{100 + i * 5 + index}" if status == "published" else "new"
        follow_ups.append({"action": text, "owner": rng.choice(owners), "due": due.isoformat(),
                           "success_criteria": f"Verified in a test run against {svc}.", "tracking": tracking})
    data["follow_ups"] = follow_ups
    data["communication"] = {
        "executive_summary": {
            "what_failed": f"For {_duration(resolution - start)} hours {svc} was degraded for about "
                           f"{values['pct']}% of requests.",
            "root_cause": f"The underlying cause was a {scenario['category'].replace('-', ' ')} affecting {svc}.",
            "prevention_cost": f"The fixes take about {rng.choice((2, 3, 4, 6))} engineer-weeks, against an "
                               f"estimated USD {values['n'] * 17:,} per occurrence.",
        },
        "customer_statement": f"Some requests to our service failed or were slow for a period on "
                              f"{incident_day:%d %B %Y}. We have fixed the cause and added safeguards so it "
                              "does not happen again.",
    }
    data["blameless"] = {"human_factors": [{
        "factor": f"The change that triggered the incident passed review and every automated check for {svc}.",
        "system_gap": "No automated check covered this failure mode before production.",
        "gap_type": rng.choice(("missing-safeguard", "missing-automation", "inadequate-tooling")),
    }]}
    return data


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _inputs(scenario, values, zone, start, detection, resolution, handle, rng) -> dict[str, Any]:
    svc = values["svc"]
    return {
        "incident_data": {
            "events": [
                {"time": _stamp(start - timedelta(minutes=rng.choice((5, 10, 20))), zone),
                 "event": f"change deployed to {svc}", "source": "deploy log"},
                {"time": _stamp(resolution, zone), "event": f"{svc} back to normal", "source": "monitoring"},
            ],
            "logs": [{"source": svc, "excerpt": _fill(scenario["log"], values) + "\n"
                      + _fill(scenario["log"], values) + "\n"}],
            "metrics": [{"name": f"{svc} error rate", "observation": f"{values['pct']}% at peak"}],
            "alerts": [{"time": _stamp(detection, zone), "name": f"{svc.title().replace('-', '')}ErrorRateHigh",
                        "details": "error rate above threshold for 5m"}],
            "customer_impact": f"{values['n'] // 10} support tickets.",
            "response_actions": [{"time": _stamp(detection + timedelta(minutes=2), zone),
                                  "action": "acknowledged the page", "responder": handle}],
        },
        "system_context": {
            "service": {"name": svc, "purpose": f"Serves {svc.replace('-', ' ')} requests."},
            "architecture": rng.choice(("microservices", "hybrid", "monolith")),
            "traffic_volume": f"{rng.choice((0.4, 1.2, 3.5, 9))}M requests/day",
            "sla": {"uptime_percent": rng.choice((99.9, 99.95, 99.99)), "latency_ms": {"p99": 800}},
            "on_call_response_minutes": rng.choice((5, 10, 15)),
        },
    }


def _timeline(scenario, values, zone, start, detection, resolution, handle, rng) -> list[dict[str, Any]]:
    svc = values["svc"]
    mitigation = detection + (resolution - detection) * 0.6
    steps = [
        (start - timedelta(minutes=rng.choice((4, 9, 17))), f"Change rolled out to {svc}.",
         "Traffic normal.", None, "deploy-bot"),
        (start, f"First {_fill(scenario['symptom'], values)}.", "Error rate rising.", None, None),
        (detection, "Alert fired and paged on-call.", "Error rate elevated.", "On-call acknowledged the page.", handle),
        (detection + (mitigation - detection) * 0.4, "Cause narrowed down from dashboards and logs.",
         "Degraded.", "Responders compared recent changes with the metrics.", None),
        (mitigation, "Mitigation started.", "Degraded; recovery expected.",
         f"Responders {_fill(scenario['fix'], values)}.", handle),
        (resolution, f"{svc} back to normal.", "Normal operation.", "Status page updated to resolved.", None),
    ]
    entries = []
    day = start.astimezone(zone).date()
    for instant, event, state, action, responder in steps:
        local = instant.astimezone(zone)
        entry: dict[str, Any] = {}
        if local.date() != day:
            entry["date"] = local.date().isoformat()
            day = local.date()
        entry.update({"time": f"{local:%H:%M}", "event": event, "system_state": state})
        if action:
            entry["action"] = action
        if responder:
            entry["responder"] = responder
        entries.append(entry)
    return entries


def incident_yaml(data: dict[str, Any]) -> str:
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000, default_flow_style=False)
    return "# yaml-language-server: $schema=../schema/postmortem.schema.json\n" + body


def write_incidents(directory: Path | str, n: int, *, seed: int = 7, status: str = "published",
                    start: int = 1) -> list[Path]:
    """Write ``n`` incidents to ``directory`` (numbered from ``start``); ``status="mixed"`` gives
    about 80% published, 15% in-review and 5% drafts."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for i in range(start, start + n):
        chosen = status
        if status == "mixed":
            chosen = rng.choices(("published", "in-review", "draft"), weights=(16, 3, 1))[0]
        data = make_incident(i, status=chosen, rng=random.Random(rng.random()))
        path = directory / f"{data['id']}.yaml"
        path.write_text(incident_yaml(data), encoding="utf-8")
        paths.append(path)
    return paths
