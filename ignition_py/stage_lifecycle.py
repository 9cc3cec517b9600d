"""What every stage does first and last, as upstream's agent: the version line, the state
read (exit 3 when it cannot be), and the state saved with the configs the stage took in."""

from __future__ import annotations

from .errors import IgnitionError
from .log import Logger
from .stage import StageOptions
from .state import FetchedConfig, State, load_state, update_state
from .version import version_line

EXIT_FAILED = 1
EXIT_INIT = 3  # upstream: the state file (or the platform's fetcher) could not be set up


def begin_stage(stage: str, options: StageOptions) -> tuple[Logger, State] | int:
    """A stage's logger and the state it starts from, after upstream's first two lines;
    EXIT_INIT (before anything is done) when the state file cannot be read or parsed."""
    log = Logger(to_stdout=options.log_to_stdout)
    log.info(version_line())
    log.info(f"Stage: {stage}")
    try:
        return log, load_state(options.state_file)
    except IgnitionError as err:
        log.critical(f"reading state: {err}")
        return EXIT_INIT


def finish_stage(log: Logger, options: StageOptions, fetched: tuple[FetchedConfig, ...]) -> int:
    """The state saved (always, as upstream saves it after every stage that succeeded) with
    the configs this stage took in appended, then upstream's last line. Actions that record
    as they go (mount points, LUKS keys) have already saved theirs."""
    try:
        update_state(options.state_file, lambda state: state.with_fetched(*fetched))
    except (OSError, IgnitionError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else err
        log.critical(f"writing state: {reason}")
        return EXIT_FAILED
    log.info("Ignition finished successfully")
    return 0
