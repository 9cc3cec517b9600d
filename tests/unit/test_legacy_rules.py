"""Spec 1 and 2.x validation (config/legacy): each rule names the JSON path of the declared
config and its line:col, every problem at once, warnings kept."""

from __future__ import annotations

import json
from typing import Any

import pytest

from ignition_py.config.parse import parse_config
from ignition_py.config.report import Entry, Severity

DATA = "data:,x"


def entries(version: str, **sections: Any) -> list[Entry]:
    return parse_config(json.dumps({"ignition": {"version": version}, **sections})).report.entries


def errors(version: str, **sections: Any) -> list[tuple[tuple[str | int, ...] | None, str]]:
    return [
        (e.path, e.message) for e in entries(version, **sections) if e.severity is Severity.ERROR
    ]


def file(**fields: Any) -> dict[str, Any]:
    return {"filesystem": "root", "path": "/f", "mode": 420, **fields}


F0 = ("storage", "files", 0)
FS0 = ("storage", "filesystems", 0)
UNIT0 = ("systemd", "units", 0)
GUID_FORM = 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"'
XFS_LABEL = "filesystem labels cannot be longer than 12 characters when using xfs"
CONFLICT = (
    'Config has conflicting inodes: "File: /f" and "File: /f".  '
    "All files, directories and links must specify a unique `path`."
)
OWN_LINK = (
    'File: /l/f uses link defined in config "/l". Please use a link not defined in Storage:Links'
)
DUP_DROPIN = (
    'Config has duplicate dropin name "x.conf" in unit "a.service".  '
    "All dropins must specify a unique `name`."
)
LINK = {"filesystem": "root", "path": "/l", "target": "/t"}
S3_HEADERS = {"source": "s3://b/k", "httpHeaders": [{"name": "A"}]}


def files(*items: dict[str, Any]) -> dict[str, Any]:
    return {"storage": {"files": list(items)}}


def filesystem(**mount: Any) -> dict[str, Any]:
    return {"storage": {"filesystems": [{"name": "v", "mount": {"device": "/d", **mount}}]}}


def partitions(*items: dict[str, Any]) -> dict[str, Any]:
    return {"storage": {"disks": [{"device": "/d", "partitions": list(items)}]}}


def units(*items: dict[str, Any]) -> dict[str, Any]:
    return {"systemd": {"units": list(items)}}


CASES = [
    ("2.2.0", files(file(path="f")), (*F0, "path"), "path not absolute"),
    ("2.1.0", files({"path": "/f"}), (*F0, "filesystem"), "no filesystem specified"),
    ("2.4.0", files(file(mode=4096)), (*F0, "mode"), "illegal file mode"),
    (
        "2.3.0",
        files(file(contents={"compression": "xz"})),
        (*F0, "contents", "compression"),
        "invalid compression method",
    ),
    (
        "2.0.0",
        files(file(contents={"source": "tftp://h/f"})),
        (*F0, "contents", "source"),
        "invalid url scheme",
    ),
    (
        "2.2.0",
        files(file(contents={"source": DATA, "verification": {"hash": "md5-0"}})),
        (*F0, "contents", "verification", "hash"),
        "unrecognized hash function",
    ),
    (
        "2.2.0",
        files(file(append=True, overwrite=True)),
        F0,
        "cannot set both append and overwrite to true",
    ),
    (
        "2.1.0",
        files(file(user={"id": 1, "name": "a"})),
        (*F0, "user"),
        "cannot set both id and name",
    ),
    ("2.0.0", filesystem(format="vfat"), (*FS0, "mount", "format"), "invalid filesystem format"),
    (
        "2.1.0",
        {"storage": {"filesystems": [{"name": "v"}]}},
        FS0,
        "filesystem is missing mount or path",
    ),
    ("2.2.0", filesystem(format="xfs", label="thirteen-char"), (*FS0, "mount", "label"), XFS_LABEL),
    (
        "2.0.0",
        {"storage": {"disks": [{}]}},
        ("storage", "disks", 0, "device"),
        "disk device is required",
    ),
    (
        "2.3.0",
        partitions({"number": 1}, {"number": 1}),
        ("storage", "disks", 0, "partitions"),
        "partition numbers collide",
    ),
    (
        "2.3.0",
        partitions({"typeGuid": "x"}),
        ("storage", "disks", 0, "partitions", 0, "typeGuid"),
        GUID_FORM,
    ),
    (
        "2.0.0",
        {"storage": {"raid": [{"name": "m", "level": "raid9", "devices": ["/d"]}]}},
        ("storage", "raid", 0, "level"),
        "unrecognized raid level",
    ),
    ("2.0.0", units({"name": "a.txt"}), (*UNIT0, "name"), "invalid systemd unit extension"),
    (
        "2.2.0",
        units({"name": "a.service", "dropins": [{"name": "x"}]}),
        (*UNIT0, "dropins", 0),
        "invalid systemd drop-in extension",
    ),
    (
        "2.2.0",
        {"networkd": {"units": [{"name": "a.txt"}]}},
        ("networkd", "units", 0),
        "invalid networkd unit extension",
    ),
    (
        "2.4.0",
        {"ignition": {"version": "2.4.0", "config": {"replace": S3_HEADERS}}},
        ("ignition", "config", "replace", "httpHeaders"),
        "cannot use HTTP headers with this source scheme",
    ),
    ("2.2.0", files(file(), file(mode=384)), ("storage", "files", 1, "path"), CONFLICT),
    (
        "2.1.0",
        {"storage": {"links": [LINK], "files": [file(path="/l/f")]}},
        (*F0, "path"),
        OWN_LINK,
    ),
    (
        "2.2.0",
        units({"name": "a.service", "dropins": [{"name": "x.conf"}, {"name": "x.conf"}]}),
        (*UNIT0, "dropins", 1, "name"),
        DUP_DROPIN,
    ),
    (
        "2.2.0",
        files(file(mode="420")),
        (*F0, "mode"),
        "json: cannot unmarshal string into Go value of type int",
    ),
]


@pytest.mark.parametrize(("version", "sections", "path", "message"), CASES)
def test_rule(
    version: str, sections: dict[str, Any], path: tuple[str | int, ...], message: str
) -> None:
    found = errors(version, **{k: v for k, v in sections.items() if k != "ignition"})
    if "ignition" in sections:
        raw = json.dumps(sections)
        found = [(e.path, e.message) for e in parse_config(raw).report.errors()]
    assert (path, message) in found


def test_every_problem_at_once_with_line_and_column() -> None:
    raw = (
        '{"ignition": {"version": "2.2.0"},\n "storage": {"files": [{"path": "a"},\n'
        '  {"filesystem": "root", "path": "/b", "mode": -1}]}}'
    )
    found = [e for e in parse_config(raw).report if e.severity is Severity.ERROR]
    assert [(str(e.path), e.line, e.column) for e in found] == [
        (str(("storage", "files", 0, "filesystem")), 2, 25),
        (str(("storage", "files", 0, "path")), 2, 33),
        (str(("storage", "files", 1, "mode")), 3, 48),
    ]


def test_unknown_keys_are_warned_at_the_key_and_ignored() -> None:
    raw = '{"ignition": {"version": "2.0.0"}, "storage": {"directories": []}}'
    result = parse_config(raw)
    assert result.ok
    (warning,) = result.report.entries
    assert warning.message == "Config has unrecognized key: directories"
    assert (warning.line, warning.column) == (1, 48)


def test_2_3_warns_about_the_tls_key_it_reads() -> None:
    ca = {"tls": {"certificateAuthorities": [{"source": "https://e.com/ca"}]}}
    result = parse_config(json.dumps({"ignition": {"version": "2.3.0", "security": ca}}))
    assert result.ok
    assert [e.message for e in result.report] == ["Config has unrecognized key: tls"]


def test_spec_1_problems_name_the_spec_1_path() -> None:
    fs = {"device": "/d", "format": "vfat", "files": [{"path": "rel"}]}
    raw = json.dumps({"ignitionVersion": 1, "storage": {"filesystems": [fs]}})
    found = {(e.path, e.message) for e in parse_config(raw).report.errors()}
    assert found == {
        (("storage", "filesystems", 0, "format"), "invalid filesystem format"),
        (("storage", "filesystems", 0, "files", 0, "path"), "path not absolute"),
    }


def test_a_3_1_problem_is_placed_at_the_2_x_text() -> None:
    raw = (
        '{"ignition": {"version": "2.2.0"},\n'
        '"storage": {"filesystems": [{"name": "p", "path": "/p"}]}}'
    )
    (error, _) = parse_config(raw).report.errors()
    assert error.message.startswith("in the config translated to spec 3.1: ")
    assert error.path == ("storage", "filesystems", 0, "mount", "device")
    assert error.line == 2


def test_a_key_in_another_case_is_read_warned_and_named() -> None:
    node = {"filesystem": "root", "Path": "/a"}
    raw = json.dumps({"ignition": {"version": "2.2.0"}, "storage": {"files": [node]}})
    result = parse_config(raw)
    assert result.config is not None and result.config.storage is not None
    assert result.config.storage.files[0].path == "/a"
    said = [(e.severity, e.message) for e in result.report if e.path and e.path[-1] == "Path"]
    assert said == [
        (Severity.WARNING, "Config has unrecognized key: Path"),
        (Severity.INFO, "Did you mean path instead of Path"),
    ]


def test_a_bad_source_url_is_not_repeated_in_the_report() -> None:
    source = "ftp://user:s3cret@h/x"
    result = parse_config(
        json.dumps({"ignition": {"version": "2.2.0"}, **files(file(contents={"source": source}))})
    )
    assert not result.ok
    assert "s3cret" not in str(result.report)
