"""Inputs at the decoder's limits read as upstream v2.26.0 reads them, never a traceback:
nesting as deep as Go allows, numbers Python will not convert, escaped lone surrogates."""

from __future__ import annotations

import json

from ignition_py.config.parse import parse_config

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
