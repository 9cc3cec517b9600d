"""One depth() for the files and the mount stages: upstream's util.Depth."""

from __future__ import annotations

from ignition_py.path_depth import depth


def test_depth_cleans_the_path_as_upstream() -> None:
    # util.Depth cleans first: `.` and `..` components do not count, `.` itself is 0
    assert [depth("."), depth("/a/./b"), depth("/a/../b"), depth("/a/b/..")] == [0, 2, 1, 1]
