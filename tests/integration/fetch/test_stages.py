"""The fetch-offline and fetch stages through the real command line: config sources in
upstream's order, merges depth first, the cache and the neednet flag, the negative
cases (each a clear error and no cache), and secrets kept out of the logs."""

from __future__ import annotations

import base64
import hashlib
import json
import stat
from pathlib import Path

import pytest

from .servers import Answer, CertAuthority, ScriptedServer
from .stagerun import run_stage


def cfg(version: str = "3.4.0", **sections: object) -> bytes:
    return json.dumps({"ignition": {"version": version}, **sections}).encode()


def file_entry(path: str, source: str, **extra: object) -> dict[str, object]:
    return {"path": path, "contents": {"source": source, **extra}}


def paths_and_sources(cache: dict[str, object]) -> dict[str, str]:
    files = cache.get("storage", {}).get("files", [])  # type: ignore[attr-defined]
    return {f["path"]: f["contents"]["source"] for f in files}


def test_file_provider_is_cached_with_mode_0640(tmp_path: Path) -> None:
    config = cfg(storage={"files": [file_entry("/etc/motd", "data:,hello")]})
    result = run_stage(tmp_path, "fetch-offline", config=config)
    assert result.returncode == 0, result.output
    assert paths_and_sources(result.cached or {}) == {"/etc/motd": "data:,hello"}
    assert stat.S_IMODE(result.cache.stat().st_mode) == 0o640
    assert not result.neednet.exists()


def test_empty_config_is_valid(tmp_path: Path) -> None:
    result = run_stage(tmp_path, "fetch-offline", config=b"")
    assert result.returncode == 0, result.output
    assert result.cached == {"ignition": {"version": "3.6.0"}}


def test_cmdline_url_needs_the_network_and_offline_sends_nothing(
    tmp_path: Path, server: ScriptedServer
) -> None:
    server.route("/c.ign", Answer(200, cfg(storage={"files": [file_entry("/a", "data:,1")]})))
    cmdline = f"quiet ignition.config.url={server.url('/c.ign')}"
    offline = run_stage(tmp_path, "fetch-offline", config=cfg(), cmdline=cmdline)
    assert offline.returncode == 0, offline.output
    assert offline.neednet.exists() and offline.cached is None
    assert server.seen == []
    online = run_stage(tmp_path, "fetch", cmdline=cmdline)
    assert online.returncode == 0, online.output
    assert paths_and_sources(online.cached or {}) == {"/a": "data:,1"}


def test_fetch_runs_only_when_nothing_is_cached(tmp_path: Path, server: ScriptedServer) -> None:
    cmdline = f"ignition.config.url={server.url('/c.ign')}"
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "ignition.json").write_text('{"ignition":{"version":"3.6.0"}}')
    result = run_stage(tmp_path, "fetch", cmdline=cmdline)
    assert result.returncode == 0 and "nothing to fetch" in result.output
    assert server.seen == []


def test_user_ign_beats_the_provider(tmp_path: Path) -> None:
    (tmp_path / "system").mkdir(parents=True)
    (tmp_path / "system" / "user.ign").write_bytes(
        cfg(storage={"files": [file_entry("/from-user-ign", "data:,u")]})
    )
    provider = cfg(storage={"files": [file_entry("/from-provider", "data:,p")]})
    result = run_stage(tmp_path, "fetch-offline", config=provider)
    assert list(paths_and_sources(result.cached or {})) == ["/from-user-ign"]


def test_merges_are_fetched_and_merged_depth_first(tmp_path: Path, server: ScriptedServer) -> None:
    grandchild = cfg(storage={"files": [file_entry("/y", "data:,from-grandchild")]})
    child_a = cfg(
        ignition={"version": "3.4.0", "config": {"merge": [{"source": server.url("/aa")}]}},
        storage={"files": [file_entry("/x", "data:,from-a")]},
    )
    child_b = cfg(storage={"files": [file_entry("/y", "data:,from-b")]})
    server.route("/a", Answer(200, child_a))
    server.route("/aa", Answer(200, grandchild))
    server.route("/b", Answer(200, gzip_bytes(child_b)))
    parent = cfg(
        ignition={
            "version": "3.4.0",
            "config": {
                "merge": [
                    {"source": server.url("/a")},
                    {"source": server.url("/b"), "compression": "gzip"},
                ]
            },
        },
        storage={"files": [file_entry("/x", "data:,from-parent"), file_entry("/p", "data:,p")]},
    )
    result = run_stage(tmp_path, "fetch", config=parent)
    assert result.returncode == 0, result.output
    assert [seen.path for seen in server.seen] == ["/a", "/aa", "/b"]
    assert paths_and_sources(result.cached or {}) == {
        "/x": "data:,from-a",
        "/p": "data:,p",
        "/y": "data:,from-b",
    }


def gzip_bytes(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


def test_replace(tmp_path: Path, server: ScriptedServer) -> None:
    server.route("/r", Answer(200, cfg(storage={"files": [file_entry("/r", "data:,r")]})))
    parent = cfg(
        ignition={"version": "3.1.0", "config": {"replace": {"source": server.url("/r")}}},
        storage={"files": [file_entry("/gone", "data:,x")]},
    )
    result = run_stage(tmp_path, "fetch", config=parent)
    assert result.returncode == 0, result.output
    assert paths_and_sources(result.cached or {}) == {"/r": "data:,r"}


def merge_of(source: str, **extra: object) -> bytes:
    return cfg(ignition={"version": "3.4.0", "config": {"merge": [{"source": source, **extra}]}})


def assert_failed_without_cache(result: object, *needles: str) -> None:
    assert result.returncode == 1, result.output  # type: ignore[attr-defined]
    assert result.cached is None  # type: ignore[attr-defined]
    for needle in needles:
        assert needle in result.output, result.output  # type: ignore[attr-defined]


def test_bad_hash_on_a_merge_child(tmp_path: Path, server: ScriptedServer) -> None:
    server.route("/c", Answer(200, cfg()))
    bad = "sha512-" + hashlib.sha512(b"something else").hexdigest()
    config = merge_of(server.url("/c"), verification={"hash": bad})
    assert_failed_without_cache(
        run_stage(tmp_path, "fetch", config=config), "hash verification failed"
    )


def test_404_on_a_merge_child(tmp_path: Path, server: ScriptedServer) -> None:
    config = merge_of(server.url("/missing.ign"))
    assert_failed_without_cache(run_stage(tmp_path, "fetch", config=config), "resource not found")


def test_unknown_scheme(tmp_path: Path) -> None:
    config = merge_of("ftp://example.com/c.ign")
    assert_failed_without_cache(run_stage(tmp_path, "fetch", config=config), "invalid")


def test_ca_that_does_not_match(
    tmp_path: Path, tls_server: ScriptedServer, test_ca: CertAuthority
) -> None:
    from .servers import make_ca

    other = make_ca(tmp_path / "other", "unrelated CA")
    tls_server.route("/c", Answer(200, cfg()))
    ca_url = "data:;base64," + base64.b64encode(other.cert.read_bytes()).decode()
    config = cfg(
        ignition={
            "version": "3.4.0",
            "config": {"merge": [{"source": tls_server.url("/c")}]},
            "security": {"tls": {"certificateAuthorities": [{"source": ca_url}]}},
        }
    )
    result = run_stage(tmp_path / "run", "fetch", config=config)
    assert_failed_without_cache(result, "certificate verify failed")


def test_unsupported_platform(tmp_path: Path) -> None:
    result = run_stage(tmp_path, "fetch-offline", "virtualbox", config=cfg())
    assert_failed_without_cache(result, "platform 'virtualbox' is not supported by ignition-py")


def test_invalid_config_from_the_provider(tmp_path: Path) -> None:
    result = run_stage(tmp_path, "fetch-offline", config=b'{"ignition": {"version": "9.9.9"}}')
    assert_failed_without_cache(result, "config from file is invalid")


def test_cas_are_inlined_into_the_cache(
    tmp_path: Path, tls_server: ScriptedServer, server: ScriptedServer, test_ca: CertAuthority
) -> None:
    pem = test_ca.cert.read_bytes()
    server.route("/ca.pem", Answer(200, pem))
    tls_server.route("/c", Answer(200, cfg(storage={"files": [file_entry("/t", "data:,t")]})))
    config = cfg(
        ignition={
            "version": "3.4.0",
            "config": {"merge": [{"source": tls_server.url("/c")}]},
            "security": {"tls": {"certificateAuthorities": [{"source": server.url("/ca.pem")}]}},
        }
    )
    result = run_stage(tmp_path, "fetch", config=config)
    assert result.returncode == 0, result.output
    cached = result.cached or {}
    (ca,) = cached["ignition"]["security"]["tls"]["certificateAuthorities"]
    assert base64.b64decode(ca["source"].split(",", 1)[1]) == pem
    assert paths_and_sources(cached) == {"/t": "data:,t"}


def test_network_file_contents_cache_and_signal_neednet(tmp_path: Path) -> None:
    config = cfg(storage={"files": [file_entry("/f", "https://example.com/f")]})
    result = run_stage(tmp_path, "fetch-offline", config=config)
    assert result.returncode == 0, result.output
    assert result.cached is not None and result.neednet.exists()


def test_base_configs_are_not_cached_but_count_for_neednet(tmp_path: Path) -> None:
    base = tmp_path / "system" / "base.d"
    base.mkdir(parents=True)
    (base / "10-base.ign").write_bytes(
        cfg(storage={"files": [file_entry("/base", "http://example.com/b")]})
    )
    result = run_stage(tmp_path, "fetch-offline", config=cfg())
    assert result.returncode == 0, result.output
    assert paths_and_sources(result.cached or {}) == {}
    assert result.neednet.exists()


def test_secrets_stay_out_of_the_logs(tmp_path: Path, server: ScriptedServer) -> None:
    secret_hash = "$6$rounds=4096$saltsalt$c2VjcmV0LXBhc3N3b3JkLWhhc2g"
    child = cfg(passwd={"users": [{"name": "core", "passwordHash": secret_hash}]})
    server.route("/c?token=sekrit-token", Answer(200, child))
    config = cfg(
        ignition={
            "version": "3.4.0",
            "config": {
                "merge": [
                    {
                        "source": server.url("/c?token=sekrit-token"),
                        "httpHeaders": [{"name": "Authorization", "value": "Bearer hdr-secret"}],
                    }
                ]
            },
        },
        storage={"files": [file_entry("/s", "data:,file-contents-secret")]},
    )
    result = run_stage(tmp_path, "fetch", config=config)
    assert result.returncode == 0, result.output
    for secret in ("saltsalt", "sekrit-token", "hdr-secret", "file-contents-secret"):
        assert secret not in result.output
    assert "sha512" in result.output
    assert server.seen[0].headers["Authorization"] == "Bearer hdr-secret"


@pytest.mark.parametrize("stage", ["fetch-offline", "fetch"])
def test_file_provider_missing_file_is_a_clear_error(tmp_path: Path, stage: str) -> None:
    result = run_stage(tmp_path, stage)
    assert_failed_without_cache(result, "config provider was not online")
