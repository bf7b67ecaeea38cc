"""Fifteenth round of the blameless engine: BL159, a learned second look (issue 17, learned.py).

A logistic model over the words of a sentence, with each person mention replaced by its grammatical class,
reads the sentences that mention a person, have no first-person speaker, and that no rule flagged.  Its
finding is always a warning.  The sentences here are written for these tests, not items of a labelled set.
The model's confident tier, BL161 (an error), is set aside here and tested in test_blameless_confident.py.
"""

from __future__ import annotations

import importlib.util
import json
import time
from pathlib import Path

import pytest

from postmortem_kit.blameless import cues, find_blame, learned, lint_text, training
from postmortem_kit.blameless.rules import load_rules
from postmortem_kit.core import load_yaml_text
from support.blameless_findings import warning_test
from support.examples import example_text

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data"

# Plain harmful acts of a person, in neutral words: no rule's wording, the model's warning.  Each retraining
# moves about one sentence across the threshold (docs/pages/design/blameless-evaluation.md, twentieth round),
# so these are sentences the model scores with a margin (0.99 or more in the sixth session); the model's
# recall is measured on the labelled sets, left out in turn, not here.
PLAIN_ACTS = [
    "The warehouse supervisor overrode the stock count and shipped phantom orders.",
    "A developer pushed the debug flag to production and exposed the admin console.",
    "The contractor unplugged the core switch to charge a laptop.",
]
test_a_plain_harmful_act_is_a_warning = warning_test("BL159", PLAIN_ACTS)

NOT_READ = [
    # the organisation or the author as the speaker
    "We pushed the debug flag to production and exposed the admin console.",
    "I overrode the stock count and shipped orders that did not exist.",
    # no person at all
    "The build script pushed the debug flag to production and exposed the metrics console.",
]

NEUTRAL = [
    "The on-call engineer drained the affected node and traffic moved to its neighbours.",
    "The database administrator took a snapshot of the primary before starting the upgrade.",
    "Priya restarted the pods at 14:02 and latency recovered.",
    "The support team answered tickets throughout the outage and kept the status page current.",
]


@pytest.fixture(autouse=True)
def _no_confident_tier(monkeypatch):
    """BL159 alone: no sentence reaches the confident score of BL161."""
    monkeypatch.setitem(learned.model(), "confident", 2.0)


def _learned(text: str) -> list:
    return [f for f in lint_text(text, "x.md", status="published") if f.rule == "blameless/BL159"]


@pytest.mark.parametrize("text", NOT_READ + NEUTRAL, ids=[t[:40] for t in NOT_READ + NEUTRAL])
def test_neutral_and_unread_sentences_are_not_flagged(text):
    assert _learned(text) == []


@pytest.mark.parametrize("text", NOT_READ, ids=[t[:40] for t in NOT_READ])
def test_a_first_person_or_personless_sentence_is_never_scored(text):
    rules = load_rules()
    from postmortem_kit.blameless.grammar import Grammar
    from postmortem_kit.blameless.scanner import prepare

    grammar = Grammar(text, prepare(text), rules.lexicon)
    assert learned.score(grammar, 0, len(text), rules.lexicon) is None


def test_it_is_a_warning_even_in_a_published_incident_and_never_blocks():
    findings = _learned(PLAIN_ACTS[0])
    assert [f.severity for f in findings] == ["warning"]
    assert "learned second look" in findings[0].message and PLAIN_ACTS[0] not in findings[0].message
    assert findings[0].match == PLAIN_ACTS[0]  # the whole sentence is the match; the message does not repeat it


def test_a_sentence_a_rule_flagged_is_not_flagged_again():
    text = "The DBA carelessly ran the migration against the primary and dropped the orders table."
    rules = {f.rule for f in lint_text(text, "x.md", status="published")}
    assert rules and "blameless/BL159" not in rules


def test_each_sentence_of_a_paragraph_is_read_on_its_own():
    text = f"The export finished at 02:00.\n\n- {PLAIN_ACTS[1]}\n\nTraffic recovered by 03:00. {PLAIN_ACTS[2]}\n"
    found = _learned(text)
    assert [f.line for f in found] == [3, 5]
    assert found[0].column == 3  # after the list marker


def test_headings_and_code_are_not_read():
    text = f"# {PLAIN_ACTS[0]}\n\n```\n{PLAIN_ACTS[1]}\n```\n"
    assert _learned(text) == []


def _incident(field_text: str, where: str) -> str:
    text = example_text("INC-2026-0001")
    data_line = {"user_experience": "  user_experience: >-\n", "action": "    action: "}[where]
    assert data_line in text
    if where == "user_experience":
        return text.replace(data_line, data_line + f"    {field_text}\n", 1)
    return text.replace(data_line, data_line + field_text + " ", 1)


def test_incident_fields_are_read_but_not_the_timeline():
    doc = load_yaml_text(_incident(PLAIN_ACTS[0], "user_experience"), "INC-2026-0001.yaml")
    found = [f for f in find_blame(doc, doc.path, "published") if f.rule == "blameless/BL159"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].field == "impact.user_experience"
    doc = load_yaml_text(_incident(PLAIN_ACTS[0], "action"), "INC-2026-0001.yaml")
    assert [f for f in find_blame(doc, doc.path, "published") if f.rule == "blameless/BL159"] == []


def test_the_example_incidents_stay_clean():
    for incident_id in ("INC-2026-0001", "INC-2026-0002", "INC-2026-0003", "INC-2026-0004"):
        doc = load_yaml_text(example_text(incident_id), f"{incident_id}.yaml")
        assert find_blame(doc, doc.path, "published") == []


def test_the_weights_are_what_training_on_the_committed_sets_gives():
    spec = importlib.util.spec_from_file_location("train_model", ROOT / "scripts" / "tools" / "train_blameless_model.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.main(["--check"]) == 0, "run python scripts/tools/train_blameless_model.py"
    model = json.loads(learned.MODEL_PATH.read_text(encoding="utf-8"))
    assert model["threshold"] == training.THRESHOLD
    assert "blameless-blind-15.jsonl" in model["sets"] and model["examples"] > 5000


def test_a_stale_model_is_reported(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("train_model2", ROOT / "scripts" / "tools" / "train_blameless_model.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    stale = tmp_path / "learned.json"
    stale.write_text("{}\n", encoding="utf-8")
    monkeypatch.setattr(learned, "MODEL_PATH", stale)
    assert tool.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err


def test_the_locators_cue_places_hold_on_random_texts():
    """The same equality on seeded random texts: team words before verbs, nouns and punctuation, given
    names in both cases, handles, possessives, tabs, carriage returns, runs of spaces, curly quotes and
    a character that grows when lower-cased."""
    import random

    rules = load_rules()

    words = ["support", "Support", "security", "ops", "lead", "shift", "pilot", "tickets", "closed", "is",
             "the", "engineer", "engineers'", "Will", "will", "May", "may", "Priya", "priya's", "@mkowalski",
             "we", "nobody", "no", "one", "deployed", "(Will)", "lead,", "support.", "İstanbul", "“quoted”",
             "it’s", "x_y", "—", "", "3", "on-call"]
    seps = [" ", "  ", "\t", "\r", "\n", "\n\n", " \t "]
    generator = random.Random(17)
    marked = 0
    for _ in range(300):
        texts = []
        for _ in range(generator.randint(1, 4)):
            parts = [generator.choice(words) for _ in range(generator.randint(1, 12))]
            texts.append("".join(part + generator.choice(seps) for part in parts).strip(" ") or "x")
        expected, spans = _cue_paths_agree(rules, texts)
        marked += bool(expected) and len(expected) < len(spans)
    assert marked > 30  # texts where some strings hold a cue and others do not


def test_the_cue_memo_stays_bounded(monkeypatch):
    rules = load_rules()
    monkeypatch.setattr(cues, "_MEMO_LIMIT", 50)
    words = " ".join(f"word{n}" for n in range(200))
    cues.cue_spans(words, [(0, len(words))], rules.lexicon)
    assert len(cues._memo(rules.lexicon)) <= 250
    text = "The engineer went home."
    assert cues.cue_spans(text, [(0, len(text))], rules.lexicon) == [(0, len(text))]
    # seen and new tokens together past the bound: the memo starts again and reads every token
    mixed = text + " " + " ".join(f"other{n}" for n in range(100))
    assert cues.cue_spans(mixed, [(0, len(text)), (len(text) + 1, len(mixed))], rules.lexicon) == [(0, len(text))]


def _cpu(text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        lint_text(text, "x.md", status="draft")
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("unit", [
    "Engineer ",  # one endless sentence of person words (longer than any sentence the model reads)
    "Priya deleted the table. ",  # many short sentences, each scored
    "@ana ",  # handles
    "- The contractor cut the fibre\n",  # list items
    "Xq" * 30 + " ",  # long capitalised tokens
])
def test_time_grows_linearly_on_adversarial_text(unit):
    short, long = unit * (3000 // len(unit)), unit * (12000 // len(unit))
    small, large = _cpu(short), _cpu(long)
    if large < 0.03:
        return
    assert large / max(small, 1e-4) < 10, (unit, small, large)


def test_the_weights_are_kept_in_the_compiled_cache_and_a_damaged_copy_is_ignored(tmp_path, monkeypatch):
    from postmortem_kit.core import compiled_cache

    monkeypatch.setattr(compiled_cache, "_folder", tmp_path)  # (the folder is resolved once a process)
    monkeypatch.setattr(compiled_cache, "_checked", True)
    expected = json.loads(learned.MODEL_PATH.read_text(encoding="utf-8"))
    monkeypatch.setattr(learned, "_MODEL", {})
    assert learned.model() == expected
    kept = [path for path in tmp_path.rglob("*") if path.is_file() and "learned" in path.name]
    assert len(kept) == 1
    monkeypatch.setattr(learned, "_MODEL", {})
    assert learned.model() == expected  # from the kept copy
    kept[0].write_bytes(b"\x00not marshal")
    monkeypatch.setattr(learned, "_MODEL", {})
    assert learned.model() == expected  # a damaged copy: the packaged JSON again, and rewritten
    assert kept[0].read_bytes() != b"\x00not marshal"


def test_a_given_name_is_a_cue_only_where_it_is_capitalised():
    rules = load_rules()
    named, plain = "Then Iris restarted the pool.", "Then the iris scanner failed."
    assert cues.cue_spans(named, [(0, len(named))], rules.lexicon) == [(0, len(named))]
    assert cues.cue_spans(plain, [(0, len(plain))], rules.lexicon) == []


def test_the_locators_split_is_shared_only_for_the_same_text():
    rules = load_rules()
    from postmortem_kit.blameless.scanner import raw_hits

    text = "The engineer restarted the pool.\n\nThe rate rose slowly."
    lowered, _ = raw_hits(text, rules)
    split = rules.triggers.split_of(lowered)
    assert split is not None and split[1] == lowered.replace("\n", " ").split(" ")
    assert rules.triggers.split_of(lowered + " ") is None  # another text: nothing shared
    spans = [(0, 32), (34, len(text))]
    assert split[2] is not None  # the cue tokens' places, filed by the locator
    assert cues.cue_spans(text, spans, rules.lexicon, split=split) == [(0, 32)]
    assert cues.cue_spans(text, spans, rules.lexicon, split=split[:2] + (None,)) == [(0, 32)]
    assert cues.cue_spans(text, spans, rules.lexicon) == [(0, 32)]  # the same without the shared split


def test_the_locators_cue_places_equal_the_cue_pass_over_the_tokens():
    """The cue places the locator files with its keys give the same spans as splitting the text again:
    on every labelled item, joined 25 at a time as an incident's strings are, and on the team words
    and lower-case names whose neighbours decide."""
    rules = load_rules()

    items = [json.loads(line)["text"] for path in sorted(DATA.glob("blameless-*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items += ["Support closed the ticket.", "The support tickets piled up.", "We asked support.",
              "Security, then ops, paged the lead.", "The lead engineer left.", "It will rain; may it stop.",
              "Will restarted it.", "May said (Will) did it.", "ops\tdeployed it", "pilot", "the shift\nlead"]
    for first in range(0, len(items), 25):
        _cue_paths_agree(rules, items[first:first + 25])


def _cue_paths_agree(rules, texts: list[str]) -> tuple[list, list]:
    """``texts`` joined as an incident's strings are: the cue spans from the locator's places, from its
    split without them, and from a new split agree; (those spans, the strings' spans)."""
    from postmortem_kit.blameless.scanner import raw_hits

    joined = "\n\n".join(texts)
    spans, at = [], 0
    for text in texts:
        spans.append((at, at + len(text)))
        at += len(text) + 2
    lowered, _ = raw_hits(joined, rules)
    split = rules.triggers.split_of(lowered)
    expected = cues.cue_spans(joined, spans, rules.lexicon)
    assert cues.cue_spans(joined, spans, rules.lexicon, split=split) == expected, joined
    assert cues.cue_spans(joined, spans, rules.lexicon, split=split[:2] + (None,)) == expected, joined
    return expected, spans
