"""The fork server (ignition-py-warm-up.service in the initramfs): load the stages' code
once, then for each command line a stage's process hands over (ignition_py.fork_client)
fork a process that takes that process's place and runs it.

The forked process stands in for the client only when nothing but the code would differ:
same namespaces, root, capabilities, no_new_privs, seccomp, security label and resource
limits; it then joins the client's control group (systemd and the journal count it as
the unit's, and stopping the unit stops it), takes the client's CPU affinity,
scheduling, nice value, OOM score, descriptors 0-2, environment, working directory and
umask, and reports its exit status to the client, which exits with it. Anything else, or
any step that fails, declines: the client then runs the command itself, as it would
without a server.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import signal
import socket
import sys
import time
import traceback

from .cli_exit import EXIT_INTERRUPTED
from .fork_client import (
    DECLINED,
    EXITED,
    FORWARDED_SIGNALS,
    PROTOCOL,
    RUNNING,
    SOCKET_PATH,
    STANDARD_FDS,
    peer_credentials,
)
from .fork_reaper import Reaper
from .typecheck import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, NoReturn

_FORWARDED = {getattr(signal, name) for name in FORWARDED_SIGNALS}
_REQUEST_LIMIT = 1 << 20  # bytes: a command line and an environment
_REQUEST_SECONDS = 5.0  # a client that connects and says nothing is dropped after this
_REAP_SECONDS = 1.0  # how often, at least, the server looks for ended stand-ins
_NAMESPACES = ("mnt", "net", "uts", "ipc", "pid", "user", "cgroup")
_STATUS_FIELDS = ("Uid:", "Gid:", "Groups:", "CapInh:", "CapPrm:", "CapEff:", "CapBnd:",
                  "CapAmb:", "NoNewPrivs:", "Seccomp:", "Seccomp_filters:")  # fmt: skip
# What the interpreter read at the server's start (stdout's encoding, the locale, the
# time zone, its own settings): a client that sets them otherwise runs itself.
_INTERPRETER_VARIABLES = (b"LANG", b"LANGUAGE", b"TZ")
_INTERPRETER_PREFIXES = (b"LC_", b"PYTHON")


class Declined(Exception):
    """This process cannot stand in for the client; the message says why."""


def main(path: str = SOCKET_PATH) -> NoReturn:
    """The unit's command: load the stages' code (warm_up.load), then serve `path` until
    stopped. Never returns."""
    from .warm_up import load

    load()
    # Loaded at idle priority (the unit's); the forks that follow must not wait for idle.
    os.sched_setscheduler(0, os.SCHED_OTHER, os.sched_param(0))
    serve(path)


def serve(path: str) -> NoReturn:
    """Listen on the Unix socket `path` (its directory made 0700 when missing, the socket
    0600, a stale one replaced) and fork a stand-in for each request; only root's requests
    are read. Raises OSError when the socket cannot be made; never returns otherwise."""
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(16)
    listener.settimeout(_REAP_SECONDS)
    # Stand-ins are reaped late (fork_reaper): SIGCHLD stays at its default.
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    reaper = Reaper()
    gc.freeze()  # the loaded code stays shared with the stand-ins: no collection touches it
    while True:
        reaper.reap(time.monotonic())
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        except OSError as error:  # out of descriptors, say: wait rather than end
            _log(f"cannot accept a request: {error}")
            time.sleep(0.1)
            continue
        try:
            _take(listener, connection, reaper)
        except Exception as error:  # a bad request must not end the server
            _log(f"request dropped: {error}")
        finally:
            connection.close()


def _take(listener: socket.socket, connection: socket.socket, reaper: Reaper) -> None:
    connection.settimeout(_REQUEST_SECONDS)
    peer, uid, _ = peer_credentials(connection)
    if uid != 0:
        _decline(connection, peer, Declined(f"uid {uid} is not root"))
        return
    received = _receive(connection)
    if received is None:
        return  # the client left without a request
    fds, body = received
    try:
        try:
            other_mounts = _check_context(peer)
            group, procs = _control_group(peer)
            request = _parse(body)
            if other_mounts and not kargs_mounts_nothing(request[0], request[1]):
                raise Declined("its mnt namespace differs")
        except (Declined, OSError, ValueError, EOFError, TypeError) as reason:
            _decline(connection, peer, reason)
            return
        verdict_reader, verdict_writer = os.pipe()
        try:
            child = os.fork()
        except OSError:
            os.close(verdict_reader)
            os.close(verdict_writer)
            raise
        if child != 0:
            reaper.add(child)
        else:
            status = 1
            try:  # whatever happens here, this process must never return to the loop
                listener.close()
                os.close(verdict_reader)
                status = _stand_in(connection, peer, procs, fds, request, verdict_writer)
            finally:
                os._exit(status)
        os.close(verdict_writer)
        verdict = _read_to_end(verdict_reader)
        # Logged here, once the stand-in has said how it went (and by the server, whose
        # output the journal files under its own unit).
        if verdict == RUNNING:
            stage = (_flags(request[0]) or {}).get("stage") or "-"
            _log(f"pid {child} stands in for pid {peer} (stage {stage}) in {group}")
        elif verdict.startswith(DECLINED):
            _log(f"pid {peer} runs its command itself: {verdict[1:].decode(errors='replace')}")
        else:
            _log(f"pid {child} ended before it stood in for pid {peer}")
    finally:
        for fd in fds:
            os.close(fd)


def _receive(connection: socket.socket) -> tuple[list[int], bytes] | None:
    """The descriptors and the request's bytes (not yet read as a request); None when
    the client sent nothing."""
    data, ancillary, _, _ = connection.recvmsg(
        65536, socket.CMSG_SPACE(4 * len(STANDARD_FDS)), socket.MSG_CMSG_CLOEXEC
    )
    fds: list[int] = []
    for level, kind, payload in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(payload) - len(payload) % 4
            fds += [int.from_bytes(payload[i : i + 4], sys.byteorder, signed=True)
                    for i in range(0, usable, 4)]  # fmt: skip
    if not data and not fds:
        return None
    try:
        if len(data) < 4:
            raise ValueError("no request")
        size = int.from_bytes(data[:4], "little")
        if size > _REQUEST_LIMIT:
            raise ValueError(f"a request of {size} bytes")
        body = data[4:]
        while len(body) < size:
            chunk = connection.recv(size - len(body))
            if not chunk:
                raise ValueError("a request cut short")
            body += chunk
        return fds, body
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


def _parse(body: bytes) -> tuple[list[str], dict[bytes, bytes], bytes, int]:
    """A request's argv, environment, working directory and umask. Raises ValueError (or
    EOFError, TypeError) when it is not one; Declined when its environment sets what the
    server's interpreter has already read otherwise."""
    import marshal

    request = marshal.loads(body)
    if not (isinstance(request, tuple) and len(request) == 5 and request[0] == PROTOCOL):
        raise ValueError("a request of another protocol")
    _, argv, environment, cwd, umask = request
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        raise ValueError("no command line")
    if not (isinstance(environment, dict) and isinstance(cwd, bytes) and isinstance(umask, int)):
        raise ValueError("a malformed request")
    if _interpreter_settings(environment) != _interpreter_settings(os.environb):
        raise Declined("its locale, time zone or Python settings differ")
    return argv, environment, cwd, umask


def _flags(argv: list[str]) -> dict[str, Any] | None:
    """The agent's flags in the command line `argv` (argv[0] the program), read by its
    own parser; None when it would refuse them (or print its usage)."""
    from .agent_cli import FLAGS

    try:
        with contextlib.redirect_stderr(io.StringIO()):  # the parser's complaint and usage
            values, _ = FLAGS.parse(argv[1:])
    except SystemExit:
        return None
    return values


def kargs_mounts_nothing(argv: list[str], environment: Mapping[bytes, bytes]) -> bool:
    """Whether the command line `argv`, with `environment`, is the kargs stage on a config
    that names no kernel arguments: its cache (absolute path) holds none or empty lists,
    and the system config dir holds no base configs, which the stage would merge under
    it. ignition-kargs.service runs in a mount namespace of its own (MountFlags=slave) for
    the /boot that ignition-kargs-helper mounts; without kernel arguments the stage runs
    no helper and mounts nothing, so a stand-in in this namespace does what it would do
    there. Anything unreadable counts as naming them."""
    from .config.cache import config_from_cache
    from .config.compose import has_base_configs
    from .kargs_plan import kargs_command

    values = _flags(argv)
    if values is None or values["stage"] != "kargs":
        return False
    cache = str(values["config-cache"])
    try:
        if not cache.startswith("/"):
            return False
        with open(cache, "rb") as file:
            config = config_from_cache(file.read())  # as the stage reads it
    except Exception:  # unreadable, or no config: the stage fails in its own process
        return False
    if kargs_command(config) is not None:  # the stage's own test for running the helper
        return False
    decoded = {os.fsdecode(name): os.fsdecode(value) for name, value in environment.items()}
    return not has_base_configs(str(values["platform"] or ""), decoded)


def _interpreter_settings(environment: Mapping[bytes, bytes]) -> dict[bytes, bytes]:
    return {
        name: value
        for name, value in environment.items()
        if name in _INTERPRETER_VARIABLES or name.startswith(_INTERPRETER_PREFIXES)
    }


def _stand_in(
    connection: socket.socket,
    peer: int,
    procs: str,
    fds: list[int],
    request: tuple[list[str], dict[bytes, bytes], bytes, int],
    verdict: int,
) -> int:
    """In the forked process: become the client's stand-in (`procs`: its control group's
    cgroup.procs), tell the server through `verdict` (RUNNING, or DECLINED and why) and
    run the command; the exit status for os._exit."""
    try:
        _become(peer, procs, fds, request)
    except (Declined, OSError, ValueError) as reason:
        _tell(verdict, DECLINED + str(reason).encode())
        _send(connection, DECLINED)
        return 0
    # What the client forwards from now on must land inside _run (as KeyboardInterrupt,
    # say), not before it.
    signal.pthread_sigmask(signal.SIG_BLOCK, _FORWARDED)
    if not _send(connection, RUNNING + os.getpid().to_bytes(4, "little")):
        _tell(verdict, DECLINED + b"it left before its command started")
        return 0
    _tell(verdict, RUNNING)
    status = _run(request[0])
    _send(connection, EXITED + status.to_bytes(4, "little", signed=True))
    return status & 0xFF


def _become(
    peer: int,
    procs: str,
    fds: list[int],
    request: tuple[list[str], dict[bytes, bytes], bytes, int],
) -> None:
    argv, environment, cwd, umask = request
    if len(fds) != len(STANDARD_FDS):
        raise Declined(f"{len(fds)} descriptors instead of {len(STANDARD_FDS)}")
    # First, before a line reaches the journal: it files each process under the unit of
    # the control group it was in when it first heard from it.
    with open(procs, "w") as members:
        members.write(str(os.getpid()))
    os.setsid()  # a session and process group of its own, as a unit's main process has
    with open("/proc/self/comm", "w") as comm:
        comm.write(os.path.basename(argv[0])[:15])  # `ignition`, as the launcher's process
    _take_scheduling(peer)
    sys.stdout.flush()
    sys.stderr.flush()
    for target, fd in zip(STANDARD_FDS, fds, strict=True):
        os.dup2(fd, target)
    for fd in fds:
        os.close(fd)
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=os.isatty(1))  # as at an interpreter's start
    os.chdir(cwd)
    os.umask(umask)
    os.environ.clear()
    for name, value in environment.items():
        os.environb[name] = value


def _check_context(peer: int) -> bool:
    """Raises Declined when the peer's context differs from this process's in anything
    but its mount namespace; returns whether that differs (kargs_mounts_nothing then
    decides)."""
    other_mounts = False
    for name in _NAMESPACES:
        mine, theirs = (os.readlink(f"/proc/{p}/ns/{name}") for p in ("self", str(peer)))
        if mine != theirs and name == "mnt":
            other_mounts = True
        elif mine != theirs:
            raise Declined(f"its {name} namespace differs")
    if os.readlink(f"/proc/{peer}/root") != "/":
        raise Declined("its root directory differs")
    mine_status, theirs_status = (_status_fields(p) for p in ("self", str(peer)))
    if mine_status != theirs_status:
        raise Declined("its credentials, capabilities, no_new_privs or seccomp differ")
    if _label("self") != _label(str(peer)):
        raise Declined("its security label differs")
    if _read(f"/proc/{peer}/limits") != _read("/proc/self/limits"):
        raise Declined("its resource limits differ")
    return other_mounts


def _status_fields(pid: str) -> list[str]:
    with open(f"/proc/{pid}/status") as status:
        return [line for line in status if line.startswith(_STATUS_FIELDS)]


def _label(pid: str) -> bytes:
    try:
        return _read(f"/proc/{pid}/attr/current")
    except OSError:
        return b""


def _read(path: str) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _read_to_end(fd: int) -> bytes:
    try:
        chunks = []
        while chunk := os.read(fd, 4096):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _tell(fd: int, message: bytes) -> None:
    with contextlib.suppress(OSError):
        os.write(fd, message)
    os.close(fd)


def _control_group(peer: int) -> tuple[str, str]:
    """`peer`'s unified control group: its path and its cgroup.procs file."""
    with open(f"/proc/{peer}/cgroup") as cgroups:
        unified = [line[3:].rstrip("\n") for line in cgroups if line.startswith("0::")]
    from .system.mountinfo import cgroup2_root

    root = cgroup2_root()
    if not unified or root is None:
        raise Declined("no unified control group hierarchy")
    return unified[0], os.path.join(root, unified[0].lstrip("/"), "cgroup.procs")


def _take_scheduling(peer: int) -> None:
    os.sched_setaffinity(0, os.sched_getaffinity(peer))
    os.sched_setscheduler(0, os.sched_getscheduler(peer), os.sched_getparam(peer))
    os.setpriority(os.PRIO_PROCESS, 0, os.getpriority(os.PRIO_PROCESS, peer))
    with open(f"/proc/{peer}/oom_score_adj") as theirs:
        score = theirs.read()
    with open("/proc/self/oom_score_adj", "w") as mine:
        mine.write(score)


def _run(argv: list[str]) -> int:
    """agent_cli.main on argv, ended as the interpreter would end the launcher."""
    try:
        from .agent_cli import main as agent_main

        sys.argv = argv
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _FORWARDED)
        status: object = agent_main(argv[1:])
    except SystemExit as leaving:
        status = leaving.code
    except KeyboardInterrupt:  # forwarded as main was about to start: as main would end
        sys.stderr.write("interrupted\n")
        status = EXIT_INTERRUPTED
    except BaseException:
        traceback.print_exc()
        status = 1
    if status is None:
        status = 0
    elif not isinstance(status, int):
        sys.stderr.write(f"{status}\n")
        status = 1
    threading = sys.modules.get("threading")
    if threading is not None:
        getattr(threading, "_shutdown", lambda: None)()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    return status


def _log(line: str) -> None:
    """One line to the server's own output (its unit's journal); never raises."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(f"ignition-py fork server: {line}\n")
        sys.stderr.flush()


def _decline(connection: socket.socket, peer: int, reason: Exception) -> None:
    _log(f"pid {peer} runs its command itself: {reason}")
    _send(connection, DECLINED)


def _send(connection: socket.socket, message: bytes) -> bool:
    """Send `message`; False when the client is gone (its unit ended, or it was killed)."""
    try:
        connection.settimeout(None)
        connection.sendall(message)
    except OSError:
        return False
    return True
