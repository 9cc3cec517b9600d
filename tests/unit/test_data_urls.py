"""Data URLs are read as upstream's RFC 2397 parser (vincent-petithory/dataurl) reads them,
in every field that holds a URL, in validation and when decoding contents: the same
characters are refused with the same message, and nothing after a raw '#' is dropped."""

from __future__ import annotations

import json
import random
import re

import pytest

from ignition_py.config.model import Resource
from ignition_py.config.parse import parse_config
from ignition_py.config.report import Severity
from ignition_py.config.rfc2397 import _go_base64_offset, base64_error_offset
from ignition_py.config.versions import V3_4
from ignition_py.resources.dataurl import DataURLError, DataURLReader, decode_data_url
from tests.oracles import UPSTREAM, require
from tests.unit.model_fields import ModelField, all_model_fields, config_setting, upstream_validate

URL_FIELDS = [f for f in all_model_fields() if f.spec.cls is Resource]
RAW_CHARACTERS = ["data:,a b", "data:,a#b", "data:,a[b", "data:,a]b", 'data:,a"b', "data:,a|b"]
BAD = [
    *((url, "invalid data character") for url in RAW_CHARACTERS),
    ("data:;base64,YQ%3D%3D", "invalid data character"),
    ("data:;base64,YQ==#x", "invalid data character"),
    ("data:;base64,YQ=", "illegal base64 data at input byte 3"),
    ("data:,%zz", "rfc2396: invalid char 0x25 in unescape sequence"),
    ("data:,%4", "rfc2396: unexpected end of unescape sequence"),
    ("data:foo/bar,x", "invalid media type"),
    ("data:text/plain;x,a", "expected base64, got x"),
    ("DATA:,a", "missing data prefix"),
]


def test_every_resource_field_is_found() -> None:
    paths = {f.object_path for f in URL_FIELDS}
    assert ("storage", "files", 0, "contents") in paths
    assert ("storage", "luks", 0, "keyFile") in paths
    assert ("ignition", "security", "tls", "certificateAuthorities", 0) in paths


@pytest.mark.parametrize("field", URL_FIELDS, ids=lambda f: f.id)
def test_every_url_field_refuses_what_upstream_refuses(field: ModelField) -> None:
    for url, message in BAD:
        parsed = parse_config(
            config_setting(field.version, field.object_path, json.dumps({"source": url}))
        )
        found = [
            (e.severity, e.message)
            for e in parsed.report
            if e.path == (*field.object_path, "source")
        ]
        assert found == [(Severity.ERROR, message)], url


@pytest.mark.parametrize(("url", "message"), BAD)
def test_decoding_refuses_it_too(url: str, message: str) -> None:
    with pytest.raises(DataURLError, match=re.escape(message)):
        DataURLReader(url)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("data:,a%23b%20c", b"a#b c"),
        ("data:text/plain;charset=%41,x?y", b"x?y"),
        ('data:text/plain;a="b\\"c",x', b"x"),
        ("data:;base64,YWJj\nZA==", b"abcd"),
        ("data:;base64,YR==", b"a"),  # Go does not insist on zero padding bits
    ],
)
def test_decodes_what_upstream_decodes_in_full(url: str, data: bytes) -> None:
    assert decode_data_url(url) == data


def test_long_contents_are_decoded_whole() -> None:
    blob = bytes(range(256)) * 1000
    import base64

    assert decode_data_url("data:;base64," + base64.b64encode(blob).decode()) == blob
    # newlines every 76 characters, so that chunks end in the middle of a quantum
    assert decode_data_url("data:;base64," + base64.encodebytes(blob).decode()) == blob
    assert decode_data_url("data:," + "%41" * 100_000 + "b") == b"A" * 100_000 + b"b"


def test_quick_base64_check_agrees_with_the_go_port() -> None:
    rnd = random.Random(3)
    for _ in range(5000):
        text = "".join(rnd.choice("AB/=\n") for _ in range(rnd.randint(0, 14)))
        assert base64_error_offset(text, 0) == _go_base64_offset(text), repr(text)


def _random_urls() -> list[str]:
    rnd = random.Random(7)
    header = [*'tex-/;=,"\\a%4b#[]| ?éF{}`^<>()@:', "base64", "text/plain", "charset=", "x-"]
    urls = [url for url, _ in BAD]
    urls += ["data:" + "".join(rnd.choices(header, k=rnd.randint(0, 10))) for _ in range(600)]
    urls += [
        "data:;base64," + "".join(rnd.choices("AB/+=%3D #?", k=rnd.randint(0, 10)))
        for _ in range(200)
    ]
    urls += [
        "data:," + "".join(rnd.choices("ab%2F#[]|\"{}`^<>\\'~!$&()*+,;=:@/?é", k=8))
        for _ in range(200)
    ]
    return urls


def test_same_verdicts_and_messages_as_upstream() -> None:
    require(UPSTREAM)
    urls = _random_urls()
    files = [{"path": f"/f{i}", "contents": {"source": url}} for i, url in enumerate(urls)]
    text = json.dumps({"ignition": {"version": str(V3_4)}, "storage": {"files": files}})
    _, out = upstream_validate(text)
    pattern = re.compile(r"^error at \$\.storage\.files\.(\d+)\.contents\.source, .*?: (.*)$")
    theirs = {int(m.group(1)): m.group(2) for m in map(pattern.match, out.splitlines()) if m}
    ours = {
        int(e.path[2]): e.message
        for e in parse_config(text).report
        if e.path is not None and e.path[3:] == ("contents", "source")
    }
    assert len(theirs) > 500
    differ = {
        urls[i]: (theirs.get(i), ours.get(i))
        for i in range(len(urls))
        if theirs.get(i) != ours.get(i)
    }
    assert not differ
