"""`postmortem lint --review`: the real openai client against the OpenAI-compatible test server.

The model's answers are warnings and annotations only; the exit status and the rule findings are the
offline result's.  Answers are cached by the redacted text, secrets never reach the server, and every
failure of the model or the network is one line on stderr, never a traceback."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from support.llm_behaviours import ALL, LlamaCppPython, NoStructuredOutputs
from support.llm_server import ContentFiltered, HttpError, InvalidJSON, Refusal, ServerError, Slow, Truncated
from support.review_answers import Oracle, confirm_all

DOC = """\
# Checkout outage

## Root cause

The on-call engineer failed to notice the pool alert while the release went out.

The deploy script read the staging value because the admin has a habit of skipping the checklist.

Nothing in the pipeline compared the pool size with the previous release.
"""
MISSED_QUOTE = "has a habit of skipping the checklist"
REWRITE = "The deploy went out under time pressure with no second review step."


def dismiss_first_and_miss(fields, candidates):
    answer = confirm_all(fields, candidates)
    answer["candidates"][0] = {"id": candidates[0]["id"], "verdict": "dismiss", "reason": "describes the alerting gap"}
    field = next(fid for fid, text in fields.items() if MISSED_QUOTE in text)
    answer["missed"] = [{"field": field, "quote": MISSED_QUOTE, "rewrite": REWRITE, "reason": "hindsight about a person"}]
    return answer


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "outage.md"
    path.write_text(DOC, encoding="utf-8")
    return path


def offline(run_cli, path, *extra):
    return run_cli("lint", *extra, str(path))


def test_verdicts_and_missed_blame_are_warnings_and_notes_only(openai_env, run_cli, doc):
    base_code, base_out, _ = offline(run_cli, doc, "--severity", "error")
    assert base_code == 1 and "error blameless/BL014 'failed to notice'" in base_out and "habit" not in base_out
    openai_env.default = Oracle(dismiss_first_and_miss)
    code, out, err = run_cli("lint", "--review", "--severity", "error", str(doc))
    assert code == 1 and openai_env.model_calls == 1
    assert "— model: likely fine (describes the alerting gap)" in out
    assert "warning review/BLM001 model: possible blame the rules missed: \u201chas a habit of skipping the checklist\u201d" in out
    line_no = next(i for i, line in enumerate(DOC.splitlines(), 1) if MISSED_QUOTE in line)
    column = DOC.splitlines()[line_no - 1].index(MISSED_QUOTE) + 1
    assert f"{doc}:{line_no}:{column}: warning review/BLM001" in out
    assert f"suggestion: {REWRITE}" in out
    # the rules find two errors on line 5 (BL076: the cause starts with a person; BL014): the first is dismissed
    assert "review by gpt-4.1-mini: 1 confirmed, 1 likely fine, 1 missed blame; 1 HTTP request(s)" in err
    # a dismissal removes nothing: every rule finding is still there with its severity (an error stays an error)
    assert re.search(r"error blameless/BL076 .* — model: likely fine", out)
    rule_lines = [line for line in out.splitlines() if line.startswith(str(doc)) and "review/" not in line]
    assert [line.split(" — ")[0] for line in rule_lines] == [line for line in base_out.splitlines()
                                                            if line.startswith(str(doc))]


def test_missed_blame_never_changes_a_clean_exit(openai_env, run_cli, tmp_path):
    path = tmp_path / "clean.md"
    # (no person in it, so no rule reads it: BL159, the learned second look, flags "the admin has a habit of ...")
    path.write_text("The release went out while the deploy tool has a habit of skipping the checklist.\n", encoding="utf-8")
    assert offline(run_cli, path)[0] == 0
    openai_env.default = Oracle(lambda fields, cands: {"candidates": [], "missed": [
        {"field": "paragraph-1", "quote": MISSED_QUOTE, "rewrite": REWRITE, "reason": "hindsight"}]})
    code, out, _ = run_cli("lint", "--review", str(path))
    assert code == 0 and "review/BLM001" in out


def test_unverifiable_items_are_dropped_and_counted(openai_env, run_cli, doc):
    def sloppy(fields, candidates):
        first = candidates[0]["id"]
        return {"candidates": [{"id": first, "verdict": "dismiss", "reason": "fine"},
                               {"id": first, "verdict": "confirm", "reason": "twice"},
                               {"id": "c99", "verdict": "dismiss", "reason": "unknown"},
                               {"id": "c2", "verdict": "maybe", "reason": "not an enum value"}],
                "missed": [{"field": "paragraph-9", "quote": "the admin", "rewrite": "x", "reason": "y"},
                           {"field": "paragraph-4", "quote": "the admin skipped", "rewrite": "x", "reason": "paraphrase"},
                           {"field": "paragraph-3", "quote": "failed to notice the pool", "rewrite": "x", "reason": "dup"},
                           {"field": "paragraph-4", "quote": "xy", "rewrite": "x", "reason": "too short"}]}

    openai_env.default = Oracle(sloppy)
    code, out, err = run_cli("lint", "--review", str(doc))
    assert code == 1 and "review/BLM001" not in out and out.count("model: likely fine (fine)") == 1
    for what in ("1 already flagged by the rules", "1 missed item does not match the schema",
                 "1 missed item names an unknown field", "1 quote not found verbatim in its field",
                 "1 second verdict for one candidate", "1 verdict does not match the schema",
                 "1 verdict for an unknown candidate"):
        assert what in err, what


def test_an_unchanged_text_is_answered_from_the_cache(openai_env, run_cli, doc, tmp_path):
    openai_env.default = Oracle(dismiss_first_and_miss)
    first = run_cli("lint", "--review", str(doc))
    assert openai_env.model_calls == 1
    second = run_cli("lint", "--review", str(doc))
    assert openai_env.model_calls == 1  # zero HTTP requests the second time
    assert second[1] == first[1] and "0 HTTP request(s), 1 answer(s) from cache" in second[2]
    assert list((tmp_path / "draft-cache").rglob("*.json"))  # the draft cache's directory scheme
    moved = tmp_path / "elsewhere" / "renamed.md"
    moved.parent.mkdir()
    moved.write_text(DOC, encoding="utf-8")
    run_cli("lint", "--review", str(moved))
    assert openai_env.model_calls == 1  # keyed by the text, not by the file's name
    run_cli("lint", "--review", "--model", "another-model", str(doc))
    assert openai_env.model_calls == 2  # the model is part of the key
    doc.write_text(DOC.replace("pool alert", "pool saturation alert"), encoding="utf-8")
    run_cli("lint", "--review", str(doc))
    assert openai_env.model_calls == 3  # so is the text


SECRETS = ("AKIAIOSFODNN7EXAMPLE", "jane.doe@example.com", "hunter2-not-real", "10.20.30.40")


def test_a_planted_secret_never_reaches_the_server(openai_env, run_cli, tmp_path):
    path = tmp_path / "secret.md"
    path.write_text("## Root cause\n\nThe operator failed to rotate AKIAIOSFODNN7EXAMPLE; jane.doe@example.com "
                    "pasted password=hunter2-not-real into the chat and the engineer forgot to check 10.20.30.40.\n",
                    encoding="utf-8")
    openai_env.default = Oracle()
    code, out, err = run_cli("lint", "--review", str(path))
    assert openai_env.model_calls == 1 and "model: agrees" in out
    bodies = openai_env.all_bodies()
    for secret in SECRETS:
        assert secret not in bodies
    assert "[REDACTED:" in bodies and "review: redacted before sending:" in err


def test_model_text_is_made_inert(openai_env, run_cli, doc):
    payload = "fine @octocat <img src=https://evil.example/x.gif> [x](https://evil.example/p)"
    openai_env.default = Oracle(lambda fields, cands: {
        "candidates": [{"id": c["id"], "verdict": "dismiss", "reason": payload} for c in cands],
        "missed": [{"field": "paragraph-4", "quote": MISSED_QUOTE, "rewrite": payload, "reason": payload}]})
    code, out, _ = run_cli("lint", "--review", str(doc))
    assert code == 1 and "<img" not in out and "](https://evil" not in out
    assert not re.search(r"(?<!`)@octocat", out)


def _closed_port_url() -> str:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


FAILURES = {
    "server-down": (None, "cannot connect to the model API"),
    "http-500": (ServerError(500), "HTTP 500 from the model API"),
    "http-400": (HttpError(400, "bad request for this model", kind="invalid_request_error"), "HTTP 400"),
    "http-401": (HttpError(401, "Incorrect API key provided", kind="invalid_request_error"), "HTTP 401"),
    "timeout": (Slow(2.0), "no first token within the 0.3 s timeout"),
    "garbage-json": (InvalidJSON(), "the answer is not JSON"),
    "not-an-object": (InvalidJSON("[1, 2, 3]"), "not a JSON object with `candidates` and `missed` lists"),
    "refusal": (Refusal(), "the model refused"),
    "truncated": (Truncated(), "cut off at the output-token limit"),
    "content-filter": (ContentFiltered(), "content filter"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_every_failure_is_one_line_and_the_offline_result(case, openai_env, run_cli, doc, tmp_path, monkeypatch):
    answer, expected = FAILURES[case]
    config = tmp_path / "config.yaml"
    config.write_text("draft:\n  timeout: 0.3\n  max_retries: 0\n", encoding="utf-8")
    if answer is None:
        monkeypatch.setenv("OPENAI_BASE_URL", _closed_port_url())
    else:
        openai_env.script(answer)
    base_code, base_out, _ = offline(run_cli, doc)
    code, out, err = run_cli("lint", "--review", "--config", str(config), str(doc))
    assert (code, out) == (base_code, base_out)
    notes = [line for line in err.splitlines() if line.startswith("postmortem lint: review:")]
    assert len(notes) == 1 and expected in notes[0], err
    assert "Traceback" not in err


def test_after_a_failed_request_no_more_documents_are_sent(openai_env, run_cli, doc, tmp_path):
    second = tmp_path / "second.md"
    second.write_text(DOC.replace("pool alert", "disk alert"), encoding="utf-8")
    openai_env.script(HttpError(401, "Incorrect API key provided", kind="invalid_request_error"))
    code, out, err = run_cli("lint", "--review", str(doc), str(second))
    assert code == 1 and openai_env.model_calls == 1
    assert "review: 1 more document(s) not sent after that failure" in err


def test_without_a_model_the_review_is_skipped_with_a_note(no_openai_env, run_cli, doc):
    base = offline(run_cli, doc)
    code, out, err = run_cli("lint", "--review", str(doc))
    assert (code, out) == base[:2] and "review: skipped: no model configured" in err


def test_lint_without_review_sends_nothing_and_never_imports_openai(openai_env, run_cli, doc):
    assert offline(run_cli, doc)[0] == 1 and openai_env.requests == []
    probe = ("import sys\nfrom postmortem_kit.cli.main import main\ncode = main(['lint', sys.argv[1]])\n"
             "assert 'openai' not in sys.modules and 'postmortem_kit.drafting' not in sys.modules, 'imported'\n"
             "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", probe, str(doc)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1, done.stderr


def test_incident_yaml_missed_blame_lands_on_the_quoted_span(openai_env, run_cli, tmp_path, examples_dir):
    text = (examples_dir / "INC-2026-0001.yaml").read_text(encoding="utf-8")
    quote = "a value copied from the staging profile"
    path = tmp_path / "INC-2026-0001.yaml"
    path.write_text(text, encoding="utf-8")
    openai_env.default = Oracle(lambda fields, cands: {"candidates": [], "missed": [
        {"field": "root_cause.technical_details", "quote": quote, "rewrite": "the staging value was carried over",
         "reason": "test"}]})
    code, out, _ = run_cli("lint", "--review", str(path))
    assert code == 0
    (line,) = [line for line in out.splitlines() if "review/BLM001" in line]
    row, column = (int(part) for part in line.split(": warning")[0].rsplit(":", 2)[1:])
    assert text.splitlines()[row - 1][column - 1:].startswith(quote)


@pytest.mark.parametrize("behaviour", ALL, ids=lambda b: b.name)
def test_the_review_works_on_every_server_profile(behaviour, openai_env, run_cli, doc):
    """The drafting ladder carries the review too: each server's refusals step down to a format it takes."""
    openai_env.behaviour = behaviour()
    openai_env.default = Oracle(dismiss_first_and_miss, fenced=behaviour is NoStructuredOutputs)
    code, out, err = run_cli("lint", "--review", str(doc))
    assert code == 1 and "model: likely fine" in out and "review/BLM001" in out, err
    assert "review: " not in err.replace("review: redacted", "")  # no failure note


def test_a_server_that_reads_only_max_tokens_gets_the_output_limit(openai_env, run_cli, doc, tmp_path):
    """llama-cpp-python ignores `max_completion_tokens`; without `max_tokens` a small model writes until the
    context is full (measured: 7,415 tokens and eleven minutes for one review). Self-hosted profiles send both."""
    from postmortem_kit.drafting.review import MAX_OUTPUT_TOKENS

    openai_env.behaviour = behaviour = LlamaCppPython()
    openai_env.default = Oracle(dismiss_first_and_miss)
    config = tmp_path / "config.yaml"
    config.write_text("draft:\n  server: llama-cpp-python\n", encoding="utf-8")
    code, out, err = run_cli("lint", "--review", "--config", str(config), str(doc))
    assert code == 1 and "model: likely fine" in out and "review/BLM001" in out, err
    assert "cut off" not in err and behaviour.runaway == 0
    (body,) = [r.body for r in openai_env.chat_requests]
    assert body["max_tokens"] == body["max_completion_tokens"] == MAX_OUTPUT_TOKENS


def test_openai_gets_only_max_completion_tokens(openai_env, run_cli, doc, tmp_path):
    """OpenAI's reasoning models refuse `max_tokens`: the hosted profiles send the newer field alone."""
    openai_env.default = Oracle(dismiss_first_and_miss)
    config = tmp_path / "config.yaml"
    config.write_text("draft:\n  server: openai\n", encoding="utf-8")
    run_cli("lint", "--review", "--config", str(config), str(doc))
    (body,) = [r.body for r in openai_env.chat_requests]
    assert body["max_completion_tokens"] > 0 and "max_tokens" not in body
