"""The package as a user installs it: `python -m build` (sdist + wheel, no warnings, `twine check`),
the wheel installed NON-editable in a fresh venv, and every verb run from a folder outside this
repository (so nothing is read from the source tree). Built once per test session (installed_kit)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from postmortem_kit import __version__
from postmortem_kit.cli.main import VERBS

RAN: set[str] = set()


def run(kit, cwd, *argv: str, check: bool = True) -> subprocess.CompletedProcess:
    RAN.add(argv[0])
    done = subprocess.run([str(kit.bin / "postmortem"), *argv], cwd=cwd, env=kit.env(), capture_output=True,
                          text=True, timeout=300, check=False)
    if check:
        assert done.returncode == 0, f"postmortem {' '.join(argv)}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def test_build_is_clean_and_the_wheel_carries_its_data(installed_kit):
    assert "warning" not in installed_kit.build_log.lower(), installed_kit.build_log
    assert installed_kit.wheel.name == f"postmortem_kit-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(installed_kit.wheel).namelist())
    for needed in ("postmortem_kit/schemas/postmortem.schema.json", "postmortem_kit/blameless/rules.yaml",
                   "postmortem_kit/site/overrides/partials/source.html", "postmortem_kit/site/docs/assets/postmortem.css",
                   "postmortem_kit/scaffold/templates/workflows/postmortem-pr.yml",
                   "postmortem_kit/drafting/prompts/system.md"):
        assert needed in names, needed
    entry_points = zipfile.ZipFile(installed_kit.wheel).read(
        f"postmortem_kit-{__version__}.dist-info/entry_points.txt").decode()
    assert "postmortems = postmortem_kit.site.plugin:PostmortemsPlugin" in entry_points


def test_every_verb_runs_from_another_directory(installed_kit, tmp_path):
    kit, here = installed_kit, tmp_path
    shown = run(kit, here, "--version").stdout
    assert shown.strip() == f"postmortem-kit {__version__}"
    location = subprocess.run([str(kit.bin / "python"), "-c", "import postmortem_kit; print(postmortem_kit.__file__)"],
                              cwd=here, env=kit.env(), capture_output=True, text=True, check=True).stdout
    assert location.startswith(str(kit.venv)), location  # the installed copy, not the source tree
    run(kit, here, "init", "repo")
    new = run(kit, here, "new", "--dir", "repo/postmortems", "--title", "Queue stalled", "--service", "queue",
              "--author", "@ana").stdout.strip()
    assert run(kit, here, "check", "repo/postmortems").returncode == 0
    (here / "note.md").write_text("The deploy went out at noon and the queue drained by one.\n")
    run(kit, here, "lint", "note.md")
    assert "blameless/BL001" in run(kit, here, "rules").stdout
    drafted = run(kit, here, "draft", new, "--provider", "offline").stdout
    assert "summary:" in drafted
    alerts = Path(__file__).resolve().parents[1] / "data" / "evidence" / "alertmanager-firing.json"
    evidence = run(kit, here, "evidence", "add", new, str(alerts), check=False)
    assert evidence.returncode in (0, 1) and "Traceback" not in evidence.stderr, evidence.stderr
    run(kit, here, "export", "repo/postmortems/INC-2026-0001.yaml", "-o", "rca.md")
    imported = run(kit, here, "import", "rca.md", "-o", "INC-2026-0042.yaml", "--id", "INC-2026-0042",
                   check=False)
    assert imported.returncode in (0, 1), imported.stderr
    assert "12 section(s) imported" in imported.stderr + imported.stdout
    assert "Incidents: 2" in run(kit, here, "stats", "repo/postmortems").stdout
    status = run(kit, here, "followups", "--status", "--offline", "--status-file", "", "repo/postmortems").stdout
    assert "INC-2026-0001" in status
    missing = run(kit, here, "pr", "post", "missing.json", check=False)
    assert missing.returncode == 2 and "missing.json" in missing.stderr and "Traceback" not in missing.stderr
    assert set(VERBS) <= RAN


def test_the_site_builds_through_the_installed_plugin(installed_kit, tmp_path):
    kit = installed_kit
    run(kit, tmp_path, "init", ".")
    done = subprocess.run([str(kit.bin / "mkdocs"), "build", "--strict"], cwd=tmp_path, env=kit.env(),
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "incidents" / "INC-2026-0001" / "index.html").is_file()
    assert (tmp_path / "site" / "assets" / "postmortem.css").is_file()
