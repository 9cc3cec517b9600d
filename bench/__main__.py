"""Benchmarks, run on demand: `.venv/bin/python -m bench [validate] [files] [fetch] [disks]`.

Each prints ignition-py's figures next to upstream's (Go Ignition v2.26.0 and/or Debian's
2.14), measured in the same run; the VM boots are `python -m bench.boot_bench`."""

from __future__ import annotations

import sys

from bench import disks_bench, fetch_bench, files_bench, validate_bench

BENCHMARKS = {
    "validate": validate_bench.main,
    "files": files_bench.main,
    "fetch": fetch_bench.main,
    "disks": disks_bench.main,
}


def main() -> int:
    wanted = sys.argv[1:] or list(BENCHMARKS)
    status = 0
    for name in wanted:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}: one of {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        status |= BENCHMARKS[name]() or 0
    return status


if __name__ == "__main__":
    sys.exit(main())
