"""The typed, frozen model of the newest Ignition spec (3.7.0-experimental).

Every field carries its JSON key, kind and the first spec version that has it; older
configs are read into this same model. None (or an empty tuple) means 'not set'.
Each list says how its items are keyed (upstream's Key() of the item type).
"""

from __future__ import annotations

from operator import attrgetter

from ..frozen import field, frozen_model
from .fields import Kind, spec
from .versions import V3_1, V3_2, V3_3, V3_4, V3_5

STR, INT, BOOL, OBJ, LIST = Kind.STRING, Kind.INTEGER, Kind.BOOLEAN, Kind.OBJECT, Kind.LIST
_CONFIG_RESOURCE = {"compression": V3_1}
BY_NAME, BY_PATH, BY_DEVICE, BY_URL = (attrgetter(a) for a in ("name", "path", "device", "url"))


def by_source(resource: Resource) -> str:
    return resource.source or ""


def by_number_or_label(partition: Partition) -> str:
    # Upstream: a nonzero number wins over the label; number 0 means "no number".
    if partition.number:
        return f"number:{partition.number}"
    if partition.label is not None:
        return f"label:{partition.label}"
    return ""


@frozen_model
class HTTPHeader:
    name: str = field(default="", metadata=spec("name", STR, required=True))
    value: str | None = field(default=None, metadata=spec("value", STR))

    def __repr__(self) -> str:  # a header's value may be a credential
        value = "None" if self.value is None else "<hidden>"
        return f"HTTPHeader(name={self.name!r}, value={value})"


@frozen_model
class Verification:
    hash: str | None = field(default=None, metadata=spec("hash", STR))


@frozen_model
class Resource:
    """A resource to fetch (upstream types.Resource): `source` URL (None: no contents),
    `compression` ("gzip" or None), `httpHeaders` (sent with http(s) sources) and
    `verification.hash` ("sha512-<hex>", or "sha256-<hex>" from 3.1.0)."""

    source: str | None = field(default=None, metadata=spec("source", STR))
    compression: str | None = field(default=None, metadata=spec("compression", STR))
    http_headers: tuple[HTTPHeader, ...] = field(
        default=(),
        metadata=spec("httpHeaders", LIST, since=V3_1, item=HTTPHeader, keyed_by=BY_NAME),
    )
    verification: Verification | None = field(
        default=None, metadata=spec("verification", OBJ, cls=Verification)
    )

    def __repr__(self) -> str:
        """The source as logs show it (url_names.shown_url): a data URL's payload (file
        contents, LUKS key material) and a URL's query or user info never shown."""
        from ..url_names import shown_url

        source = None if self.source is None else shown_url(self.source)
        return (
            f"Resource(source={source!r}, compression={self.compression!r}, "
            f"http_headers={self.http_headers!r}, verification={self.verification!r})"
        )


@frozen_model
class IgnitionConfig:
    merge: tuple[Resource, ...] = field(
        default=(),
        metadata=spec(
            "merge", LIST, item=Resource, nested_since=_CONFIG_RESOURCE, keyed_by=by_source
        ),
    )
    replace: Resource | None = field(
        default=None,
        metadata=spec("replace", OBJ, cls=Resource, nested_since=_CONFIG_RESOURCE),
    )


@frozen_model
class Proxy:
    http_proxy: str | None = field(default=None, metadata=spec("httpProxy", STR))
    https_proxy: str | None = field(default=None, metadata=spec("httpsProxy", STR))
    no_proxy: tuple[str, ...] = field(default=(), metadata=spec("noProxy", LIST, item=STR))


@frozen_model
class TLS:
    certificate_authorities: tuple[Resource, ...] = field(
        default=(),
        metadata=spec(
            "certificateAuthorities",
            LIST,
            item=Resource,
            nested_since=_CONFIG_RESOURCE,
            keyed_by=by_source,
        ),
    )


@frozen_model
class Security:
    tls: TLS | None = field(default=None, metadata=spec("tls", OBJ, cls=TLS))


@frozen_model
class Timeouts:
    http_response_headers: int | None = field(
        default=None, metadata=spec("httpResponseHeaders", INT)
    )
    http_total: int | None = field(default=None, metadata=spec("httpTotal", INT))


@frozen_model
class Ignition:
    """The `ignition` section (upstream types.Ignition): `version` (the spec's, required),
    `config` (merge and replace), `proxy`, `security` (TLS CAs) and `timeouts` (seconds)."""

    version: str = field(default="", metadata=spec("version", STR, required=True))
    config: IgnitionConfig | None = field(
        default=None, metadata=spec("config", OBJ, cls=IgnitionConfig)
    )
    proxy: Proxy | None = field(default=None, metadata=spec("proxy", OBJ, since=V3_1, cls=Proxy))
    security: Security | None = field(default=None, metadata=spec("security", OBJ, cls=Security))
    timeouts: Timeouts | None = field(default=None, metadata=spec("timeouts", OBJ, cls=Timeouts))


@frozen_model
class KernelArguments:
    """`kernelArguments` (3.3.0+, upstream types.KernelArguments): `shouldExist` and
    `shouldNotExist`, kernel arguments as strings."""

    should_exist: tuple[str, ...] = field(
        default=(), metadata=spec("shouldExist", LIST, item=STR, key_space="kernelArgument")
    )
    should_not_exist: tuple[str, ...] = field(
        default=(), metadata=spec("shouldNotExist", LIST, item=STR, key_space="kernelArgument")
    )


@frozen_model
class PasswdGroup:
    """`passwd.groups[]` (upstream types.PasswdGroup): name (required), gid, passwordHash,
    system and shouldExist (false: groupdel); the files stage turns it into groupadd or
    groupmod."""

    name: str = field(default="", metadata=spec("name", STR, required=True))
    gid: int | None = field(default=None, metadata=spec("gid", INT))
    password_hash: str | None = field(default=None, metadata=spec("passwordHash", STR))
    should_exist: bool | None = field(default=None, metadata=spec("shouldExist", BOOL, since=V3_2))
    system: bool | None = field(default=None, metadata=spec("system", BOOL))


@frozen_model
class PasswdUser:
    """`passwd.users[]` (upstream types.PasswdUser): name (required), the useradd/usermod fields
    (uid, gecos, homeDir, noCreateHome, primaryGroup, groups, noUserGroup, noLogInit,
    passwordHash, system, shell), sshAuthorizedKeys, and shouldExist (false: userdel)."""

    name: str = field(default="", metadata=spec("name", STR, required=True))
    gecos: str | None = field(default=None, metadata=spec("gecos", STR))
    groups: tuple[str, ...] = field(default=(), metadata=spec("groups", LIST, item=STR))
    home_dir: str | None = field(default=None, metadata=spec("homeDir", STR))
    no_create_home: bool | None = field(default=None, metadata=spec("noCreateHome", BOOL))
    no_log_init: bool | None = field(default=None, metadata=spec("noLogInit", BOOL))
    no_user_group: bool | None = field(default=None, metadata=spec("noUserGroup", BOOL))
    password_hash: str | None = field(default=None, metadata=spec("passwordHash", STR))
    primary_group: str | None = field(default=None, metadata=spec("primaryGroup", STR))
    shell: str | None = field(default=None, metadata=spec("shell", STR))
    should_exist: bool | None = field(default=None, metadata=spec("shouldExist", BOOL, since=V3_2))
    ssh_authorized_keys: tuple[str, ...] = field(
        default=(), metadata=spec("sshAuthorizedKeys", LIST, item=STR)
    )
    system: bool | None = field(default=None, metadata=spec("system", BOOL))
    uid: int | None = field(default=None, metadata=spec("uid", INT))


@frozen_model
class Passwd:
    """`passwd` (upstream types.Passwd): groups and users, each keyed by name."""

    groups: tuple[PasswdGroup, ...] = field(
        default=(), metadata=spec("groups", LIST, item=PasswdGroup, keyed_by=BY_NAME)
    )
    users: tuple[PasswdUser, ...] = field(
        default=(), metadata=spec("users", LIST, item=PasswdUser, keyed_by=BY_NAME)
    )


@frozen_model
class NodeUser:
    """A node's owning user (upstream types.NodeUser): `id` or `name`, resolved in the root's
    /etc/passwd; the id wins when both are set."""

    id: int | None = field(default=None, metadata=spec("id", INT))
    name: str | None = field(default=None, metadata=spec("name", STR))


@frozen_model
class NodeGroup:
    """A node's owning group (upstream types.NodeGroup): `id` or `name`, resolved in the root's
    /etc/group; the id wins when both are set."""

    id: int | None = field(default=None, metadata=spec("id", INT))
    name: str | None = field(default=None, metadata=spec("name", STR))


@frozen_model
class Directory:
    """`storage.directories[]` (upstream types.Directory): path, overwrite, user, group, and
    mode (permission bits as an int; None: 0755)."""

    path: str = field(default="", metadata=spec("path", STR, required=True))
    overwrite: bool | None = field(default=None, metadata=spec("overwrite", BOOL))
    user: NodeUser | None = field(default=None, metadata=spec("user", OBJ, cls=NodeUser))
    group: NodeGroup | None = field(default=None, metadata=spec("group", OBJ, cls=NodeGroup))
    mode: int | None = field(default=None, metadata=spec("mode", INT))


@frozen_model
class File:
    """`storage.files[]` (upstream types.File): path, overwrite, user, group, mode (permission
    bits as an int; None: 0644), contents (a Resource) and append (Resources added in order)."""

    path: str = field(default="", metadata=spec("path", STR, required=True))
    overwrite: bool | None = field(default=None, metadata=spec("overwrite", BOOL))
    user: NodeUser | None = field(default=None, metadata=spec("user", OBJ, cls=NodeUser))
    group: NodeGroup | None = field(default=None, metadata=spec("group", OBJ, cls=NodeGroup))
    mode: int | None = field(default=None, metadata=spec("mode", INT))
    contents: Resource | None = field(default=None, metadata=spec("contents", OBJ, cls=Resource))
    append: tuple[Resource, ...] = field(
        default=(), metadata=spec("append", LIST, item=Resource, repeats=True)
    )


@frozen_model
class Link:
    """`storage.links[]` (upstream types.Link): path, overwrite, user and group (of the link
    itself), target (required from 3.3.0) and hard."""

    path: str = field(default="", metadata=spec("path", STR, required=True))
    overwrite: bool | None = field(default=None, metadata=spec("overwrite", BOOL))
    user: NodeUser | None = field(default=None, metadata=spec("user", OBJ, cls=NodeUser))
    group: NodeGroup | None = field(default=None, metadata=spec("group", OBJ, cls=NodeGroup))
    target: str | None = field(default=None, metadata=spec("target", STR))
    hard: bool | None = field(default=None, metadata=spec("hard", BOOL))


@frozen_model
class Partition:
    """`storage.disks[].partitions[]` (upstream types.Partition): number (0: none), label,
    sizeMiB and startMiB (MiB; 0: the default), typeGuid, guid, wipePartitionEntry, shouldExist
    and resize."""

    number: int | None = field(default=None, metadata=spec("number", INT))
    label: str | None = field(default=None, metadata=spec("label", STR))
    size_mib: int | None = field(default=None, metadata=spec("sizeMiB", INT))
    start_mib: int | None = field(default=None, metadata=spec("startMiB", INT))
    type_guid: str | None = field(default=None, metadata=spec("typeGuid", STR))
    guid: str | None = field(default=None, metadata=spec("guid", STR))
    wipe_partition_entry: bool | None = field(
        default=None, metadata=spec("wipePartitionEntry", BOOL)
    )
    should_exist: bool | None = field(default=None, metadata=spec("shouldExist", BOOL))
    resize: bool | None = field(default=None, metadata=spec("resize", BOOL, since=V3_2))


@frozen_model
class Disk:
    """`storage.disks[]` (upstream types.Disk): device (a path), wipeTable, and partitions keyed
    by number, else by label."""

    device: str = field(default="", metadata=spec("device", STR, required=True))
    wipe_table: bool | None = field(default=None, metadata=spec("wipeTable", BOOL))
    partitions: tuple[Partition, ...] = field(
        default=(), metadata=spec("partitions", LIST, item=Partition, keyed_by=by_number_or_label)
    )


@frozen_model
class Raid:
    """`storage.raid[]` (upstream types.Raid): name (the array is /dev/md/NAME), level, devices,
    spares and options (extra mdadm arguments)."""

    name: str = field(default="", metadata=spec("name", STR, required=True))
    level: str | None = field(default=None, metadata=spec("level", STR))
    devices: tuple[str, ...] = field(default=(), metadata=spec("devices", LIST, item=STR))
    spares: int | None = field(default=None, metadata=spec("spares", INT))
    options: tuple[str, ...] = field(
        default=(), metadata=spec("options", LIST, item=STR, repeats=True)
    )


@frozen_model
class Tang:
    """`storage.luks[].clevis.tang[]` (upstream types.Tang): url, thumbprint and advertisement
    (3.4.0+)."""

    url: str = field(default="", metadata=spec("url", STR, required=True))
    thumbprint: str | None = field(default=None, metadata=spec("thumbprint", STR))
    advertisement: str | None = field(default=None, metadata=spec("advertisement", STR, since=V3_4))


@frozen_model
class ClevisCustom:
    pin: str | None = field(default=None, metadata=spec("pin", STR))
    config: str | None = field(default=None, metadata=spec("config", STR))
    needs_network: bool | None = field(default=None, metadata=spec("needsNetwork", BOOL))


@frozen_model
class Clevis:
    custom: ClevisCustom | None = field(
        default=None, metadata=spec("custom", OBJ, cls=ClevisCustom)
    )
    tang: tuple[Tang, ...] = field(
        default=(), metadata=spec("tang", LIST, item=Tang, keyed_by=BY_URL)
    )
    threshold: int | None = field(default=None, metadata=spec("threshold", INT))
    tpm2: bool | None = field(default=None, metadata=spec("tpm2", BOOL))


@frozen_model
class Cex:
    enabled: bool | None = field(default=None, metadata=spec("enabled", BOOL))


@frozen_model
class Luks:
    """`storage.luks[]` (3.2.0+, upstream types.Luks): name (/dev/mapper/NAME), device, label,
    uuid, keyFile (a Resource; None: a random key), wipeVolume, clevis, cex, options (extra
    cryptsetup luksFormat arguments), discard and openOptions."""

    name: str = field(default="", metadata=spec("name", STR, required=True))
    device: str | None = field(default=None, metadata=spec("device", STR))
    label: str | None = field(default=None, metadata=spec("label", STR))
    uuid: str | None = field(default=None, metadata=spec("uuid", STR))
    key_file: Resource | None = field(default=None, metadata=spec("keyFile", OBJ, cls=Resource))
    wipe_volume: bool | None = field(default=None, metadata=spec("wipeVolume", BOOL))
    clevis: Clevis | None = field(default=None, metadata=spec("clevis", OBJ, cls=Clevis))
    cex: Cex | None = field(default=None, metadata=spec("cex", OBJ, since=V3_5, cls=Cex))
    options: tuple[str, ...] = field(
        default=(), metadata=spec("options", LIST, item=STR, repeats=True)
    )
    discard: bool | None = field(default=None, metadata=spec("discard", BOOL, since=V3_4))
    open_options: tuple[str, ...] = field(
        default=(), metadata=spec("openOptions", LIST, since=V3_4, item=STR)
    )


@frozen_model
class Filesystem:
    """`storage.filesystems[]` (upstream types.Filesystem): device, format, path (the mount
    point inside the root), label, uuid, options (extra mkfs arguments), mountOptions and
    wipeFilesystem."""

    device: str = field(default="", metadata=spec("device", STR, required=True))
    format: str | None = field(default=None, metadata=spec("format", STR))
    path: str | None = field(default=None, metadata=spec("path", STR))
    label: str | None = field(default=None, metadata=spec("label", STR))
    uuid: str | None = field(default=None, metadata=spec("uuid", STR))
    options: tuple[str, ...] = field(
        default=(), metadata=spec("options", LIST, item=STR, repeats=True)
    )
    mount_options: tuple[str, ...] = field(
        default=(), metadata=spec("mountOptions", LIST, since=V3_1, item=STR, repeats=True)
    )
    wipe_filesystem: bool | None = field(default=None, metadata=spec("wipeFilesystem", BOOL))


@frozen_model
class Storage:
    """`storage` (upstream types.Storage): disks, raid, luks, filesystems, files, directories
    and links."""

    disks: tuple[Disk, ...] = field(
        default=(), metadata=spec("disks", LIST, item=Disk, keyed_by=BY_DEVICE)
    )
    raid: tuple[Raid, ...] = field(
        default=(), metadata=spec("raid", LIST, item=Raid, keyed_by=BY_NAME)
    )
    luks: tuple[Luks, ...] = field(
        default=(), metadata=spec("luks", LIST, since=V3_2, item=Luks, keyed_by=BY_NAME)
    )
    filesystems: tuple[Filesystem, ...] = field(
        default=(), metadata=spec("filesystems", LIST, item=Filesystem, keyed_by=BY_DEVICE)
    )
    # Files, directories and links are one key space: a path is one node.
    files: tuple[File, ...] = field(
        default=(), metadata=spec("files", LIST, item=File, keyed_by=BY_PATH, key_space="node")
    )
    directories: tuple[Directory, ...] = field(
        default=(),
        metadata=spec("directories", LIST, item=Directory, keyed_by=BY_PATH, key_space="node"),
    )
    links: tuple[Link, ...] = field(
        default=(), metadata=spec("links", LIST, item=Link, keyed_by=BY_PATH, key_space="node")
    )


@frozen_model
class Dropin:
    name: str = field(default="", metadata=spec("name", STR, required=True))
    contents: str | None = field(default=None, metadata=spec("contents", STR))


@frozen_model
class Unit:
    """`systemd.units[]` (upstream types.Unit): name (required), enabled (None: no preset),
    mask, contents and dropins."""

    name: str = field(default="", metadata=spec("name", STR, required=True))
    enabled: bool | None = field(default=None, metadata=spec("enabled", BOOL))
    mask: bool | None = field(default=None, metadata=spec("mask", BOOL))
    contents: str | None = field(default=None, metadata=spec("contents", STR))
    dropins: tuple[Dropin, ...] = field(
        default=(), metadata=spec("dropins", LIST, item=Dropin, keyed_by=BY_NAME)
    )


@frozen_model
class Systemd:
    """`systemd` (upstream types.Systemd): units, keyed by name."""

    units: tuple[Unit, ...] = field(
        default=(), metadata=spec("units", LIST, item=Unit, keyed_by=BY_NAME)
    )


@frozen_model
class Config:
    """A whole config (upstream types.Config of the newest spec): ignition, kernelArguments,
    passwd, storage and systemd. Configs of every older spec are translated into it."""

    ignition: Ignition = field(
        default_factory=Ignition, metadata=spec("ignition", OBJ, required=True, cls=Ignition)
    )
    kernel_arguments: KernelArguments | None = field(
        default=None, metadata=spec("kernelArguments", OBJ, since=V3_3, cls=KernelArguments)
    )
    passwd: Passwd | None = field(default=None, metadata=spec("passwd", OBJ, cls=Passwd))
    storage: Storage | None = field(default=None, metadata=spec("storage", OBJ, cls=Storage))
    systemd: Systemd | None = field(default=None, metadata=spec("systemd", OBJ, cls=Systemd))


def uses_clevis(luks: Luks) -> bool:
    """Whether the volume is bound with clevis: upstream's Clevis.IsPresent (a custom pin,
    a tang server, tpm2, or a non-zero threshold), which validation (cex), the disks stage
    (reuse refused, binding) and the files stage (a crypttab line without a key file) ask."""
    clevis = luks.clevis
    if clevis is None:
        return False
    custom = clevis.custom
    return bool(
        (custom is not None and custom.pin) or clevis.tang or clevis.tpm2 or clevis.threshold
    )
