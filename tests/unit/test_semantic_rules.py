"""One failing config per semantic rule, per spec version where the rule changes.

Each case is a spec version, a minimal config and the (severity, JSON path, message)
entry the report must hold. Errors make the config invalid; a warning alone leaves it
valid. A second table holds configs that one version refuses and a later one accepts,
and a third checks the line/column text of entries on multi-line configs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from ignition_py.config.parse import parse_config
from ignition_py.config.report import JsonPath, Severity
from ignition_py.config.semantics import messages as m

E = Severity.ERROR
W = Severity.WARNING

V30, V31, V32, V33 = "3.0.0", "3.1.0", "3.2.0", "3.3.0"
V34, V35, V36, V37X = "3.4.0", "3.5.0", "3.6.0", "3.7.0-experimental"
ALL = (V30, V31, V32, V33, V34, V35, V36, V37X)
SINCE_31 = ALL[1:]
SINCE_32 = ALL[2:]
SINCE_33 = ALL[3:]
SINCE_34 = ALL[4:]

SHA512 = "sha512-" + "0123456789abcdef" * 8
SHA256 = "sha256-" + "0123456789abcdef" * 4
HTTP = "http://example.com/x"
UNIT_OK = "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"


def config_text(version: str, body: dict[str, Any]) -> str:
    """JSON text of a config: `body` plus the version (body's ignition section merged)."""
    ignition = {"version": version, **body.get("ignition", {})}
    return json.dumps({**body, "ignition": ignition}, indent=1)


def short(version: str) -> str:
    return version.removesuffix(".0").replace(".0-", "-")


# --------------------------------------------------------------------------------------
# Cases that produce an entry.

Expected = tuple[Severity, JsonPath | None, str]
CASES: list[Any] = []


def case(
    name: str,
    versions: str | tuple[str, ...],
    body: dict[str, Any],
    severity: Severity,
    path: JsonPath | None,
    message: str,
) -> None:
    for version in (versions,) if isinstance(versions, str) else versions:
        CASES.append(
            pytest.param(
                config_text(version, body),
                (severity, path, message),
                id=f"{short(version)}-{name}",
            )
        )


def raw_case(name: str, text: str, severity: Severity, path: JsonPath | None, msg: str) -> None:
    CASES.append(pytest.param(text, (severity, path, msg), id=f"raw-{name}"))


def files(*items: dict[str, Any]) -> dict[str, Any]:
    return {"storage": {"files": list(items)}}


def contents(resource: dict[str, Any]) -> dict[str, Any]:
    return files({"path": "/f", "contents": resource})


def disk(*partitions: dict[str, Any], device: str = "/dev/sda") -> dict[str, Any]:
    return {"storage": {"disks": [{"device": device, "partitions": list(partitions)}]}}


def raid(**fields: Any) -> dict[str, Any]:
    return {"storage": {"raid": [{"name": "md0", **fields}]}}


def luks(**fields: Any) -> dict[str, Any]:
    return {"storage": {"luks": [{"name": "data", "device": "/dev/sdb", **fields}]}}


def filesystem(**fields: Any) -> dict[str, Any]:
    return {"storage": {"filesystems": [{"device": "/dev/sdc", **fields}]}}


def units(*items: dict[str, Any]) -> dict[str, Any]:
    return {"systemd": {"units": list(items)}}


F0: JsonPath = ("storage", "files", 0)
C0: JsonPath = (*F0, "contents")
P0: JsonPath = ("storage", "disks", 0, "partitions", 0)
P1: JsonPath = ("storage", "disks", 0, "partitions", 1)
R0: JsonPath = ("storage", "raid", 0)
L0: JsonPath = ("storage", "luks", 0)
FS0: JsonPath = ("storage", "filesystems", 0)
U0: JsonPath = ("systemd", "units", 0)
LK0: JsonPath = ("storage", "links", 0)

# --- version detection ------------------------------------------------------------------
raw_case("empty", "", E, None, "not a config (empty)")
raw_case("whitespace", " \n\t", E, None, "unexpected end of JSON input")
_STUB = "json: cannot unmarshal {} into Go value of type util.versionStub"
raw_case("array", "[]", E, None, _STUB.format("array"))
raw_case("string", '"hello"', E, None, _STUB.format("string"))
raw_case("null", "null", E, None, "invalid config version (couldn't parse)")
raw_case(
    "ignition-number",
    '{"ignition": 1}',
    E,
    ("ignition",),
    "json: cannot unmarshal number into Go struct field versionStub.Ignition of type "
    "struct { Version string }",
)
raw_case("no-ignition", "{}", E, None, "invalid config version (couldn't parse)")
raw_case("ignition-null", '{"ignition": null}', E, None, "invalid config version (couldn't parse)")
raw_case("no-version", '{"ignition": {}}', E, None, "invalid config version (couldn't parse)")
for _name, _version in [("banana", '"banana"'), ("v-prefix", '"v3.3.0"'), ("two-parts", '"3.3"')]:
    raw_case(
        f"version-{_name}",
        f'{{"ignition": {{"version": {_version}}}}}',
        E,
        ("ignition", "version"),
        "invalid config version (couldn't parse)",
    )
raw_case(
    "version-number",
    '{"ignition": {"version": 3}}',
    E,
    ("ignition", "version"),
    "json: cannot unmarshal number into Go struct field .Ignition.Version of type string",
)
raw_case(
    "spec-1-other-number",
    '{"ignitionVersion": 2}',
    E,
    ("ignitionVersion",),
    "unsupported config version 2: spec 1 is the only one",
)
raw_case(
    "spec-1-string",
    '{"ignitionVersion": "1"}',
    E,
    ("ignitionVersion",),
    "json: cannot unmarshal string into Go struct field versionStub.IgnitionVersion of type int",
)
raw_case(
    "spec-2.5.0",
    json.dumps({"ignition": {"version": "2.5.0"}}),
    E,
    ("ignition", "version"),
    "unsupported config version 2.5.0: spec 2.x means 2.0.0 to 2.4.0",
)
raw_case(
    "spec-1.0.0",
    json.dumps({"ignition": {"version": "1.0.0"}}),
    E,
    ("ignition", "version"),
    'unsupported config version 1.0.0: a spec 1 config says `"ignitionVersion": 1` instead',
)
for _newer in ("3.8.0", "4.0.0", "3.7.1"):
    raw_case(
        f"newer-{_newer}",
        json.dumps({"ignition": {"version": _newer}}),
        E,
        ("ignition", "version"),
        f"unsupported config version {_newer}: newer than this ignition-py knows (3.0.0, 3.1.0, "
        "3.2.0, 3.3.0, 3.4.0, 3.5.0, 3.6.0, 3.7.0-experimental)",
    )
raw_case(
    "stable-3.7.0",
    json.dumps({"ignition": {"version": "3.7.0"}}),
    E,
    ("ignition", "version"),
    "unsupported config version 3.7.0: newer than this ignition-py knows (3.0.0, 3.1.0, "
    "3.2.0, 3.3.0, 3.4.0, 3.5.0, 3.6.0, 3.7.0-experimental)",
)
raw_case(
    "build-metadata",
    json.dumps({"ignition": {"version": "3.3.0+build"}}),
    E,
    ("ignition", "version"),
    "unsupported config version 3.3.0+build",
)
for _pre in ("3.3.0-experimental", "3.6.0-experimental", "3.0.0-experimental"):
    raw_case(
        f"prerelease-{_pre}",
        json.dumps({"ignition": {"version": _pre}}),
        E,
        ("ignition", "version"),
        f"unsupported config version {_pre}",
    )

# --- ignition section -------------------------------------------------------------------
MERGE0: JsonPath = ("ignition", "config", "merge", 0)
CA0: JsonPath = ("ignition", "security", "tls", "certificateAuthorities", 0)
PROXY: JsonPath = ("ignition", "proxy")

case(
    "merge-source-empty",
    SINCE_31,
    {"ignition": {"config": {"merge": [{"source": ""}]}}},
    E,
    MERGE0,
    m.SOURCE_REQUIRED,
)
case(
    "merge-no-source",
    V36,
    {"ignition": {"config": {"merge": [{"compression": "gzip"}]}}},
    E,
    MERGE0,
    m.SOURCE_REQUIRED,
)
case(
    "merge-bad-scheme-at-object",
    (V31, V36),
    {"ignition": {"config": {"merge": [{"source": "ftp://h/c.ign"}]}}},
    E,
    MERGE0,
    m.INVALID_SCHEME,
)
case(
    "merge-bad-scheme-at-source",
    (V30, V31, V36),
    {"ignition": {"config": {"merge": [{"source": "ftp://h/c.ign"}]}}},
    E,
    (*MERGE0, "source"),
    m.INVALID_SCHEME,
)
case(
    "replace-bad-scheme",
    (V30, V35),
    {"ignition": {"config": {"replace": {"source": "ftp://h/c.ign"}}}},
    E,
    ("ignition", "config", "replace", "source"),
    m.INVALID_SCHEME,
)
case(
    "replace-bad-compression",
    V31,
    {"ignition": {"config": {"replace": {"source": HTTP, "compression": "xz"}}}},
    E,
    ("ignition", "config", "replace", "compression"),
    m.COMPRESSION_INVALID,
)
case(
    "ca-source-empty",
    SINCE_31,
    {"ignition": {"security": {"tls": {"certificateAuthorities": [{"source": ""}]}}}},
    E,
    CA0,
    m.SOURCE_REQUIRED,
)
case(
    "ca-source-empty-3.0-scheme",
    V30,
    {"ignition": {"security": {"tls": {"certificateAuthorities": [{"source": ""}]}}}},
    E,
    (*CA0, "source"),
    m.INVALID_SCHEME,
)
case(
    "ca-bad-hash",
    (V30, V34),
    {
        "ignition": {
            "security": {
                "tls": {
                    "certificateAuthorities": [
                        {"source": HTTP, "verification": {"hash": "sha512-00"}}
                    ]
                }
            }
        }
    },
    E,
    (*CA0, "verification", "hash"),
    m.HASH_WRONG_SIZE,
)
case(
    "http-proxy-not-http",
    (V31, V36),
    {"ignition": {"proxy": {"httpProxy": "socks5://p:1080"}}},
    E,
    (*PROXY, "httpProxy"),
    m.PROXY_NOT_HTTP,
)
case(
    "https-proxy-not-http",
    V33,
    {"ignition": {"proxy": {"httpsProxy": "ftp://p"}}},
    E,
    (*PROXY, "httpsProxy"),
    m.PROXY_NOT_HTTP,
)
case(
    "http-proxy-unparsable",
    V32,
    {"ignition": {"proxy": {"httpProxy": "http://p:port/"}}},
    E,
    (*PROXY, "httpProxy"),
    m.INVALID_URL,
)
case(
    "https-proxy-plain-http",
    (V31, V37X),
    {"ignition": {"proxy": {"httpsProxy": "http://p:3128"}}},
    W,
    (*PROXY, "httpsProxy"),
    m.PROXY_INSECURE,
)
case(
    "no-proxy-duplicate",
    V34,
    {"ignition": {"proxy": {"noProxy": ["a", "a"]}}},
    E,
    (*PROXY, "noProxy", 1),
    m.DUPLICATE,
)
case(
    "merge-duplicate-source",
    V32,
    {"ignition": {"config": {"merge": [{"source": HTTP}, {"source": HTTP}]}}},
    E,
    ("ignition", "config", "merge", 1),
    m.DUPLICATE,
)
case(
    "ca-duplicate-source",
    V35,
    {"ignition": {"security": {"tls": {"certificateAuthorities": [{"source": HTTP}] * 2}}}},
    E,
    ("ignition", "security", "tls", "certificateAuthorities", 1),
    m.DUPLICATE,
)

# --- resources --------------------------------------------------------------------------
case(
    "compression-unknown",
    ALL,
    contents({"source": HTTP, "compression": "xz"}),
    E,
    (*C0, "compression"),
    m.COMPRESSION_INVALID,
)
case(
    "verification-without-source",
    (V30, V36),
    contents({"verification": {"hash": SHA512}}),
    E,
    (*C0, "verification", "hash"),
    m.VERIFICATION_WITHOUT_SOURCE,
)
case(
    "empty-hash-without-source",
    V33,
    contents({"verification": {"hash": ""}}),
    E,
    (*C0, "verification", "hash"),
    m.HASH_MALFORMED,
)
case(
    "hash-malformed",
    V33,
    contents({"source": HTTP, "verification": {"hash": "sha512"}}),
    E,
    (*C0, "verification", "hash"),
    m.HASH_MALFORMED,
)
case(
    "hash-unknown-function",
    V31,
    contents({"source": HTTP, "verification": {"hash": "md5-" + "0" * 32}}),
    E,
    (*C0, "verification", "hash"),
    m.HASH_UNRECOGNIZED,
)
case(
    "hash-function-case-sensitive",
    V36,
    contents({"source": HTTP, "verification": {"hash": SHA512.upper()}}),
    E,
    (*C0, "verification", "hash"),
    m.HASH_UNRECOGNIZED,
)
case(
    "sha256-before-3.1",
    V30,
    contents({"source": HTTP, "verification": {"hash": SHA256}}),
    E,
    (*C0, "verification", "hash"),
    m.HASH_UNRECOGNIZED,
)
case(
    "sha512-wrong-size",
    V30,
    contents({"source": HTTP, "verification": {"hash": SHA512 + "00"}}),
    E,
    (*C0, "verification", "hash"),
    m.HASH_WRONG_SIZE,
)
case(
    "sha256-wrong-size",
    V32,
    contents({"source": HTTP, "verification": {"hash": SHA256[:-1]}}),
    E,
    (*C0, "verification", "hash"),
    m.HASH_WRONG_SIZE,
)
case(
    "headers-without-source",
    (V31, V36),
    contents({"httpHeaders": [{"name": "A", "value": "b"}]}),
    E,
    (*C0, "httpHeaders"),
    m.INVALID_URL,
)
case(
    "headers-with-data-source",
    V33,
    contents({"source": "data:,x", "httpHeaders": [{"name": "A", "value": "b"}]}),
    E,
    (*C0, "httpHeaders"),
    m.HEADERS_WITH_SCHEME,
)
case(
    "headers-with-s3-source",
    V34,
    contents({"source": "s3://b/k", "httpHeaders": [{"name": "A", "value": "b"}]}),
    E,
    (*C0, "httpHeaders"),
    m.HEADERS_WITH_SCHEME,
)
case(
    "header-name-empty",
    V32,
    contents({"source": HTTP, "httpHeaders": [{"name": "", "value": "b"}]}),
    E,
    (*C0, "httpHeaders", 0, "name"),
    m.HEADER_NAME_EMPTY,
)
case(
    "header-value-empty",
    V35,
    contents({"source": HTTP, "httpHeaders": [{"name": "A", "value": ""}]}),
    E,
    (*C0, "httpHeaders", 0, "value"),
    m.HEADER_INVALID,
)
case(
    "header-duplicate-name",
    V36,
    contents({"source": HTTP, "httpHeaders": [{"name": "A", "value": "1"}, {"name": "A"}]}),
    E,
    (*C0, "httpHeaders", 1),
    m.DUPLICATE,
)
case(
    "append-bad-scheme",
    V30,
    files({"path": "/f", "append": [{"source": "ftp://h/x"}]}),
    E,
    (*F0, "append", 0, "source"),
    m.INVALID_SCHEME,
)

# --- URL schemes ------------------------------------------------------------------------
SRC: JsonPath = (*C0, "source")
case("gs-before-3.2", (V30, V31), contents({"source": "gs://b/k"}), E, SRC, m.INVALID_SCHEME)
case(
    "arn-before-3.4", (V30, V33), contents({"source": "arn:aws:s3:::b/k"}), E, SRC, m.INVALID_SCHEME
)
case("ftp-scheme", ALL, contents({"source": "ftp://h/x"}), E, SRC, m.INVALID_SCHEME)
case("no-scheme", V36, contents({"source": "/just/a/path"}), E, SRC, m.INVALID_SCHEME)
case("unparsable-escape", V33, contents({"source": "http://h/%zz"}), E, SRC, m.INVALID_URL)
case("unparsable-port", V36, contents({"source": "http://h:x/"}), E, SRC, m.INVALID_URL)
case(
    "s3-empty-version-id",
    (V30, V36),
    contents({"source": "s3://b/k?versionId="}),
    E,
    SRC,
    m.INVALID_S3_VERSION_ID,
)
case(
    "arn-not-s3",
    SINCE_34,
    contents({"source": "arn:aws:iam::123:role/x"}),
    E,
    SRC,
    m.INVALID_S3_ARN,
)
case("arn-no-object", V34, contents({"source": "arn:aws:s3:::bucket"}), E, SRC, m.INVALID_S3_ARN)
case("arn-malformed", V35, contents({"source": "arn:aws:s3"}), E, SRC, m.INVALID_S3_ARN)
case(
    "arn-accesspoint-no-object",
    V36,
    contents({"source": "arn:aws:s3:us-east-1:123456789012:accesspoint/ap"}),
    E,
    SRC,
    m.INVALID_S3_ARN,
)
case(
    "arn-empty-version-id",
    V36,
    contents({"source": "arn:aws:s3:::bucket/key?versionId="}),
    E,
    SRC,
    m.INVALID_S3_VERSION_ID,
)
case(
    "data-url-no-comma",
    V32,
    contents({"source": "data:text/plain;base64"}),
    E,
    SRC,
    "unterminated parameter sequence",
)
case(
    "data-url-bad-escape-in-opaque-data",
    V36,
    contents({"source": "data:,%%%"}),
    E,
    SRC,
    "rfc2396: invalid char 0x25 in unescape sequence",
)
case("url-bad-escape-in-path", V36, contents({"source": "https://h/%%%"}), E, SRC, m.INVALID_URL)
case(
    "data-url-bad-escape-in-data",
    V35,
    contents({"source": "data:,a?%zz"}),
    E,
    SRC,
    "rfc2396: invalid char 0x25 in unescape sequence",
)
case(
    "data-url-bad-media-type",
    V30,
    contents({"source": "data:text;base64,YQ=="}),
    E,
    SRC,
    "invalid character for media type",
)
case(
    "data-url-bad-parameter",
    V34,
    contents({"source": "data:text/plain;x,a"}),
    E,
    SRC,
    "expected base64, got x",
)
case(
    "data-url-bad-base64-text",
    V31,
    contents({"source": "data:;base64,a"}),
    E,
    SRC,
    "illegal base64 data at input byte 0",
)

# --- paths ------------------------------------------------------------------------------
case("file-path-empty", ALL, files({"path": ""}), E, (*F0, "path"), m.NO_PATH)
case("file-path-relative", ALL, files({"path": "etc/x"}), E, (*F0, "path"), m.PATH_RELATIVE)
for _name, _dirty in [
    ("dotdot", "/a/../b"),
    ("slash", "/a/"),
    ("double", "//a"),
    ("dot", "/a/./b"),
]:
    case(f"file-path-dirty-{_name}", V33, files({"path": _dirty}), E, (*F0, "path"), m.DIRTY_PATH)
case(
    "directory-path-relative",
    V30,
    {"storage": {"directories": [{"path": "d"}]}},
    E,
    ("storage", "directories", 0, "path"),
    m.PATH_RELATIVE,
)
case(
    "link-path-dirty",
    V36,
    {"storage": {"links": [{"path": "/l/", "target": "/t"}]}},
    E,
    (*LK0, "path"),
    m.DIRTY_PATH,
)

# --- files, directories, links ----------------------------------------------------------
case(
    "file-user-id-and-name",
    (V30, V36),
    files({"path": "/f", "user": {"id": 0, "name": "root"}}),
    E,
    (*F0, "user"),
    m.BOTH_ID_AND_NAME,
)
case(
    "dir-group-id-and-name",
    V34,
    {"storage": {"directories": [{"path": "/d", "group": {"id": 1, "name": "g"}}]}},
    E,
    ("storage", "directories", 0, "group"),
    m.BOTH_ID_AND_NAME,
)
case(
    "file-mode-too-large",
    ALL,
    files({"path": "/f", "mode": 0o10000}),
    E,
    (*F0, "mode"),
    m.ILLEGAL_MODE,
)
case("file-mode-negative", V36, files({"path": "/f", "mode": -1}), E, (*F0, "mode"), m.ILLEGAL_MODE)
case(
    "dir-mode-too-large",
    V32,
    {"storage": {"directories": [{"path": "/d", "mode": 0o20000}]}},
    E,
    ("storage", "directories", 0, "mode"),
    m.ILLEGAL_MODE,
)
case(
    "file-setuid",
    (V30, V31, V32, V33, V34, V35),
    files({"path": "/f", "mode": 0o4755}),
    W,
    (*F0, "mode"),
    m.MODE_SPECIAL_BITS,
)
case(
    "dir-sticky",
    V30,
    {"storage": {"directories": [{"path": "/tmp2", "mode": 0o1777}]}},
    W,
    ("storage", "directories", 0, "mode"),
    m.MODE_SPECIAL_BITS,
)
case(
    "dir-setgid",
    V35,
    {"storage": {"directories": [{"path": "/shared", "mode": 0o2775}]}},
    W,
    ("storage", "directories", 0, "mode"),
    m.MODE_SPECIAL_BITS,
)
case(
    "overwrite-without-source",
    (V30, V37X),
    files({"path": "/f", "overwrite": True}),
    E,
    (*F0, "overwrite"),
    m.OVERWRITE_WITHOUT_SOURCE,
)
case(
    "overwrite-with-contents-but-no-source",
    V33,
    files({"path": "/f", "overwrite": True, "contents": {"compression": "gzip"}}),
    E,
    (*F0, "overwrite"),
    m.OVERWRITE_WITHOUT_SOURCE,
)
_LINK = {"path": "/l", "target": "/t"}
case(
    "file-under-link",
    (V30, V36),
    {"storage": {"links": [_LINK], "files": [{"path": "/l/f"}]}},
    E,
    F0,
    m.FILE_USED_SYMLINK,
)
case(
    "directory-under-link",
    V33,
    {"storage": {"links": [_LINK], "directories": [{"path": "/l/d"}]}},
    E,
    ("storage", "directories", 0),
    m.DIRECTORY_USED_SYMLINK,
)
case(
    "link-under-link",
    V35,
    {"storage": {"links": [_LINK, {"path": "/l/m", "target": "/t"}]}},
    E,
    ("storage", "links", 1),
    m.LINK_USED_SYMLINK,
)
case(
    "link-target-missing",
    SINCE_33,
    {"storage": {"links": [{"path": "/l"}]}},
    E,
    (*LK0, "target"),
    m.LINK_TARGET_REQUIRED,
)
case(
    "link-target-empty",
    V36,
    {"storage": {"links": [{"path": "/l", "target": ""}]}},
    E,
    (*LK0, "target"),
    m.LINK_TARGET_REQUIRED,
)
case(
    "hard-link-to-directory",
    (V30, V36),
    {
        "storage": {
            "directories": [{"path": "/d"}],
            "links": [{"path": "/l", "target": "/d", "hard": True}],
        }
    },
    E,
    LK0,
    m.HARD_LINK_TO_DIRECTORY,
)
case(
    "hard-link-relative-target-directory",
    V34,
    {
        "storage": {
            "directories": [{"path": "/a/d"}],
            "links": [{"path": "/a/l", "target": "../d", "hard": True}],
        }
    },
    E,
    LK0,
    m.HARD_LINK_TO_DIRECTORY,
)
_OWNERS: list[tuple[str, str, int | str]] = [
    ("user", "id", 0),
    ("user", "name", "root"),
    ("group", "id", 0),
    ("group", "name", "g"),
]
for _key, _field, _value in _OWNERS:
    _link = {"path": "/l", "target": "/t", "hard": True, _key: {_field: _value}}
    case(
        f"hard-link-{_key}-{_field}-ignored",
        (V30, V36),
        {"storage": {"links": [_link]}},
        W,
        (*LK0, _key, _field),
        m.HARD_LINK_OWNER_IGNORED,
    )
_CONFLICT = {
    "storage": {"files": [{"path": "/etc/systemd/system/a.service"}]},
    "systemd": {"units": [{"name": "a.service", "contents": UNIT_OK}]},
}
# An error in every spec version (upstream since 2.15; Go Ignition 2.14 accepted it up to 3.3).
case("file-conflicts-unit", ALL, _CONFLICT, E, (*F0, "path"), m.PATH_CONFLICTS_SYSTEMD)
_DROPIN_CONFLICT = {
    "storage": {"links": [{"path": "/etc/systemd/system/a.service.d/x.conf", "target": "/t"}]},
    "systemd": {
        "units": [{"name": "a.service", "dropins": [{"name": "x.conf", "contents": "[Unit]"}]}]
    },
}
case("link-conflicts-dropin", ALL, _DROPIN_CONFLICT, E, (*LK0, "path"), m.PATH_CONFLICTS_SYSTEMD)
case(
    "directory-conflicts-unit",
    V35,
    {
        "storage": {"directories": [{"path": "/etc/systemd/system/b.socket"}]},
        "systemd": {"units": [{"name": "b.socket", "contents": "[Socket]\nListenStream=1\n"}]},
    },
    E,
    ("storage", "directories", 0, "path"),
    m.PATH_CONFLICTS_SYSTEMD,
)
# Directories come before files in upstream's key space, so the file is the repeat.
case(
    "file-and-directory-same-path",
    ALL,
    {"storage": {"files": [{"path": "/a"}], "directories": [{"path": "/a"}]}},
    E,
    ("storage", "files", 0),
    m.DUPLICATE,
)
case(
    "parent-is-link",
    ALL,
    {"storage": {"links": [{"path": "/a", "target": "/t"}], "directories": [{"path": "/a/d"}]}},
    E,
    ("storage", "directories", 0),
    m.DIRECTORY_USED_SYMLINK,
)
case(
    "file-duplicate-path",
    ALL,
    files({"path": "/f"}, {"path": "/f"}),
    E,
    ("storage", "files", 1),
    m.DUPLICATE,
)
case(
    "directory-then-file-duplicate",
    V33,
    {"storage": {"files": [{"path": "/a"}], "directories": [{"path": "/a"}]}},
    E,
    F0,
    m.DUPLICATE,
)
case(
    "file-then-link-duplicate",
    V30,
    {"storage": {"files": [{"path": "/a"}], "links": [{"path": "/a", "target": "/t"}]}},
    E,
    LK0,
    m.DUPLICATE,
)

# --- disks and partitions ---------------------------------------------------------------
D0: JsonPath = ("storage", "disks", 0)
case(
    "disk-device-empty",
    (V30, V36),
    {"storage": {"disks": [{"device": ""}]}},
    E,
    (*D0, "device"),
    m.DISK_DEVICE_REQUIRED,
)
case("disk-device-relative", V33, disk(device="sda"), E, (*D0, "device"), m.PATH_RELATIVE)
case(
    "partition-numbers-collide",
    (V30, V36),
    disk({"number": 1, "label": "a"}, {"number": 1, "label": "b"}),
    E,
    P1,
    m.PARTITION_NUMBERS_COLLIDE,
)
case(
    "partitions-overlap",
    (V31, V37X),
    disk(
        {"number": 1, "startMiB": 1, "sizeMiB": 10},
        {"number": 2, "startMiB": 5, "sizeMiB": 10},
    ),
    E,
    P1,
    m.PARTITIONS_OVERLAP,
)
case(
    "should-not-exist-with-unnumbered",
    V32,
    disk({"number": 1, "shouldExist": False}, {"label": "x"}),
    E,
    (*D0, "partitions"),
    m.ZEROES_WITH_SHOULD_NOT_EXIST,
)
case(
    "partition-label-twice",
    (V30, V36),
    disk({"number": 1, "label": "a"}, {"number": 2, "label": "a"}),
    E,
    P1,
    m.DUPLICATE_LABELS,
)
case(
    "should-not-exist-with-size",
    ALL,
    disk({"number": 1, "shouldExist": False, "sizeMiB": 5}),
    E,
    P0,
    m.SHOULD_NOT_EXIST_WITH_OTHERS,
)
case(
    "should-not-exist-with-type-guid",
    V33,
    disk({"number": 1, "shouldExist": False, "typeGuid": "0FC63DAF-8483-4772-8E79-3D69D8477DE4"}),
    E,
    P0,
    m.SHOULD_NOT_EXIST_WITH_OTHERS,
)
case(
    "should-not-exist-with-label",
    (V30, V33, V36, V37X),
    disk({"number": 1, "shouldExist": False, "label": "old"}),
    E,
    P0,
    m.SHOULD_NOT_EXIST_WITH_OTHERS,
)
case(
    "partition-empty-label-twice",
    V33,
    disk({"number": 1, "label": ""}, {"number": 2, "label": ""}),
    E,
    P1,
    m.DUPLICATE_LABELS,
)
case("partition-no-number-no-label", ALL, disk({"sizeMiB": 5}), E, P0, m.NEED_LABEL_OR_NUMBER)
case(
    "partition-label-too-long",
    (V30, V36),
    disk({"number": 1, "label": "x" * 37}),
    E,
    (*P0, "label"),
    m.LABEL_TOO_LONG,
)
case(
    "partition-label-too-long-bytes",
    V34,
    disk({"number": 1, "label": "é" * 19}),
    E,
    (*P0, "label"),
    m.LABEL_TOO_LONG,
)
case(
    "partition-label-colon",
    (V30, V35),
    disk({"number": 1, "label": "a:b"}),
    E,
    (*P0, "label"),
    m.LABEL_CONTAINS_COLON,
)
case(
    "partition-guid-form",
    (V30, V36),
    disk({"number": 1, "guid": "not-a-guid"}),
    E,
    (*P0, "guid"),
    m.GUID_FORM,
)
case(
    "partition-type-guid-form",
    V33,
    disk({"number": 1, "typeGuid": "0FC63DAF-8483-4772-8E79-3D69D8477DE"}),
    E,
    (*P0, "typeGuid"),
    m.GUID_FORM,
)
case(
    "partition-duplicate-number",
    V34,
    disk({"number": 3}, {"number": 3}),
    E,
    P1,
    m.DUPLICATE,
)
case(
    "partition-duplicate-unnumbered",
    V30,
    disk({"sizeMiB": 1}, {"sizeMiB": 2}),
    E,
    P1,
    m.DUPLICATE,
)
case(
    "disk-duplicate-device",
    V32,
    {"storage": {"disks": [{"device": "/dev/sda"}, {"device": "/dev/sda"}]}},
    E,
    ("storage", "disks", 1),
    m.DUPLICATE,
)
case(
    "fs-overwrites-partitioned-disk",
    (V30, V36),
    {
        "storage": {
            "disks": [{"device": "/dev/sda", "partitions": [{"number": 1}]}],
            "filesystems": [{"device": "/dev/sda", "format": "ext4"}],
        }
    },
    W,
    (*FS0, "device"),
    m.FS_OVERWRITES_PARTITIONED,
)
case(
    "fs-on-wiped-disk",
    (V31, V37X),
    {
        "storage": {
            "disks": [{"device": "/dev/sdb", "wipeTable": True}],
            "filesystems": [{"device": "/dev/sdb", "format": "xfs"}],
        }
    },
    W,
    (*FS0, "device"),
    m.FS_ON_WIPED_DISK,
)

# --- raid -------------------------------------------------------------------------------
case(
    "raid-level-empty",
    (V30, V31, V32),
    raid(level="", devices=["/dev/sda"]),
    E,
    (*R0, "level"),
    m.RAID_LEVEL_UNKNOWN,
)
case(
    "raid-level-empty",
    SINCE_33,
    raid(level="", devices=["/dev/sda"]),
    E,
    (*R0, "level"),
    m.RAID_LEVEL_REQUIRED,
)
case(
    "raid-level-missing",
    V36,
    raid(devices=["/dev/sda"]),
    E,
    (*R0, "level"),
    m.RAID_LEVEL_REQUIRED,
)
case(
    "raid-level-unknown",
    (V30, V36),
    raid(level="raid7", devices=["/dev/sda"]),
    E,
    (*R0, "level"),
    m.RAID_LEVEL_UNKNOWN,
)
for _level in ("linear", "raid0", "0", "stripe"):
    case(
        f"raid-spares-{_level}",
        V33,
        raid(level=_level, devices=["/dev/sda", "/dev/sdb"], spares=1),
        E,
        (*R0, "level"),
        m.RAID_SPARES,
    )
case(
    "raid-no-devices",
    (V30, V36),
    raid(level="raid1", devices=[]),
    E,
    (*R0, "devices"),
    m.RAID_DEVICES_REQUIRED,
)
case(
    "raid-device-relative",
    V34,
    raid(level="raid1", devices=["/dev/sda", "sdb"]),
    E,
    (*R0, "devices", 1),
    m.PATH_RELATIVE,
)
case(
    "raid-device-duplicate",
    V31,
    raid(level="raid1", devices=["/dev/sda", "/dev/sda"]),
    E,
    (*R0, "devices", 1),
    m.DUPLICATE,
)
case(
    "raid-duplicate-name",
    V35,
    {"storage": {"raid": [{"name": "md", "level": "1", "devices": ["/dev/sda"]}] * 2}},
    E,
    ("storage", "raid", 1),
    m.DUPLICATE,
)
case(
    "raid-name-empty",
    V36,
    {"storage": {"raid": [{"name": "", "level": "raid1", "devices": ["/dev/sda"]}]}},
    W,
    (*R0, "name"),
    m.EMPTY_NAME,
)

# --- filesystems ------------------------------------------------------------------------
case(
    "fs-path-relative",
    ALL,
    filesystem(format="ext4", path="var"),
    E,
    (*FS0, "path"),
    m.PATH_RELATIVE,
)
case(
    "fs-device-relative",
    V33,
    filesystem(device="sdc", format="ext4"),
    E,
    (*FS0, "device"),
    m.PATH_RELATIVE,
)
case("fs-device-empty", V36, filesystem(device="", format="ext4"), E, (*FS0, "device"), m.NO_PATH)
case(
    "fs-format-missing-with-path",
    (V30, V36),
    filesystem(path="/var"),
    E,
    (*FS0, "format"),
    m.FORMAT_NIL_WITH_OTHERS,
)
case(
    "fs-format-missing-with-wipe",
    V32,
    filesystem(wipeFilesystem=True),
    E,
    (*FS0, "format"),
    m.FORMAT_NIL_WITH_OTHERS,
)
case(
    "fs-format-missing-with-mount-options",
    V31,
    filesystem(mountOptions=["ro"]),
    E,
    (*FS0, "format"),
    m.FORMAT_NIL_WITH_OTHERS,
)
case(
    "fs-format-unknown",
    (V30, V36),
    filesystem(format="ntfs"),
    E,
    (*FS0, "format"),
    m.FORMAT_INVALID,
)
case(
    "fs-format-none-before-3.3",
    (V30, V32),
    filesystem(format="none"),
    E,
    (*FS0, "format"),
    m.FORMAT_INVALID,
)
case(
    "fs-label-without-format",
    V34,
    filesystem(label="data"),
    E,
    (*FS0, "label"),
    m.LABEL_NEEDS_FORMAT,
)
for _fmt, _limit in [("ext4", 16), ("btrfs", 256), ("xfs", 12), ("swap", 15), ("vfat", 11)]:
    case(
        f"fs-label-too-long-{_fmt}",
        V33,
        filesystem(format=_fmt, label="L" * (_limit + 1)),
        E,
        (*FS0, "label"),
        m.label_too_long(_fmt, _limit),
    )
case(
    "fs-duplicate-device",
    V36,
    {"storage": {"filesystems": [{"device": "/dev/sdc", "format": "ext4"}] * 2}},
    E,
    ("storage", "filesystems", 1),
    m.DUPLICATE,
)

# --- luks -------------------------------------------------------------------------------
CLEVIS: JsonPath = (*L0, "clevis")
TANG0: JsonPath = (*CLEVIS, "tang", 0)
case("luks-name-slash", (V32, V36), luks(name="a/b"), E, (*L0, "name"), m.LUKS_NAME_SLASH)
case("luks-label-too-long", V33, luks(label="x" * 48), E, (*L0, "label"), m.LUKS_LABEL_TOO_LONG)
case(
    "luks-device-missing",
    (V32, V36),
    {"storage": {"luks": [{"name": "data"}]}},
    E,
    (*L0, "device"),
    m.DISK_DEVICE_REQUIRED,
)
case("luks-device-dirty", V34, luks(device="/dev//sdb"), E, (*L0, "device"), m.DIRTY_PATH)
case(
    "clevis-custom-with-tpm2",
    V32,
    luks(clevis={"tpm2": True, "custom": {"pin": "tpm2", "config": "{}"}}),
    E,
    CLEVIS,
    m.CLEVIS_CUSTOM_WITH_OTHERS,
)
case(
    "clevis-empty-custom-object-with-tpm2",
    V32,
    luks(clevis={"tpm2": True, "custom": {}}),
    E,
    CLEVIS,
    m.CLEVIS_CUSTOM_WITH_OTHERS,
)
case(
    "clevis-custom-with-tang",
    (V33, V36),
    luks(
        clevis={
            "tang": [{"url": HTTP, "thumbprint": "t"}],
            "custom": {"pin": "tang", "config": "{}"},
        }
    ),
    E,
    CLEVIS,
    m.CLEVIS_CUSTOM_WITH_OTHERS,
)
case(
    "clevis-custom-with-threshold",
    V35,
    luks(clevis={"threshold": 2, "custom": {"pin": "sss", "config": "{}"}}),
    E,
    CLEVIS,
    m.CLEVIS_CUSTOM_WITH_OTHERS,
)
case(
    "clevis-custom-pin-unknown",
    (V32, V33, V34, V35),
    luks(clevis={"custom": {"pin": "yubikey", "config": "{}"}}),
    E,
    (*CLEVIS, "custom", "pin"),
    m.CLEVIS_PIN_UNKNOWN,
)
case(
    "clevis-custom-pin-missing",
    (V33, V36),
    luks(clevis={"custom": {"config": "{}"}}),
    E,
    (*CLEVIS, "custom", "pin"),
    m.CLEVIS_PIN_REQUIRED,
)
case(
    "clevis-custom-config-missing",
    (V32, V36),
    luks(clevis={"custom": {"pin": "tpm2"}}),
    E,
    (*CLEVIS, "custom", "config"),
    m.CLEVIS_CONFIG_REQUIRED,
)
case(
    "tang-url-scheme",
    (V32, V36),
    luks(clevis={"tang": [{"url": "ftp://t", "thumbprint": "t"}]}),
    E,
    (*TANG0, "url"),
    m.INVALID_SCHEME,
)
case(
    "tang-url-unparsable",
    V33,
    luks(clevis={"tang": [{"url": "http://t/%zz", "thumbprint": "t"}]}),
    E,
    (*TANG0, "url"),
    m.INVALID_URL,
)
case(
    "tang-thumbprint-missing",
    (V32, V36),
    luks(clevis={"tang": [{"url": HTTP}]}),
    E,
    (*TANG0, "thumbprint"),
    m.TANG_THUMBPRINT_REQUIRED,
)
case(
    "tang-advertisement-not-json",
    SINCE_34,
    luks(clevis={"tang": [{"url": HTTP, "thumbprint": "t", "advertisement": "{nope"}]}),
    E,
    (*TANG0, "advertisement"),
    m.TANG_ADVERTISEMENT_JSON,
)
case(
    "tang-duplicate-url",
    V34,
    luks(clevis={"tang": [{"url": HTTP, "thumbprint": "a"}, {"url": HTTP, "thumbprint": "b"}]}),
    E,
    (*CLEVIS, "tang", 1),
    m.DUPLICATE,
)
case(
    "luks-key-file-source",
    (V32, V36),
    luks(keyFile={"source": "ftp://k"}),
    E,
    (*L0, "keys"),
    m.LUKS_KEY_FILE,
)
case(
    "luks-key-file-source-resource",
    V33,
    luks(keyFile={"source": "ftp://k"}),
    E,
    (*L0, "keyFile", "source"),
    m.INVALID_SCHEME,
)
case(
    "cex-with-clevis-tpm2",
    (V35, V36, V37X),
    luks(cex={"enabled": True}, clevis={"tpm2": True}),
    E,
    (*L0, "cex"),
    m.CEX_WITH_CLEVIS,
)
case(
    "cex-with-clevis-custom",
    V36,
    luks(cex={"enabled": True}, clevis={"custom": {"pin": "tpm2", "config": "{}"}}),
    E,
    (*L0, "cex"),
    m.CEX_WITH_CLEVIS,
)
case(
    "cex-with-key-file",
    (V35, V36),
    luks(cex={"enabled": True}, keyFile={"source": "data:,secret"}),
    E,
    (*L0, "cex"),
    m.CEX_WITH_KEY_FILE,
)
case(
    "luks-duplicate-name",
    V32,
    {"storage": {"luks": [{"name": "d", "device": "/dev/sdb"}] * 2}},
    E,
    ("storage", "luks", 1),
    m.DUPLICATE,
)
case("luks-name-empty", V36, luks(name=""), W, (*L0, "name"), m.EMPTY_NAME)

# --- systemd ----------------------------------------------------------------------------
case("unit-extension", ALL, units({"name": "foo"}), E, (*U0, "name"), m.UNIT_EXTENSION)
case("unit-extension-case", V33, units({"name": "foo.SERVICE"}), E, (*U0, "name"), m.UNIT_EXTENSION)
case(
    "unit-contents-eof",
    (V30, V36),
    units({"name": "a.service", "contents": "[Unit]\nfoo"}),
    E,
    (*U0, "contents"),
    "invalid unit content: EOF",
)
case(
    "unit-contents-open-section",
    V34,
    units({"name": "a.service", "contents": "[Service"}),
    E,
    (*U0, "contents"),
    "invalid unit content: unable to find end of section",
)
case(
    "unit-enabled-no-install",
    (V30, V36),
    units({"name": "a.service", "enabled": True, "contents": "[Service]\nExecStart=/bin/true\n"}),
    W,
    (*U0, "contents"),
    m.no_install_section("a.service"),
)
case(
    "unit-enabled-empty-install",
    V33,
    units({"name": "b.service", "enabled": True, "contents": "[Install]\n"}),
    W,
    (*U0, "contents"),
    m.no_install_section("b.service"),
)
case(
    "unit-enabled-whitespace",
    V32,
    units({"name": "c.timer", "enabled": True, "contents": "  "}),
    W,
    (*U0, "contents"),
    m.no_install_section("c.timer"),
)
case(
    "dropin-extension",
    (V30, V36),
    units({"name": "a.service", "dropins": [{"name": "x.txt", "contents": "[Unit]\n"}]}),
    E,
    (*U0, "dropins", 0, "name"),
    m.DROPIN_EXTENSION,
)
case(
    "dropin-contents",
    V35,
    units({"name": "a.service", "dropins": [{"name": "x.conf", "contents": "[Service"}]}),
    E,
    (*U0, "dropins", 0, "contents"),
    "invalid unit content: unable to find end of section",
)
case(
    "unit-duplicate-name",
    V31,
    units({"name": "a.service"}, {"name": "a.service"}),
    E,
    ("systemd", "units", 1),
    m.DUPLICATE,
)
case(
    "dropin-duplicate-name",
    V36,
    units({"name": "a.service", "dropins": [{"name": "x.conf"}, {"name": "x.conf"}]}),
    E,
    (*U0, "dropins", 1),
    m.DUPLICATE,
)

# --- passwd, kernel arguments -----------------------------------------------------------
case(
    "user-duplicate",
    (V30, V36),
    {"passwd": {"users": [{"name": "core"}, {"name": "core"}]}},
    E,
    ("passwd", "users", 1),
    m.DUPLICATE,
)
case(
    "group-duplicate",
    V33,
    {"passwd": {"groups": [{"name": "g"}, {"name": "g"}]}},
    E,
    ("passwd", "groups", 1),
    m.DUPLICATE,
)
case(
    "ssh-key-duplicate",
    V34,
    {"passwd": {"users": [{"name": "core", "sshAuthorizedKeys": ["k", "k"]}]}},
    E,
    ("passwd", "users", 0, "sshAuthorizedKeys", 1),
    m.DUPLICATE,
)
case(
    "user-groups-duplicate",
    V32,
    {"passwd": {"users": [{"name": "core", "groups": ["wheel", "wheel"]}]}},
    E,
    ("passwd", "users", 0, "groups", 1),
    m.DUPLICATE,
)
case(
    "user-name-empty",
    V35,
    {"passwd": {"users": [{"name": ""}]}},
    W,
    ("passwd", "users", 0, "name"),
    m.EMPTY_NAME,
)
case(
    "group-name-empty",
    V30,
    {"passwd": {"groups": [{"name": ""}]}},
    W,
    ("passwd", "groups", 0, "name"),
    m.EMPTY_NAME,
)
case(
    "kargs-should-not-exist-repeats-should-exist",
    SINCE_33,
    {"kernelArguments": {"shouldExist": ["quiet"], "shouldNotExist": ["quiet"]}},
    E,
    ("kernelArguments", "shouldNotExist", 0),
    m.DUPLICATE,
)
case(
    "kargs-should-exist-repeated",
    V36,
    {"kernelArguments": {"shouldExist": ["a", "a"]}},
    E,
    ("kernelArguments", "shouldExist", 1),
    m.DUPLICATE,
)


@pytest.mark.parametrize(("config", "expected"), CASES)
def test_rule_reports_entry(config: str, expected: Expected) -> None:
    parsed = parse_config(config)
    found = [(e.severity, e.path, e.message) for e in parsed.report]
    assert expected in found, "\n" + str(parsed.report)
    if expected[0] is Severity.ERROR:
        assert parsed.report.has_errors
        assert not parsed.ok
    else:
        # The rule only warns: the config stays valid.
        assert not parsed.report.has_errors, "\n" + str(parsed.report)
        assert parsed.ok


def test_enough_cases() -> None:
    assert len(CASES) >= 120


def test_every_message_is_covered() -> None:
    """Each constant in messages.py (bar the version-independent helpers) has a case."""
    covered = {expected[2] for _, expected in (p.values for p in CASES)}
    constants = {
        value for name, value in vars(m).items() if name.isupper() and isinstance(value, str)
    }
    assert constants - covered == set()


# --------------------------------------------------------------------------------------
# Configs one version refuses (or warns about) and another accepts.

ACCEPTED: list[Any] = []


def accepted(name: str, versions: str | tuple[str, ...], body: dict[str, Any], absent: str) -> None:
    for version in (versions,) if isinstance(versions, str) else versions:
        ACCEPTED.append(
            pytest.param(config_text(version, body), absent, id=f"{short(version)}-{name}")
        )


accepted("gs-scheme", SINCE_32, contents({"source": "gs://b/k"}), m.INVALID_SCHEME)
accepted("arn-object", SINCE_34, contents({"source": "arn:aws:s3:::b/k"}), m.INVALID_SCHEME)
accepted(
    "arn-accesspoint-object",
    V36,
    contents({"source": "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/k"}),
    m.INVALID_S3_ARN,
)
accepted(
    "empty-custom-object-with-tpm2",
    SINCE_33,
    luks(clevis={"tpm2": True, "custom": {}}),
    m.CLEVIS_CUSTOM_WITH_OTHERS,
)
accepted(
    "empty-guid",
    ALL,
    disk({"number": 1, "guid": "", "typeGuid": "0fc63daf-8483-4772-8e79-3d69d8477de4"}),
    m.GUID_FORM,
)
accepted("empty-key-file-source", SINCE_32, luks(keyFile={"source": ""}), m.LUKS_KEY_FILE)
accepted("tftp-scheme", ALL, contents({"source": "tftp://h/x"}), m.INVALID_SCHEME)
accepted(
    "s3-version-id", V30, contents({"source": "s3://b/k?versionId=3"}), m.INVALID_S3_VERSION_ID
)
accepted(
    "sha256",
    SINCE_31,
    contents({"source": HTTP, "verification": {"hash": SHA256}}),
    m.HASH_UNRECOGNIZED,
)
accepted("format-none", SINCE_33, filesystem(format="none"), m.FORMAT_INVALID)
accepted(
    "merge-without-source",
    V30,
    {"ignition": {"config": {"merge": [{"verification": {}}]}}},
    m.SOURCE_REQUIRED,
)
accepted(
    "link-without-target",
    (V30, V32),
    {"storage": {"links": [{"path": "/l"}]}},
    m.LINK_TARGET_REQUIRED,
)
accepted("setuid-file", (V36, V37X), files({"path": "/f", "mode": 0o4755}), m.MODE_SPECIAL_BITS)
accepted(
    "sticky-dir",
    V36,
    {"storage": {"directories": [{"path": "/t", "mode": 0o1777}]}},
    m.MODE_SPECIAL_BITS,
)
accepted(
    "custom-clevis-pin",
    (V36, V37X),
    luks(clevis={"custom": {"pin": "yubikey", "config": "{}"}}),
    m.CLEVIS_PIN_UNKNOWN,
)
# Upstream v2.26.0 has no parent check in any spec: the files stage fails instead.
for _message in (m.DUPLICATE, m.FILE_USED_SYMLINK):
    accepted(
        "parent-is-file",
        ALL,
        {"storage": {"files": [{"path": "/a"}, {"path": "/a/b"}]}},
        _message,
    )
accepted(
    "unit-without-contents-no-conflict",
    V36,
    {
        "storage": {"files": [{"path": "/etc/systemd/system/a.service"}]},
        "systemd": {"units": [{"name": "a.service", "enabled": True}]},
    },
    m.PATH_CONFLICTS_SYSTEMD,
)
accepted(
    "cex-without-clevis",
    (V35, V36),
    luks(cex={"enabled": True}),
    m.CEX_WITH_CLEVIS,
)
accepted(
    "cex-disabled-with-key-file",
    V35,
    luks(cex={"enabled": False}, keyFile={"source": "data:,k"}),
    m.CEX_WITH_KEY_FILE,
)
accepted(
    "raid-level-set", SINCE_33, raid(level="raid1", devices=["/dev/sda"]), m.RAID_LEVEL_REQUIRED
)
accepted(
    "header-null-value",
    V36,
    contents({"source": HTTP, "httpHeaders": [{"name": "A", "value": None}]}),
    m.HEADER_INVALID,
)
accepted(
    "unit-dot-service",
    V33,
    units({"name": ".service"}),
    m.UNIT_EXTENSION,
)
accepted(
    "masked-unit-without-install",
    V36,
    units({"name": "a.service", "mask": True, "contents": "[Service]\nExecStart=/x\n"}),
    m.no_install_section("a.service"),
)
accepted(
    "duplicate-raid-options",
    V33,
    raid(level="raid1", devices=["/dev/sda"], options=["--x", "--x"]),
    m.DUPLICATE,
)


@pytest.mark.parametrize(("config", "absent"), ACCEPTED)
def test_version_accepts(config: str, absent: str) -> None:
    parsed = parse_config(config)
    assert absent not in [e.message for e in parsed.report], "\n" + str(parsed.report)
    assert not parsed.report.has_errors, "\n" + str(parsed.report)
    assert parsed.ok


# --------------------------------------------------------------------------------------
# Special mode bits in the translated (newest-spec) model.


@pytest.mark.parametrize("version", ALL)
def test_special_bits_kept_only_from_3_6(version: str) -> None:
    body = {
        "storage": {
            "files": [{"path": "/f", "mode": 0o4755}],
            "directories": [{"path": "/d", "mode": 0o1777}],
        }
    }
    parsed = parse_config(config_text(version, body))
    assert parsed.ok
    assert parsed.config is not None and parsed.config.storage is not None
    kept = version in (V36, V37X)
    assert parsed.config.storage.files[0].mode == (0o4755 if kept else 0o755)
    assert parsed.config.storage.directories[0].mode == (0o1777 if kept else 0o777)
    warned = [e for e in parsed.report if e.severity is Severity.WARNING]
    assert len(warned) == (0 if kept else 2)


# --------------------------------------------------------------------------------------
# Line and column of entries on multi-line configs.

POSITIONED = [
    pytest.param(
        '{\n  "ignition": {"version": "3.3.0"},\n  "storage": {"files": [{"path": "rel"}]}\n}\n',
        "error at $.storage.files.0.path, line 3 col 34: path not absolute",
        id="string-value",
    ),
    pytest.param(
        '{"ignition": {"version": "3.0.0"},\n"storage": {\n  "files": [\n'
        '    {"path": "/f", "mode": 4096}\n  ]\n}}',
        "error at $.storage.files.0.mode, line 4 col 28: illegal file mode",
        id="number-value",
    ),
    pytest.param(
        '{"ignition": {"version": "3.6.0"},\n "storage": {"disks": [\n'
        '  {"device": "/dev/sda", "partitions": [{"number": 1, "shouldExist": false},\n'
        '   {"label": "x"}]}]}}',
        "error at $.storage.disks.0.partitions, line 3 col 41: "
        "shouldExist is false for a partition and other partition(s) has start or size 0",
        id="array-after-bracket",
    ),
    pytest.param(
        '{"ignition": {"version": "3.2.0"},\n "storage": {"disks": [\n'
        '  {"device": "/dev/sda", "partitions": [{"number": 1},\n'
        '                                      {"number": 1}]}]}}',
        "error at $.storage.disks.0.partitions.1, line 4 col 40: partition numbers collide",
        id="object-after-brace",
    ),
    pytest.param(
        '{"ignition": {"version": "3.4.0"},\n "storage": {"luks": [\n    {"name": "data"}\n ]}}',
        "error at $.storage.luks.0.device, line 3 col 6: disk device is required",
        id="missing-field-enclosing-object",
    ),
    pytest.param(
        '{"ignition": {"version": "3.2.0"},\n "storage": {"luks": [\n'
        '  {"name": "d", "device": "/dev/sdb", "keyFile": {"source": "ftp://k"}}]}}',
        "error at $.storage.luks.0.keys, line 3 col 4: invalid key-file source",
        id="luks-keys-falls-back-to-object",
    ),
    pytest.param(
        '{"ignition": {"version": "3.3.0"},\n "storage": {"links": [\n    {"path": "/l"}]}}',
        "error at $.storage.links.0.target, line 3 col 6: link target is required",
        id="missing-target-enclosing-object",
    ),
    pytest.param(
        '{"ignition": {"version": "3.1.0"},\n\t"storage": {"files": [{"path": "/é/x",\n'
        '\t  "contents": {"source": "gs://b/k"}}]}}',
        "error at $.storage.files.0.contents.source, line 3 col 27: invalid url scheme",
        id="tab-counts-one",
    ),
    pytest.param(
        '{"ignition": {"version": "3.1.0"},\n'
        ' "storage": {"files": [{"path": "/é", "mode": 8192}]}}',
        "error at $.storage.files.0.mode, line 2 col 48: illegal file mode",
        id="bytes-not-characters",
    ),
    pytest.param(
        '{"ignition": {"version": "3.3.0"},\r\n "systemd": {"units": [{"name": "x"}]}}',
        "error at $.systemd.units.0.name, line 2 col 33: invalid systemd unit extension",
        id="crlf",
    ),
    pytest.param(
        '{"ignition": {"version": "3.5.0",\n  "proxy": {"httpsProxy": "http://p"}}}',
        "warning at $.ignition.proxy.httpsProxy, line 2 col 27: "
        "insecure plaintext HTTP proxy specified for HTTPS resources",
        id="warning",
    ),
    pytest.param(
        '{"ignition": {"version": "3.6.0"},\n "storage": {\n'
        '  "files": [{"path": "/a"}],\n  "directories": [{"path": "/a"}]}}',
        "error at $.storage.files.0, line 3 col 14: duplicate entry defined",
        id="duplicate-object",
    ),
    pytest.param(
        '{\n  "ignition": {"version": "3.3"}\n}',
        "error at $.ignition.version, line 2 col 27: invalid config version (couldn't parse)",
        id="version",
    ),
]


@pytest.mark.parametrize(("config", "text"), POSITIONED)
def test_entry_position(config: str, text: str) -> None:
    assert text in [str(e) for e in parse_config(config).report]


@pytest.mark.parametrize("version", (V30, V33, V34, V35))
def test_negative_mode_is_illegal_and_has_special_bits(version: str) -> None:
    # Go reads -1 as uint32, so every special bit is set.
    report = parse_config(config_text(version, files({"path": "/f", "mode": -1}))).report
    found = {(e.severity, e.message) for e in report if e.path == (*F0, "mode")}
    assert found == {(E, m.ILLEGAL_MODE), (W, m.MODE_SPECIAL_BITS)}


def test_missing_path_has_no_position() -> None:
    (entry,) = parse_config("{}").report
    assert str(entry) == "error: invalid config version (couldn't parse)"
    assert entry.line is None and entry.path is None


def test_entry_fields_are_exposed() -> None:
    report = parse_config(
        '{"ignition": {"version": "3.6.0"},\n"storage": {"files": [{"path": "x"}]}}'
    ).report
    (entry,) = report
    assert entry.severity is Severity.ERROR
    assert entry.path == ("storage", "files", 0, "path")
    assert entry.message == m.PATH_RELATIVE
    assert (entry.line, entry.column) == (2, 32)


@pytest.mark.parametrize("version", (V30, V33, V35))
def test_same_path_before_3_6_is_only_a_duplicate(version: str) -> None:
    body = {"storage": {"files": [{"path": "/a"}], "directories": [{"path": "/a"}]}}
    found = [(e.path, e.message) for e in parse_config(config_text(version, body)).report]
    assert found == [(F0, m.DUPLICATE)]
