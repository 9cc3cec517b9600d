"""`ignition-py render --files-dir DIR` reads a Butane config's local files and trees
from DIR (as `butane -d`); without it they are refused, as at boot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ignition_py.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "butane" / "with-files-dir"


def test_render_reads_trees_from_the_files_dir(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["render", "--system-config-dir", "", "--compact", "-d", str(CORPUS / "files"),
                 str(CORPUS / "trees.bu")])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    rendered = json.loads(out.out)
    assert [f["path"] for f in rendered["storage"]["files"]] == [
        "/opt/tree/run.sh", "/opt/tree/sub/data.conf",
    ]  # fmt: skip
    assert rendered["storage"]["files"][0]["mode"] == 0o755
    assert rendered["storage"]["links"] == [{"path": "/opt/tree/sub/link", "target": "../run.sh"}]


def test_render_without_a_files_dir_refuses_local_files(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["render", "--system-config-dir", "", str(CORPUS / "local-file.bu")]) == 1
    err = capsys.readouterr().err
    assert "$.storage.files.0.contents.local, line 7 col 16" in err
    assert "-d/--files-dir" in err


def test_validate_reads_local_files_from_the_files_dir(
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = str(CORPUS / "local-file.bu")
    assert main(["validate", "-d", str(CORPUS / "files"), config]) == 0
    assert main(["validate", config]) == 1
    assert "-d/--files-dir" in capsys.readouterr().out


def test_plan_reads_local_files_from_the_files_dir(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    base = ["plan", "--root", str(tmp_path), "--system-config-dir", "",
            "--state-file", str(tmp_path / "no-state"), str(CORPUS / "local-file.bu")]  # fmt: skip
    assert main([*base[:-1], "--files-dir", str(CORPUS / "files"), base[-1]]) == 0
    assert f'writing file "{tmp_path}/etc/a" from data URL' in capsys.readouterr().out
    assert main(base) == 1
    assert "-d/--files-dir" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())  # plan changes nothing


def test_validate_names_cloud_init_user_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    user_data = tmp_path / "user-data"
    user_data.write_text("#cloud-config\nhostname: x\n")
    assert main(["validate", str(user_data)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "info: the user data is a cloud-config, not an Ignition config: ignoring it",
        "error: not a config (empty)",
    ]
