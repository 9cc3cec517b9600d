"""Inputs at the decoder's limits read as upstream v2.26.0 reads them, never a traceback:
nesting as deep as Go allows, numbers Python will not convert, escaped lone surrogates."""

from __future__ import annotations

import io
import json
import os
import threading

import pytest

from ignition_py.config.parse import parse_config
from ignition_py.log import Logger
from ignition_py.resources.dataurl import decode_data_url
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import upstream_validate

HEAD = '{"ignition":{"version":"3.4.0"},'


def messages(raw: bytes | str) -> list[str]:
    return [str(e) for e in parse_config(raw).report]


def test_deep_unknown_value_is_only_an_unused_key() -> None:
    # Go nests up to 10000 levels; Python's json stops near 1000.
    text = HEAD + '"x":' + "[" * 5000 + "]" * 5000 + "}"
    assert messages(text) == ["warning at $.x, line 1 col 33: unused key x"]


def test_nesting_deeper_than_go_is_its_syntax_error() -> None:
    text = HEAD + '"x":' + "[" * 10001 + "]" * 10001 + "}"
    assert messages(text) == ["error at line 1 col 10037: invalid character '[' exceeded max depth"]


def test_deep_value_of_the_wrong_type_is_a_type_error() -> None:
    text = HEAD + '"storage":{"files":[{"path":' + "[" * 3000 + "]" * 3000 + "}]}}"
    assert messages(text) == [
        "error at $.storage.files.0.path, line 1 col 62: json: cannot unmarshal array into Go "
        "struct field File.storage.files.Node.path of type string"
    ]


def test_version_numbers_beyond_int64_do_not_parse() -> None:
    for number in ("9" * 5000, str(1 << 63)):
        text = json.dumps({"ignition": {"version": f"3.{number}.0"}}, separators=(",", ":"))
        assert messages(text) == [
            "error at $.ignition.version, line 1 col 24: invalid config version (couldn't parse)"
        ]


def test_version_digits_are_ascii_only() -> None:
    text = json.dumps({"ignition": {"version": "3.1\u0664.0"}}, separators=(",", ":"))
    assert messages(text) == [
        "error at $.ignition.version, line 1 col 24: invalid config version (couldn't parse)"
    ]


def test_lone_surrogate_escape_reads_as_replacement_character() -> None:
    text = HEAD + r'"storage":{"files":[{"path":"/a\ud800b\udc00\ud83d\ude00"}]}}'
    result = parse_config(text)
    assert result.ok, messages(text)
    assert result.config is not None and result.config.storage is not None
    path = result.config.storage.files[0].path
    assert path == "/a\ufffdb\ufffd\U0001f600"
    path.encode()  # encodable: a log line or a file name can carry it


def test_lone_surrogate_in_a_key_reads_as_replacement_character() -> None:
    assert messages(HEAD + r'"x\udfff":1}') == [
        "warning at $.x\ufffd, line 1 col 33: unused key x\ufffd"
    ]


def test_log_line_with_a_lone_surrogate_is_written_escaped() -> None:
    # os.fsdecode keeps an undecodable byte of a file name as a lone surrogate
    stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    Logger("files", stream=stream).info("writing file " + os.fsdecode(b"/etc/a\xff"))
    stream.seek(0)
    assert stream.read() == "INFO     : files: writing file /etc/a\\udcff\n"


@pytest.mark.parametrize(
    "source",
    [
        b"data:,a\xffb",
        b"data:,a\xc3\xa9b",
        b"data:,a\\u00e9b",
        b"data:,a\\ud800b",
        b"data:;base64,YQ\xff==",
    ],
    ids=["invalid-utf8", "raw-non-ascii", "escaped-non-ascii", "lone-surrogate", "base64"],
)
def test_data_url_with_non_ascii_is_refused_as_upstream(source: bytes) -> None:
    # v2.26.0: the data URL lexer takes no character outside ASCII; U+FFFD included, so
    # the config's lossy decode of invalid UTF-8 cannot turn bytes into accepted text.
    raw = (
        HEAD.encode() + b'"storage":{"files":[{"path":"/a","contents":{"source":"%s"}}]}}' % source
    )
    errors = [str(e) for e in parse_config(raw).report.errors()]
    assert errors == [
        "error at $.storage.files.0.contents.source, line 1 col 87: invalid data character"
    ]


def test_data_url_escapes_decode_to_the_exact_bytes() -> None:
    assert decode_data_url("data:,%ff%c3%00a") == b"\xff\xc3\x00a"
    assert decode_data_url("data:;base64,/w==") == b"\xff"


def test_deep_text_without_a_thread_for_it_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_thread(self: threading.Thread) -> None:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", no_thread)
    text = HEAD + '"x":' + "[" * 5000 + "]" * 5000 + "}"
    assert messages(text) == ["error: invalid JSON: nested deeper than this machine can read"]


@pytest.mark.parametrize(
    "text",
    [
        HEAD + '"x":' + "[" * 5000 + "]" * 5000 + "}",
        HEAD + '"x":' + "[" * 10001 + "]" * 10001 + "}",
        HEAD + '"storage":{"files":[{"path":' + "[" * 3000 + "]" * 3000 + "}]}}",
    ],
    ids=["deep", "too-deep", "deep-wrong-type"],
)
def test_deep_text_as_upstream(text: str) -> None:
    require(UPSTREAM)
    status, out = upstream_validate(text)
    result = parse_config(text)
    assert result.report.has_errors == (status == 1)
    ours = [str(e) for e in result.report]
    # upstream names no JSON path for a type error; line and column agree
    assert [line.replace("error at $.storage.files.0.path, ", "error at ") for line in ours] == [
        line for line in out.splitlines() if line
    ]
