"""Profiling ignition-py's stages inside the VM (`boot --profile`), where every process
start and every imported module costs 15-20x its native time.

An overlay appended to the initramfs (the kernel unpacks concatenated archives in order,
later files replacing earlier ones) puts a profiling launcher at /usr/bin/ignition: the
same agent, run with `-X importtime` and under cProfile, which also reports how long the
interpreter took to reach its first line. The reports go to the stage's stderr, so into
the journal, which the target image keeps; after the boot they are read back from the root
image into `profile/STAGE.txt` beside the summary."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from .images import mounted_read_only
from .shell import run

MARK = "IGNPROF"
_LAUNCHER = f"""#!/usr/bin/python3 -ISXimporttime
import os, sys, time
_ticks = os.sysconf("SC_CLK_TCK")
with open("/proc/self/stat") as _f:
    _started = int(_f.read().rsplit(")", 1)[1].split()[19]) / _ticks
_first_line = time.clock_gettime(time.CLOCK_BOOTTIME)
# the reports go to the journal at debug priority, which journald does not forward to
# the serial console (that would slow the boot being measured)
_report = "/run/ignprof.%d" % os.getpid()
_saved_stderr = os.dup(2)
os.dup2(os.open(_report, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
sys.path.insert(0, "/usr/lib/ignition-py")
import _lsprof
_profile = _lsprof.Profiler()
_code = 1
try:
    _profile.enable()
    from ignition_py.agent_cli import main
    _code = main()
finally:
    _profile.disable()
    _end = time.clock_gettime(time.CLOCK_BOOTTIME)
    sys.stderr.flush()
    os.dup2(_saved_stderr, 2)
    _lines = ["exec to first line %.3f s, first line to exit %.3f s" % (
        _first_line - _started, _end - _first_line)]
    _lines.append("cumulative s | own s | calls | function")
    _entries = sorted(_profile.getstats(), key=lambda e: -e.totaltime)[:60]
    for _e in _entries:
        _where = _e.code if isinstance(_e.code, str) else "%s:%d(%s)" % (
            _e.code.co_filename, _e.code.co_firstlineno, _e.code.co_name)
        _lines.append("%.4f | %.4f | %d | %s" % (_e.totaltime, _e.inlinetime, _e.callcount, _where))
    with open(_report) as _f:
        _lines += _f.read().splitlines()
    import socket
    _journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    for _line in _lines:
        _journal.sendto(("PRIORITY=7\\nSYSLOG_IDENTIFIER=ignprof\\nMESSAGE={MARK} %s\\n" % _line
                         ).encode(), "/run/systemd/journal/socket")
sys.exit(_code)
"""


def overlay(where: Path) -> Path:
    """A newc cpio at ``where``/profile.img holding the profiling launcher as
    /usr/bin/ignition (mode 0755) and the profiler's extension module."""
    with tempfile.TemporaryDirectory(prefix="harness-profile-") as tree:
        launcher = Path(tree, "usr", "bin", "ignition")
        launcher.parent.mkdir(parents=True)
        launcher.write_text(_LAUNCHER)
        launcher.chmod(0o755)
        image = where / "profile.img"
        where_is = "import _lsprof; print(_lsprof.__file__)"
        lsprof = Path(run(["/usr/bin/python3", "-c", where_is]).strip())
        copy = Path(tree) / str(lsprof).lstrip("/")
        copy.parent.mkdir(parents=True)
        shutil.copy2(lsprof, copy)
        names = "".join(f"{p.relative_to(tree)}\n" for p in sorted(Path(tree).rglob("*")))
        with image.open("wb") as out:
            cpio = ["cpio", "-o", "-H", "newc", "--quiet", "-R", "0:0"]
            subprocess.run(cpio, input=names.encode(), stdout=out, cwd=tree, check=True)
    return image


def append_overlay(initramfs: Path, where: Path) -> None:
    """Append the profiling overlay to ``initramfs`` (in place), after zeros up to a
    4-byte boundary (where the kernel looks for the next archive's magic)."""
    with initramfs.open("ab") as out:
        out.write(bytes(-out.tell() % 4))
        out.write(overlay(where).read_bytes())


def collect(root_image: Path, out: Path) -> list[Path]:
    """Write each stage's reports (importtime lines, the cProfile table, start-up times)
    from the target image's journal to ``out``/STAGE.txt; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with mounted_read_only(root_image) as root:
        text = run(["journalctl", "-D", str(root / "var/log/journal"), "-o", "json",
                    "--no-pager"])  # fmt: skip
    by_stage: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        record = json.loads(line)
        unit = str(record.get("_SYSTEMD_UNIT", ""))
        match = re.fullmatch(r"ignition-([a-z-]+)\.service", unit)
        message = record.get("MESSAGE")
        if not match or not isinstance(message, str):
            continue
        if message.startswith(MARK + " "):
            by_stage.setdefault(match.group(1), []).append(message.removeprefix(MARK + " "))
    for stage, lines in by_stage.items():
        path = out / f"{stage}.txt"
        path.write_text("\n".join(lines) + "\n")
        written.append(path)
    return written
