"""Benchmarks, run on demand: `.venv/bin/python -m bench [validate]`."""

from __future__ import annotations

import sys

from bench import validate_bench


def main() -> int:
    wanted = sys.argv[1:] or ["validate"]
    if "validate" in wanted:
        validate_bench.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
