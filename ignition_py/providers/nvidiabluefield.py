"""`nvidiabluefield`: the config an NVIDIA BlueField DPU's boot flow leaves in the bootfifo
that the mlxbf_bootctl driver exposes in sysfs (upstream's provider: the module loaded
first, NUL bytes trimmed; a missing or empty fifo is no config)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..log import Logger
from ..resources.stream import read_file_capped
from ..system.commands import run
from .platform import Platform, ProviderContext, register

BOOTFIFO_PATHS = (Path("/sys/bus/platform/devices/MLNXBF04:00/bootfifo"),)


def read_bootfifo(paths: Sequence[Path], log: Logger) -> bytes:
    """The first non-empty bootfifo of ``paths`` without its NUL padding, or b"" (no
    config) when none has one. An unreadable fifo is logged and skipped, as upstream does;
    raises TooLargeError for one over the config size cap."""
    for path in paths:
        log.debug(f"Attempting to read bootfifo at {path}")
        try:
            raw = read_file_capped(path)
        except FileNotFoundError:
            continue
        except OSError as err:
            log.error(f"Could not read bootfifo at {path}: {err.strerror or err}")
            continue
        if not raw:
            log.info(f"{path} is empty")
            continue
        return raw.strip(b"\0")
    log.info("No config found in any of the NVIDIA BlueField bootfifo interfaces")
    return b""


def fetch(context: ProviderContext) -> bytes:
    with context.log.op("loading mlxbf-booctl kernel module"):
        run(["modprobe", "mlxbf_bootctl"], context.log)
    return read_bootfifo(BOOTFIFO_PATHS, context.log)


register(Platform("nvidiabluefield", fetch))
