"""Issue 13, breaks 5 and 6: a 5,000-digit integer and a complex mapping key (`? [a, b]`) give clear
findings in every command that reads incident YAML; nothing aborts with ValueError or TypeError, and
`lint` never pairs later keys with the wrong values."""

from __future__ import annotations

import json

import pytest

from postmortem_kit.core import YamlLoadError, load_yaml_text
from support.examples import example_text as example
from support.followups_world import World, incident_text
from support.incident_factory import incident_yaml, make_incident
from support.pr_data import draft_incident, draft_path
from support.pr_scenario import PrScenario
from support.site_fixtures import mkdocs, write_config

HUGE = "9" * 5000
COMPLEX_KEYS = ["x: 1\n? [a, b]\n: c\nd: e\n", "x: 1\n? {a: 1}\n: c\n", "{[a, b]: c, d: e}\n"]


def test_the_loader_reports_a_huge_integer_and_keeps_going():
    doc = load_yaml_text(f"a: {HUGE}\nb: 0x{'f' * 5000}\nc: -{HUGE}\nd: ok\n")
    assert [(f.rule, f.line) for f in doc.findings] == [("yaml/number-too-large", n) for n in (1, 2, 3)]
    assert doc.data["d"] == "ok" and isinstance(doc.data["a"], str)
    with pytest.raises(YamlLoadError) as raised:
        load_yaml_text(f"a: !!int {HUGE}\n")
    assert raised.value.finding.rule == "yaml/tag"


@pytest.mark.parametrize("text", COMPLEX_KEYS)
def test_a_complex_key_is_a_clear_error_with_its_position(text):
    with pytest.raises(YamlLoadError) as raised:
        load_yaml_text(text)
    finding = raised.value.finding
    assert finding.rule == "yaml/key" and "plain strings" in finding.message and finding.line >= 1


def with_huge_number(text: str) -> str:
    return text.replace("\ntitle:", f"\nimpact_score: {HUGE}\ntitle:", 1)


def test_check_and_lint(tmp_path, run_cli):
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "INC-2026-0001.yaml").write_text(with_huge_number(example("INC-2026-0001")))
    (folder / "complex.yaml").write_text("id: INC-2026-0005\n? [a, b]\n: c\ntitle: the title\n")
    code, out, err = run_cli("check", str(folder))
    assert code in (1, 2) and "Traceback" not in err
    assert "yaml/number-too-large" in out and "yaml/key" in out
    code, out, err = run_cli("lint", str(folder / "complex.yaml"), "--format", "json")
    assert code == 2 and [f["rule"] for f in json.loads(out)] == ["yaml/key"]
    code, out, err = run_cli("lint", str(folder / "INC-2026-0001.yaml"))
    assert code in (0, 1) and "Traceback" not in err


def test_mkdocs_build_reports_and_goes_on(tmp_path):
    incidents = tmp_path / "incidents"
    incidents.mkdir()
    good = incident_yaml(make_incident(1))
    (incidents / "INC-good.yaml").write_text(good)
    (incidents / "INC-huge.yaml").write_text(good.replace("INC-", "INC-9", 1).replace("\ntitle:", f"\nnumber: {HUGE}\ntitle:", 1))
    (incidents / "INC-key.yaml").write_text("? [a, b]\n: c\n")
    done = mkdocs(write_config(tmp_path, incidents), "--quiet")
    assert "Traceback" not in done.stderr and "ValueError" not in done.stderr and "TypeError" not in done.stderr
    assert (tmp_path / "site" / "index.html").is_file(), done.stderr[-2000:]


def test_pr_check_and_post(github_emulator, tmp_path, monkeypatch, run_cli):
    scenario = PrScenario(github_emulator, tmp_path, monkeypatch)
    scenario.open({draft_path(3): with_huge_number(draft_incident(3)), "postmortems/INC-2026-0007.yaml": COMPLEX_KEYS[0]})
    code, out, err = scenario.check(run_cli)
    assert code in (0, 1) and "Traceback" not in err
    result = json.loads(scenario.result.read_text())
    rules = {f["rule"] for entry in result["files"] for f in entry["findings"]}
    assert {"yaml/number-too-large", "yaml/key"} <= rules
    for entry in result["files"]:  # a forged artifact may carry the huge number in a drafted section
        for draft in entry["drafts"]:
            draft["yaml"] = draft["yaml"].rstrip("\n") + f"\n  extra: {HUGE}\n"
    scenario.result.write_text(json.dumps(result))
    code, out, err = scenario.post(run_cli)
    assert code in (0, 1, 2) and "Traceback" not in err and "ValueError" not in err


def test_followups(tmp_path, github_emulator, monkeypatch):
    world = World(tmp_path, github_emulator, monkeypatch)
    world.write("INC-2026-0002", incident_text("INC-2026-0002").replace("\ntitle:", f"\nscore: {HUGE}\ntitle:", 1))
    world.write("INC-2026-0003", "id: INC-2026-0003\n? [a, b]\n: c\n")
    code, out, err = world.run()
    assert "Traceback" not in err and "ValueError" not in err and "TypeError" not in err


def test_the_same_class_elsewhere_a_huge_tracking_number_and_a_huge_pasted_number(tmp_path, github_emulator, monkeypatch,
                                                                                   run_cli):
    from postmortem_kit.followups.plan import tracking_number

    assert tracking_number("#" + HUGE, "acme/shop", "https://github.com") == "external"
    world = World(tmp_path / "world", github_emulator, monkeypatch)
    world.write("INC-2026-0002", incident_text("INC-2026-0002").replace("tracking: new", f'tracking: "#{HUGE}"', 1))
    code, out, err = world.run()
    assert "Traceback" not in err and "ValueError" not in err
    source = (tmp_path / "rca.md")
    text = (__import__("pathlib").Path(__file__).parents[1] / "data" / "rca" / "filled-prompt.md").read_text()
    source.write_text(text.replace("p99 latency 2 s", f"p99 latency {HUGE} ms", 1))
    code, out, err = run_cli("import", str(source), "--stdout")
    assert "Traceback" not in err and "ValueError" not in err, err[-500:]
