"""Role and group words whose class depends on the word before them.

"The change board" and "the review panel" are people deciding; "the circuit board" and "the
control panel" are things.  "The backup agent" and "the certificate manager" are software; "the
support agent" and "the release manager" are people.  Grammar.word_class asks these two questions
about the noun before a head; both look at one token, so they cost nothing measurable.
"""

from __future__ import annotations

# A board or panel of people that decides on changes, after a word naming what it decides on.
DECIDING_BODIES = frozenset(("board", "boards", "panel", "panels"))
BODY_QUALIFIERS = frozenset(("change", "review", "advisory", "approval", "architecture", "release", "design",
                             "safety", "security", "governance", "steering", "risk", "cab"))

# Role words that also name software when a system noun stands before them, unless that noun names
# a field people work in ("the release manager", "the support agent").
TOOL_ROLES = frozenset(("agent", "agents", "manager", "managers", "worker", "workers"))
PEOPLE_MODIFIERS = frozenset(("release", "releases", "change", "changes", "deploy", "deployment", "build", "incident",
                              "product", "project", "program", "service", "support", "account", "delivery",
                              "engineering", "escalation", "network", "security", "test", "qa", "data", "platform",
                              "feature", "migration", "rollout", "vendor", "provider", "on-call", "shift",
                              "warehouse", "factory", "care", "office", "field", "contract", "temp", "night", "day"))


def deciding_body(head: str, before: str | None) -> bool:
    """"the change board", "the review panel": a group of people."""
    return head in DECIDING_BODIES and before in BODY_QUALIFIERS


def tool_role(head: str, before: str | None, systems: frozenset[str], products: frozenset[str]) -> bool:
    """"the backup agent", "the certificate manager": software, not a person."""
    return head in TOOL_ROLES and before is not None and (before in systems or before in products) \
        and before not in PEOPLE_MODIFIERS


# Role heads that name a person only after a word saying which duty ("the scrum master", "the
# pager holder", "the build cop", "the escalation contact"), and a thing otherwise ("the master
# node", "the card holder" of a badge reader, "the contact form").
QUALIFIED_ROLES = {
    "master": frozenset(("scrum", "release", "build", "ops", "quiz")),
    "masters": frozenset(("scrum", "release", "build", "ops")),
    "holder": frozenset(("pager", "key", "budget", "phone", "token", "rota", "rotation")),
    "holders": frozenset(("pager", "key", "budget", "phone", "token")),
    "cop": frozenset(("build", "release", "merge", "deploy", "on-call")),
    "cops": frozenset(("build", "release", "merge", "deploy")),
    "contact": frozenset(("escalation", "emergency", "vendor", "primary", "secondary", "on-call", "support")),
    "contacts": frozenset(("escalation", "emergency", "vendor", "on-call", "support")),
    # Eleventh round: occupations whose head also names software ("the train driver", "the flight dispatcher",
    # "the air-traffic controller", "a staff member"; not "the disk driver", "the event dispatcher", "etcd members").
    **{head: frozenset(("train", "bus", "truck", "lorry", "taxi", "tram", "delivery", "van", "forklift", "ambulance",
                        "cab", "locomotive", "crane", "tractor", "coach", "freight", "shuttle", "rail"))
       for head in ("driver", "drivers")},
    **{head: frozenset(("train", "rail", "railway", "flight", "fleet", "police", "emergency", "ambulance", "fire",
                        "freight", "taxi", "truck", "shift", "night", "duty", "911", "999", "field", "crew",
                        "night-shift", "day-shift", "on-call", "senior", "junior", "lead"))
       for head in ("dispatcher", "dispatchers")},
    **{head: frozenset(("air-traffic", "traffic", "air", "flight", "ground", "approach", "tower", "financial", "shift",
                        "duty", "train", "signal", "area", "project", "quality", "night", "day", "relief", "senior",
                        "junior", "lead", "on-call", "night-shift", "day-shift"))
       for head in ("controller", "controllers")},
    **{head: frozenset(("shift", "flight", "route", "production", "maintenance", "event", "crew", "financial",
                        "release", "sprint", "project"))
       for head in ("planner", "planners")},
    **{head: frozenset(("staff", "team", "crew", "board", "committee", "panel", "squad", "council", "cabin", "support",
                        "ops", "security", "engineering", "faculty", "family", "band", "cast"))
       for head in ("member", "members")},
}
# Twelfth round: "-er" heads that name a person unless a software word stands before them ("the planner
# mistyped the gate assignment", "a dispatcher routed the ticket"; not "the query planner", "the event
# dispatcher").  Incident prose about software says which planner or dispatcher it means.
DEFAULT_PEOPLE_ROLES = frozenset(("planner", "planners", "dispatcher", "dispatchers"))
SOFTWARE_MODIFIERS = frozenset(("query", "event", "events", "job", "jobs", "task", "tasks", "request", "requests",
                                "message", "messages", "thread", "threads", "cron", "workflow", "batch", "packet",
                                "interrupt", "io", "i/o", "kernel", "async", "goroutine", "network", "route",
                                "traffic", "capacity", "cost", "sql", "postgres", "mysql", "database", "db", "plan",
                                "execution", "cluster", "resource", "resources", "pod", "container", "work", "signal",
                                "action", "actions", "webhook", "notification", "alert", "alerts", "log"))
# "PM" is a role ("the PM decided", a person noun in rules.yaml) and a time ("at 2:15 PM").
TIME_OR_ROLE = frozenset(("pm", "am"))


def qualified_role(head: str, before: str | None) -> bool:
    """"the scrum master", "the pager holder", "the build cop": a person."""
    duties = QUALIFIED_ROLES.get(head)
    return duties is not None and before in duties


def default_person_role(head: str, before: str | None, systems: frozenset[str], products: frozenset[str]) -> bool:
    """"the planner", "a night dispatcher": a person, unless a software word says which one it is."""
    return head in DEFAULT_PEOPLE_ROLES and (before is None or before not in SOFTWARE_MODIFIERS
                                             and before not in systems and before not in products)


def time_of_day(head: str, before_kind: str | None) -> bool:
    """"2:15 PM" is a time, not the PM."""
    return head in TIME_OR_ROLE and before_kind == "n"
