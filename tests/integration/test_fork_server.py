"""The fork server (ignition_py.fork_server) and its client (ignition_py.fork_client), as
ignition-py-warm-up.service and /usr/bin/ignition use them in the initramfs: a real server
process on a Unix socket, the real launcher (dracut/30ignition/ignition) as the client,
real forks, descriptors passed over the socket and a real control group to join."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import socket as socket_module
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ignition_py.system.mountinfo import cgroup2_root
from testkit.launcher import build_launcher

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "dracut" / "30ignition" / "ignition"
STAND_IN = "stands in for pid"
# The server's environment: the tests' clients differ from it only where they mean to.
SERVER_ENVIRONMENT = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}


class Server:
    def __init__(self, process: subprocess.Popen[str], socket: Path, log: Path) -> None:
        self.process = process
        self.socket = socket
        self.log = log

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def wait_for(self, text: str, count: int = 1) -> list[str]:
        """The log's lines holding `text`, once there are `count` of them (the server logs
        a request after answering it: a client may be done first)."""
        deadline = time.monotonic() + 30
        while True:
            found = [line for line in self.lines() if text in line]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.02)


@contextlib.contextmanager
def _serving(where: Path, environment: dict[str, str]) -> Iterator[Server]:
    """A fork server on `where`/run/fork-server.sock, with `environment`."""
    socket = where / "run" / "fork-server.sock"
    log = where / "server.log"
    where.mkdir(exist_ok=True)
    code = (
        f"import sys; sys.path.insert(0, {str(REPO)!r})\n"
        "from ignition_py.warm_up import load\n"
        "load()\n"
        "from ignition_py.fork_server import serve\n"
        f"serve({str(socket)!r})\n"
    )
    with log.open("w") as errors:
        process = subprocess.Popen([sys.executable, "-I", "-c", code], stdin=subprocess.DEVNULL,
                                   stderr=errors, text=True, env=environment)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not socket.exists():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not listen within 60 s"
            time.sleep(0.05)
        yield Server(process, socket, log)
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    with _serving(tmp_path, SERVER_ENVIRONMENT) as serving:
        yield serving


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Debian package's /usr/bin/ignition (launcher/ignition.c), compiled once for
    the module, with this checkout and its libraries in place of /usr/lib/ignition-py."""
    target = tmp_path_factory.mktemp("compiled") / "bin" / "ignition"
    site = [str(REPO), sysconfig.get_paths()["purelib"]]
    return build_launcher(target, sys.executable, site, prepend=True)


@pytest.fixture(params=["compiled", "script"])
def launcher(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """/usr/bin/ignition with this checkout in place of /usr/lib/ignition-py: the Debian
    package's (launcher/ignition.c, compiled), and the module's script."""
    if request.param == "compiled":
        compiled: Path = request.getfixturevalue("compiled")
        return compiled
    target = tmp_path / "bin" / "ignition"
    target.parent.mkdir()
    text = LAUNCHER.read_text().replace("/usr/lib/ignition-py", str(REPO))
    target.write_text(text.replace("#!/usr/bin/python3 -IS", f"#!{sys.executable} -I", 1))
    target.chmod(0o755)
    return target


def _environment(socket: Path | str, env: dict[str, str] | None) -> dict[str, str]:
    return {**SERVER_ENVIRONMENT, "IGNITION_PY_FORK_SERVER": str(socket), **(env or {})}


def _launch(
    launcher: Path, args: list[str], socket: Path | str, cwd: Path,
    env: dict[str, str] | None = None, prefix: list[str] | None = None,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:  # fmt: skip
    return subprocess.run(
        [*(prefix or []), str(launcher), *args], cwd=cwd, env=_environment(socket, env),
        capture_output=True, text=True, timeout=120, preexec_fn=preexec,
    )  # fmt: skip


def _pids(line: str) -> tuple[int, int]:
    """The stand-in's and the client's pids in a "pid N stands in for pid M" line."""
    words = line.split()
    return int(words[words.index("stands") - 1]), int(words[words.index("for") + 2])


def test_a_stand_in_runs_the_command_with_the_clients_output(
    server: Server, launcher: Path, tmp_path: Path
) -> None:
    done = _launch(launcher, ["-version"], server.socket, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ignition ignition-py "), done.stdout
    (line,) = server.wait_for(STAND_IN)
    stand_in, client = _pids(line)
    assert stand_in not in (client, server.process.pid)


def test_exit_status_errors_environment_and_working_directory_are_the_clients(
    server: Server, launcher: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    config = work / "user.ign"
    written = {"path": "/etc/x", "contents": {"source": "data:,x"}}
    config.write_text(
        json.dumps({"ignition": {"version": "3.4.0"}, "storage": {"files": [written]}})
    )
    args = ["-platform", "file", "-stage", "fetch-offline", "-log-to-stdout", "-config-cache",
            "cache.json", "-neednet", "neednet", "-state-file", "state"]  # fmt: skip
    env = {"IGNITION_CONFIG_FILE": str(config),
           "IGNITION_SYSTEM_CONFIG_DIR": str(tmp_path / "none")}  # fmt: skip
    done = _launch(launcher, args, server.socket, work, env)
    assert done.returncode == 0, done.stdout + done.stderr
    # the relative cache path was taken from the client's working directory
    cached = json.loads((work / "cache.json").read_text())
    assert [f["path"] for f in cached["storage"]["files"]] == ["/etc/x"]
    assert "Ignition finished successfully" in done.stdout
    config.write_text("{not json")
    (work / "cache.json").unlink()
    failed = _launch(launcher, args, server.socket, work, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "CRITICAL" in failed.stdout and "user.ign" in failed.stdout, failed.stdout
    assert not (work / "cache.json").exists()
    usage = _launch(launcher, ["-stage", "files"], server.socket, work, env)
    assert usage.returncode == 2 and "'--platform' must be provided" in usage.stderr
    assert len(server.wait_for(STAND_IN, 3)) == 3


def _cgroup2_root() -> Path:
    root = cgroup2_root()
    if root is None:
        pytest.fail("no cgroup2 hierarchy is mounted: the fork server cannot be tested here")
    return Path(root)


def test_a_stand_in_takes_the_clients_place(server: Server, launcher: Path, tmp_path: Path) -> None:
    """A stand-in caught while its stage blocks (reading a FIFO): it is in the client's
    control group and a session of its own, named `ignition`, with the client's working
    directory, umask, nice value, CPU affinity, OOM score and standard descriptors,
    SIGCHLD not ignored and the client's environment (the FIFO it
    blocks on came from it). Killed, the client fails (its unit fails) without running
    the stage a second time itself."""
    group = _cgroup2_root() / f"ignition-py-test-{os.getpid()}"
    group.mkdir()
    fifo = tmp_path / "config.ign"
    os.mkfifo(fifo)  # the stage blocks opening it
    args = ["-platform", "file", "-stage", "fetch-offline", "-config-cache", "cache.json",
            "-neednet", "neednet", "-state-file", "state"]  # fmt: skip
    env = {"IGNITION_CONFIG_FILE": str(fifo), "IGNITION_SYSTEM_CONFIG_DIR": str(tmp_path / "none")}

    cpu = min(os.sched_getaffinity(0))

    def enter() -> None:
        (group / "cgroup.procs").write_text(str(os.getpid()))
        os.umask(0o027)
        os.nice(5)
        os.sched_setaffinity(0, {cpu})
        Path("/proc/self/oom_score_adj").write_text("300")

    client = subprocess.Popen(
        [str(launcher), *args], cwd=tmp_path, env=_environment(server.socket, env),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=enter,
    )  # fmt: skip
    stand_in = 0
    try:
        (line,) = server.wait_for(STAND_IN)
        stand_in, peer = _pids(line)
        assert peer == client.pid and line.endswith(f" in /{group.name}"), line
        proc = Path(f"/proc/{stand_in}")
        assert (proc / "cgroup").read_text().endswith(f"::/{group.name}\n")
        assert (proc / "comm").read_text() == "ignition\n"
        assert os.getsid(stand_in) == stand_in
        assert Path(os.readlink(proc / "cwd")) == tmp_path
        status = dict(line.split(":\t", 1) for line in (proc / "status").read_text().splitlines())
        assert status["Umask"] == "0027"
        assert os.getpriority(os.PRIO_PROCESS, stand_in) == os.getpriority(os.PRIO_PROCESS, 0) + 5
        assert os.sched_getaffinity(stand_in) == {cpu}
        assert (proc / "oom_score_adj").read_text() == "300\n"
        assert not int(status["SigIgn"], 16) & 1 << (signal.SIGCHLD - 1)
        for fd in (1, 2):  # the client's pipes, not the server's log
            assert os.readlink(proc / "fd" / str(fd)) == os.readlink(f"/proc/{client.pid}/fd/{fd}")
        os.kill(stand_in, signal.SIGKILL)
        out, err = client.communicate(timeout=60)
    finally:
        client.kill()
        client.wait()
        if stand_in:  # still blocked on the FIFO when an assertion failed
            with contextlib.suppress(ProcessLookupError):
                os.kill(stand_in, signal.SIGKILL)
        for _ in range(50):  # the stand-in may still be leaving the group
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)
    assert client.returncode == 1, out + err
    assert "ended without an exit status" in err
    assert len(server.wait_for(STAND_IN)) == 1
    assert not (tmp_path / "cache.json").exists()


@pytest.mark.parametrize("served", [True, False])
def test_ctrl_c_ends_the_command_as_it_would_in_place(
    server: Server, launcher: Path, tmp_path: Path, served: bool
) -> None:
    """SIGINT to the launcher while its stage blocks (reading a FIFO) reaches the stand-in
    (in a session of its own): exit 130 and "interrupted", as without a server."""
    fifo = tmp_path / "config.ign"
    os.mkfifo(fifo)
    args = ["-platform", "file", "-stage", "fetch-offline", "-config-cache", "cache.json",
            "-neednet", "neednet", "-state-file", "state"]  # fmt: skip
    env = {"IGNITION_CONFIG_FILE": str(fifo), "IGNITION_SYSTEM_CONFIG_DIR": str(tmp_path / "none")}
    socket = server.socket if served else ""
    client = subprocess.Popen(
        [str(launcher), *args], cwd=tmp_path, env=_environment(socket, env),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    writer = -1
    try:
        deadline = time.monotonic() + 60
        while writer < 0:  # until the stage has opened the FIFO: then it blocks reading it
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as error:
                assert error.errno == errno.ENXIO and time.monotonic() < deadline, error
                time.sleep(0.05)
        client.send_signal(signal.SIGINT)
        out, err = client.communicate(timeout=60)
    finally:
        client.kill()
        client.wait()
        if writer >= 0:
            os.close(writer)
    assert client.returncode == 130, out + err
    assert err.strip().endswith("interrupted"), err
    assert len(server.wait_for(STAND_IN) if served else server.lines()) == int(served)


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        (["unshare", "--uts"], "its uts namespace differs"),
        (["prlimit", "--nofile=512:512"], "its resource limits differ"),
        (["setpriv", "--no-new-privs"], "its credentials, capabilities, no_new_privs or seccomp"),
        (["env", "TZ=Pacific/Auckland"], "its locale, time zone or Python settings differ"),
    ],
)
def test_a_client_unlike_the_server_runs_the_command_itself(
    server: Server, launcher: Path, tmp_path: Path, how: list[str], reason: str
) -> None:
    """Another UTS namespace (its hostname may differ), other resource limits (a unit's
    LimitNOFILE=), no_new_privs (NoNewPrivileges=), another time zone (the server's
    interpreter has read its own): the server declines, and the client runs the command
    itself with the same result."""
    done = _launch(launcher, ["-version"], server.socket, tmp_path, prefix=how)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ignition ignition-py "), done.stdout
    assert server.wait_for(f"runs its command itself: {reason}"), server.lines()
    assert not [line for line in server.lines() if STAND_IN in line]


def _declined_for_its_mounts(server: Server) -> bool:
    """The client asked and the server stood in for nobody: it declined for the mount
    namespace (the server decides; a launcher asks whatever its namespace)."""
    declined = server.wait_for("runs its command itself: its mnt namespace differs")
    return bool(declined) and len(declined) == len(server.lines())


def test_a_client_in_another_mount_namespace_runs_the_command_itself(
    server: Server, launcher: Path, tmp_path: Path
) -> None:
    """ignition-kargs.service runs with MountFlags=slave: a command that may mount
    something runs in its own process, in its own namespace."""
    done = _launch(launcher, ["-version"], server.socket, tmp_path, prefix=["unshare", "--mount"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ignition ignition-py ")
    assert _declined_for_its_mounts(server), server.lines()


def _kargs_args(tmp_path: Path, config: dict[str, object]) -> list[str]:
    """The kargs stage's arguments, on a cache holding `config`."""
    cache = tmp_path / "ignition.json"
    cache.write_text(json.dumps(config))
    (tmp_path / "root").mkdir(exist_ok=True)
    return ["-platform", "file", "-stage", "kargs", "-config-cache", str(cache),
            "-state-file", str(tmp_path / "state"), "-root", str(tmp_path / "root"),
            "-neednet", str(tmp_path / "neednet"), "-log-to-stdout"]  # fmt: skip


KARGS = {"shouldExist": ["quiet"]}


def _kargs_env(tmp_path: Path) -> dict[str, str]:
    """A system config dir of the test's own (empty unless a test fills it)."""
    return {"IGNITION_SYSTEM_CONFIG_DIR": str(tmp_path / "system")}


def test_kargs_without_kernel_arguments_is_served_from_its_own_mount_namespace(
    server: Server, launcher: Path, tmp_path: Path
) -> None:
    """ignition-kargs.service has a mount namespace of its own for the /boot its helper
    mounts. A cached config that names no kernel arguments runs no helper: the stand-in,
    in the server's namespace, does the same, and the unit is served."""
    args = _kargs_args(tmp_path, {"ignition": {"version": "3.4.0"}})
    done = _launch(launcher, args, server.socket, tmp_path, _kargs_env(tmp_path),
                   prefix=["unshare", "--mount"])  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kargs passed" in done.stdout, done.stdout
    assert server.wait_for(f"{STAND_IN}"), server.lines()
    assert "(stage kargs)" in server.wait_for(STAND_IN)[0]


@pytest.mark.parametrize(
    "cache",
    [
        '{"ignition": {"version": "3.4.0"}, "kernelArguments": {"shouldExist": ["quiet"]}}',
        # the key spelt with an escape is still the key
        '{"ignition": {"version": "3.4.0"}, "kernel\\u0041rguments": {"shouldExist": ["quiet"]}}',
    ],
)
def test_kargs_with_kernel_arguments_runs_in_its_own_mount_namespace(
    server: Server, launcher: Path, tmp_path: Path, cache: str
) -> None:
    """With kernel arguments the stage runs its helper (absent here: the stage fails the
    same way in place), so it runs in the launcher's own mount namespace: the server
    declines."""
    args = _kargs_args(tmp_path, {})
    (tmp_path / "ignition.json").write_text(cache)
    done = _launch(launcher, args, server.socket, tmp_path, _kargs_env(tmp_path),
                   prefix=["unshare", "--mount"])  # fmt: skip
    assert "ignition-kargs-helper" in done.stdout + done.stderr, done.stdout + done.stderr
    assert _declined_for_its_mounts(server), server.lines()


@pytest.mark.parametrize("where", ["base.d", "base.platform.d/file"])
def test_kargs_with_kernel_arguments_in_a_base_config_runs_in_its_own_mount_namespace(
    server: Server, launcher: Path, tmp_path: Path, where: str
) -> None:
    """Every stage merges the system's base configs under the cache (the flatcar flavour
    copies one from the OEM partition at boot): one that names kernel arguments keeps
    kargs in its own namespace although the cache names none. The server decides."""
    base = tmp_path / "system" / where
    base.mkdir(parents=True)
    config = {"ignition": {"version": "3.4.0"}, "KernelArguments": KARGS}  # keys: any case
    (base / "10-kargs.ign").write_text(json.dumps(config))
    args = _kargs_args(tmp_path, {"ignition": {"version": "3.4.0"}})
    done = _launch(launcher, args, server.socket, tmp_path, _kargs_env(tmp_path),
                   prefix=["unshare", "--mount"])  # fmt: skip
    assert "ignition-kargs-helper" in done.stdout + done.stderr, done.stdout + done.stderr
    assert _declined_for_its_mounts(server), server.lines()


def test_without_a_server_the_command_runs_in_place(launcher: Path, tmp_path: Path) -> None:
    for socket in (tmp_path / "absent.sock", ""):
        done = _launch(launcher, ["-version"], socket, tmp_path)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Ignition ignition-py ")


# What the client may load before it knows whether a server takes the command: it runs
# first in every stage's process, where each module costs 15-20x under TCG.
# (os and what it brings are frozen into the interpreter, and the launcher needs them.)
CLIENT_MAY_LOAD = {"__future__", "ignition_py", "ignition_py.fork_client", "ignition_py.typecheck",
                   "_socket", "_signal", "marshal", "os", "os.path", "posixpath", "genericpath",
                   "stat", "_stat", "_collections_abc"}  # fmt: skip


def test_the_client_loads_next_to_nothing(server: Server, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(REPO)!r})\n"
        "before = set(sys.modules)\n"
        "from ignition_py.fork_client import delegate\n"
        "status = delegate([sys.argv[0], '-version'])\n"
        "print(status, sorted(set(sys.modules) - before), file=sys.stderr)\n"
    )
    environment = _environment(server.socket, None)
    done = subprocess.run([sys.executable, "-IS", "-c", code], capture_output=True, text=True,
                          env=environment, cwd=tmp_path, check=True)  # fmt: skip
    assert done.stdout.startswith("Ignition ignition-py "), done.stdout
    status, _, loaded = done.stderr.strip().partition(" ")
    assert status == "0", done.stderr
    assert set(eval(loaded)) <= CLIENT_MAY_LOAD, loaded


def test_a_locale_the_system_lacks_is_coerced_as_python_coerces_it(
    launcher: Path, tmp_path: Path
) -> None:
    """An initramfs often has LANG set to a locale whose data it lacks: Python then runs
    in the C locale and sets LC_CTYPE=C.UTF-8 (PEP 538) in its own environment, the
    server's included. Each launcher sends what Python would have, and is served."""
    environment = {**SERVER_ENVIRONMENT, "LANG": "xx_YY.UTF-8"}
    with _serving(tmp_path / "s", environment) as serving:
        done = _launch(launcher, ["-version"], serving.socket, tmp_path, {"LANG": "xx_YY.UTF-8"})
        assert done.returncode == 0, done.stderr
        assert serving.wait_for(STAND_IN), serving.lines()


def test_an_argument_that_is_not_utf8_reaches_the_agent_unchanged(
    server: Server, launcher: Path, tmp_path: Path
) -> None:
    """The agent sees the bytes of an argument as its interpreter decodes them (surrogate
    escapes): the script's request carries them; the compiled launcher, whose request
    is text, runs such a command itself. Either way the outcome is the in-place one."""
    odd = os.fsdecode(b"\xed\xb2\x80")
    served = _launch(launcher, ["-platform", odd], server.socket, tmp_path)
    alone = _launch(launcher, ["-platform", odd], "", tmp_path)
    assert (served.returncode, served.stderr) == (alone.returncode, alone.stderr)
    assert served.returncode == 2, served.stderr


def test_the_compiled_launchers_request(tmp_path: Path, compiled: Path) -> None:
    """What the compiled launcher sends, read by a listener of the test's as the server
    reads it: argv, the environment (the first of two entries with one name, as Python
    keeps; the locale coerced as Python would), the working directory, the umask and
    three descriptors; told no ('D'), it runs the command itself."""
    import marshal
    import socket as sockets

    from ignition_py.fork_client import SOCKET_PATH

    path = str(tmp_path / "fake.sock")
    listener = sockets.socket(sockets.AF_UNIX, sockets.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    ours = os.umask(0o022)
    os.umask(ours)
    program = compiled
    assert f'#define SOCKET_PATH "{SOCKET_PATH}"' in (REPO / "launcher" / "ignition.c").read_text()
    environment = [b"FOO=first", b"FOO=second", f"IGNITION_PY_FORK_SERVER={path}".encode(),
                   b"PATH=/usr/bin:/bin"]  # fmt: skip
    exec_with = (
        "import ctypes, sys\n"
        "argv = (ctypes.c_char_p * 3)(sys.argv[1].encode(), b'-version', None)\n"
        f"envp = (ctypes.c_char_p * {len(environment) + 1})(*{environment!r}, None)\n"
        "ctypes.CDLL(None).execve(sys.argv[1].encode(), argv, envp)\n"
    )
    client = subprocess.Popen([sys.executable, "-c", exec_with, str(program)], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        listener.settimeout(60)
        connection, _ = listener.accept()
        data, ancillary, _, _ = connection.recvmsg(65536, sockets.CMSG_SPACE(12))
        size = int.from_bytes(data[:4], "little")
        while len(data) < size + 4:
            data += connection.recv(size + 4 - len(data))
        protocol, argv, env, cwd, umask = marshal.loads(data[4:])
        assert (protocol, argv) == (1, [str(program), "-version"])
        assert env[b"FOO"] == b"first"
        assert env[b"LC_CTYPE"] == b"C.UTF-8"  # no LANG, LC_ALL or LC_CTYPE: the C locale
        assert (cwd, umask) == (os.fsencode(tmp_path), ours)
        ((level, kind, fds),) = ancillary
        assert (level, kind, len(fds)) == (sockets.SOL_SOCKET, sockets.SCM_RIGHTS, 12)
        for fd in (int.from_bytes(fds[i : i + 4], sys.byteorder) for i in (0, 4, 8)):
            os.close(fd)
        connection.sendall(b"D")
        connection.close()
        out, err = client.communicate(timeout=60)
    finally:
        client.kill()
        listener.close()
    assert client.returncode == 0, err
    assert out.startswith(b"Ignition ignition-py "), out


@contextlib.contextmanager
def _listener(where: Path) -> Iterator[tuple[str, Callable[[], socket_module.socket]]]:
    """A Unix socket of the test's own, standing in for the server: its path, and a
    function that accepts one client and reads its whole request."""
    path = str(where / "fake.sock")
    listener = socket_module.socket(socket_module.AF_UNIX, socket_module.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(60)

    def take() -> socket_module.socket:
        connection, _ = listener.accept()
        data, ancillary, _, _ = connection.recvmsg(65536, socket_module.CMSG_SPACE(12))
        for _, _, fds in ancillary:
            for i in range(0, len(fds), 4):
                os.close(int.from_bytes(fds[i : i + 4], sys.byteorder))
        size = int.from_bytes(data[:4], "little")
        while len(data) < size + 4:
            data += connection.recv(size + 4 - len(data))
        return connection

    try:
        yield path, take
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("answer", "status", "said"),
    [
        # it took the command and then went away: a failure, never a second run here
        (b"R", 1, "the stage's process ended without an exit status"),
        (b"R" + (0).to_bytes(4, "little") + b"X" + (7).to_bytes(4, "little"), 7, ""),
    ],
)
def test_once_a_stand_in_took_the_command_it_is_never_run_here(
    launcher: Path, tmp_path: Path, answer: bytes, status: int, said: str
) -> None:
    with _listener(tmp_path) as (path, take):
        client = subprocess.Popen([str(launcher), "-version"], cwd=tmp_path,
                                  env=_environment(path, None), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)  # fmt: skip
        try:
            connection = take()
            connection.sendall(answer)
            connection.close()
            out, err = client.communicate(timeout=60)
        finally:
            client.kill()
    assert client.returncode == status, out + err
    assert out == "", out  # the version would be printed by a run here
    assert said in err, err


def test_the_compiled_launcher_runs_in_place_whatever_its_name(compiled: Path) -> None:
    """argv[0] that is not UTF-8 (the process name is written from it): in place, the
    command still runs."""
    program = compiled
    done = subprocess.run([sys.executable, "-c", "import os, sys; os.execv(sys.argv[1], "
                           "[b'\\xffignition', b'-version'])", str(program)],
                          capture_output=True, text=True, env=_environment("", None))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Ignition ignition-py "), done.stdout


def test_an_argument_in_a_locale_of_another_charset_reaches_the_agent_as_python_reads_it(
    launcher: Path, tmp_path: Path
) -> None:
    """With a Latin-1 locale Python decodes c3 a9 as two characters: the compiled
    launcher, whose request is UTF-8 text, keeps such a command in place (ASCII ones are
    served); the script sends what its interpreter decoded. Either way, as in place."""
    locales = tmp_path / "locales"
    locales.mkdir()
    subprocess.run(["localedef", "-i", "en_US", "-f", "ISO-8859-1",
                    str(locales / "en_US.ISO-8859-1")], check=True)  # fmt: skip
    latin = {"LOCPATH": str(locales), "LANG": "en_US.ISO-8859-1"}
    with _serving(tmp_path / "s", {**SERVER_ENVIRONMENT, **latin}) as serving:
        odd = os.fsdecode(b"\xc3\xa9")
        served = _launch(launcher, ["-platform", odd], serving.socket, tmp_path, latin)
        alone = _launch(launcher, ["-platform", odd], "", tmp_path, latin)
        assert (served.returncode, served.stderr) == (alone.returncode, alone.stderr)
        compiled = launcher.read_bytes()[:4] == b"\x7fELF"
        time.sleep(0.3)
        assert len([line for line in serving.lines() if STAND_IN in line]) == int(not compiled)
        plain = _launch(launcher, ["-version"], serving.socket, tmp_path, latin)
        assert plain.returncode == 0, plain.stderr
        assert len(serving.wait_for(STAND_IN, 2 - compiled)) == 2 - compiled, serving.lines()


def test_an_ended_stand_in_is_reaped_late(server: Server, tmp_path: Path, compiled: Path) -> None:
    """journald reads the unit of a stand-in's lines from /proc/PID/cgroup, maybe after the
    stand-in ended: it stays a zombie for LINGER_SECONDS (fork_reaper), then is reaped."""
    from ignition_py.fork_reaper import LINGER_SECONDS

    launcher = compiled
    done = _launch(launcher, ["-version"], server.socket, tmp_path)
    assert done.returncode == 0, done.stderr
    (line,) = server.wait_for(STAND_IN)
    stand_in, _ = _pids(line)
    stat = Path(f"/proc/{stand_in}/stat")

    def state() -> str | None:
        try:
            return stat.read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:
            return None

    deadline = time.monotonic() + 5  # its client may be done as it closes its files
    while state() != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)
    ended = time.monotonic()
    assert state() == "Z"
    time.sleep(LINGER_SECONDS / 2)
    assert state() == "Z", "reaped too soon for journald"
    while state() is not None and time.monotonic() < ended + LINGER_SECONDS + 5:
        time.sleep(0.1)
    assert state() is None, "the server never reaped its stand-in"
