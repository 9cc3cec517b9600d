"""The boot harness's verifier computes what a file must hold with the project's own
resource reading: gzip, base64, percent-escapes, appends, empty contents, hashes."""

from __future__ import annotations

import base64
import gzip
import hashlib
import sys
from pathlib import Path

import pytest

from ignition_py.config.model import File, Resource, Verification
from ignition_py.errors import IgnitionError

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "qemu-harness"))
from harness.verify import expected_contents


def _b64(blob: bytes) -> str:
    return "data:;base64," + base64.b64encode(blob).decode()


def test_gzip_contents_are_compared_decompressed() -> None:
    body = b"compressed body\n" * 50
    file = File(
        path="/etc/x",
        contents=Resource(
            source=_b64(gzip.compress(body)),
            compression="gzip",
            verification=Verification(hash="sha512-" + hashlib.sha512(body).hexdigest()),
        ),
    )
    assert expected_contents(file, None) == body


def test_appends_follow_the_contents_each_decoded() -> None:
    file = File(
        path="/etc/x",
        contents=Resource(source="data:,head%20%231%0A"),
        append=(
            Resource(source=_b64(gzip.compress(b"gz tail\n")), compression="gzip"),
            Resource(source="data:,"),
            Resource(source="data:text/plain;charset=utf-8;base64,cGxhaW4K"),
        ),
    )
    assert expected_contents(file, None) == b"head #1\ngz tail\nplain\n"


def test_append_without_contents_extends_what_the_target_held() -> None:
    file = File(path="/etc/issue", append=(Resource(source="data:,more%0A"),))
    assert expected_contents(file, b"Debian\n") == b"Debian\nmore\n"
    assert expected_contents(file, b"") == b"more\n"
    assert expected_contents(file, None) is None


def test_empty_source_means_an_empty_file() -> None:
    assert expected_contents(File(path="/e", contents=Resource(source="")), b"old") == b""


def test_contents_fetched_by_the_vm_are_not_guessed() -> None:
    remote = File(path="/r", contents=Resource(source="http://127.0.0.1:8080/r"))
    assert expected_contents(remote, None) is None
    appended = File(
        path="/r", contents=Resource(source="data:,a"), append=(Resource(source="s3://b/k"),)
    )
    assert expected_contents(appended, None) is None


def test_a_hash_mismatch_in_the_config_is_an_error_not_a_pass() -> None:
    file = File(
        path="/h",
        contents=Resource(source="data:,abc", verification=Verification(hash="sha256-" + "0" * 64)),
    )
    with pytest.raises(IgnitionError, match="hash verification failed"):
        expected_contents(file, None)


def test_overwrite_without_contents_drops_what_was_there() -> None:
    file = File(path="/etc/x", overwrite=True, append=(Resource(source="data:,new"),))
    assert expected_contents(file, b"old") == b"new"


def _served(monkeypatch: pytest.MonkeyPatch, stages: dict[str, str]) -> None:
    """The fork server's journal lines (the harness reads them with journalctl) naming
    each stage it stood in for, in that control group."""
    import harness.verify as verify

    entries = [
        {"MESSAGE": f"ignition-py fork server: pid {10 + i} stands in for pid {i} "
                    f"(stage {stage}) in {group}"}
        for i, (stage, group) in enumerate(stages.items())
    ]  # fmt: skip
    monkeypatch.setattr(verify, "_journal", lambda root, match: entries)


def _unit(stage: str) -> str:
    return f"/system.slice/ignition-{stage}.service"


@pytest.mark.parametrize(
    ("stages", "kargs_may_be_served", "ok"),
    [
        ({"mount": _unit("mount"), "files": _unit("files")}, True, True),
        ({"kargs": _unit("kargs"), "mount": _unit("mount"), "files": _unit("files")}, True, True),
        # kernel arguments: kargs has a mount namespace of its own
        ({"kargs": _unit("kargs"), "mount": _unit("mount"), "files": _unit("files")}, False, False),
        ({"mount": _unit("mount"), "files": _unit("files")}, False, True),
        ({"kargs": _unit("mount"), "mount": _unit("mount"), "files": _unit("files")}, True, False),
        ({"mount": _unit("mount")}, True, False),
        ({"mount": _unit("mount"), "files": "/system.slice/ignition-py-warm-up.service"}, True,
         False),
    ],
)  # fmt: skip
def test_the_fork_server_check(
    monkeypatch: pytest.MonkeyPatch, stages: dict[str, str], kargs_may_be_served: bool, ok: bool
) -> None:
    from harness.verify import _check_fork_server

    _served(monkeypatch, stages)
    assert _check_fork_server(Path("/nonexistent"), kargs_may_be_served).ok is ok
