"""Stage fetch: the config over the network, when fetch-offline could not cache it."""

from __future__ import annotations

from ignition_py.stage import RUNNERS, StageOptions


@RUNNERS.register("fetch")
def run(options: StageOptions) -> int:
    from ignition_py.fetch_stage import run_fetch_stage

    return run_fetch_stage("fetch", options, offline=False)
