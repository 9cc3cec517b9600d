"""The YAML reader on hostile and unusual texts, as yaml.v3 (Butane v0.29.0) reads them:
self-referring and nested aliases, merge keys, !!binary, the input's UTF-8, complex keys,
deep nesting. Never a traceback, never a hang."""

from __future__ import annotations

import json

import pytest

from ignition_py.butane.front import translate_butane
from ignition_py.butane.yaml_graph import compose
from ignition_py.config.butane_text import looks_like_butane
from ignition_py.config.parse import parse_config

HEAD = "variant: fcos\nversion: 1.5.0\n"


def _shown(raw: str | bytes) -> list[str]:
    return [str(e) for e in parse_config(raw).report]


def _files(text: str) -> list[dict[str, object]]:
    tree = translate_butane(HEAD + text).tree
    assert tree is not None
    files: list[dict[str, object]] = tree["storage"]["files"]
    return files


def test_an_anchor_inside_itself_is_an_unused_key_not_a_recursion() -> None:
    text = HEAD + "storage:\n  files: &r\n    - path: /a\n      x: *r\n"
    assert _shown(text) == ["warning at $.storage.files.0.x, line 6 col 7: unused key x"]


def test_nested_aliases_are_shared_not_expanded() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 30):  # 9**30 leaves if expanded
        lines.append(f"a{level}: &a{level} [" + ",".join([f"*a{level - 1}"] * 9) + "]")
    root = compose(HEAD + "\n".join(lines) + "\n")
    assert root is not None
    last = root.value[-1][2]
    assert all(item is last.value[0] for item in last.value)
    assert len(_shown(HEAD + "\n".join(lines) + "\n")) == 30  # each an unused key


def test_a_deep_nesting_within_the_readers_limit_is_read() -> None:
    assert _shown(HEAD + "x: " + "[" * 999 + "]" * 999 + "\n") == [
        "warning at $.x, line 3 col 1: unused key x"
    ]


def test_merge_keys_apply_with_yaml_v3_precedence() -> None:
    text = (
        "x-base: &base {mode: 0600, user: {name: core}}\n"
        "x-mid: &mid\n  <<: *base\n  mode: 0640\n  overwrite: false\n"
        "storage:\n  files:\n"
        "    - path: /a\n      <<: [*mid, {overwrite: true, group: {name: wheel}}]\n"
        "    - path: /b\n      mode: 0644\n      !!merge <<: *base\n"
        '    - path: /c\n      "<<": *base\n'
    )
    files = _files(text)
    # the mapping's own keys, then the first merged mapping's (its own before its merges)
    assert files[0] == {
        "path": "/a",
        "mode": 0o640,
        "overwrite": False,
        "user": {"name": "core"},
        "group": {"name": "wheel"},
    }
    assert files[1] == {"path": "/b", "mode": 0o644, "user": {"name": "core"}}
    assert files[2] == {"path": "/c"}  # a quoted "<<" is a plain key


def test_merged_keys_are_not_reported_but_the_merge_key_is() -> None:
    text = HEAD + "storage:\n  files:\n    - <<: {path: /x, bogus: 1}\n"
    assert _shown(text) == ["warning at $.storage.files.0.<<, line 5 col 7: unused key <<"]


@pytest.mark.parametrize("value", ["5", "[*m, 5]", ""])
def test_a_merge_of_a_non_mapping_is_refused(value: str) -> None:
    text = HEAD + f"x: &m {{a: 1}}\nstorage:\n  files:\n    - path: /c\n      <<: {value}\n"
    assert _shown(text) == ["error: yaml: map merge requires map or sequence of maps as the value"]


def test_a_merge_cycle_is_refused() -> None:
    assert _shown(HEAD + "x: &m\n  a: 1\n  <<: *m\n") == [
        "error: yaml: anchor value contains itself"
    ]


def test_binary_scalars_are_decoded_bytes() -> None:
    text = "storage:\n  files:\n    - path: /d\n      contents:\n        inline: !!binary /w==\n"
    assert _files(text)[0]["contents"] == {"source": "data:,%FF", "compression": ""}
    refused = HEAD + "storage:\n  files:\n    - path: /d\n      mode: !!binary MDY0NA==\n"
    assert _shown(refused) == [
        "error at $.storage.files.0.mode, line 6 col 13: "
        "cannot unmarshal !!binary `MDY0NA==` into int"
    ]
    assert _shown(HEAD + "x: !!binary 'not base64!'\n") == [
        "error at line 3 col 4: yaml: !!binary value contains invalid base64 data"
    ]


@pytest.mark.parametrize(
    ("scalar", "problem"),
    [
        (b"\xff", "invalid leading UTF-8 octet"),
        (b"\xc3x", "invalid trailing UTF-8 octet"),
        (b"\xc0\x80", "invalid length of a UTF-8 sequence"),
        (b"\xed\xa0\x80", "invalid Unicode character"),
        (b"\xf4\x90\x80\x80", "invalid Unicode character"),
    ],
)
def test_text_that_is_not_utf8_is_refused_in_yaml_v3_words(scalar: bytes, problem: str) -> None:
    raw = HEAD.encode() + b'x: "' + scalar + b'"\n'
    assert _shown(raw) == [f"error: yaml: {problem}"]


def test_an_unfinished_utf8_sequence_at_the_end_is_refused() -> None:
    assert _shown(HEAD.encode() + b'x: "\xc3') == ["error: yaml: incomplete UTF-8 octet sequence"]


def test_a_byte_order_mark_before_the_variant_is_butane() -> None:
    raw = b"\xef\xbb\xbf" + HEAD.encode() + b"x: 1\n"
    assert looks_like_butane(raw)
    assert looks_like_butane(raw.decode())
    assert _shown(raw) == ["warning at $.x, line 3 col 1: unused key x"]


def test_a_complex_key_is_an_unmarshal_error() -> None:
    assert _shown(HEAD + "? [a, b]\n: c\n") == [
        "error at line 3 col 3: cannot unmarshal !!seq into string"
    ]
    nested = HEAD + "storage:\n  files:\n    - path: /a\n      ? {a: 1}\n      : c\n"
    assert _shown(nested) == [
        "error at $.storage.files.0, line 6 col 9: cannot unmarshal !!map into string"
    ]


def test_the_translation_is_plain_json() -> None:
    text = "x: &x {path: /s}\nstorage:\n  files: [*x, *x]\n"
    assert json.loads(json.dumps(_files(text))) == [{"path": "/s"}, {"path": "/s"}]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "storage:\n  files:\n    - path: /a\n      mode: '0644'\n",
            "error at $.storage.files.0.mode, line 6 col 13: "
            "cannot unmarshal !!str `0644` into int",
        ),
        (
            "passwd:\n  users:\n    - name: a\n      groups: [[x]]\n",
            "error at $.passwd.users.0.groups.0, line 6 col 16: "
            "cannot unmarshal !!seq into v0_5.Group",
        ),
        (
            "storage: [1]\n",
            "error at $.storage, line 3 col 10: cannot unmarshal !!seq into v0_5.Storage",
        ),
        (
            "systemd:\n  units:\n    - name: a\n      name: b\n",
            'error at $.systemd.units.0.name, line 6 col 7: mapping key "name" already defined '
            "at line 5",
        ),
        ("variant: [x]\n", "error at $.variant, line 3 col 10: cannot unmarshal !!seq into string"),
    ],
)
def test_unmarshal_errors_name_the_butane_path(text: str, shown: str) -> None:
    assert _shown(HEAD + text) == [shown]


def test_a_nesting_past_the_readers_limit_is_an_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import yaml

    from ignition_py.butane import yaml_graph

    deep = HEAD + "x: " + "[" * 5000 + "]" * 5000 + "\n"
    assert [e.message for e in parse_config(deep).report] == [
        "yaml: exceeded maximum nesting depth"
    ]

    class PythonComposer(yaml.SafeLoader):  # no libyaml: PyYAML's recursive composer
        pass

    PythonComposer.yaml_implicit_resolvers = {}
    monkeypatch.setattr(yaml_graph, "Composer", PythonComposer)
    assert [e.message for e in parse_config(deep).report] == [
        "yaml: exceeded maximum nesting depth"
    ]


_TAGS = [
    "!!int",
    "!!float",
    "!!bool",
    "!!null",
    "!!str",
    "!!binary",
    "!!timestamp",
    "!foo",
    "!!map",
]
_TEXTS = [
    "abc",
    "420",
    "1.5",
    "true",
    "~",
    "x",
    "NDIw",
    "2001-01-01",
    "0x1A4",
    ".inf",
    "1" + "0" * 5000,
]


@pytest.mark.parametrize("tag", _TAGS)
def test_any_tag_on_any_scalar_is_a_report_never_a_traceback(tag: str) -> None:
    for text in _TEXTS:
        for field in (
            "storage:\n  files:\n    - path: /a\n      mode: ",
            "passwd:\n  users:\n    - name: ",
        ):
            parse_config(f"{HEAD}{field}{tag} {text}\n")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int abc", "yaml: cannot decode !!str `abc` as a !!int"),
        ("!!float abc", "yaml: cannot decode !!str `abc` as a !!float"),
        ("!!null x", "yaml: cannot decode !!str `x` as a !!null"),
        ("!!bool abc", "yaml: cannot decode !!str `abc` as a !!bool"),
        ("!!int 1.5", "yaml: cannot decode !!float `1.5` as a !!int"),
        ("!!timestamp abc", "yaml: cannot decode !!str `abc` as a !!timestamp"),
    ],
)
def test_a_tag_the_text_does_not_read_as_is_refused_as_yaml_v3(value: str, message: str) -> None:
    shown = _shown(f"{HEAD}storage:\n  files:\n    - path: /a\n      mode: {value}\n")
    assert len(shown) == 1 and message in shown[0], shown


def test_an_int_tag_on_a_float_field_and_huge_ints_read_as_yaml_v3() -> None:
    assert _files("storage:\n  files:\n    - path: /a\n      mode: !!float 420\n")[0]["mode"] == 420
    shown = _shown(f"{HEAD}storage:\n  files:\n    - path: /a\n      mode: 1{'0' * 5000}\n")
    assert any("cannot unmarshal !!str `1000000...` into int" in s for s in shown), shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("!!str 420", "!!str `420`"),  # explicit !!str is not a plain scalar
        ("!!foo 420", "!!foo `420`"),
        ("!foo 420", "!foo `420`"),
        ("2001-1-2T3:04:05Z", "!!timestamp `2001-1-...`"),
        ("!!timestamp 2001-01-01", "!!timestamp `2001-01-01`"),
        ("2001-02-30", "!!str `2001-02-30`"),  # no such day: a string
        ("!!map abc", "!!mapabc"),  # yaml.v3 quotes no value under a !!map tag
    ],
)
def test_a_scalar_of_another_kind_names_its_tag_as_yaml_v3(value: str, shown: str) -> None:
    messages = _shown(f"{HEAD}storage:\n  files:\n    - path: /a\n      mode: {value}\n")
    assert any(f"cannot unmarshal {shown} into int" in m for m in messages), messages


def test_timestamps_and_unknown_tags_fill_string_fields_with_their_text() -> None:
    for value, name in [
        ("2001-01-01 10:00:00", "2001-01-01 10:00:00"),
        ("!!timestamp 2001-01-01", "2001-01-01"),
        ("!!foo abc", "abc"),
    ]:
        tree = translate_butane(f"{HEAD}passwd:\n  users:\n    - name: {value}\n").tree
        assert tree is not None
        assert tree["passwd"]["users"][0]["name"] == name
