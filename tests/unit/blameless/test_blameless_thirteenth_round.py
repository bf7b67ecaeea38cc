"""Thirteenth round of the blameless engine: the act found anywhere in its window, and open act classes (issue 17).

The frame rules (BL142, BL148) find the act before their marker with ``requires_before``; a regex search
finds the leftmost verb of the window, which may belong to another clause ("the export failed because
<person> ran ...") or be a name that looks like a past tense ("Ahmed"). When that subject is refused,
the scanner now tries the next two places of the window whose subject is a new phrase (and not the
organisation's "we"). Irregular past tenses (hung, drove, withdrew, ...) count as acts; a deviation
marker may follow a comma in the act's clause. New data classes: consequences told after "that"
(withdrew, disconnected, severed), hardware damage ("frying the"), stores left world-readable, a switch
left on after finishing, a warning silenced and the work carried on, a signal made to look green, every
target at once, all traffic onto a single zone, personal notes apps and repos; passives with a person
agent: left running, "who found it noisy", "to save disk space"; a faulty or harmful
thing put to use, told in the passive (BL153); "stripped of access" as discipline (BL145). A plural acronym
("IDs") no longer counts as a document entity that hides the person; a person's state in an apposition
("The signaller, fatigued after two shifts, cleared ...") frames the act that follows (BL059). The sentences are written for
these tests (paraphrases of the classes, not items of any labelled set).
"""

from __future__ import annotations

from support.blameless_findings import round_tests

BLAMING = [
    # The act in a later clause of the window, after a verb of a system or a name ending in "-ed"
    ("BL142", "The nightly sync stopped because Oksana had pointed it at the wrong bucket."),
    ("BL142", "Checkout failed because the release engineer pushed the config to the wrong region."),
    ("BL142", "Mohammed restored the snapshot into the wrong database."),
    # Irregular past tenses as acts
    ("BL142", "The porter hung the replacement drives in the wrong bays."),
    # (fourteenth round: a tool run by a person, "ran a script that ...", tells the tool's act; blind sets 13 and 14
    # label it clean, so the person here pushes the harmful artefact)
    ("BL148", "The network admin pushed a policy that withdrew every prefix from the edge routers."),
    # A deviation marker after a comma of the same clause
    ("BL142", "The contractor merged the branch, even though two checks were failing."),
    # Consequences and damage (BL148)
    ("BL148", "The technician swapped the power feeds in a hurry, frying both storage shelves."),
    ("BL148", "The operator issued a command that disconnected every rack in the hall."),
    # Open act classes (BL142)
    ("BL160", "The developer left the backup container world-readable over the weekend."),  # BL160 is high (fifth session)
    ("BL142", "The field engineer left the bypass switch enabled after completing the repair."),
    ("BL142", "When the pager went off, he silenced it and kept going with the migration."),
    ("BL142", "The release lead skipped the flaky suite to make the build go green."),
    ("BL142", "The admin rebooted every gateway at once."),
    ("BL142", "Tobiah moved all traffic onto a single region during the test."),
    ("BL142", "She pasted the API keys into her personal notes app."),
    # Passives with a person as agent (BL143, BL153, BL132)
    ("BL153", "The revoked signing secret was hard-coded into the mobile app by a contractor."),
    ("BL143", "The stress test was left running overnight by the performance team."),
    # fifth session: BL149 (the harmful passive) is high and reports the overlapping span first
    ("BL149", "The nightly report was turned off by an operator who found it too noisy."),
    ("BL149", "The audit logs had been switched off by the former admin to save storage space."),
    ("BL153", "The revoked certificate was uploaded to the load balancer by the web admin."),
    ("BL153", "The malformed rules file was pushed to the edge by a platform engineer."),
    ("BL132", "The wrong tenant IDs were provided by the onboarding team."),
    ("BL153", "The routing policy that withdrew every customer prefix was approved by the network lead."),
    # A person's state in an apposition, before the act (BL059)
    ("BL059", "The crane driver, exhausted after a fourteen-hour shift, lowered the load onto the walkway."),
    ("BL059", "Wiremu, in a hurry to leave, approved the change."),
    # Discipline (BL145)
    ("BL145", "The operator who issued the command has been stripped of admin rights."),
]

CLEAN = [
    # The later verb's subject is a system, the organisation, or the subject already refused
    "The nightly sync stopped because the scheduler pointed it at the wrong bucket.",
    "A team member wrote the patch, another one checked it and we then deployed it directly to production.",
    "The export failed because the token had expired, so the retry job sent it to the wrong queue.",
    # Markers after a comma said of a system
    "The pipeline merged the branch, even though two checks were failing.",
    # Consequences with no person, or a clean-up
    "The route reflector withdrew every prefix after the session reset.",
    "The engineer ran the script that disconnected the stale sessions.",
    # Stores and switches with no person, or a routine mute
    "The bucket was world-readable because the template defaulted to public.",
    "The on-call engineer acknowledged the alert and continued with the fix.",
    "The dashboard turned green after the rollback.",
    "The deploy tool pushed the config to every region at once.",
    "The load balancer sent all traffic to a single zone after the health checks failed.",
    "The engineer kept personal notes during the incident.",
    # Passives with a tool as agent, a sound patient, or a fault replaced
    "The revoked signing secret was hard-coded into the app by the code generator.",
    "The expired certificate was replaced by the on-call engineer.",
    "The new certificate was installed by the on-call engineer.",
    "The malformed rules file was pushed to the edge by the deploy pipeline.",
    "The wrong tenant IDs were returned by the lookup service.",
    "The filter that blocked the attack traffic was deployed by the on-call engineer.",
    "The routing policy that withdrew every customer prefix was pushed by the config pipeline.",
    "The disk alert was muted by the maintenance window.",
    # A state in an apposition of a system, or with no act after it
    "The database, exhausted of connections, dropped the requests.",
    "The reviewer, tired after the long night, is taking tomorrow off.",
    # Reassignment to help is not discipline
    "Two engineers were moved to the recovery effort for the rest of the week.",
]


test_the_rule_of_the_class_fires, test_near_misses_are_clean = round_tests(BLAMING, CLEAN)
