"""Inputs that are not plain, well-formed spec 3 configs: each gets a clear answer."""

from __future__ import annotations

import json

import pytest

from ignition_py.config.parse import parse_config
from ignition_py.config.report import Severity


def messages(raw: bytes | str) -> list[str]:
    return [str(e) for e in parse_config(raw).report]


@pytest.mark.parametrize("raw", ["", b""])
def test_empty_input_is_not_a_config(raw: str | bytes) -> None:
    assert messages(raw) == ["error: not a config (empty)"]


def test_blank_input_ends_early_as_in_go() -> None:
    assert messages("   \n\t") == ["error at line 2 col 2: unexpected end of JSON input"]


def test_butane_yaml_is_translated_not_refused() -> None:
    parsed = parse_config("variant: fcos\nversion: 1.5.0\nstorage:\n  files: []\n")
    assert parsed.ok, str(parsed.report)
    assert str(parsed.version) == "3.4.0"


def test_other_yaml_is_named_as_yaml() -> None:
    _, hint = messages("ignition:\n  version: 3.4.0\n")
    assert "YAML, not JSON" in hint


@pytest.mark.parametrize("version", ["2.0.0", "2.2.0", "2.4.0"])
def test_spec_2_is_read_as_flatcar_does(version: str) -> None:
    parsed = parse_config(json.dumps({"ignition": {"version": version}}))
    assert parsed.ok, str(parsed.report)
    assert str(parsed.version) == version
    assert parsed.config is not None and parsed.config.ignition.version == "3.6.0"


def test_spec_1_ignition_version_key() -> None:
    parsed = parse_config('{"ignitionVersion": 1}')
    assert parsed.ok, str(parsed.report)
    assert str(parsed.version) == "1.0.0"


@pytest.mark.parametrize("version", ["2.5.0", "1.0.0", "2.2.0-experimental"])
def test_other_spec_1_and_2_versions_are_refused(version: str) -> None:
    (only,) = messages(json.dumps({"ignition": {"version": version}}))
    assert only.startswith("error at $.ignition.version, line 1 col 26: unsupported config")


@pytest.mark.parametrize("version", ["3.8.0", "4.0.0", "3.7.1"])
def test_newer_version_is_unsupported(version: str) -> None:
    (only,) = messages(json.dumps({"ignition": {"version": version}}))
    assert f"unsupported config version {version}" in only


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ('{"ignition": {"version": "three"}}', "$.ignition.version"),
        ('{"ignition": {}}', None),
        ("{}", None),
    ],
)
def test_unparsable_or_missing_version(raw: str, path: str | None) -> None:
    (entry,) = parse_config(raw).report
    assert entry.message == "invalid config version (couldn't parse)"
    assert entry.path == (None if path is None else ("ignition", "version"))


def test_trailing_garbage_gives_position() -> None:
    (only,) = messages('{"ignition": {"version": "3.0.0"}}\n  xyz')
    # past the offending byte, as Go
    assert only == "error at line 2 col 4: invalid character 'x' after top-level value"


def test_syntax_error_gives_line_and_column_not_traceback() -> None:
    (only,) = messages('{\n  "ignition": {"version": "3.0.0",}\n}')
    assert only == (
        "error at line 2 col 36: invalid character '}' looking for beginning of object key string"
    )


def test_top_level_array_is_refused() -> None:
    # upstream's place: just inside the bracket, no path
    assert messages("[1, 2]") == [
        "error at line 1 col 2: json: cannot unmarshal array into Go value of type util.versionStub"
    ]


def test_duplicate_keys_last_wins_with_warning() -> None:
    result = parse_config(
        '{"ignition": {"version": "3.0.0"}, "storage": {"files": '
        '[{"path": "relative", "path": "/etc/last"}]}}'
    )
    assert result.config is not None and result.config.storage is not None
    assert result.config.storage.files[0].path == "/etc/last"
    (warning,) = result.report
    assert warning.severity is Severity.WARNING
    assert warning.path == ("storage", "files", 0, "path")
    assert "Duplicate key path" in warning.message


def test_keys_match_case_insensitively_like_go() -> None:
    result = parse_config(
        '{"IGNITION": {"Version": "3.2.0"}, "Passwd": {"USERS": [{"NAME": "core"}]}}'
    )
    assert result.ok, str(result.report)
    assert result.config is not None and result.config.passwd is not None
    assert result.config.passwd.users[0].name == "core"


def test_case_variants_take_the_last_in_document_order() -> None:
    result = parse_config(
        '{"ignition": {"version": "3.0.0"}, "systemd": {"units": '
        '[{"name": "a.service", "Name": "b.service", "name": "c.service"}]}}'
    )
    assert result.config is not None and result.config.systemd is not None
    assert result.config.systemd.units[0].name == "c.service"


def test_null_means_unset_for_optional_fields() -> None:
    result = parse_config(
        '{"ignition": {"version": "3.1.0", "proxy": null, "config": {"replace": null}},'
        ' "storage": {"files": [{"path": "/etc/a", "mode": null, "contents": null}]}}'
    )
    assert result.ok, str(result.report)
    assert result.config is not None and result.config.storage is not None
    assert result.config.storage.files[0].mode is None


def test_invalid_utf8_inside_a_string_is_accepted() -> None:
    raw = b'{"ignition": {"version": "3.0.0"}, "passwd": {"users": [{"name": "c\xffre"}]}}'
    result = parse_config(raw)
    assert not result.report.has_errors
    assert result.config is not None and result.config.passwd is not None
    assert result.config.passwd.users[0].name == "c\ufffdre"


def test_unknown_keys_are_warnings_with_the_key_position() -> None:
    result = parse_config('{\n "ignition": {"version": "3.0.0"},\n   "bogus": 1\n}')
    (entry,) = result.report
    assert str(entry) == "warning at $.bogus, line 3 col 4: unused key bogus"
    assert result.ok


def test_field_newer_than_the_version_is_an_unused_key() -> None:
    result = parse_config('{"ignition": {"version": "3.0.0", "proxy": {}}}')
    assert [str(e) for e in result.report] == [
        "warning at $.ignition.proxy, line 1 col 35: unused key proxy"
    ]


def test_compression_on_3_0_merge_source_is_unknown_but_fine_on_file_contents() -> None:
    result = parse_config(
        '{"ignition": {"version": "3.0.0", "config": {"merge": [{"source": "data:,", '
        '"compression": "gzip"}]}}, "storage": {"files": [{"path": "/a", '
        '"contents": {"compression": "gzip", "source": "data:,"}}]}}'
    )
    assert [e.path for e in result.report] == [("ignition", "config", "merge", 0, "compression")]


def test_type_errors_are_all_reported_with_paths() -> None:
    result = parse_config(
        '{"ignition": {"version": "3.1.0"}, "storage": {"files": [{"path": 3, "mode": "x"}, 7]},'
        ' "systemd": {"units": [{"enabled": "yes", "name": "a.service"}]}}'
    )
    paths = {e.path for e in result.report.errors()}
    assert paths == {
        ("storage", "files", 0, "path"),
        ("storage", "files", 0, "mode"),
        ("storage", "files", 1),
        ("systemd", "units", 0, "enabled"),
    }
