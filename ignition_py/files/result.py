"""`/etc/.ignition-result.json` (0600): the boot that provisioned the machine, when, and
whether a user config was provided; an earlier report, if any, nested as previousReport.
Same field order and layout as upstream (Go's json.MarshalIndent, two spaces)."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

from ..errors import IgnitionError
from ..frozen import frozen_model
from ..log import Logger
from ..typecheck import TYPE_CHECKING
from .root_paths import read_in_root
from .write_context import WriteContext, os_failure

if TYPE_CHECKING:
    from typing import Any

RESULT_PATH = "/etc/.ignition-result.json"
BOOT_ID_PATH = Path("/proc/sys/kernel/random/boot_id")
_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def result_json(boot_id: str, date: str, user_config: bool, previous: Any) -> str:
    result: dict[str, Any] = {
        "provisioningBootID": boot_id,
        "provisioningDate": date,
        "userConfigProvided": user_config,
    }
    if previous is not None:
        # Go marshals a decoded JSON object as a map: keys sorted
        result["previousReport"] = json.loads(json.dumps(previous, sort_keys=True))
    text = json.dumps(result, indent=2, ensure_ascii=False)
    for char, escaped in _GO_ESCAPES.items():
        text = text.replace(char, escaped)
    return text + "\n"


@frozen_model
class ResultFileAction:
    ctx: WriteContext
    # upstream reads s.State.FetchedConfigs, which no files-stage action changes: the
    # state the stage began with
    user_config_provided: bool

    def describe(self) -> str:
        return f'writing result file "{self.ctx.path(RESULT_PATH)}"'

    def apply(self, log: Logger) -> None:
        path = self.ctx.path(RESULT_PATH)
        previous: Any = None
        try:
            # a link is followed inside the root only: out of it could be the cached
            # config, secrets and all, which would then be copied into the root
            raw = read_in_root(self.ctx.root, RESULT_PATH)
        except OSError as err:
            raise os_failure("reading previous result file", err) from err
        if raw is not None:
            log.warning(
                "Ignition has already run on this system. Unexpected behavior may occur. "
                "Ignition is not designed to run more than once per system."
            )
            try:
                previous = json.loads(raw)
            except ValueError as err:
                raise IgnitionError(f"couldn't unmarshal previous report output: {err}") from err
        date = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        text = result_json(_boot_id(), date, self.user_config_provided, previous)
        try:
            data = text.encode()
            self.ctx.write_file(path, [lambda: io.BytesIO(data)], uid=0, gid=0, mode=0o600)
        except OSError as err:
            raise os_failure("creating result file", err) from err


def _boot_id() -> str:
    try:
        return BOOT_ID_PATH.read_text().strip()
    except OSError as err:
        raise os_failure("reading boot id", err) from err
