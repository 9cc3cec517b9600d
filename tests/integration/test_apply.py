"""`ignition-apply` on temporary roots, each config run by ignition-py and by v2.26.0's
apply personality (its binary under the name ignition-apply) on two copies of the same
root: same exit status, same CRITICAL lines, same tree."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ignition_py.apply import NOT_IN_CONTAINER, in_container
from tests.oracles import UPSTREAM

from .files.support import make_root, snapshot, work_dir

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (chown in the roots)")
OURS = Path(sys.executable).parent / "ignition-apply"
V34 = {"version": "3.4.0"}
WRITES: dict[str, Any] = {
    "ignition": V34,
    "storage": {
        "files": [
            {"path": "/etc/motd", "mode": 384, "contents": {"source": "data:,hello"}},
            {"path": "/opt/tool", "user": {"name": "core"}, "contents": {"source": "data:,x"}},
        ],
        "directories": [{"path": "/var/lib/app", "mode": 448}],
        "links": [{"path": "/etc/alias", "target": "/etc/motd"}],
    },
    "systemd": {
        "units": [
            {
                "name": "app.service",
                "enabled": True,
                "contents": "[Service]\nExecStart=/bin/true\n"
                "[Install]\nWantedBy=multi-user.target\n",
                "dropins": [{"name": "a.conf", "contents": "[Service]\n"}],
            },
            {"name": "gone.service", "mask": True},
        ]
    },
}
USERS = {"passwd": {"users": [{"name": "alice"}]}}
REFUSED: dict[str, dict[str, Any]] = {
    "kargs": {"kernelArguments": {"shouldExist": ["quiet"]}},
    "disks": {"storage": {"disks": [{"device": "/dev/null", "wipeTable": True}]}},
    "filesystems": {"storage": {"filesystems": [{"device": "/dev/null", "format": "ext4"}]}},
    "luks": {"storage": {"luks": [{"name": "x", "device": "/dev/null"}]}},
    "users": USERS,
    "groups": {"passwd": {"groups": [{"name": "ops"}]}},
}
REMOTE = {"storage": {"files": [{"path": "/x", "contents": {"source": "http://192.0.2.1/x"}}]}}


def run(
    binary: Path, args: list[str], work: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    link = work / "bin" / "ignition-apply"
    link.parent.mkdir(exist_ok=True)
    if link.is_symlink():
        link.unlink()
    link.symlink_to(binary)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "container": "test"}
    return subprocess.run(
        [str(link), *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


def critical(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("CRITICAL")]


def apply_both(
    work: Path, config: dict[str, Any], flags: list[str]
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str] | None]:
    """Both binaries on copies of make_root's tree; each tree stays at work/ours and
    work/upstream. Upstream is None (and the reason printed) when absent."""
    results: list[subprocess.CompletedProcess[str] | None] = []
    for name, binary in (("ours", OURS), ("upstream", UPSTREAM.agent)):
        root = work / name
        make_root(root)
        if name == "upstream" and not UPSTREAM.present():
            print(f"not compared: {UPSTREAM.missing_reason()}")
            results.append(None)
            continue
        config_file = work / f"{name}.ign"
        config_file.write_text(json.dumps(config))
        results.append(run(binary, [*flags, "--root", str(root), str(config_file)], work))
    ours, upstream = results
    assert ours is not None
    return ours, upstream


def test_files_links_directories_and_units_are_written_as_upstream_writes_them() -> None:
    with work_dir() as work:
        ours, upstream = apply_both(work, WRITES, [])
        assert ours.returncode == 0, ours.stdout + ours.stderr
        tree = snapshot(work / "ours")
        assert tree["etc/motd"][:2] == ("file", "0o600")
        assert tree["opt/tool"][2] == 500  # core, from the root's own passwd
        assert tree["etc/systemd/system/gone.service"] == ("link", 0, 0, "/dev/null")
        preset = work / "ours/etc/systemd/system-preset/20-ignition.preset"
        assert preset.read_text() == "enable app.service\n"
        assert not (work / "ours/etc/.ignition-result.json").exists()
        if upstream is not None:
            assert upstream.returncode == 0, upstream.stdout + upstream.stderr
            assert tree == snapshot(work / "upstream")


@pytest.mark.parametrize("section", sorted(REFUSED))
def test_what_cannot_be_applied_live_is_refused_before_anything_is_written(section: str) -> None:
    config = {"ignition": V34, **REFUSED[section], "storage": {**WRITES["storage"]}}
    config["storage"].update(REFUSED[section].get("storage", {}))
    with work_dir() as work:
        ours, upstream = apply_both(work, config, [])
        assert ours.returncode == 1
        assert critical(ours.stdout)[-1].startswith("CRITICAL : failed to apply: running stage")
        assert not (work / "ours/etc/motd").exists()
        if upstream is not None:
            assert critical(ours.stdout) == critical(upstream.stdout)
            assert snapshot(work / "ours") == snapshot(work / "upstream")


def test_ignore_unsupported_skips_users_and_disks_and_writes_the_rest() -> None:
    config = {"ignition": V34, **USERS, "kernelArguments": {"shouldExist": ["quiet"]}}
    config["storage"] = {**WRITES["storage"], "disks": [{"device": "/dev/null"}]}
    with work_dir() as work:
        ours, upstream = apply_both(work, config, ["--ignore-unsupported"])
        assert ours.returncode == 0, ours.stdout
        assert (work / "ours/etc/motd").read_text() == "hello"
        assert "alice" not in (work / "ours/etc/passwd").read_text()
        if upstream is not None:
            assert upstream.returncode == 0, upstream.stdout
            assert snapshot(work / "ours") == snapshot(work / "upstream")


@pytest.mark.parametrize(
    "config",
    [
        {"ignition": V34, **REMOTE},
        {"ignition": {**V34, "config": {"merge": [{"source": "https://192.0.2.1/c.ign"}]}}},
    ],
    ids=["file contents", "merged config"],
)
def test_offline_refuses_remote_resources_and_writes_nothing(config: dict[str, Any]) -> None:
    config = {**config, "storage": {**config.get("storage", {}), "directories": [{"path": "/d"}]}}
    with work_dir() as work:
        ours, upstream = apply_both(work, config, ["--offline"])
        assert ours.returncode == 1
        assert critical(ours.stdout)[-1].startswith(
            "CRITICAL : failed to apply: resource requires networking"
        )
        assert not (work / "ours/d").exists()
        if upstream is not None:
            assert upstream.returncode == 1
            assert snapshot(work / "ours") == snapshot(work / "upstream")


def test_config_from_stdin(tmp_path: Path) -> None:
    config = json.dumps({"ignition": V34, "storage": {"directories": [{"path": "/made"}]}})
    done = run(OURS, ["--root", str(tmp_path / "root"), "-"], tmp_path, stdin=config)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "root/made").is_dir()


CLI_CASES = [
    [],
    ["a.ign", "b.ign"],
    ["--bogus"],
    ["--root"],
    ["--help"],
    ["--offline=maybe", "x.ign"],
    ["/nonexistent.ign"],
    ["EMPTY"],
    ["INVALID"],
]


@pytest.mark.skipif(not UPSTREAM.present(), reason=UPSTREAM.missing_reason())
@pytest.mark.parametrize("args", CLI_CASES, ids=lambda a: " ".join(a) or "no arguments")
def test_command_line_errors_as_upstream(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "EMPTY").write_text("")
    (tmp_path / "INVALID").write_text(
        '{"ignition": {"version": "3.4.0"}, "storage": {"files": [{"path": "rel"}]}}'
    )
    args = [str(tmp_path / a) if a in ("EMPTY", "INVALID") else a for a in args]
    ours, theirs = run(OURS, args, tmp_path), run(UPSTREAM.agent, args, tmp_path)

    def shown(text: str) -> list[str]:
        return [line for line in text.splitlines() if "Ignition " not in line]

    assert ours.returncode == theirs.returncode
    assert shown(ours.stdout) == shown(theirs.stdout)
    assert shown(ours.stderr) == shown(theirs.stderr)


def test_a_host_outside_any_container_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("container", raising=False)
    assert not in_container((str(tmp_path / "no-marker"),))
    (tmp_path / "marker").touch()
    assert in_container((str(tmp_path / "marker"),))
    monkeypatch.setenv("container", "podman")
    assert in_container((str(tmp_path / "no-marker"),))
    assert NOT_IN_CONTAINER.startswith("this tool is not designed to run on a host system")


def test_merged_configs_are_rendered_before_applying() -> None:
    child = {
        "ignition": V34,
        "storage": {"files": [{"path": "/merged", "contents": {"source": "data:,m"}}]},
    }
    source = "data:;base64," + base64.b64encode(json.dumps(child).encode()).decode()
    config = {"ignition": {**V34, "config": {"merge": [{"source": source}]}}}
    with work_dir() as work:
        ours, upstream = apply_both(work, config, ["--offline"])
        assert ours.returncode == 0, ours.stdout
        assert (work / "ours/merged").read_text() == "m"
        if upstream is not None:
            assert upstream.returncode == 0, upstream.stdout
            assert snapshot(work / "ours") == snapshot(work / "upstream")
