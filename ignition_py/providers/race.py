"""Racing config sources (a config drive and a metadata service): the first one that
answers wins; when every one fails, the config is empty, as upstream."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from pathlib import Path

from ..errors import IgnitionError
from ..log import Logger
from .devices import DISK_BY_LABEL, read_file_from, wait_for_path

Source = Callable[[threading.Event], bytes | None]


def race(sources: dict[str, Source], log: Logger) -> bytes:
    cancelled = threading.Event()
    results: queue.Queue[tuple[str, bytes | None, str | None]] = queue.Queue()

    def attempt(name: str, source: Source) -> None:
        try:
            results.put((name, source(cancelled), None))
        except IgnitionError as err:
            results.put((name, None, str(err)))

    for name, source in sources.items():
        threading.Thread(target=attempt, args=(name, source), daemon=True).start()
    for _ in sources:
        name, data, error = results.get()
        if error is not None:
            if not cancelled.is_set():
                log.error(f"failed to fetch config from {name}: {error}")
            continue
        if data is not None:
            cancelled.set()
            log.info(f"config fetched from {name}")
            return data
    log.info("couldn't fetch config")
    return b""


def config_drive(label: str, relative: str, log: Logger, deadline: float | None) -> Source:
    """Wait for /dev/disk/by-label/LABEL, mount it read-only, read `relative`."""

    def fetch(cancelled: threading.Event) -> bytes | None:
        device = Path(DISK_BY_LABEL) / label
        if not wait_for_path(device, deadline, cancelled):
            return None
        data = read_file_from(str(device), "auto", relative, log)
        return b"" if data is None else data

    return fetch
