"""`ignition-py plan`: prints what each stage would do, and changes nothing."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path

import pytest

from ignition_py.plan_cli import add_plan_command, run_plan

from .cases import HASH, POSITIVE, SECRET_TEXT, data
from .support import NOT_ROOT, make_root, work_dir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason=NOT_ROOT)


def tree_checksum(root: Path) -> str:
    """Every path's type, mode, owner, times, link target and contents."""
    digest = hashlib.sha256()
    for directory, dirs, files in sorted(os.walk(root)):
        for name in sorted(dirs + files):
            path = Path(directory) / name
            info = os.lstat(path)
            fields = (
                path,
                info.st_mode,
                info.st_uid,
                info.st_gid,
                info.st_mtime_ns,
                info.st_ctime_ns,
            )
            digest.update(repr(fields).encode())
            if os.path.islink(path):
                digest.update(os.readlink(path).encode())
            elif path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def plan(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ignition-py")
    add_plan_command(parser.add_subparsers(dest="command", required=True))
    return run_plan(parser.parse_args(["plan", *argv]))


def test_plan_prints_every_stage_and_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    sections = {case.name: case.config for case in POSITIVE}
    config = {
        "ignition": {"version": "3.3.0"},
        "passwd": sections["users-and-groups"]["passwd"],
        "storage": {
            "files": [{"path": "/etc/secret", "contents": {"source": data(SECRET_TEXT)}}],
            "directories": [{"path": "/opt/a/b"}],
            "links": [{"path": "/etc/l", "target": "/etc/secret"}],
        },
        "systemd": sections["systemd-units"]["systemd"],
        "kernelArguments": {"shouldExist": ["quiet"]},
    }
    with work_dir() as work:
        root = work / "root"
        make_root(root)
        state = work / "state"
        state.write_text('{"fetchedConfigs":[{"kind":"user"}]}')
        config_file = work / "config.ign"
        config_file.write_text(json.dumps(config))
        before = tree_checksum(work)
        status = plan(["--root", str(root), "--state-file", str(state), str(config_file)])
        after = tree_checksum(work)
    out = capsys.readouterr().out
    assert status == 0
    assert before == after
    stages = [line[:-1] for line in out.splitlines() if not line.startswith(" ")]
    assert stages[:1] == ["kargs"] and stages[-2:] == ["files", "umount"]
    assert "  updating kernel arguments: ignition-kargs-helper --should-exist quiet" in out
    assert f'creating user "alice": useradd --root {root}' in out
    assert f'writing file "{root}/etc/secret" from data URL' in out
    assert 'setting preset to enabled for "app.service"' in out
    assert HASH not in out and SECRET_TEXT.decode().strip() not in out


def test_plan_reports_an_invalid_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ign"
    bad.write_text('{"ignition": {"version": "3.3.0"}, "storage": {"files": [{"path": "rel"}]}}')
    assert plan(["--root", str(tmp_path), str(bad)]) == 1
    assert "path not absolute" in capsys.readouterr().err
