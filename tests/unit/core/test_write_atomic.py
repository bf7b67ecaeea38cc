"""core.files.write_atomic: the one way the tool replaces a file."""

from __future__ import annotations

import os
import stat

import pytest

from postmortem_kit.core import write_atomic


def test_writes_text_and_bytes_and_creates_the_folder(tmp_path):
    target = tmp_path / "a" / "b.yaml"
    write_atomic(target, "héllo\n")
    assert target.read_bytes() == "héllo\n".encode()
    write_atomic(target, b"\x00raw")
    assert target.read_bytes() == b"\x00raw"
    assert [p.name for p in target.parent.iterdir()] == ["b.yaml"]


def test_a_replaced_file_keeps_its_mode_and_a_new_one_gets_the_usual_mode(tmp_path):
    target = tmp_path / "run.sh"
    target.write_text("old")
    os.chmod(target, 0o750)
    write_atomic(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    fresh = tmp_path / "fresh.yaml"
    write_atomic(fresh, "x")
    plain = tmp_path / "plain.yaml"
    plain.write_text("x")  # what open() gives under this process's umask
    assert stat.S_IMODE(fresh.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "INC-2026-0001.yaml"
    target.write_text("kept\n")

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_atomic(target, "lost\n")
    assert target.read_text() == "kept\n"
    assert [p.name for p in tmp_path.iterdir()] == ["INC-2026-0001.yaml"]
