"""Twelfth round of the blameless engine: open lexicons and open act classes (issue 17).

Names, occupations, departments and states are open classes as data: an open list of about 34,000 given
names generated from the US Social Security Administration's public-domain counts (``given_names.txt``,
``scripts/tools/gen_given_names.py``), weaker than the curated list (a document that shows the word to
be a system clears it); ``people.yaml`` (occupations merged into the person nouns, departments that act
before a past-tense verb, unit qualifiers before floor/desk/bench, person states given as the cause when
an act or consequence follows). The act side widens as data too: work shipped half-done, acts before
anyone verified or before a measure recovered, acts in the middle of another operation, past a published
limit, the same thing done twice or booked to the same slot, a door left propped open, resources left
idle, one's own pager silenced, alerts switched off as noisy, a value typed wrong or inverted, a
safeguard treated as a formality; hammering a service, backups expiring, secrets logged, nobody seeing
it, and harm told in a "that" clause (BL148); a double dose; a target still moving; a person's
misconfigured or oversized work (BL106); dismissal verbs; nominalised blame ("poor communication from",
"misjudgement by", "failure of <person> to", "disregard for ... by"). The sentences are written for
these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    # Given names of the open list (not in the curated list): the act is caught once the name is a person
    ("BL128", "Marisol dropped the invoices table in production."),
    ("BL155", "Yannick wiped the primary bucket in production during the clean-up."),  # was BL128: BL155 starts earlier
    ("BL142", "Oluwaseun restored the backup into the wrong cluster."),
    # Departments and units acting (people.yaml)
    ("BL033", "Procurement renewed the wrong support contract."),
    ("BL142", "Payroll approved the bonus batch even though the approvals were still open."),
    ("BL020", "Marketing announced the price change without telling the billing team."),
    ("BL019", "The loading dock floor skipped the seal checks for a week."),
    # Person states framing the act (BL059 with {PERSON_STATE})
    ("BL059", "The relief controller was exhausted after two back-to-back shifts and cleared the wrong aircraft."),
    ("BL059", "Ottavio was in a hurry to leave and merged the branch without reading it."),
    ("BL059", "By spring, the operator had grown cocky and stopped checking the pressure logs."),
    # Open act classes (agency.yaml, BL142)
    ("BL142", "The release manager tagged the build half-done so the train would leave on time."),
    ("BL142", "The duty manager closed the outage before anyone had confirmed the fix."),
    ("BL142", "The commander stood the team down before the queue depth had recovered."),
    ("BL142", "The storage admin resized the volume mid-migration."),
    ("BL142", "The crane operator lifted past the rated maximum load."),
    ("BL142", "The support agent reissued the same voucher four times."),
    ("BL142", "The shift planner assigned two trains to the same platform."),
    ("BL142", "The porter left the server room door propped open all weekend."),
    ("BL142", "Matthias started forty test clusters and left them idle for weeks."),
    ("BL142", "The on-call engineer had switched off his phone for the evening."),
    ("BL142", "The SRE disabled the disk alerts because they were flapping."),
    ("BL142", "The operator set the shard count wrong, and the cluster rebalanced every partition."),
    ("BL142", "The developer shipped the consent toggle inverted."),
    ("BL142", "The data team treated the schema review as a formality."),
    ("BL142", "The analyst deployed the half-finished pricing rule to every market."),
    # Consequences (BL148)
    ("BL148", "The mobile team released a client that hammered the search API on every scroll."),
    ("BL148", "Radomir approved a migration that dropped the customer notes column."),
    ("BL148", "The contractor removed the retention rule, and the snapshots expired overnight."),
    ("BL148", "The developer enabled request tracing, which logged every session cookie for a week."),
    ("BL148", "The on-call engineer silenced the capacity alert, so nobody noticed the volume filling."),
    # Dismissal verbs (BL019) and nominalised blame (BL140)
    ("BL019", "The lead waved away the reviewer's warning about the migration."),
    ("BL019", "The director overruled the engineers who wanted to postpone the launch."),
    ("BL140", "Poor coordination from the shift leads left the night crew without a runbook."),
    ("BL140", "A misjudgement by the duty dispatcher left two crews at the same depot."),
    ("BL140", "The failure of the release captain to read the checklist let the build through."),
    ("BL140", "Disregard for the change freeze by the growth team caused the regression."),
    # Possessive with a slip adjective and an act noun (BL106), a double dose, a moving target (BL142, BL143)
    ("BL106", "Wojciech's misconfigured backup job deleted the shared snapshots."),
    ("BL106", "The dealer's oversized hedge order moved the price for an hour."),
    ("BL142", "The ward nurse gave the infant a double dose of the sedative."),
    ("BL143", "The sedative was administered as a double dose by the locum nurse."),
    ("BL143", "The switch was thrown by the signaller while the train was still moving."),
    # A planner or dispatcher with no software word before it is a person; units, live targets, stale artefacts
    ("BL086", "The planner misread the crew roster and sent nobody to the depot."),
    ("BL014", "The dispatcher failed to pass the detour to the bus crews."),
    ("BL142", "The cashier entered the refund in pence as pounds."),
    ("BL142", "Ngozi aimed the bulk delete at the live accounts table."),
    ("BL142", "The build engineer signed the release with the expired certificate."),
    ("BL142", "The web admin deployed the revoked certificate to the edge."),
    # Sitting on a signal (BL123), a harmful block in a "that" clause (BL148)
    ("BL123", "The release manager sat on the security advisory for a fortnight."),
    ("BL148", "The firewall admin applied a rule that blocked the health checks of every region."),
    # Handles: a vowel initial and a listed given name
    ("BL142", "ebrandon restored the dump into the wrong schema."),
]

CLEAN = [
    # A name the document shows to be a system, and product names that are also given names
    "The Marisol pipeline dropped the invoices table in production after the upgrade.",
    "Travis restarted the build and the cache was rebuilt.",
    "Vantor dropped the sessions table after the schema upgrade.",
    # Departments before a verb said of systems, gerunds, and the organisation
    "Operations resumed at 14:05 once the fix was out.",
    "Admissions dropped by a third during the outage.",
    "Marketing the new plan to existing customers is next quarter's work.",
    # States with no act that they explain
    "Halvard was tired by the third hour, so Ines took over as incident commander.",
    "The release was rushed because the certificate expired on Friday.",
    "The database was exhausted of connections before the failover.",
    # Acts that are routine, or the marker said of a system or a finding
    "The technician opened the cage and unlocked the rack.",
    "The on-call engineer joined mid-incident and took over the bridge.",
    "The on-call engineer restarted the queue that dropped the messages.",
    "Dana found the cron job that deleted the backups.",
    "Dana said that errors spiked after the deploy.",
    "The engineer said something went wrong with the deploy.",
    "The on-call engineer noticed the latency graph looked wrong.",
    "The load balancer sent traffic to a pool that dropped the requests.",
    "The batch scheduler booked both jobs onto the same slot.",
    "Should the storage controller be the cause, we expect the same errors for the same window on the other shelf.",
    "Failures of the on-call rotation are reviewed every month.",
    "The failure of the primary disk to respond took the array down.",
    "The on-call engineer restarted the service twice before it stayed up.",
    "The booking service that assigns crews double-booked the cold-storage van.",
    "The pharmacy system raised a double dose warning before the order was filled.",
    "Customers were billed a double charge by the payment processor.",
    "Rustup's installer script failed on Windows with a path error.",
    "The query planner chose a sequential scan after the statistics went stale.",
    "The event dispatcher dropped the message after the upgrade.",
    "The dispatcher failed to start after the upgrade.",
    "The on-call engineer sat on the bridge call for two hours with the vendor.",
    "The canary was pointed at production by the deploy job.",
    "The firewall blocked the monitoring subnet after the update.",
    "The on-call engineer replaced the expired certificate at 09:10.",
    "The SRE rolled back to the outdated image, and errors stopped.",
]


test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
