"""The Butane front end on its own: scalars read as yaml.v3 reads them, what counts as a
Butane text, placement of problems on the YAML, secrets kept out of reports, and `local`
refused without a files directory (as at boot)."""

from __future__ import annotations

import pytest

from ignition_py.butane.front import translate_butane
from ignition_py.butane.yaml_tree import resolve_plain
from ignition_py.config.butane_text import looks_like_butane
from ignition_py.config.parse import parse_config


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("0644", "int", 420),  # Go's base-0 integers: a leading zero is octal
        ("0o17", "int", 15),
        ("0x1ed", "int", 493),
        ("1_000", "int", 1000),
        ("08", "float", 8.0),  # not octal, so a float (which an int field takes)
        ("yes", "str", "yes"),  # YAML 1.2: only true/false are booleans
        ("True", "bool", True),
        ("~", "null", None),
        ("", "null", None),
        ("9223372036854775808", "int", 1 << 63),  # ParseUint's: too big for an int field
        ("18446744073709551616", "float", 2.0**64),
    ],
)
def test_plain_scalars_resolve_as_yaml_v3(text: str, kind: str, value: object) -> None:
    assert resolve_plain(text) == (kind, value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("variant: fcos\nversion: 1.5.0\n", True),
        (b"# comment\nversion: 1.5.0\nvariant: flatcar\n", True),
        ('{"variant": "fcos"}', False),
        ("[]\nvariant: fcos\n", False),
        ("storage:\n  variant: fcos\n", False),  # not top level
        ('"variant": fcos\nversion: 1.5.0\n', True),  # Butane reads a quoted key alike
        (b"'variant' : fcos\nversion: 1.5.0\n", True),
        ("", False),
    ],
)
def test_what_is_a_butane_text(raw: str | bytes, expected: bool) -> None:
    assert looks_like_butane(raw) is expected


def test_problems_name_the_butane_path_and_yaml_place() -> None:
    text = "variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - path: etc/x\n      mode: 644\n"
    shown = [str(e) for e in parse_config(text).report]
    assert shown == [
        "warning at $.storage.files.0.mode, line 6 col 13: unreasonable mode would be "
        "reasonable if specified in octal; remember to add a leading zero",
        "error at $.storage.files.0.path, line 5 col 13: path not absolute",
        "warning at $.storage.files.0.mode, line 6 col 13: setuid/setgid/sticky bits are not "
        "supported or functional in spec versions older than 3.6.0",
    ]


def test_every_type_error_at_once_by_line() -> None:
    text = "variant: fcos\nversion: 1.4.0\nstorage:\n  files:\n    - mode: x\n      overwrite: 7\n"
    shown = [str(e) for e in parse_config(text).report]
    assert shown == [
        "error at $.storage.files.0.mode, line 5 col 13: cannot unmarshal !!str `x` into int",
        "error at $.storage.files.0.overwrite, line 6 col 18: cannot unmarshal !!int `7` into bool",
    ]


def test_secrets_stay_out_of_the_report() -> None:
    secret = "$6$rounds=4096$saltsalt$hashhashhash"
    text = (
        "variant: fcos\nversion: 1.5.0\npasswd:\n  users:\n    - name: core\n"
        f"      password_hash: '{secret}'\n      pasword_hash: '{secret}'\n"
        "storage:\n  luks:\n    - name: d\n      device: /dev/vdb\n"
        "      key_file:\n        inline: topsecretkey\n        source: https://x/k\n"
    )
    report = str(parse_config(text).report)
    assert "unused key pasword_hash" in report
    assert "only one of the following can be set" in report
    assert secret not in report and "topsecretkey" not in report


def test_local_contents_are_refused_without_a_files_dir() -> None:
    text = (
        "variant: fcos\nversion: 1.5.0\nstorage:\n  files:\n    - path: /a\n"
        "      contents:\n        local: a\n"
    )
    translated = translate_butane(text)
    assert translated.tree is None
    (entry,) = translated.entries
    assert entry.path == ("storage", "files", 0, "contents", "local")
    assert "must be specified with -d/--files-dir" in entry.message


def test_a_mount_unit_the_user_also_names_is_merged_into() -> None:
    text = (
        "variant: fcos\nversion: 1.5.0\nstorage:\n  filesystems:\n    - device: /dev/vdb\n"
        "      format: ext4\n      path: /var/srv\n      with_mount_unit: true\n"
        "systemd:\n  units:\n    - name: other.service\n    - name: var-srv.mount\n"
        "      enabled: false\n"
    )
    translated = translate_butane(text)
    assert translated.tree is not None
    units = translated.tree["systemd"]["units"]
    assert [u["name"] for u in units] == ["var-srv.mount", "other.service"]
    assert units[0]["enabled"] is False and "Where=/var/srv" in units[0]["contents"]
    # the user's unit moved to index 0: problems about it still point at its YAML
    assert translated.sources[("systemd", "units", 0, "enabled")] == (
        "systemd", "units", 1, "enabled",
    )  # fmt: skip


def test_a_binary_variant_and_version_are_read_decoded_as_butane_reads_them() -> None:
    tree = translate_butane("variant: !!binary ZmNvcw==\nversion: !!binary MS41LjA=\n").tree
    assert tree == {"ignition": {"version": "3.4.0"}}


def test_a_quoted_variant_key_is_translated_and_a_nested_one_hinted() -> None:
    assert [str(e) for e in parse_config('"variant": fcos\nversion: 1.5.0\n').report] == []
    nested = [str(e) for e in parse_config("  'variant': fcos\n  version: 1.5.0\n").report]
    assert any("`variant:` is not a top-level key" in e for e in nested), nested


def test_a_tagged_scalar_document_names_its_tag_once() -> None:
    for text, tag in [("!!foo abc", "!!foo"), ("!foo abc", "!foo"), ("2001-01-01", "!!timestamp")]:
        shown = [str(e) for e in translate_butane(text + "\n").entries]
        assert shown == [f"error at line 1 col 1: cannot unmarshal {tag} into a Butane config"]
