"""Log truncation, token budget, cache files and YAML rendering used by `postmortem draft`."""

from __future__ import annotations

import pytest

from postmortem_kit.core import load_yaml_text
from postmortem_kit.drafting import (
    DraftCache,
    DraftOutputError,
    TokenBudget,
    append_sections,
    cache_key,
    default_cache_dir,
    estimate_tokens,
    section_yaml,
)
from postmortem_kit.textsafety import truncate_log
from support.draft_data import copy_incident


def noisy_log(lines: int = 5000) -> str:
    out = [f"2026-03-14T09:{i // 60 % 60:02d}:{i % 60:02d}+01:00 INFO GET /health 200 in {i % 97}ms"
           for i in range(lines)]
    out[1234] = "2026-03-14T09:20:34+01:00 ERROR pool.acquire timeout after 3000ms (waiting=212)"
    out[2345] = "2026-03-14T09:39:05+01:00 ERROR pool.acquire timeout after 3000ms (waiting=250)"
    out[3456] = "2026-03-14T09:57:36+01:00 ERROR pool.acquire timeout after 3000ms (waiting=301)"
    out[4000] = "2026-03-14T10:06:40+01:00 WARN  readiness probe slow (2100ms)"
    out[4500] = "panic: runtime error: invalid memory address"
    return "\n".join(out)


def test_truncation_keeps_errors_first_and_last_occurrences():
    text = noisy_log()
    out = truncate_log(text, 1000)
    assert len(out) <= 1000
    assert "waiting=212" in out and "waiting=301" in out  # first and last of the error template
    assert "waiting=250" not in out  # a middle repeat is not needed
    assert "panic: runtime error" in out and "readiness probe slow" in out
    assert out.splitlines()[0].endswith("in 0ms")  # the first line of the excerpt
    assert "lines omitted ...]" in out


def test_truncation_leaves_short_logs_alone_and_cuts_huge_lines():
    assert truncate_log("a\nb\n", 100) == "a\nb\n"
    out = truncate_log("ERROR " + "x" * 10_000, 1000)
    assert len(out) <= 1000 and out.endswith("…")


def test_huge_logs_in_an_incident_reach_the_model_shortened(openai_env, tmp_path):
    from postmortem_kit.drafting import DraftCache as Cache
    from postmortem_kit.drafting import DraftConfig, draft_incident

    incident = copy_incident(tmp_path)
    text = incident.read_text().replace("    metrics:", "      - source: payments-api-noise\n        excerpt: |\n"
                                        + "\n".join("          " + line for line in noisy_log(20000).splitlines())
                                        + "\n    metrics:", 1)
    incident.write_text(text)
    draft_incident(incident, config=DraftConfig(provider="openai", model="m", max_log_chars=4000),
                   sections=["lesson"], cache=Cache(None))
    body = openai_env.chat_requests[0].body["messages"][1]["content"]
    assert "waiting=212" in body and "panic: runtime error" in body
    assert "lines omitted ...]" in body
    assert len(body) < 20_000  # 20,000 log lines (1.2 MB) became a few kB


def test_token_budget_reservations():
    budget = TokenBudget(100)
    first = budget.reserve(60)
    assert first is not None and budget.reserve(50) is None
    budget.settle(first, 30)
    assert budget.used == 30 and budget.remaining == 70
    budget.settle(first, 30)  # settling twice counts once
    assert budget.used == 30
    assert TokenBudget(None).reserve(10**9) is not None
    assert estimate_tokens([{"role": "user", "content": "x" * 400}]) >= 100


def test_cache_round_trip_and_key_sensitivity(tmp_path):
    cache = DraftCache(tmp_path)
    key = cache_key(section="lesson", messages=[{"role": "user", "content": "x"}], schema={}, provider="openai",
                    model="m", prompt_version="1+a")
    assert cache.get(key) is None
    cache.put(key, {"value": {"what_happened": "x"}})
    assert cache.get(key)["value"] == {"what_happened": "x"}
    other = cache_key(section="lesson", messages=[{"role": "user", "content": "x"}], schema={}, provider="openai",
                      model="m", prompt_version="1+b")
    assert other != key and cache.get(other) is None
    assert DraftCache(None).get(key) is None


def test_default_cache_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("POSTMORTEM_KIT_CACHE_DIR", raising=False)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "postmortems").mkdir()
    assert default_cache_dir(repo / "postmortems" / "INC-2026-0001.yaml") == repo / ".cache/postmortem-kit/drafts"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir(tmp_path / "elsewhere.yaml") == tmp_path / "xdg/postmortem-kit/drafts"
    monkeypatch.setenv("POSTMORTEM_KIT_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_dir(repo / "postmortems" / "x.yaml") == tmp_path / "env"


@pytest.mark.parametrize("value", ["1e3", "null", "true", "no", "0o17", "0x1F", "12", "3.5", ".inf", " padded",
                                   "trailing ", "09:12", "1:35", "2026-03-14", "#not a comment", "- dash",
                                   "key: value", "line one\nline two\n", "it's \"quoted\"", "[REDACTED:email]",
                                   "`@octocat` and `#123`", "émoji 🚀 and ‏RTL‏"])
def test_rendered_yaml_reads_back_exactly(value):
    text = section_yaml("lesson", {"what_happened": value})
    assert load_yaml_text(text).data == {"lesson": {"what_happened": value}}


def test_append_refuses_a_file_changed_meanwhile(tmp_path):
    path = tmp_path / "INC-2026-0001.yaml"
    path.write_text("id: INC-2026-0001\n")
    with pytest.raises(DraftOutputError, match="changed while drafting"):
        append_sections(path, b"id: INC-2026-0002\n", {"id": "INC-2026-0002"}, "lesson: {}\n", {"lesson": {}})
    assert path.read_text() == "id: INC-2026-0001\n"
