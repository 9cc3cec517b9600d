"""`ignition-rmcfg`: VMware guestinfo through a stand-in `vmware-rpctool` on PATH (the
system/ boundary: it keeps the variables in files and records every call), VirtualBox
without its device, and every other platform, flag errors and exit codes compared with
v2.26.0's rmcfg personality (its binary run under the name ignition-rmcfg)."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ignition_py.agent_names import UPSTREAM_PLATFORMS
from tests.oracles import UPSTREAM

OURS = Path(sys.executable).parent / "ignition-rmcfg"
# Variables live in $GUESTINFO/<name>; each call is appended to $GUESTINFO.calls. With
# $GUESTINFO/.not-a-vm present it fails as the real tool does outside VMware.
RPCTOOL = r"""#!/bin/sh
echo "$1" >> "$GUESTINFO.calls"
if [ -e "$GUESTINFO/.not-a-vm" ]; then
    echo "vmware-rpctool must be run inside a virtual machine on a VMware hypervisor product." >&2
    exit 1
fi
command=${1%% *}; rest=${1#* }
case $command in
info-get)
    [ -e "$GUESTINFO/$rest" ] || { echo "No value found" >&2; exit 1; }
    cat "$GUESTINFO/$rest"; echo ;;
info-set)
    key=${rest%% *}; value=${rest#* }
    printf '%s' "$value" > "$GUESTINFO/$key" ;;
*) exit 1 ;;
esac
"""
OVFENV = """<?xml version="1.0" encoding="UTF-8"?>
<Environment xmlns="http://schemas.dmtf.org/ovf/environment/1"
             xmlns:oe="http://schemas.dmtf.org/ovf/environment/1">
  <PropertySection>
    <Property oe:key="guestinfo.ignition.config.data" oe:value="e30="/>
    <Property oe:key="guestinfo.hostname" oe:value="node1"/>
    <Property oe:key="guestinfo.ignition.config.data.encoding" oe:value="base64"></Property>
  </PropertySection>
</Environment>"""
CONFIG = base64.b64encode(b'{"ignition":{"version":"3.4.0"}}').decode()


def rmcfg(
    binary: Path, args: list[str], tmp: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `binary` as ignition-rmcfg (a link of that name in tmp) with the stand-in
    vmware-rpctool first on PATH."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    tool = bin_dir / "vmware-rpctool"
    tool.write_text(RPCTOOL)
    tool.chmod(0o755)
    link = tmp / "ignition-rmcfg"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(binary)
    environment = {"PATH": f"{bin_dir}:/usr/sbin:/usr/bin:/sbin:/bin", **(env or {})}
    return subprocess.run(
        [str(link), *args], capture_output=True, text=True, env=environment, timeout=60, cwd=tmp
    )


def guestinfo(tmp: Path, variables: dict[str, str]) -> Path:
    store = tmp / "guestinfo"
    store.mkdir()
    for name, value in variables.items():
        (store / f"guestinfo.{name}").write_text(value)
    return store


def test_vmware_replaces_the_config_and_prunes_the_ovf_environment(tmp_path: Path) -> None:
    store = guestinfo(
        tmp_path,
        {"ignition.config.data": CONFIG, "ignition.config.data.encoding": "", "ovfenv": OVFENV},
    )
    done = rmcfg(OURS, ["--platform", "vmware", "--log-to-stdout"], tmp_path,
                 {"GUESTINFO": str(store)})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert (store / "guestinfo.ignition.config.data").read_text() == "e30K"
    assert (store / "guestinfo.ignition.config.data.encoding").read_text() == "base64"
    pruned = (store / "guestinfo.ovfenv").read_text()
    assert "ignition.config" not in pruned
    assert '<Property oe:key="guestinfo.hostname" oe:value="node1"/>' in pruned
    assert "deleting config from guestinfo properties" in done.stdout
    assert "deleting config from OVF environment" in done.stdout
    assert "Successfully deleted config" in done.stdout
    assert CONFIG not in done.stdout + done.stderr  # the config itself is never logged
    calls = Path(f"{store}.calls").read_text().splitlines()
    assert calls[:5] == [
        "info-get guestinfo.ignition.config.data",
        "info-set guestinfo.ignition.config.data e30K",
        "info-get guestinfo.ignition.config.data.encoding",
        "info-set guestinfo.ignition.config.data.encoding base64",
        "info-get guestinfo.ovfenv",
    ]
    assert calls[5].startswith("info-set guestinfo.ovfenv <?xml")


def test_vmware_already_deleted_sets_nothing(tmp_path: Path) -> None:
    store = guestinfo(
        tmp_path, {"ignition.config.data": "e30K", "ignition.config.data.encoding": "base64"}
    )
    done = rmcfg(OURS, ["--platform", "vmware", "--log-to-stdout"], tmp_path,
                 {"GUESTINFO": str(store)})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    calls = Path(f"{store}.calls").read_text().splitlines()
    assert calls == ["info-get guestinfo.ignition.config.data", "info-get guestinfo.ovfenv"]


def test_vmware_outside_a_vm_fails_naming_the_step(tmp_path: Path) -> None:
    store = guestinfo(tmp_path, {})
    (store / ".not-a-vm").touch()
    done = rmcfg(OURS, ["--platform", "vmware", "--log-to-stdout"], tmp_path,
                 {"GUESTINFO": str(store)})  # fmt: skip
    assert done.returncode == 1
    assert "CRITICAL : couldn't delete config: getting config property: vmware-rpctool" in (
        done.stdout
    )
    assert "Traceback" not in done.stderr


def _same(ours: subprocess.CompletedProcess[str], theirs: subprocess.CompletedProcess[str],
          program: Path) -> None:  # fmt: skip
    def shown(text: str) -> str:
        # The platform list is agent_names.UPSTREAM_PLATFORMS, which also has ionoscloud
        # (from upstream after v2.26.0).
        text = re.sub(r"current platform\. \[[^]]*\]", "current platform. [...]", text)
        lines = text.replace(str(program), "PROGRAM").splitlines()
        return "\n".join(line for line in lines if "Ignition " not in line)

    assert ours.returncode == theirs.returncode, (ours, theirs)
    assert shown(ours.stdout) == shown(theirs.stdout)
    assert shown(ours.stderr) == shown(theirs.stderr)


needs_upstream = pytest.mark.skipif(not UPSTREAM.present(), reason=UPSTREAM.missing_reason())
if not UPSTREAM.present():
    print(f"skipping rmcfg comparisons: {UPSTREAM.missing_reason()}")
ARGUMENTS = [
    [],
    ["--platform"],
    ["--platform", "qemu", "extra"],
    ["-platform", "qemu"],
    ["--bogus"],
    ["--help"],
    ["--platform=virtualbox", "--log-to-stdout"],
    *(
        ["--platform", name, "--log-to-stdout"]
        for name in sorted(UPSTREAM_PLATFORMS)
        # vmware: upstream reaches into the VMware backdoor; ionoscloud: v2.26.0 lacks it
        if name not in ("vmware", "ionoscloud")
    ),
]


@needs_upstream
@pytest.mark.parametrize("args", ARGUMENTS, ids=" ".join)
def test_exit_status_and_messages_as_upstream(tmp_path: Path, args: list[str]) -> None:
    if "virtualbox" in " ".join(args) and os.path.exists("/dev/vboxguest"):
        pytest.skip("a VirtualBox guest: the property would really be deleted")
    theirs = rmcfg(UPSTREAM.agent, args, tmp_path)
    ours = rmcfg(OURS, args, tmp_path)
    _same(ours, theirs, tmp_path / "ignition-rmcfg")
