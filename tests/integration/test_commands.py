"""The three commands as a user runs them: exit codes and output, with upstream's agents
(v2.26.0, and Debian's 2.14) as the oracle for the flag handling they share."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.oracles import ORACLES, Oracle, oracle_id, require

BIN = Path(sys.executable).parent


def run(
    command: str, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / command), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


FLAG_CASES = [
    ["-platform", "bogus", "-stage", "files"],
    ["--platform=file", "--stage=bogus"],
    ["-stage", "files"],
    ["-platform", "file"],
    ["-bogus"],
    ["-platform", "file", "-stage", "files", "-fetch-timeout", "3x"],
    ["-platform"],
    ["-version"],
    ["-help"],
]


@pytest.mark.parametrize("oracle", ORACLES, ids=oracle_id)
@pytest.mark.parametrize("argv", FLAG_CASES, ids=" ".join)
def test_agent_flag_handling_matches_go(argv: list[str], oracle: Oracle) -> None:
    ours = run("ignition", *argv)
    require(oracle)
    go = subprocess.run([str(oracle.agent), *argv], capture_output=True, text=True, timeout=60)
    assert ours.returncode == go.returncode, (ours.stderr, go.stderr)
    if argv != ["-version"]:
        assert _first_line(ours.stderr) == _first_line(go.stderr)


def _first_line(text: str) -> str:
    return re.sub(r"^Usage of \S+:", "Usage of PROGRAM:", text.split("\n", 1)[0])


@pytest.mark.parametrize("oracle", ORACLES, ids=oracle_id)
def test_agent_flags_listing_matches_go(oracle: Oracle) -> None:
    require(oracle)
    ours = run("ignition", "-help").stderr
    go = subprocess.run([str(oracle.agent), "-help"], capture_output=True, text=True).stderr
    flag_lines = [line.split()[0] for line in go.splitlines() if line.startswith("  -")]
    assert flag_lines == [line.split()[0] for line in ours.splitlines() if line.startswith("  -")]


def test_every_upstream_stage_is_implemented() -> None:
    import ignition_py.stages.registered  # noqa: F401
    from ignition_py.agent_names import STAGES
    from ignition_py.stage import PLANNERS, RUNNERS

    assert sorted(set(PLANNERS.names()) | set(RUNNERS.names())) == sorted(STAGES)


def test_agent_version() -> None:
    done = run("ignition", "--version")
    assert done.returncode == 0 and done.stdout.startswith("Ignition ignition-py ")


VALID = (
    '{"ignition": {"version": "3.2.0"}, "storage": {"files": [{"path": "/etc/motd", "mode": 420}]}}'
)
INVALID = '{"ignition": {"version": "3.2.0"},\n "storage": {"files": [{"path": "etc/motd"}]}}'


def test_validate_reads_stdin_and_exits_by_severity() -> None:
    assert run("ignition-validate", "-", stdin=VALID).returncode == 0
    bad = run("ignition-validate", "-", stdin=INVALID)
    assert bad.returncode == 1
    assert bad.stdout == "error at $.storage.files.0.path, line 2 col 33: path not absolute\n"


def test_validate_warnings_alone_exit_0(tmp_path: Path) -> None:
    config = tmp_path / "c.ign"
    config.write_text('{"ignition": {"version": "3.0.0"}, "extra": true}')
    done = run("ignition-validate", str(config))
    assert (done.returncode, done.stdout) == (
        0,
        "warning at $.extra, line 1 col 36: unused key extra\n",
    )


def test_validate_missing_file_and_usage() -> None:
    missing = run("ignition-validate", "/nonexistent/config.ign")
    assert missing.returncode == 1
    assert (
        missing.stderr
        == "couldn't read config: open /nonexistent/config.ign: No such file or directory\n"
    )
    usage = run("ignition-validate")
    assert usage.returncode == 1 and usage.stderr.startswith("Usage:\n  ignition-validate [flags]")


def test_friendly_validate_reads_butane() -> None:
    done = run("ignition-py", "validate", "-", stdin="variant: fcos\nversion: 1.5.0\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == "-: valid (spec 3.4.0)\n"
    nested = run("ignition-py", "validate", "-", stdin="  variant: fcos\n  version: 1.5.0\n")
    assert nested.returncode == 1
    assert "`variant:` is not a top-level key" in nested.stdout


def test_render_merges_base_configs_under_user_configs(tmp_path: Path) -> None:
    (tmp_path / "base.d").mkdir()
    (tmp_path / "base.platform.d" / "qemu").mkdir(parents=True)
    (tmp_path / "base.d" / "10-base.ign").write_text(
        json.dumps(
            {
                "ignition": {"version": "3.0.0"},
                "systemd": {"units": [{"name": "a.service", "mask": True}]},
            }
        )
    )
    (tmp_path / "base.platform.d" / "qemu" / "10-qemu.ign").write_text(
        json.dumps(
            {
                "ignition": {"version": "3.3.0"},
                "kernelArguments": {"shouldExist": ["console=ttyS0"]},
            }
        )
    )
    user = tmp_path / "user.ign"
    user.write_text(
        json.dumps(
            {
                "ignition": {"version": "3.4.0"},
                "systemd": {"units": [{"name": "a.service", "mask": False, "enabled": True}]},
                "storage": {"files": [{"path": "/etc/x", "mode": 0o4755}]},
            }
        )
    )
    done = run(
        "ignition-py",
        "render",
        "--system-config-dir",
        str(tmp_path),
        "--platform",
        "qemu",
        str(user),
    )
    assert done.returncode == 0, done.stderr
    rendered = json.loads(done.stdout)
    assert rendered == {
        "ignition": {"version": "3.6.0"},
        "kernelArguments": {"shouldExist": ["console=ttyS0"]},
        "storage": {"files": [{"mode": 0o755, "path": "/etc/x"}]},
        "systemd": {"units": [{"enabled": True, "mask": False, "name": "a.service"}]},
    }
    assert "setuid/setgid/sticky" in done.stderr


def test_render_refuses_an_invalid_input_and_names_it(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.ign", tmp_path / "bad.ign"
    good.write_text(VALID)
    bad.write_text(INVALID)
    done = run("ignition-py", "render", str(good), str(bad))
    assert done.returncode == 1 and done.stdout == ""
    assert (
        f"{bad}: error at $.storage.files.0.path, line 2 col 33: path not absolute" in done.stderr
    )


def test_render_of_experimental_keeps_its_version(tmp_path: Path) -> None:
    config = tmp_path / "x.ign"
    config.write_text('{"ignition": {"version": "3.7.0-experimental"}}')
    done = run("ignition-py", "render", "--compact", str(config))
    assert json.loads(done.stdout) == {"ignition": {"version": "3.7.0-experimental"}}


def _fetch_offline(config: Path, cache: Path, work: Path) -> subprocess.CompletedProcess[str]:
    return run(
        "ignition", "-platform", "file", "-stage", "fetch-offline", "-log-to-stdout",
        "-config-cache", str(cache), "-neednet", str(work / "neednet"),
        "-state-file", str(work / "state"),
        env={**os.environ, "IGNITION_CONFIG_FILE": str(config),
             "IGNITION_SYSTEM_CONFIG_DIR": str(work)},
    )  # fmt: skip


def test_fetch_offline_accepts_what_validate_accepts_for_older_specs(tmp_path: Path) -> None:
    """A 3.2 link without a target is valid (targets are required from 3.3 on): fetching
    must not re-check it as 3.6, where that is an error."""
    config = tmp_path / "config.ign"
    config.write_text(
        json.dumps({"ignition": {"version": "3.2.0"}, "storage": {"links": [{"path": "/l"}]}})
    )
    validated = run("ignition-validate", str(config))
    assert validated.returncode == 0, validated.stdout
    cache = tmp_path / "cache.json"
    done = _fetch_offline(config, cache, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(cache.read_text())["storage"]["links"][0]["path"] == "/l"
    fetched = json.loads((tmp_path / "state").read_text())["fetchedConfigs"]
    assert {"kind": "user", "source": "file", "referenced": False} in fetched


def test_fetch_offline_rejects_what_validate_rejects_for_older_specs(tmp_path: Path) -> None:
    """A 3.2 config whose file collides with a unit's path: v2.26.0's validate and its
    fetch-offline both reject it (every spec version); fetching writes no cache."""
    config = tmp_path / "config.ign"
    config.write_text(
        json.dumps(
            {
                "ignition": {"version": "3.2.0"},
                "storage": {"files": [{"path": "/etc/systemd/system/a.service"}]},
                "systemd": {"units": [{"name": "a.service", "contents": "[Unit]\n"}]},
            }
        )
    )
    validated = run("ignition-validate", str(config))
    assert validated.returncode == 1
    assert validated.stdout.startswith("error at $.storage.files.0.path, line 1 col 67: ")
    cache = tmp_path / "cache.json"
    done = _fetch_offline(config, cache, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert not cache.exists()


def test_render_merges_a_child_over_a_base(tmp_path: Path) -> None:
    base, child = tmp_path / "base.ign", tmp_path / "child.ign"
    base.write_text(VALID)
    child.write_text(
        json.dumps(
            {
                "ignition": {"version": "3.0.0"},
                "storage": {"files": [{"path": "/etc/motd", "mode": 0o600}]},
            }
        )
    )
    done = run("ignition-py", "render", "--compact", str(base), str(child))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["storage"]["files"] == [{"mode": 0o600, "path": "/etc/motd"}]
