"""The boot harness's SELinux checks: the type its small file contexts give a path (as
setfiles picks: the last matching line), and the type read back from a path's label."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from harness.selinux import expected_type, file_contexts, label_type


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/etc/motd", "etc_t"),
        ("/etc", "etc_t"),
        ("/etc/passwd", "passwd_file_t"),
        ("/etc/systemd/system/app.service", "systemd_unit_file_t"),
        ("/var/lib/thing/deep", "var_lib_t"),
        ("/opt/app", "default_t"),
        ("/etcetera", "default_t"),
    ],
)
def test_the_last_matching_context_wins(path: str, kind: str) -> None:
    assert expected_type(path) == kind


def test_every_context_line_is_a_full_label() -> None:
    for line in file_contexts().splitlines():
        pattern, label = line.split("\t")
        assert pattern.startswith("/") and label.count(":") == 3


def test_a_label_is_read_from_the_xattr_of_the_path_itself(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    link = tmp_path / "link"
    link.symlink_to(target)
    assert label_type(target) is None
    try:
        os.setxattr(target, "security.selinux", b"system_u:object_r:etc_t:s0\0")
    except OSError as err:
        pytest.skip(f"this filesystem takes no security.selinux xattr: {err}")
    assert label_type(target) == "etc_t"
    assert label_type(link) is None  # the link itself is unlabelled
