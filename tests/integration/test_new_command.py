"""`postmortem new`: next free id, never overwriting, editor schema line."""

from __future__ import annotations

from postmortem_kit.incident import next_free_id


def test_next_free_id(tmp_path):
    assert next_free_id(tmp_path / "absent", 2026) == "INC-2026-0001"
    for name in ("INC-2026-0007.yaml", "INC-2025-0100.yml", "INC-2026-0002.yaml", "notes.yaml"):
        (tmp_path / name).write_text("")
    assert next_free_id(tmp_path, 2026) == "INC-2026-0008"
    assert next_free_id(tmp_path, 2025) == "INC-2025-0101"
    assert next_free_id(tmp_path, 2027) == "INC-2027-0001"


def test_new_writes_a_draft_that_passes_check(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("new", "--dir", "incidents", "--title", 'Cache "stampede"', "--service", "search-api",
                           "--author", "@octocat", "--now", "2026-11-27T10:00:00+00:00")
    assert code == 0 and out.strip() == "incidents/INC-2026-0001.yaml"
    text = (tmp_path / "incidents" / "INC-2026-0001.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    assert 'title: "Cache \\"stampede\\""' in text
    assert text.count("\n# stub: ") == 12 and text.endswith("# stub: blameless (a drafted section replaces this line)\n")
    code, out, _ = run_cli("check", "incidents")
    assert code == 0, out
    code, out, _ = run_cli("new", "--dir", "incidents", "--now", "2026-11-27T10:00:00+00:00")
    assert out.strip() == "incidents/INC-2026-0002.yaml"


def test_new_uses_a_relative_schema_path_inside_the_repository(run_cli, repo_root, tmp_path, monkeypatch):
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "postmortem.schema.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "postmortems").mkdir()
    code, out, _ = run_cli("new", "--now", "2026-01-02T03:04:05+00:00")
    assert code == 0
    assert (tmp_path / out.strip()).read_text().startswith(
        "# yaml-language-server: $schema=../schema/postmortem.schema.json\n")


def test_new_never_overwrites(run_cli, tmp_path):
    (tmp_path / "INC-2026-0005.yaml").write_text("keep me")
    code, _, err = run_cli("new", "--dir", str(tmp_path), "--id", "INC-2026-0005")
    assert code == 2 and "already exists" in err
    assert (tmp_path / "INC-2026-0005.yaml").read_text() == "keep me"


def test_new_rejects_bad_arguments(run_cli, tmp_path):
    assert run_cli("new", "--dir", str(tmp_path), "--id", "BUG-1")[0] == 2
    assert run_cli("new", "--dir", str(tmp_path), "--service", "Not A Slug")[0] == 2
    assert run_cli("new", "--dir", str(tmp_path), "--now", "yesterday")[0] == 2


def test_new_outside_an_initialised_repository_names_the_schema_of_this_release(run_cli, tmp_path, monkeypatch):
    from postmortem_kit import __version__

    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli("new", "--now", "2026-01-02T03:04:05+00:00")
    assert code == 0
    first = (tmp_path / out.strip()).read_text().splitlines()[0]
    # the file at the release tag (tests/integration/test_adoption.py checks the tag carries it)
    assert first == ("# yaml-language-server: $schema=https://raw.githubusercontent.com/postmortem-kit/"
                     f"postmortem-kit/v{__version__}/schema/postmortem.schema.json")


def test_after_init_new_points_at_the_schema_init_wrote(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_cli("init")[0] == 0
    code, out, _ = run_cli("new", "--now", "2026-01-02T03:04:05+00:00")
    assert code == 0 and out.strip() == "postmortems/INC-2026-0002.yaml"
    assert (tmp_path / out.strip()).read_text().startswith(
        "# yaml-language-server: $schema=../schema/postmortem.schema.json\n")
    assert (tmp_path / "schema" / "postmortem.schema.json").is_file()
