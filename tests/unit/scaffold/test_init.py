"""`postmortem init`: what it writes, that it never overwrites, idempotence, --force, --no-example."""

from __future__ import annotations

import json

import yaml

from postmortem_kit import __version__
from postmortem_kit.scaffold import REPOSITORY, init_repository, planned_files


def test_init_writes_every_file_pinned_to_this_release(tmp_path, run_cli):
    code, out, err = run_cli("init", str(tmp_path))
    assert code == 0 and err == ""
    for name in planned_files():
        assert (tmp_path / name).is_file(), name
        assert f"created     {name}" in out
    hooks = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text())["repos"][0]
    assert hooks["rev"] == f"v{__version__}" and hooks["hooks"] == [{"id": "postmortem-check"}]
    pr = (tmp_path / ".github/workflows/postmortem-pr.yml").read_text()
    assert f"uses: {REPOSITORY}@v{__version__}" in pr
    site = yaml.safe_load((tmp_path / "mkdocs.yml").read_text())
    assert {"postmortems": {"dir": "postmortems", "prefix": "",
                            "followups_status": "build/followups-status.json"}} in site["plugins"]
    settings = json.loads((tmp_path / ".vscode/settings.json").read_text())
    assert settings["yaml.schemas"] == {"./schema/postmortem.schema.json": "postmortems/*.yaml"}
    example = (tmp_path / "postmortems/INC-2026-0001.yaml").read_text()
    assert example.startswith("# yaml-language-server: $schema=../schema/postmortem.schema.json\n")
    assert "@VERSION@" not in "".join(planned_files().values())


def test_a_second_run_changes_nothing(tmp_path):
    init_repository(tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    again = init_repository(tmp_path)
    assert again.created == [] and again.skipped == [] and again.overwritten == []
    assert sorted(again.unchanged) == sorted(planned_files())
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_existing_files_are_skipped_with_what_to_add_then_force_overwrites(tmp_path, run_cli):
    (tmp_path / "mkdocs.yml").write_text("site_name: Team docs\n")
    (tmp_path / "README.md").write_text("# Ours\n")
    code, out, _ = run_cli("init", str(tmp_path))
    assert code == 0
    assert (tmp_path / "mkdocs.yml").read_text() == "site_name: Team docs\n"
    assert (tmp_path / "README.md").read_text() == "# Ours\n"
    assert "skipped     mkdocs.yml" in out and "skipped     README.md" in out
    assert "To add by hand:" in out and "  - postmortems:" in out and "prefix: lessons" in out
    code, out, _ = run_cli("init", "--force", str(tmp_path))
    assert code == 0 and "overwritten mkdocs.yml" in out
    assert (tmp_path / "mkdocs.yml").read_text() == planned_files()["mkdocs.yml"]


def test_no_example(tmp_path, run_cli):
    code, out, _ = run_cli("init", "--no-example", str(tmp_path))
    assert code == 0 and (tmp_path / "postmortems").is_dir() and not any((tmp_path / "postmortems").iterdir())
    assert "INC-2026-0001" not in out


def test_a_file_in_the_way_is_a_clear_error(tmp_path, run_cli):
    target = tmp_path / "file"
    target.write_text("x")
    code, _, err = run_cli("init", str(target))
    assert code == 2 and "not a directory" in err and "Traceback" not in err
