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
    answers, it declines (fork_server._check_context) or this process cannot be stood in
    for (a standard descriptor closed): the caller then runs the command itself.
    Raises nothing of its own: once a stand-in runs, Ctrl-C and the like are forwarded to
    it, and this waits for its exit status."""
    path = os.environ.get(SOCKET_VARIABLE, SOCKET_PATH)
    if not path or not os.path.exists(path):
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
        if _trusted_server(connection):
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
        pid = int.from_bytes(stand_in, "little", signed=True) if len(stand_in) == 4 else 0
        if pid > 0:  # kill(0, ...) would signal this process's own group
            _forward_signals(pid, forwarded)
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


def _trusted_server(connection: object) -> bool:
    """Whether the socket's peer runs as root (the server compares everything else,
    namespaces included)."""
    _, uid, _ = peer_credentials(connection)
    return uid == 0


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
        # and the end of the connection, as the stand-in exits: the unit's main process
        # must not end while the process that ran its stage is still in its control group
        _receive(connection, 1)
        return int.from_bytes(received[1:], "little", signed=True)
    # The stage's process ended without saying how (killed, or it crashed): a failure.
    sys.stderr.write("ignition: the stage's process ended without an exit status\n")
    return 1
