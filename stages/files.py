"""files stage: users and groups, directories, files, links, units, crypttab and the
result file, written under `-root` (see ignition_py/files/)."""

from __future__ import annotations

from ignition_py.config.model import Config
from ignition_py.stage import PLANNERS, Action, StageContext


@PLANNERS.register("files")
def plan_files_stage(config: Config, context: StageContext) -> list[Action]:
    from ignition_py.files.plan import plan_files

    return plan_files(config, context)
