"""`qemu`: the fw_cfg entry opt/com.coreos/config (in the flatcar flavour, Flatcar's
opt/org.flatcar-linux/config first: its patch 0007), read from sysfs (the qemu_fw_cfg
module loaded when its directory is missing). No entry is an empty config.

The kernel's sysfs read of fw_cfg costs O(offset) per call and hands out at most a page
per call, so the number of read() calls decides the speed: the whole blob is read into
one buffer sized from the `size` file, with as few calls as the kernel allows, never
re-copying what was read (linear in the config's size on our side)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..log import Logger
from ..resources.stream import CONFIG_SIZE_LIMIT, TooLargeError
from ..system.commands import run
from .platform import Platform, ProviderContext, register

FW_CFG = Path("/sys/firmware/qemu_fw_cfg")
ENTRY = "by_name/opt/com.coreos/config"
FLATCAR_ENTRY = "by_name/opt/org.flatcar-linux/config"


def read_fw_cfg_config(root: Path, log: Logger) -> bytes:
    """The config of the first fw_cfg entry there, in the flatcar flavour Flatcar's first
    (Flatcar tries both in Go's random map order), b"" for none. Raises ConfigError when it
    cannot be read."""
    from ..flavour import is_flatcar

    for name in (FLATCAR_ENTRY, ENTRY) if is_flatcar() else (ENTRY,):
        entry = root / name
        try:
            size = int((entry / "size").read_text().strip())
        except FileNotFoundError:
            log.info("QEMU firmware config was not found. Ignoring...")
            continue
        except (OSError, ValueError) as err:
            raise ConfigError(f"couldn't read QEMU firmware config size: {err}") from err
        return _read_entry(entry, size, log)
    return b""


def _read_entry(entry: Path, size: int, log: Logger) -> bytes:
    if size > CONFIG_SIZE_LIMIT:
        raise TooLargeError(f"the QEMU firmware config ({size} bytes)", CONFIG_SIZE_LIMIT)
    buffer = bytearray(size + 1)  # one guard byte to notice a blob longer than announced
    view = memoryview(buffer)
    filled = 0
    try:
        with open(entry / "raw", "rb", buffering=0) as raw:
            while filled < size:
                count = raw.readinto(view[filled:])
                if not count:
                    raise ConfigError(f"QEMU firmware config ended after {filled} of {size} bytes")
                filled += count
    except OSError as err:
        raise ConfigError(f"couldn't read QEMU firmware config: {err}") from err
    if filled > size:
        raise ConfigError("missing EOF reading QEMU firmware config")
    log.info(f"read {size} bytes of config from QEMU fw_cfg")
    return bytes(view[:size])


def fetch(context: ProviderContext) -> bytes:
    if not FW_CFG.is_dir():
        with context.log.op("loading QEMU firmware config module"):
            run(["modprobe", "qemu_fw_cfg"], context.log)
    return read_fw_cfg_config(FW_CFG, context.log)


register(Platform("qemu", fetch))
