"""The client half of the fork server (ignition_py.fork_server): hand this command line to
an interpreter that has already loaded the agent, and exit as the stage it forks exits.

Every stage is its own process, started by its own unit, and under emulation (QEMU's TCG)
starting the interpreter and importing the stage's code costs it more than its work. The
unit still runs upstream's command line (/usr/bin/ignition ...) and still fails when the
stage fails: only the process that does the work differs, and it joins this one's control
group, so systemd and the journal see it as the unit's.

This module runs first in every command's process and imports only what the interpreter
has already loaded or must load anyway (_socket, which the journal's logger needs).
"""

from __future__ import annotations

import os
import sys

from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

SOCKET_PATH = "/run/ignition-py/fork-server.sock"
DEFAULT_CONFIG_CACHE = "/run/ignition.json"  # the agent's -config-cache default
# Set (even empty) in the environment, it replaces SOCKET_PATH; empty: never delegate.
SOCKET_VARIABLE = "IGNITION_PY_FORK_SERVER"
PROTOCOL = 1
RUNNING = b"R"  # the server's child took the command and runs it; then its pid, 4 bytes
DECLINED = b"D"  # it cannot stand in for this process: run the command here
EXITED = b"X"  # followed by the exit status, 4 bytes, little-endian, signed
STANDARD_FDS = (0, 1, 2)
FORWARDED_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")


def delegate(argv: Sequence[str]) -> int | None:
    """Run the command line `argv` (sys.argv: the program, then its arguments) in a
    process forked from the fork server and return its exit status; None when no server
    answers, it declines or this process cannot be stood in for (a standard descriptor
    closed, a mount namespace of its own unless mounts_nothing): the caller then runs
    the command itself.
    Raises nothing of its own: once a stand-in runs, Ctrl-C and the like are forwarded to
    it, and this waits for its exit status."""
    path = os.environ.get(SOCKET_VARIABLE, SOCKET_PATH)
    if not path or not os.path.exists(path):
        return None
    if _own_mount_namespace() and not _mounts_nothing(argv):
        return None
    try:
        import _signal  # type: ignore[import-not-found]  # signal without its enum conversion
        import _socket
    except ImportError:
        return None
    try:
        for fd in STANDARD_FDS:
            os.fstat(fd)
        connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except OSError:
        return None
    forwarded = {getattr(_signal, name) for name in FORWARDED_SIGNALS}
    # Held until the stand-in's pid is known (then forwarded to it) or this process runs
    # the command itself (then delivered here): none is lost in between.
    mask = _signal.pthread_sigmask(_signal.SIG_BLOCK, forwarded)
    stand_in = b""
    try:
        connection.connect(path)
        if _trusted_server(connection, argv):
            connection.sendmsg(
                [_request(list(argv))],
                [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, _fd_array(STANDARD_FDS))],
            )
            if connection.recv(1) == RUNNING:
                stand_in = _receive(connection, 4) or b"?"
    except OSError:
        pass
    if not stand_in:
        connection.close()
        _signal.pthread_sigmask(_signal.SIG_SETMASK, mask)
        return None
    # From here on the command runs over there: whatever happens, it must not run here too.
    try:
        if len(stand_in) == 4:
            _forward_signals(int.from_bytes(stand_in, "little"), forwarded)
        _signal.pthread_sigmask(_signal.SIG_SETMASK, mask)
        status = _exit_status(connection)
        _signal.pthread_sigmask(_signal.SIG_BLOCK, forwarded)  # its pid may be reused now
        return status
    finally:
        connection.close()


def _forward_signals(pid: int, signals: set[int]) -> None:
    """Ctrl-C, a hangup or a kill aimed at this process reaches the stand-in (in a session
    of its own), which ends as the command would here."""
    import _signal

    def forward(signal_number: int, _: object) -> None:
        try:  # noqa: SIM105 (contextlib is one import more, in every stage's process)
            os.kill(pid, signal_number)
        except OSError:
            pass

    for number in signals:
        _signal.signal(number, forward)


def _own_mount_namespace() -> bool:
    """True when this process has a mount namespace of its own (a unit with MountFlags=,
    as ignition-kargs.service): the server, in init's, would decline it. False when
    init's cannot be read (a container): then the server's is compared after connecting."""
    try:
        return os.readlink("/proc/self/ns/mnt") != os.readlink("/proc/1/ns/mnt")
    except OSError:
        return False


def _trusted_server(connection: object, argv: Sequence[str]) -> bool:
    """Whether the socket's peer runs as root in this process's mount namespace, or in
    another when the command mounts nothing (when the namespaces cannot be read from
    here, the server compares them)."""
    server, uid, _ = peer_credentials(connection)
    if uid != 0:
        return False
    try:
        same = os.readlink("/proc/self/ns/mnt") == os.readlink(f"/proc/{server}/ns/mnt")
    except OSError:
        return True
    return same or _mounts_nothing(argv)


def mounts_nothing(stage: str | None, cache: str | None) -> bool:
    """Whether the stage `stage` on the cached config at `cache` (None: the default) is
    the kargs stage on a config that names no kernel arguments. ignition-kargs.service
    runs in a mount namespace of its own (MountFlags=slave) for the /boot that
    ignition-kargs-helper mounts; without kernel arguments the stage runs no helper and
    mounts nothing, so a stand-in in init's namespace does what it would do there.
    Conservative: a cache that is missing, named by a relative path or holding a \\u
    escape (which could spell the key) counts as naming them."""
    cache = cache or DEFAULT_CONFIG_CACHE
    if stage != "kargs" or not cache.startswith("/"):
        return False
    try:
        fd = os.open(cache, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    except OSError:
        return False
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return b"kernelArguments" not in data and b"\\u" not in data


def _mounts_nothing(argv: Sequence[str]) -> bool:
    """mounts_nothing for a command line, read as the launcher can without the agent's
    flag parser (the server reads it again with that parser)."""
    return mounts_nothing(flag_value(argv, "stage"), flag_value(argv, "config-cache"))


def flag_value(argv: Sequence[str], name: str) -> str | None:
    """The value of -NAME/--NAME in `argv` (Go's flag syntax: `-name=v`, `--name v`; the
    last one given counts), or None when it is not given."""
    found = None
    for index, argument in enumerate(argv[1:], start=1):
        flag, equals, value = argument.lstrip("-").partition("=")
        if flag == name and argument.startswith("-"):
            if equals:
                found = value
            elif index + 1 < len(argv):
                found = argv[index + 1]
    return found


def peer_credentials(connection: object) -> tuple[int, int, int]:
    """The pid, uid and gid of the process at the other end of the Unix socket
    `connection` (SO_PEERCRED: as it was when it connected). Raises OSError."""
    import _socket

    credentials: bytes = connection.getsockopt(  # type: ignore[attr-defined]
        _socket.SOL_SOCKET, _socket.SO_PEERCRED, 12
    )
    pid, uid, gid = (int.from_bytes(credentials[i : i + 4], sys.byteorder) for i in (0, 4, 8))
    return pid, uid, gid


def _request(argv: list[str]) -> bytes:
    import marshal

    umask = os.umask(0o022)
    os.umask(umask)
    body = marshal.dumps((PROTOCOL, argv, dict(os.environb), os.getcwdb(), umask))
    return len(body).to_bytes(4, "little") + body


def _fd_array(fds: Sequence[int]) -> bytes:
    return b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in fds)


def _receive(connection: object, size: int) -> bytes:
    """Up to `size` bytes: fewer when the peer closed the connection (or it failed)."""
    received = b""
    while len(received) < size:
        try:
            chunk: bytes = connection.recv(size - len(received))  # type: ignore[attr-defined]
        except OSError:
            break
        if not chunk:
            break
        received += chunk
    return received


def _exit_status(connection: object) -> int:
    received = _receive(connection, 5)
    if len(received) == 5 and received[:1] == EXITED:
        return int.from_bytes(received[1:], "little", signed=True)
    # The stage's process ended without saying how (killed, or it crashed): a failure.
    sys.stderr.write("ignition: the stage's process ended without an exit status\n")
    return 1
