"""Eleventh round of the blameless engine: plain harmful acts (issue 17).

Most unseen misses were a person's harmful act told plainly.  This round widens the consequence classes
(a part that stalled or lost quorum, harm measures that spiked, records exposed, the thing removed still
in use, work done twice, harm left unseen), lets BL148's look-back cross numbers ("4,000", "17:55") and
"until", adds agency markers (company data taken home, an amount off by a factor, debug switches left
on, work copied from a stale page, a safety interlock defeated, every member at the same time, the busiest hour,
an object shipped untested, "the wrong" after any act, extra digits, a secret sent to an agency), reads a
deviation before the passive agent (BL143), widens occupations (train driver, staff member, teller),
lists 419 more given names of many languages, adds nominalised and disciplinary shapes, and fixes context
readings that dropped agency matches ("-ing" words that are not participles, a capitalised object taken
for the subject, "that" before a verb).  The sentences are written for these tests (paraphrases of the
classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    # Consequence classes (BL148)
    ("BL148", "Chiamaka lowered the cache TTL to one second, and the origin servers buckled."),
    ("BL148", "The platform engineer resized the shared pool to 9,000, and the database ran out of memory."),
    ("BL148", "The operator bounced every etcd member in one go, and the cluster lost quorum."),
    ("BL148", "The contractor renamed the topic, and every consumer in the region stopped processing payments."),
    ("BL148", "Siddharth disabled the fraud model, and chargebacks surged the next morning."),
    ("BL148", "The intern made the backup bucket public, exposing twelve thousand invoices."),
    ("BL148", "The release engineer flipped the pricing flag on, and the draft prices leaked to every tenant."),
    ("BL148", "The DBA dropped the legacy schema, which turned out to still serve the reporting jobs."),
    ("BL148", "The billing analyst replayed the settlement file, so the payouts went out twice."),
    ("BL148", "The duty manager closed the incident as noise, and the outage ran unnoticed until noon."),
    ("BL148", "Ravindra kept replaying the import by hand until the temp volume filled up."),
    # Agency markers (BL142)
    ("BL142", "The sysadmin truncated the ledger table thinking it was a scratch copy."),
    ("BL142", "The engineer pushed the firewall change at 18:40 and went home."),
    ("BL142", "The storage admin synced the customer archive to his own laptop."),
    ("BL142", "The support lead forwarded the raw export to a personal gmail account."),
    ("BL142", "The pharmacist loaded the syringe driver with ten times the prescribed volume."),
    ("BL142", "The mobile team published the app with verbose logging still enabled."),
    ("BL142", "The developer copied the nginx config from an outdated wiki page."),
    ("BL142", "The shift supervisor bypassed the press guard interlock to keep the line moving."),
    ("BL142", "The SRE rebooted all four brokers at the same time."),
    ("BL142", "The on-call engineer cycled every database host at the same time."),
    ("BL142", "The analyst ran the reindex during the flash sale."),
    ("BL142", "The payments squad shipped the migration unreviewed, and nobody noticed for a day."),
    ("BL142", "She restored the snapshot into the wrong region."),
    ("BL142", "The trader keyed the order with two extra zeros."),
    ("BL142", "The contractor emailed the admin password to the agency."),
    ("BL142", "The freight driver ran the red signal outside the yard."),
    ("BL142", "It was the networking group that resized the volume and left the bucket open to the internet."),
    ("BL142", "The tram driver ran through the junction while texting."),
    ("BL148", "The storage admin halved the quota, and writes started failing in every zone."),
    # The passive agency frame with the deviation before the agent (BL143)
    ("BL143", "The signing key was committed to a public repository by a junior developer."),
    ("BL143", "Forty lab results were mailed to the wrong ward by the night clerk."),
    ("BL143", "The payroll extract was copied to a personal drive by a finance analyst."),
    ("BL143", "The schema migration was aborted midway by the DBA, leaving half the tables altered."),
    ("BL143", "The points were switched by the signaller, who was checking his phone."),
    # Occupations and qualified heads
    ("BL142", "The tram driver left the depot without a brake test."),
    ("BL001", "Investigators put the exposure down to human error by a bank teller."),
    # Names of more languages (listed)
    ("BL148", "Oluwaseun pointed the load generator at the live cluster and flooded it with fake orders."),
    ("BL137", "The audit bucket was deleted by Radoslav during a tidy-up of old projects."),
    # Nominalised and disciplinary
    ("BL140", "The slow response came down to indecision on the part of the incident commander."),
    ("BL140", "The outage followed a flouting of the freeze by two release managers."),
    ("BL145", "From now on, Jarrah will need sign-off from his team lead before any deploy."),
    ("BL145", "The operator responsible has been sent back through the change-safety course."),
]

CLEAN = [
    # Neutral results and mitigations after a person's act
    "The on-call engineer restarted the worker, and the error rate went down.",
    "The on-call engineer rolled back the release, and errors spiked briefly before settling.",
    "The marketing team sent the newsletter, and traffic spiked.",
    "Olumide restarted the primary, which restored checkout within a minute.",
    "Wairimu merged the fix, and every consumer in the fleet resumed processing orders.",
    "The disk filled up until the retention job caught up.",
    # Systems, sanctioned acts and diagnoses
    "The failover script cut over to the wrong region because the health check was stale.",
    "The SRE found the wrong certificate on the load balancer and replaced it.",
    "One theory was that an operator had shut down the wrong zone; the audit log ruled it out.",
    "The engineer restarted all brokers at once during the approved maintenance window, as planned.",
    "The data scientist retrained the model simultaneously with the shadow deploy.",
    "The pharmacist checked the dose against ten times the usual amount to be safe.",
    "The engineer ran the migration during the approved window with debug logging off.",
    "The engineer copied the anonymised dataset to the shared drive for the audit.",
    "The security team revoked the leaked keys in the vault.",
    "The supervisor reset the conveyor interlock after the jam was cleared.",
    "The train driver stopped at the red signal and waited for clearance.",
    "The on-call engineer answered the page while on the phone with the vendor.",
    "The stale replicas were removed by the on-call engineer after the migration.",
    # Passives with a system agent or no deviation
    "The stale export was copied to a personal drive by the backup job.",
    "The results were sent to the wrong clinic by the scheduler.",
    "The dashboard was updated by Radoslav after the review.",
    # Software heads and product names after a cause label
    "The webhook worker was careless with retries and resent each event ten times.",
    "The disk driver dropped the writes, which took both replicas down.",
    "Root cause: Nimbus dropped the BGP routes for our prefixes.",
    "Tessera misconfigured the upstream pool after the upgrade.",
    # False alarms of earlier rounds
    "In hindsight, the writing was on the wall in the latency graphs.",
    "Rosalind's dashboard made the root cause obvious within minutes.",
    "Priya was taken off the rotation at her own request after the incident.",
    "Going forward, every schema change will need sign-off from the data team before it ships.",
]


test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)

