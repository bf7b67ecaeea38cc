"""Issue 13, break 8: a FIFO (or other non-regular file) in a scanned folder is reported or skipped,
never read: check, lint, import and the site finish instead of blocking forever.  Each command runs
in a subprocess with a timeout, so a regression fails the test instead of hanging the suite."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from support.examples import example_text
from support.site_fixtures import mkdocs, write_config

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
TIMEOUT = 120


def postmortem(*args: str) -> subprocess.CompletedProcess:
    code = "import sys; from postmortem_kit.cli.main import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "INC-2026-0001.yaml").write_text(example_text())
    os.mkfifo(folder / "INC-2026-0099.yaml")
    os.mkfifo(folder / "notes.md")
    return folder


def test_check_reports_the_fifo(folder):
    done = postmortem("check", str(folder))
    assert "INC-2026-0099.yaml" in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert "file/not-regular" in done.stdout + done.stderr or "not a regular file" in done.stdout + done.stderr


def test_lint_reports_the_fifo(folder):
    done = postmortem("lint", str(folder))
    assert "Traceback" not in done.stderr
    assert "not a regular file" in done.stdout + done.stderr or "not-regular" in done.stdout + done.stderr


def test_import_refuses_a_fifo(folder):
    done = postmortem("import", str(folder / "notes.md"), "--stdout")
    assert done.returncode != 0 and "Traceback" not in done.stderr


def test_the_site_skips_or_reports_a_fifo(folder, tmp_path):
    done = mkdocs(write_config(tmp_path, folder), "--quiet", timeout=TIMEOUT)
    assert "Traceback" not in done.stderr
    assert (tmp_path / "site" / "index.html").is_file(), done.stderr[-2000:]


@pytest.fixture
def linked(tmp_path):
    secret = tmp_path / "outside" / "id_rsa.yaml"
    secret.parent.mkdir()
    text = example_text().replace("INC-2026-0001", "INC-2026-0098")
    secret.write_text(text.replace("\ntitle: ", "\ntitle: SECRET-OUTSIDE-THE-REPOSITORY ", 1))
    folder = tmp_path / "postmortems"
    folder.mkdir()
    (folder / "INC-2026-0001.yaml").write_text(example_text())
    (folder / "INC-2026-0098.yaml").symlink_to(secret)
    (folder / "notes.md").symlink_to(secret)
    return folder


def test_check_and_lint_refuse_a_symlink_out_of_the_folder(linked):
    for verb in ("check", "lint"):
        done = postmortem(verb, str(linked))
        assert "file/symlink" in done.stdout + done.stderr and "SECRET-OUTSIDE" not in done.stdout + done.stderr


def test_the_site_never_publishes_a_symlink_target_outside(linked, tmp_path):
    done = mkdocs(write_config(tmp_path, linked), "--quiet", timeout=TIMEOUT)
    site = tmp_path / "site"
    assert site.is_dir(), done.stderr[-2000:]
    published = "".join(p.read_text(errors="replace") for p in site.rglob("*") if p.is_file() and p.suffix in
                        (".html", ".json", ".xml", ".txt", ".js"))
    assert "SECRET-OUTSIDE" not in published
