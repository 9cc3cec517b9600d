"""Fetch speed, in one run: a 512 MiB gzip'ed resource with a sha512 from a local HTTP
server, through ignition-py's fetcher (gunzip + hash, streamed, output discarded) and
through `curl | gunzip | sha512sum`; the throughput ratio and ignition-py's peak RSS.
Then reading a 4 MiB config from a sysfs-shaped fw_cfg directory.

Run: `.venv/bin/python -m bench.fetch_bench` (the 512 MiB file is made once and kept
in /var/cache/ignition-py-bench/)."""

from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CACHE = Path("/var/cache/ignition-py-bench")
SIZE = 512 * 1024 * 1024
BLOB = CACHE / "blob-512MiB.gz"
DIGEST = CACHE / "blob-512MiB.sha512"

CLIENT = """
import sys
from ignition_py.config.model import Resource, Verification
from ignition_py.log import Logger
from ignition_py.resources.fetcher import Fetcher
url, digest = sys.argv[1], sys.argv[2]
resource = Resource(source=url, compression="gzip", verification=Verification(digest))
with Fetcher(Logger("bench", stream=open("/dev/null", "w"))).open_resource(resource) as stream:
    while stream.read(1 << 20):
        pass
"""


def make_blob() -> tuple[Path, str]:
    """512 MiB that compresses about as well as a disk image (half random, half zeros)."""
    if BLOB.exists() and DIGEST.exists():
        return BLOB, DIGEST.read_text().strip()
    CACHE.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha512()
    seed = os.urandom(1 << 20)
    partial_blob = BLOB.with_suffix(".tmp")
    with open(partial_blob, "wb") as out:
        gzip = subprocess.Popen(["gzip", "-1", "-c"], stdin=subprocess.PIPE, stdout=out)
        assert gzip.stdin is not None
        for index in range(SIZE // (1 << 20)):
            block = seed[index % 97 :] + seed[: index % 97] if index % 2 else bytes(1 << 20)
            digest.update(block)
            gzip.stdin.write(block)
        gzip.stdin.close()
        gzip.wait()
    partial_blob.rename(BLOB)
    DIGEST.write_text("sha512-" + digest.hexdigest())
    return BLOB, DIGEST.read_text().strip()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(directory: Path) -> tuple[ThreadingHTTPServer, int]:
    handler = partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def timed(argv: list[str]) -> tuple[float, int]:
    """(seconds, peak RSS in KiB of the child)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv[0]} failed")
    return elapsed, usage.ru_maxrss


def bench_http() -> None:
    blob, digest = make_blob()
    server, port = serve(blob.parent)
    url = f"http://127.0.0.1:{port}/{blob.name}"
    ours: list[tuple[float, int]] = []
    pipeline: list[float] = []
    expected = digest.split("-", 1)[1]
    shell = f"curl -s {url} | gunzip | sha512sum | grep -q {expected}"
    for _ in range(3):
        ours.append(timed([sys.executable, "-c", CLIENT, url, digest]))
        pipeline.append(timed(["bash", "-o", "pipefail", "-c", shell])[0])
    server.shutdown()
    best_ours = min(t for t, _ in ours)
    best_pipe = min(pipeline)
    mib = SIZE / (1 << 20)
    print(f"512 MiB gzip+sha512 over HTTP (best of 3, compressed {blob.stat().st_size >> 20} MiB)")
    print(f"  ignition-py           {best_ours:6.2f} s  {mib / best_ours:7.1f} MiB/s")
    print(f"  curl|gunzip|sha512sum {best_pipe:6.2f} s  {mib / best_pipe:7.1f} MiB/s")
    print(f"  ratio (ignition-py / pipeline time): {best_ours / best_pipe:.2f}x")
    print(f"  ignition-py peak RSS: {max(r for _, r in ours) / 1024:.1f} MiB")


def bench_fw_cfg() -> None:
    from ignition_py.log import Logger
    from ignition_py.providers.qemu import ENTRY, read_fw_cfg_config

    filler = "x" * (4 * 1024 * 1024 - 100)
    blob = '{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/' + filler + '"}]}}'
    with tempfile.TemporaryDirectory() as folder:
        entry = Path(folder) / ENTRY
        entry.mkdir(parents=True)
        (entry / "raw").write_text(blob)
        (entry / "size").write_text(str(len(blob)))
        runs = []
        with open(os.devnull, "w") as devnull:
            log = Logger("bench", stream=devnull)
            for _ in range(5):
                started = time.perf_counter()
                assert len(read_fw_cfg_config(Path(folder), log)) == len(blob)
                runs.append(time.perf_counter() - started)
    print(
        f"4 MiB config from a sysfs-shaped fw_cfg directory: {min(runs) * 1000:.1f} ms (best of 5)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak RSS of this process: {peak:.1f} MiB")


def main() -> None:
    bench_http()
    bench_fw_cfg()


if __name__ == "__main__":
    main()
