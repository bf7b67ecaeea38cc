"""Fourteenth round of the blameless engine: open classes instead of phrases (issue 17).

Sanctions against a person are a vocabulary of their own, kept as data (``discipline.yaml``): what a person
undergoes after a copula (BL145: leave, warnings, retraining, dismissal, accountability), what they are told
to expect ("will face consequences"), and a sanction told as a noun opened against them (BL154). A destroying
act done in passing, while busy with another task (BL155; acts and frames in ``consequence.yaml``); a
safeguard left out and told by what it would have done (BL156). New deviation classes of the agency frame
(BL142, ``agency.yaml``): the person's own comfort as the reason, a gate made to pass, a switch meant to be
brief, a habit or mood, an act aimed at one thing that landed on another, an artefact of one environment put
into another, work handed to someone with no experience; past tenses with a hyphen ("hard-coded") are acts.
The sentences are written for these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests, warning_test

BLAMING = [
    # Sanctions after a copula (BL145, discipline.yaml)
    ("BL145", "The DBA who dropped the index has been put on paid leave while HR looks into it."),
    ("BL145", "Three technicians were given final written warnings after the audit."),
    ("BL145", "The tester who shipped the build has been ordered to retake the release training."),
    ("BL145", "Anyone who bypasses the freeze again will be held personally accountable."),
    ("BL145", "The two network admins could face disciplinary action over the outage."),
    ("BL145", "The shift supervisor has been relieved of her duties."),
    ("BL145", "The on-call engineer has received two formal warnings this year."),
    # A sanction told as a noun, against a person (BL154)
    ("BL154", "Management opened a misconduct investigation against the on-call DBA."),
    ("BL154", "Disciplinary proceedings were started against the two operators."),
    # A destroying act done in passing (BL155)
    ("BL155", "The analyst deleted the finance schema while tidying up her workspace."),
    ("BL155", "A trainee truncated the audit table while experimenting with the query editor."),
    ("BL155", "The landscaping crew severed the power cable while planting trees by the car park."),
    ("BL155", "Olamide wiped the shared volume during a spring clean of the lab servers."),
    # A safeguard left out, told by what it would have done (BL156)
    ("BL156", "The developer commented out the validation that would have refused the malformed payload."),
    ("BL156", "The approver waived the soak period that would have exposed the memory leak."),
    # The person's own comfort, a gate made to pass, a brief switch, a habit (BL142)
    ("BL142", "The operator muted the pressure alarm because it irritated him."),
    ("BL142", "The SRE turned off the disk alert since it kept paging her at night."),
    ("BL142", "He skipped the contract tests only to get the release through."),
    ("BL142", "The admin opened the firewall just for a minute and forgot about it."),
    ("BL142", "The clerk approved the refund out of habit."),
    # An act aimed at one thing that landed on another (BL142, BL143)
    ("BL142", "The technician pulled the drive, meaning to replace the failed one, but took out a healthy disk."),
    ("BL143", "The edge switch was power-cycled by an engineer looking for another rack."),
    # One environment's artefact in another; work handed to someone unqualified; hyphenated past tenses
    ("BL142", "The analyst copied the production customer data into a QA sandbox."),
    ("BL142", "The developer loaded the sample records into the production database."),
    ("BL142", "The manager assigned the failover drill to an intern with no training."),
    ("BL142", "The engineer copy-pasted the config into the wrong cluster."),
    # More sanctions: banned, rights taken away, an active sanction with a person as object (BL145, BL154)
    ("BL145", "The vendor engineer has been barred from the data centre."),
    ("BL145", "The junior admin has had her sudo rights revoked."),
    ("BL154", "The agency let the temp operator go after the spill."),
    ("BL154", "Leadership demoted the release manager over the botched launch."),
    # An ambiguous role with a predicate only people take; a full foreign name; a handle with a foreign surname
    ("BL059", "The signaller was drowsy at the end of the night turn and cleared the wrong route."),
    ("BL086", "Ingrid Sørensen misread the dosage chart."),
    ("BL123", "tnhan sat on the capacity ticket for a week."),
    # 'never' with an open past tense (BL083); a group that took nothing seriously (BL127); 'they' in hindsight
    ("BL083", "The release captain never booked the change slot with the network team."),
    ("BL127", "No one on the platform rota took the repeated certificate expiry warnings seriously."),
    ("BL066", "All they had to do was look at the second graph."),
    # A passive agent followed by a time adverbial; a safeguard switched off and left so
    ("BL143", "The retention policy was shortened by an analyst last quarter, without telling anyone."),
    # fifth session: BL149 (the harmful passive) is high and reports the overlapping span first
    ("BL149", "The smoke alarm was unplugged by the night porter and quietly forgotten."),
    ("BL160", "But for the courier leaving the cage unlocked, the drives would still be in the vault."),
    ("BL059", "The dispatcher was too exhausted to notice the second call."),
    # A person's decision or insistence as the cause (BL157); sleeping through a signal (BL122)
    ("BL157", "The founder's insistence on a midnight launch caused the outage."),
    ("BL157", "Kwame's refusal to wait for the soak test is the reason the release failed."),
    ("BL122", "The duty officer slept through three pages from the monitoring system."),
    # More nuisance judgements, no supervision, the device switched off, straight to the protected branch
    ("BL143", "The retry limits were raised by a technician who found them too strict."),
    ("BL143", "The firmware was flashed by a new hire with no supervision."),
    ("BL142", "The on-call SRE had put her pager on silent before the storm hit."),
    ("BL142", "The contractor merged his branch straight into master."),
    # Dealt with, spoken to (BL145); an imagined better person (BL158); over live data, in business hours (BL142)
    ("BL145", "The technician at fault has been dealt with internally."),
    ("BL145", "The developer was spoken to by her line manager."),
    ("BL158", "Any experienced administrator would have taken a snapshot first."),
    ("BL158", "A more attentive reviewer would have caught the inverted flag."),
    ("BL142", "Naledi copied the test fixtures over the live customer table."),
    ("BL142", "The analyst rebuilt the warehouse indexes during business hours."),
]

# The counterfactual of exception with 'but for' and with a person's decision or fault: BL152, still a warning
# (medium tier, as the tenth round left it: an exception can also tell credit).
MEDIUM = [
    "Were it not for Mirela's decision to skip the soak test, the leak would have shown up in staging.",
    "If it hadn't been for the admin's carelessness, the bucket would have stayed private.",
]

CLEAN = [
    # Sanctions of systems, routine leave and shifts, policies in the present
    "The batch job was terminated after the timeout.",
    "The on-call engineer took annual leave the week before.",
    "The operator was placed on the night shift.",
    "The service owners are held accountable for their error budgets.",
    "The team will face a difficult quarter.",
    "A review against the checklist found two gaps.",
    "An investigation against the vendor's contract terms is under way.",
    # Clean-up targets, responses, tools and purposeful removals
    "The on-call engineer deleted the stale lock files while restoring service.",
    "The cleanup job deleted the orders table while rotating partitions.",
    "The engineer cut the release branch while waiting for the tests.",
    "The DBA dropped the old test tables while tidying the schema.",
    "The responder removed the node from the pool while investigating the leak.",
    # A safeguard found or added, or skipped by a tool
    "The on-call engineer found the alert that would have warned us.",
    "The new canary stage is the check that would have caught it.",
    "The pipeline skipped the check that would have caught it.",
    # Annoyance with no act, reasons that are evidence, a promotion to production
    "The flapping alert annoyed him for weeks before the fix.",
    "The engineer rolled back because the dashboard showed the error rate rising.",
    "The release engineer promoted the staging build to production.",
    "The engineer restarted the pod, intending to clear the cache.",
    "The tester loaded the production schema into the test database with masked data.",
    # Software roles and software predicates; shifts handed over; passive experiencers
    "The scheduler was retrained on the new cost model.",
    "The ingress controller was overloaded and dropped requests.",
    "The controller handed over to the relief controller at 06:00.",
    "The team running the cutover was never told that the old hosts were still in use.",
    "The DBA did not yet have access to the console and asked for it through the usual form.",
    "Operators should never need to edit the zone file by hand.",
    "The engineer had never deployed this service before.",
    "The replication job never caught up after the failover.",
    # A tool run by a person does the harm itself; responsibility held by the organisation; a received page
    "The network admin ran a script that withdrew every prefix from the edge routers.",
    "The engineer ran the cleanup job that deleted the orphaned volumes and two live ones.",
    "In the end, responsibility for the outage rests with the organisation, not with one engineer.",
    "The on-call engineer received an alert that pointed at the wrong dashboard.",
    # Let go of a thing, a shift let off early, a sanction of a job, several capitalised words of a product
    "We let the queue drain before the restart.",
    "We let the on-call engineer go home after the fix.",
    "The scheduler suspended the batch job for an hour.",
    "Azure Front Door misjudged the origin health.",
    "The engineer had his laptop replaced.",
    # Decisions of systems, or with a good result; a pipeline on the protected branch
    "The scheduler's decision to evict the pods caused the restart.",
    "Rahul's decision to roll back led to a quick recovery.",
    "The bot pushed the version tag directly to main.",
    "The ticket was dealt with by the support desk.",
    "The team was spoken to by the vendor about the roadmap.",
    "Any reasonable monitoring system would have alerted on the lag.",
    "A good runbook would have listed the rollback command.",
    "Were it not for the on-call engineer's quick thinking, the outage would have lasted hours.",
    "But for the failover script taking over, we would have lost the region.",
    "Were it not for the scheduler's decision to evict the pods, the job would have finished.",
    # A response in progress, a poisoned object; a destroying act said to be planned
    "The responder deleted the poisoned messages while draining the queue.",
    "The technician cut the fibre link while testing the failover, as planned in the drill.",
    "The DBA wiped the reporting replica during the test run, with the service owner's approval.",
]


test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)


test_the_exception_with_a_possessive_is_a_warning = warning_test("BL152", MEDIUM)
