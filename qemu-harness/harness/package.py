"""The project's Debian package, built as a distribution would (dpkg-buildpackage from a
copy of the source tree) and cached by the hash of that tree."""

from __future__ import annotations

import fcntl
import hashlib
import shutil
import subprocess
from pathlib import Path

from .cache import cache_dir
from .shell import HarnessError, run, say

REPO = Path(__file__).resolve().parents[2]
# dpkg-buildpackage must find Debian's python3 and build tools, not a user's own.
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
_SKIPPED = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache",
            ".pybuild", ".hypothesis"}  # fmt: skip


def source_files() -> list[Path]:
    """The files of the source tree (relative): what git tracks or would, else a walk."""
    if (REPO / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO, capture_output=True, check=True,
        ).stdout.decode()  # fmt: skip
        names = {Path(name) for name in listed.split("\0") if name}
        return sorted(n for n in names if (REPO / n).is_file() or (REPO / n).is_symlink())
    return sorted(
        p.relative_to(REPO)
        for p in REPO.rglob("*")
        if (p.is_file() or p.is_symlink())
        and not _SKIPPED.intersection(p.relative_to(REPO).parts)
        and not any(part.endswith(".egg-info") for part in p.parts)
    )


def _tree_hash(files: list[Path]) -> str:
    hasher = hashlib.sha256()
    for name in files:
        path = REPO / name
        hasher.update(str(name).encode() + b"\0")
        hasher.update(str(path.readlink()).encode() if path.is_symlink() else path.read_bytes())
        hasher.update(b"\1" if path.stat().st_mode & 0o100 else b"\0")
    return hasher.hexdigest()[:16]


def build_deb() -> Path:
    """ignition-py_VERSION_ARCH.deb for the current source tree (cached by its hash).

    Raises HarnessError when dpkg-buildpackage fails (its output in the message)."""
    files = source_files()
    where = cache_dir("deb", _tree_hash(files))
    with (where / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another boot may be building the same tree
        built = sorted(where.glob("ignition-py_*.deb"))
        return built[0] if built else _build(files, where)


def _build(files: list[Path], where: Path) -> Path:
    say("building the Debian package (dpkg-buildpackage -b)")
    source = where / "src"
    if source.exists():
        shutil.rmtree(source)
    for name in files:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (REPO / name).is_symlink():
            target.symlink_to((REPO / name).readlink())
        else:
            shutil.copy2(REPO / name, target)
    run(["env", f"PATH={SYSTEM_PATH}", "dpkg-buildpackage", "-b", "-us", "-uc"], cwd=source)
    shutil.rmtree(source)
    built = sorted(where.glob("ignition-py_*.deb"))
    if not built:
        raise HarnessError(f"dpkg-buildpackage left no ignition-py_*.deb in {where}")
    return built[0]
