"""`qemu-harness/boot`: boot one VM that provisions itself from a config, and say whether
the config was applied and the target image booted (exit 0), or what failed (exit 1)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from .console import BootLog
from .initramfs import AGENTS, build_initramfs
from .kernel import debian_kernel
from .oem import OEM_CONFIG_PATH, OEM_USER_CONFIG_PATH, oem_disk
from .package import build_deb
from .platforms import PLATFORMS, Delivery, delivery_for
from .profile import append_overlay, collect
from .qemu import Machine, boot
from .rootfs import base_root_image, fresh_copy
from .selinux import install_policy
from .shell import HarnessError, run, say
from .verify import FORK_SERVER_UNIT, verify, verify_user_data_boot


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qemu-harness/boot", description=__doc__)
    parser.add_argument("--config", required=True, type=Path, help="Ignition config to provision")
    parser.add_argument("--platform", choices=PLATFORMS, default="qemu")
    parser.add_argument("--agent", choices=AGENTS, default="ignition-py")
    parser.add_argument("--out", type=Path, help="where to leave images, logs, summary")
    parser.add_argument("--timeout", type=float, default=420.0, help="seconds before giving up")
    parser.add_argument("--data-disk", default="1G", help="size of the second, blank disk")
    parser.add_argument("--show", action="store_true", help="print what the VM's disks now hold")
    parser.add_argument(
        "--kernel-arg", action="append", default=[], metavar="ARG",
        help="add to the kernel command line (repeatable), e.g. ro, or a static ip= that "
        "replaces the platform's ip=dhcp",
    )  # fmt: skip
    parser.add_argument(
        "--selinux", action="store_true",
        help="give the target image a small SELinux policy's file contexts: the stages label what "
        "they write, and the checks read the labels back",
    )  # fmt: skip
    parser.add_argument(
        "--flatcar-oem", type=Path, metavar="DIR",
        help="boot as Flatcar does: the module's flatcar flavour, an OEM disk (ext4 labelled "
        f"OEM) made of DIR's files with the config at {OEM_CONFIG_PATH}, and flatcar.first_boot, "
        "flatcar.oem.id and flatcar.config.url=oem://... in place of upstream's arguments "
        "(qemu platform, no fw_cfg)",
    )  # fmt: skip
    parser.add_argument(
        "--oem-user-config", action="store_true",
        help=f"with --flatcar-oem: the config at {OEM_USER_CONFIG_PATH} on the OEM disk and no "
        "flatcar.config.url, as a Flatcar image boots (the initramfs makes it the user config)",
    )  # fmt: skip
    parser.add_argument(
        "--profile", action="store_true",
        help="ignition-py agent only: run each stage with -X importtime and cProfile and "
        "write the reports to OUT/profile/STAGE.txt",
    )  # fmt: skip
    return parser


def _summary(
    log: BootLog, status: int | None, initramfs: Path, args: argparse.Namespace
) -> dict[str, Any]:
    stages = {
        name: {k: round(v, 3) for k, v in times.items()}
        for name, times in log.timed_stages().items()
    }
    stage_seconds = log.stage_seconds()
    return {
        "agent": args.agent,
        "platform": args.platform,
        "config": str(args.config),
        "qemu_status": status,
        "kernel_args": args.kernel_arg,
        "initramfs_bytes": initramfs.stat().st_size,
        "milestones_seconds": {
            "qemu_start": 0.0,
            **{k: round(v, 3) for k, v in log.timed_milestones().items()},
        },
        "stages_seconds": stages,
        "stage_time_total_seconds": round(stage_seconds, 3),
        "failed_stage": log.failed_stage,
    }


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out: Path = args.out or Path(tempfile.mkdtemp(prefix="ignition-py-boot-"))
    out.mkdir(parents=True, exist_ok=True)
    try:
        return _boot(args, out)
    except HarnessError as err:
        say(f"error: {err}")
        return 2


def _boot(args: argparse.Namespace, out: Path) -> int:
    if args.profile and args.agent != "ignition-py":
        raise HarnessError("--profile profiles ignition-py's stages: use --agent ignition-py")
    if args.flatcar_oem is not None and args.platform != "qemu":
        raise HarnessError("--flatcar-oem boots the qemu platform (the config is on the OEM disk)")
    if args.oem_user_config and args.flatcar_oem is None:
        raise HarnessError("--oem-user-config needs --flatcar-oem")
    from ignition_py.config.parse import parse_config

    parsed = parse_config(args.config.read_bytes())
    # user data for cloud-init: the boot must go on with no Ignition changes
    user_data = parsed.user_data
    kernel = debian_kernel()
    pristine_image = base_root_image()
    root = fresh_copy(pristine_image, out / "root.img")
    if args.selinux:
        install_policy(root)
    data = out / "data.img"
    data.unlink(missing_ok=True)
    run(["truncate", "-s", args.data_disk, str(data)])
    # the package the image is built from: named before the build, as the tree may change
    package = build_deb().name if args.agent != "debian" else None
    flavour = "flatcar" if args.flatcar_oem is not None else ""
    initramfs = build_initramfs(kernel, args.agent, out / "initramfs.img", flavour)
    if args.profile:
        append_overlay(initramfs, out)
    config_copy = out / "config.ign"
    config_copy.write_bytes(args.config.read_bytes())
    delivery = delivery_for(args.platform, config_copy, out)
    disks = [root, data]
    first_boot: tuple[str, ...] | None = None
    oem_tree = None
    if args.flatcar_oem is not None:
        at = OEM_USER_CONFIG_PATH if args.oem_user_config else OEM_CONFIG_PATH
        oem, oem_tree = oem_disk(args.flatcar_oem, config_copy, out, at)
        disks.append(oem)
        delivery = Delivery()
        first_boot = ("flatcar.first_boot=1", f"flatcar.oem.id={args.platform}")
        if not args.oem_user_config:
            first_boot += (f"flatcar.config.url=oem://{OEM_CONFIG_PATH}",)
    relay = None
    if delivery.metadata is not None:
        delivery.metadata.start()
        relay = delivery.metadata.relay_command()
    machine = Machine(kernel, initramfs, disks, args.platform, delivery.fw_cfg_config,
                      delivery.cdrom, relay)  # fmt: skip
    machine.kernel_args = _kernel_args(delivery.kernel_args, args.kernel_arg)
    machine.first_boot_args = first_boot
    say(f"booting ({args.agent} agent, platform {args.platform}); log in {out / 'serial.log'}")
    try:
        log, status = boot(machine, args.timeout, out / "serial.log")
    finally:
        if delivery.metadata is not None:
            delivery.metadata.stop()
    say(f"VM ended after {log.milestones.get('qemu_exit', float('nan')):.1f} s")
    summary = _summary(log, status, initramfs, args)
    summary["package"] = package
    summary["flavour"] = flavour
    if delivery.metadata is not None:
        summary["metadata_requests"] = [f"{r.method} {r.path}" for r in delivery.metadata.requests]
    failed = _report_failure(log)
    if args.profile:
        reports = collect(root, out / "profile")
        say(f"profiles of {len(reports)} stages in {out / 'profile'}")
    checks = []
    if not failed and user_data:
        checks = verify_user_data_boot([root, data])
    elif not failed and parsed.config is not None:
        # --profile runs the stages under the profiler, in their own processes; a masked
        # server (an A/B comparison) serves nothing
        masked = f"rd.systemd.mask={FORK_SERVER_UNIT}" in machine.kernel_args
        fork_server = args.agent == "ignition-py" and not args.profile and not masked
        checks = verify(parsed.config, [root, data, *disks[2:]], pristine_image, oem_tree,
                        fork_server)  # fmt: skip
        for check in checks:
            print(check)
    summary["checks"] = [{"what": c.what, "ok": c.ok, "detail": c.detail} for c in checks]
    if args.show and parsed.config is not None and not failed:
        from .show import show

        print("\n== what the VM's disks hold now ==")
        print(show(parsed.config, [root, data]))
    ok = not failed and bool(checks) and all(c.ok for c in checks)
    summary["ok"] = ok
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    _print_milestones(summary)
    say(f"{'provisioned and booted' if ok else 'FAILED'}; summary in {out / 'summary.json'}")
    return 0 if ok else 1


def _kernel_args(platform: tuple[str, ...], given: list[str]) -> list[str]:
    """The platform's arguments, then the user's; a user's ip= replaces the platform's."""
    if any(arg.startswith("ip=") for arg in given):
        platform = tuple(arg for arg in platform if not arg.startswith("ip="))
    return [*platform, *given]


def _report_failure(log: BootLog) -> bool:
    if log.failed_stage is None and "emergency" not in log.milestones:
        if "target_up" in log.milestones:
            return False  # the marker check in verify() decides whether it came all the way
        say("the target image never reached the end of its boot (no marker): see the serial log")
        return True
    stage = log.failed_stage or "unknown"
    say(f"stage {stage} failed; what the agent said:")
    for line in log.failure_lines(stage):
        print(f"    {line}", file=sys.stderr)
    return True


def _print_milestones(summary: dict[str, Any]) -> None:
    milestones = summary["milestones_seconds"]
    order = ["ignition_complete", "switch_root", "target_up", "target_done", "qemu_exit"]
    shown = ", ".join(f"{m} {milestones[m]:.1f}s" for m in order if m in milestones)
    say(f"milestones from QEMU start: {shown}")
    say(f"time in stages: {summary['stage_time_total_seconds']:.1f} s; initramfs "
        f"{summary['initramfs_bytes'] / 1e6:.1f} MB")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
