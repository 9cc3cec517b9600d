"""No input makes the config engine raise: any JSON value at any field of the model, and
random or mutated bytes through the decoder and the ignition-validate CLI. The answer is
a config or errors, every message printable; never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ignition_py import validate_cli
from ignition_py.config.build import render
from ignition_py.config.parse import parse_config
from tests.unit.model_fields import ModelField, all_model_fields, config_setting

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FIELDS = [f for f in all_model_fields() if f.path != ("ignition",)]  # its value is set below
SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
    database=None,
)
# Hypothesis warns that reprs of the deep values are long: they are meant to be.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

# JSON text of awkward scalars: what Go reads into an int or not, what a C string or an
# encoder cannot hold.
_NUMBERS = st.one_of(
    st.integers(min_value=-(1 << 70), max_value=1 << 70).map(str),
    st.sampled_from(["-0", "-0.0", "0.5", "1e400", "4294967296", "-5", "18446744073709551616"]),
    st.sampled_from(["9" * 4301, "-" + "1" * 5000, "0." + "0" * 5000 + "1"]),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
)
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\x00", "\r", "\n", "/", ".", ":", "%", "\u2028", "\ufffd"]),
    ),
    max_size=12,
)
_STRINGS = st.one_of(
    _TEXT.map(json.dumps),
    st.sampled_from([r'"\ud800"', r'"/a\udfffb"', r'"\u0000"', '"/"', '"//"', '"data:,%zz"']),
    st.sampled_from(['"3.4.0"', '"http://h/x"', '"data:,a\xffb"', '"data:;base64,YQ=="']),
)
_SCALARS = st.one_of(_NUMBERS, _STRINGS, st.sampled_from(["true", "false", "null"]))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + ",".join(items) + "]"),
        st.dictionaries(_TEXT, inner, max_size=3).map(
            lambda d: "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=6,
)
_DEEP = st.integers(min_value=900, max_value=3000).map(lambda n: "[" * n + "]" * n)


def _check(raw: bytes | str) -> None:
    """The whole answer must exist and be printable as UTF-8; a config renders to JSON."""
    result = parse_config(raw)
    for entry in result.report:
        str(entry).encode("utf-8")
    if result.config is not None:
        json.dumps(render(result.config), ensure_ascii=False).encode("utf-8")
    if result.ok:
        assert result.config is not None


@SETTINGS
@given(field=st.sampled_from(FIELDS), value=st.one_of(_VALUES, _DEEP))
def test_any_value_at_any_field(field: ModelField, value: str) -> None:
    text = config_setting(field.version, field.path, value)
    _check(text)
    _check(text.encode("utf-8", "surrogatepass"))


def _corpus() -> list[bytes]:
    return [p.read_bytes() for p in sorted(CORPUS.glob("*/*.ign"))]


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_corpus())))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(data)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=4),
                st.sampled_from([b"\\ud800", b"\\u0000", b"[", b"{", b'"', b"9" * 5000, b"\xff"]),
            )
        )
        if action == "insert":
            data[at:at] = chunk
        elif action == "delete":
            del data[at : at + len(chunk)]
        else:
            data[at : at + len(chunk)] = chunk
    return bytes(data)


@SETTINGS
@given(raw=st.one_of(st.binary(max_size=200), _mutated()))
def test_decoder_fuzz(raw: bytes) -> None:
    _check(raw)


def _validate_in_process(raw: bytes, tmp: Path) -> tuple[int, str]:
    config = tmp / "config.ign"
    config.write_bytes(raw)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = validate_cli.main([str(config)])
    return code, out.getvalue()


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(raw=st.one_of(st.binary(max_size=100), _mutated()))
def test_validate_cli_fuzz(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    code, out = _validate_in_process(raw, tmp_path_factory.mktemp("fuzz"))
    assert code in (0, 1)
    if code == 1:
        assert out.strip(), "an invalid config with no message"


@pytest.mark.runs_programs  # the validate command itself, as an operator runs it
@pytest.mark.parametrize(
    "raw",
    [
        b'{"ignition":{"version":"3.4.0"},"x":' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"ignition":{"version":"3.' + b"9" * 5000 + b'.0"}}',
        b'{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a\\ud800"}]}}',
        b'{"ignition":{"version":"3.4.0"},"storage":{"files":[{"path":"/a\\u0000"}]}}',
        b'{"ignition":{"version":"3.4.0"},"passwd":{"users":[{"name":"u","uid":-5}]}}',
        b"\xff\xfe{",
    ],
    ids=["deep", "huge-version", "surrogate", "nul", "uid", "binary"],
)
def test_validate_command_never_prints_a_traceback(raw: bytes) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ignition_py.validate_cli", "-"],
        input=raw,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert b"Traceback" not in done.stderr + done.stdout
    assert done.stdout.strip() or done.returncode == 0
