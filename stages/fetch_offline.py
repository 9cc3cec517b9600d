"""Stage fetch-offline: the config without the network, or the neednet flag."""

from __future__ import annotations

from ignition_py.stage import RUNNERS, StageOptions


@RUNNERS.register("fetch-offline")
def run(options: StageOptions) -> int:
    from ignition_py.fetch_stage import run_fetch_stage

    return run_fetch_stage("fetch-offline", options, offline=True)
