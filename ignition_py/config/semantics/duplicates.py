"""Entries given twice in a keyed list (upstream's duplicate pass): the second and later
occurrences of a key are errors. Files, directories and links share one key space, as
do kernel arguments that should and should not exist."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from ..model import Config, Directory, File, Link, Partition, Resource
from ..report import JsonPath
from . import messages
from .problems import Problems

T = TypeVar("T")
Node = File | Directory | Link


def _flag_repeats(
    groups: Iterable[tuple[JsonPath, Sequence[T]]], key: Callable[[T], object], problems: Problems
) -> None:
    seen: set[object] = set()
    for path, items in groups:
        for i, item in enumerate(items):
            k = key(item)
            if k in seen:
                problems.error((*path, i), messages.DUPLICATE)
            seen.add(k)


def _partition_key(partition: Partition) -> str:
    if partition.number:
        return f"number:{partition.number}"
    if partition.label is not None:
        return f"label:{partition.label}"
    return ""


def _same(item: object) -> object:
    return item


def _resources(config: Config) -> Iterable[tuple[JsonPath, Resource]]:
    ignition = config.ignition
    if ignition.config is not None:
        for i, merge in enumerate(ignition.config.merge):
            yield ("ignition", "config", "merge", i), merge
        if ignition.config.replace is not None:
            yield ("ignition", "config", "replace"), ignition.config.replace
    tls = ignition.security.tls if ignition.security is not None else None
    if tls is not None:
        for i, authority in enumerate(tls.certificate_authorities):
            yield ("ignition", "security", "tls", "certificateAuthorities", i), authority
    storage = config.storage
    if storage is not None:
        for i, file in enumerate(storage.files):
            if file.contents is not None:
                yield ("storage", "files", i, "contents"), file.contents
            for j, appended in enumerate(file.append):
                yield ("storage", "files", i, "append", j), appended
        for i, luks in enumerate(storage.luks):
            if luks.key_file is not None:
                yield ("storage", "luks", i, "keyFile"), luks.key_file


def check_duplicates(config: Config, problems: Problems) -> None:
    def one(path: JsonPath, items: Sequence[T], key: Callable[[T], object]) -> None:
        _flag_repeats([(path, items)], key, problems)

    ignition = config.ignition
    if ignition.config is not None:
        one(("ignition", "config", "merge"), ignition.config.merge, lambda r: r.source or "")
    if ignition.proxy is not None:
        one(("ignition", "proxy", "noProxy"), ignition.proxy.no_proxy, _same)
    tls = ignition.security.tls if ignition.security is not None else None
    if tls is not None:
        cas: JsonPath = ("ignition", "security", "tls", "certificateAuthorities")
        one(cas, tls.certificate_authorities, lambda r: r.source or "")
    for path, resource in _resources(config):
        one((*path, "httpHeaders"), resource.http_headers, lambda h: h.name)
    kargs = config.kernel_arguments
    if kargs is not None:
        _flag_repeats(
            [
                (("kernelArguments", "shouldExist"), kargs.should_exist),
                (("kernelArguments", "shouldNotExist"), kargs.should_not_exist),
            ],
            _same,
            problems,
        )
    if config.passwd is not None:
        one(("passwd", "users"), config.passwd.users, lambda u: u.name)
        one(("passwd", "groups"), config.passwd.groups, lambda g: g.name)
        for i, user in enumerate(config.passwd.users):
            one(("passwd", "users", i, "sshAuthorizedKeys"), user.ssh_authorized_keys, _same)
            one(("passwd", "users", i, "groups"), user.groups, _same)
    if config.systemd is not None:
        one(("systemd", "units"), config.systemd.units, lambda u: u.name)
        for i, unit in enumerate(config.systemd.units):
            one(("systemd", "units", i, "dropins"), unit.dropins, lambda d: d.name)
    storage = config.storage
    if storage is None:
        return
    nodes: list[tuple[JsonPath, Sequence[Node]]] = [
        (("storage", "directories"), storage.directories),
        (("storage", "files"), storage.files),
        (("storage", "links"), storage.links),
    ]
    _flag_repeats(nodes, lambda node: node.path, problems)
    one(("storage", "disks"), storage.disks, lambda d: d.device)
    for i, disk in enumerate(storage.disks):
        one(("storage", "disks", i, "partitions"), disk.partitions, _partition_key)
    one(("storage", "raid"), storage.raid, lambda r: r.name)
    for i, raid in enumerate(storage.raid):
        one(("storage", "raid", i, "devices"), raid.devices, _same)
    one(("storage", "luks"), storage.luks, lambda luks: luks.name)
    for i, luks in enumerate(storage.luks):
        if luks.clevis is not None:
            one(("storage", "luks", i, "clevis", "tang"), luks.clevis.tang, lambda t: t.url)
    one(("storage", "filesystems"), storage.filesystems, lambda f: f.device)
