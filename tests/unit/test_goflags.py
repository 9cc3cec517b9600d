"""Go flag syntax, as upstream's `ignition` command parses its arguments."""

from __future__ import annotations

import pytest

from ignition_py.goflags import Flag, FlagSet, FlagValueError, format_duration, parse_duration


def _flags() -> FlagSet:
    def platform(value: str) -> str:
        if value not in ("qemu", "file"):
            raise FlagValueError(f"{value} is not a valid platform")
        return value

    return FlagSet(
        "ignition",
        [
            Flag("platform", "current platform", None, platform, type_name="value"),
            Flag("root", "root of the filesystem", "/"),
            Flag("log-to-stdout", "log to stdout", False, is_bool=True),
            Flag("fetch-timeout", "timeout", 120.0, parse_duration, type_name="duration"),
        ],
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["-platform", "qemu", "-root", "/sysroot"],
        ["--platform", "qemu", "--root", "/sysroot"],
        ["-platform=qemu", "--root=/sysroot"],
        ["--platform=qemu", "-root", "/sysroot"],
    ],
)
def test_every_go_spelling_of_a_flag(argv: list[str]) -> None:
    values, rest = _flags().parse(argv)
    assert values["platform"] == "qemu"
    assert values["root"] == "/sysroot"
    assert rest == []


def test_defaults_apply() -> None:
    values, _ = _flags().parse([])
    assert values == {"platform": None, "root": "/", "log-to-stdout": False, "fetch-timeout": 120.0}


@pytest.mark.parametrize(
    ("argv", "expected"),
    [(["-log-to-stdout"], True), (["--log-to-stdout=false"], False), (["-log-to-stdout=1"], True)],
)
def test_boolean_flags_take_no_separate_value(argv: list[str], expected: bool) -> None:
    values, _ = _flags().parse(argv)
    assert values["log-to-stdout"] is expected


def test_parsing_stops_at_the_first_non_flag_and_at_double_dash() -> None:
    _, rest = _flags().parse(["-root", "/r", "extra", "-platform", "qemu"])
    assert rest == ["extra", "-platform", "qemu"]
    values, rest = _flags().parse(["--", "-platform"])
    assert values["platform"] is None and rest == ["-platform"]


def test_last_occurrence_wins() -> None:
    values, _ = _flags().parse(["-root", "/a", "-root", "/b"])
    assert values["root"] == "/b"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["-platform", "foo"],
            'invalid value "foo" for flag -platform: foo is not a valid platform',
        ),
        (["-bogus"], "flag provided but not defined: -bogus"),
        (["-platform"], "flag needs an argument: -platform"),
        (["-fetch-timeout", "3x"], 'invalid value "3x" for flag -fetch-timeout: parse error'),
        (["-log-to-stdout=maybe"], 'invalid boolean value "maybe" for -log-to-stdout: parse error'),
        (["---root"], "bad flag syntax: ---root"),
    ],
)
def test_bad_flags_exit_2_with_gos_message_and_usage(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _flags().parse(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(message + "\n")
    assert "\nUsage of " in err


def test_help_exits_0_with_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _flags().parse(["-h"])
    assert exit_info.value.code == 0
    assert '  -root string\n    \troot of the filesystem (default "/")' in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2m0s", 120.0),
        ("90s", 90.0),
        ("1h2m3s", 3723.0),
        ("300ms", 0.3),
        ("1.5h", 5400.0),
        ("0", 0),
    ],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "3x", "10", "m", "1m-2s"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(FlagValueError):
        parse_duration(text)


def test_duration_formatting_matches_go() -> None:
    assert [format_duration(s) for s in (120, 5, 3723)] == ["2m0s", "5s", "1h2m3s"]
