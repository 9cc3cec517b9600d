"""Owners by name or id, resolved in the root's passwd and group (a fake root tree)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ignition_py.config.model import NodeGroup, NodeUser
from ignition_py.files import accounts
from ignition_py.files.accounts import UnknownAccountError, UserEntry, parse_passwd
from ignition_py.files.write_context import WriteContext

PASSWD = "root:x:0:0:root:/root:/bin/bash\ncore:x:500:501:Core:/var/home/core:/bin/bash\n"
GROUP = "root:x:0:\nwheel:x:10:core\ncore:x:501:\n"


@pytest.fixture
def ctx(tmp_path: Path) -> WriteContext:
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text(PASSWD)
    (tmp_path / "etc" / "group").write_text(GROUP)
    return WriteContext.at(tmp_path)


def test_names_resolve_in_the_root_not_the_host(ctx: WriteContext) -> None:
    owner = ctx.owner(NodeUser(name="core"), NodeGroup(name="wheel"), (0, 0))
    assert owner == (500, 10)


def test_ids_win_over_names_and_unset_keeps_the_default(ctx: WriteContext) -> None:
    assert ctx.owner(NodeUser(id=7, name="core"), None, (3, 4)) == (7, 4)
    assert ctx.owner(None, NodeGroup(id=9), (3, 4)) == (3, 9)


def test_unknown_names_are_errors(ctx: WriteContext) -> None:
    with pytest.raises(UnknownAccountError, match="no such user 'nobody'"):
        ctx.owner(NodeUser(name="nobody"), None, (0, 0))
    with pytest.raises(UnknownAccountError, match="no such group 'staff'"):
        ctx.owner(None, NodeGroup(name="staff"), (0, 0))


def test_rewritten_passwd_is_read_again(ctx: WriteContext) -> None:
    assert ctx.accounts.uid("core") == 500
    passwd = ctx.root / "etc" / "passwd"
    passwd.write_text(PASSWD.replace(":500:", ":600:") + "new:x:1000:1000::/home/new:/bin/sh\n")
    os.utime(passwd, ns=(1, 1))  # a different mtime even within one clock tick
    assert ctx.accounts.uid("core") == 600
    assert ctx.accounts.user("new").home == "/home/new"


def test_passwd_reached_through_a_link_inside_the_root(tmp_path: Path) -> None:
    (tmp_path / "usr" / "etc").mkdir(parents=True)
    (tmp_path / "usr" / "etc" / "passwd").write_text(PASSWD)
    (tmp_path / "etc").symlink_to("/usr/etc")
    assert WriteContext.at(tmp_path).accounts.uid("core") == 500


def test_malformed_lines_are_skipped() -> None:
    users = parse_passwd("# comment\nbad\nx:x:notanumber:0::/:/bin/sh\nok:x:1:2::/h:/bin/sh\n")
    assert list(users) == ["ok"]


def test_an_unchanged_passwd_is_parsed_once(
    ctx: WriteContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []

    def counting(text: str) -> dict[str, UserEntry]:
        parsed.append(text)
        return parse_passwd(text)

    monkeypatch.setattr(accounts, "parse_passwd", counting)
    for _ in range(50):
        assert ctx.owner(NodeUser(name="core"), None, (0, 0)) == (500, 0)
    assert len(parsed) == 1
    (ctx.root / "etc" / "passwd").write_text(PASSWD + "x:x:7:7::/:/bin/sh\n")
    assert ctx.accounts.uid("x") == 7
    assert len(parsed) == 2
