"""Done when (issue 14): a team adopts postmortem-kit in a new repository, as docs/pages/guide/adopt.md says.

In a temporary folder, with no network beyond 127.0.0.1 and the package registry pip is set up for:
the wheel in a fresh venv (installed_kit), `git init` + `postmortem init`, real pre-commit installing
the hook from a local git repository of this project at the release tag, `mkdocs build --strict`
through the plugin and headless Chromium finding an incident by search, actionlint and zizmor on the
generated workflows, and the generated pull-request workflows' `run:` steps (the Action of the tag)
against the GitHub REST emulator with a realistic Actions environment. Each step is its own test, in
order, sharing one adopting repository (module scope).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from postmortem_kit import __version__
from postmortem_kit.scaffold import REPOSITORY, REPOSITORY_URL
from support.github.fixtures import BOT_TOKEN
from support.pr_scenario import PrScenario
from support.release_repo import TAG, git, make_release_repo
from support.site_fixtures import serve_directory
from support.workflow_lint import actionlint, zizmor

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
BLAMING = "    The outage happened because Dave was careless and forgot to review the pool setting, instead\n"


class Adopter:
    def __init__(self, kit, root: Path):
        self.kit, self.root = kit, root
        self.repo = root / "team-postmortems"
        self.release = root / "postmortem-kit"
        self.env = kit.env(PRE_COMMIT_HOME=str(root / "pre-commit-home"), GIT_CONFIG_NOSYSTEM="1",
                           GIT_AUTHOR_NAME="Ana", GIT_AUTHOR_EMAIL="ana@example.invalid",
                           GIT_COMMITTER_NAME="Ana", GIT_COMMITTER_EMAIL="ana@example.invalid")

    def run(self, *argv: str, cwd: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run(list(argv), cwd=cwd or self.repo, env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)


@pytest.fixture(scope="module")
def adopter(installed_kit, tmp_path_factory):
    return Adopter(installed_kit, tmp_path_factory.mktemp("adoption"))


def test_1_the_wheel_is_installed_in_a_fresh_venv(adopter):
    done = adopter.run(str(adopter.kit.bin / "postmortem"), "--version", cwd=adopter.root)
    assert done.stdout.strip() == f"postmortem-kit {__version__}"


def test_2_git_init_and_postmortem_init(adopter):
    adopter.repo.mkdir()
    assert adopter.run("git", "init", "-q", "-b", "main").returncode == 0
    done = adopter.run("postmortem", "init")
    assert done.returncode == 0, done.stderr
    assert "created     .pre-commit-config.yaml" in done.stdout
    for name in ("postmortems/INC-2026-0001.yaml", "mkdocs.yml", ".github/workflows/postmortem-pr.yml",
                 ".vscode/settings.json", "schema/postmortem.schema.json"):
        assert (adopter.repo / name).is_file(), name
    again = adopter.run("postmortem", "init")
    assert again.returncode == 0 and "created" not in again.stdout and "skipped" not in again.stdout


def test_3_pre_commit_passes_then_blocks_a_blaming_sentence(adopter):
    # The release as adopters get it: this project's files in a git repository tagged vX.Y.Z. The
    # generated config names the project's URL; here it names the local copy (no network).
    make_release_repo(adopter.release)
    # the versioned schema URL `postmortem new` writes outside an initialised repository exists at the tag
    assert '"$id"' in git(adopter.release, "show", f"{TAG}:schema/postmortem.schema.json")
    config = adopter.repo / ".pre-commit-config.yaml"
    text = config.read_text()
    assert f"repo: {REPOSITORY_URL}\n" in text and f"rev: {TAG}\n" in text
    config.write_text(text.replace(REPOSITORY_URL, str(adopter.release)))
    assert adopter.run("git", "add", "-A").returncode == 0
    done = adopter.run("pre-commit", "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "postmortem check" in done.stdout and "Passed" in done.stdout
    example = (adopter.repo / "postmortems" / "INC-2026-0001.yaml").read_text()
    blaming = adopter.repo / "postmortems" / "INC-2026-0002.yaml"
    blaming.write_text(re.sub(r"(?m)^id: INC-2026-0001$", "id: INC-2026-0002", example).replace(
        "    The database connection pool of checkout-api was capped at 5 connections per pod instead\n", BLAMING))
    assert adopter.run("git", "add", "-A").returncode == 0
    done = adopter.run("pre-commit", "run", "--files", "postmortems/INC-2026-0002.yaml")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout and "blameless/" in done.stdout and "'Dave'" in done.stdout
    blaming.unlink()
    assert adopter.run("git", "add", "-A").returncode == 0
    assert adopter.run("git", "commit", "-q", "-m", "Adopt postmortem-kit").returncode == 0


def test_4_the_site_builds_through_the_plugin_and_search_finds_an_incident(adopter):
    done = adopter.run("mkdocs", "build", "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    site = adopter.repo / "site"
    assert (site / "incidents" / "INC-2026-0001" / "index.html").is_file()
    assert (site / "writing-a-postmortem" / "index.html").is_file()  # the team's own page, beside the lessons
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: `make browser`"
    from playwright.sync_api import sync_playwright

    with serve_directory(site) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                       else route.abort())
            page.goto(f"{url}/incidents/INC-2026-0001/")
            assert page.locator("h1#incident").inner_text().startswith("INC-2026-0001")
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially("connection pool", delay=40)
            page.wait_for_selector(".md-search-result__item", timeout=15_000)
            link = page.locator(".md-search-result__item a.md-search-result__link").first
            assert "INC-2026-0001" in link.get_attribute("href")
        finally:
            browser.close()


def test_5_actionlint_and_zizmor_find_nothing_in_the_generated_workflows(adopter):
    workflows = sorted((adopter.repo / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 4
    assert actionlint(*workflows) == []
    for persona in ("regular", "pedantic"):
        done = zizmor("--persona", persona, *workflows)  # reads the generated .github/zizmor.yml
        assert done.returncode == 0, done.stdout + done.stderr


def _action_step(workflow: Path) -> dict:
    data = yaml.safe_load(workflow.read_text())
    steps = [step for job in data["jobs"].values() for step in job.get("steps", [])]
    [step] = [step for step in steps if str(step.get("uses", "")).startswith(f"{REPOSITORY}@")]
    assert step["uses"] == f"{REPOSITORY}@{TAG}"
    return step


def _expand(value: str, inputs: dict[str, str], context: dict[str, str]) -> str:
    def one(match: re.Match) -> str:
        expression = match[1].strip()
        if expression.startswith("inputs."):
            return inputs[expression[len("inputs."):]]
        return context[expression]
    return re.sub(r"\$\{\{(.*?)\}\}", one, str(value))


def run_action(action_dir: Path, step: dict, env: dict[str, str], workspace: Path) -> subprocess.CompletedProcess:
    """Run the composite Action's `run:` steps as the runner does: inputs from the step's `with:` over
    the Action's defaults, each step's `env:` expanded, `bash -e -o pipefail`, GITHUB_ACTION_PATH set.
    `uses:` steps (actions/setup-python) are the runner's business; the install step's venv is the
    wheel's venv of installed_kit (the same release) instead of a second pip install."""
    action = yaml.safe_load((action_dir / "action.yml").read_text())
    context = {"runner.temp": env["RUNNER_TEMP"], "github.token": env["GITHUB_TOKEN"]}
    inputs = {name: _expand(spec.get("default", ""), {}, context) for name, spec in action["inputs"].items()}
    inputs.update({name: _expand(value, {}, context) for name, value in step.get("with", {}).items()})
    done = None
    for part in action["runs"]["steps"]:
        if "run" not in part or "pip install" in part["run"]:
            continue
        step_env = {**env, **{k: _expand(v, inputs, context) for k, v in part.get("env", {}).items()}}
        cwd = workspace / _expand(part.get("working-directory", "."), inputs, context)
        done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", part["run"]],
                              cwd=cwd, env=step_env, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            break
    return done


def test_6_the_generated_pull_request_workflows_post_a_drafted_suggestion(adopter, github_emulator, tmp_path):
    action_dir = tmp_path / "_actions" / REPOSITORY / TAG  # where the runner checks out `uses: …@tag`
    git(tmp_path, "clone", "-q", "--branch", TAG, str(adopter.release), str(action_dir))
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    os.symlink(adopter.kit.venv, runner_temp / "postmortem-kit-venv")
    base = {str(p.relative_to(adopter.repo)): p.read_text() for p in adopter.repo.rglob("*")
            if p.is_file() and ".git" not in p.parts and "site" not in p.parts}
    env = adopter.kit.env(RUNNER_TEMP=str(runner_temp), GITHUB_ACTION_PATH=str(action_dir), GITHUB_ACTIONS="true",
                          CI="true", RUNNER_OS="Linux", GITHUB_RUN_ID="4242", GITHUB_WORKFLOW="postmortem PR",
                          GITHUB_SERVER_URL=github_emulator.url)
    scenario = PrScenario(github_emulator, tmp_path / "pr", env, base_files=base)
    new = adopter.run("postmortem", "new", "--title", "Search index went stale", "--service", "search",
                      "--author", "@ana", "--now", "2026-11-30T09:00:00+00:00", cwd=scenario.workspace)
    assert new.returncode == 0, new.stderr
    path = new.stdout.strip()
    scenario.open({path: (scenario.workspace / path).read_text()})
    env["GITHUB_WORKSPACE"] = str(scenario.workspace)

    # stage 1: postmortem-pr.yml on pull_request
    scenario.pull_request_event()
    env["GITHUB_SHA"] = scenario.head_sha
    check = run_action(action_dir, _action_step(adopter.repo / ".github/workflows/postmortem-pr.yml"), env,
                       scenario.workspace)
    assert check.returncode == 0, check.stdout + check.stderr
    result = runner_temp / "postmortem-pr-result.json"
    assert result.is_file()
    assert f"::notice file={path}" in check.stdout or "drafted" in scenario.summary_text()

    # the artifact goes from stage 1 to stage 2 (upload-artifact / download-artifact)
    artifacts = runner_temp / "postmortem-artifacts"
    artifacts.mkdir()
    shutil.copy(result, artifacts / "postmortem-pr-result.json")

    # stage 2: postmortem-pr-comment.yml on workflow_run
    scenario.workflow_run_event()
    env["GITHUB_TOKEN"] = BOT_TOKEN
    post = run_action(action_dir, _action_step(adopter.repo / ".github/workflows/postmortem-pr-comment.yml"), env,
                      scenario.workspace)
    assert post.returncode == 0, post.stdout + post.stderr
    suggestions = [c for c in scenario.review_comments() if "```suggestion" in c.body]
    assert suggestions, [c.body[:200] for c in scenario.review_comments()]
    assert any(c.path == path for c in suggestions)
    assert scenario.comments(), "the sticky comment"
