"""Upstream's validation messages (config/shared/errors), word for word."""

from ...go_text import go_quote

NO_PATH = "path not specified"
PATH_RELATIVE = "path not absolute"
DIRTY_PATH = "path is not fully simplified"
INVALID_SCHEME = "invalid url scheme"
INVALID_URL = "unable to parse url"
INVALID_S3_VERSION_ID = "invalid S3 object VersionId"
INVALID_S3_ARN = "invalid S3 ARN format"
COMPRESSION_INVALID = "invalid compression method"
VERIFICATION_WITHOUT_SOURCE = "source must be specified if verification is specified"
HASH_MALFORMED = "malformed hash specifier"
HASH_WRONG_SIZE = "incorrect size for hash sum"
HASH_UNRECOGNIZED = "unrecognized hash function"
SOURCE_REQUIRED = "source is required"
HEADERS_WITH_SCHEME = "cannot use HTTP headers with this source scheme"
HEADER_NAME_EMPTY = "HTTP header name can't be empty"
HEADER_INVALID = "unable to parse HTTP header"
PROXY_NOT_HTTP = "proxies must be http(s)"
PROXY_INSECURE = "insecure plaintext HTTP proxy specified for HTTPS resources"
DUPLICATE = "duplicate entry defined"

FILE_USED_SYMLINK = "file path includes link in config"
DIRECTORY_USED_SYMLINK = "directory path includes link in config"
LINK_USED_SYMLINK = "link path includes link in config"
LINK_TARGET_REQUIRED = "link target is required"
HARD_LINK_TO_DIRECTORY = "hard link target is a directory"
HARD_LINK_OWNER_IGNORED = "user/group ignored for hard link"
PATH_CONFLICTS_SYSTEMD = "path conflicts with systemd unit or dropin"
ILLEGAL_MODE = "illegal file mode"
MODE_SPECIAL_BITS = (
    "setuid/setgid/sticky bits are not supported or functional in spec versions older than 3.6.0"
)
OVERWRITE_WITHOUT_SOURCE = "overwrite must be false if source is unspecified"
BOTH_ID_AND_NAME = "cannot set both id and name"

DISK_DEVICE_REQUIRED = "disk device is required"
PARTITION_NUMBERS_COLLIDE = "partition numbers collide"
PARTITIONS_OVERLAP = "partitions overlap"
ZEROES_WITH_SHOULD_NOT_EXIST = (
    "shouldExist is false for a partition and other partition(s) has start or size 0"
)
DUPLICATE_LABELS = "cannot use the same partition label twice"
SHOULD_NOT_EXIST_WITH_OTHERS = "shouldExist specified false with other options also specified"
NEED_LABEL_OR_NUMBER = "a partition number >= 1 or a label must be specified"
LABEL_TOO_LONG = "partition labels may not exceed 36 characters"
LABEL_CONTAINS_COLON = "partition label will be truncated to text before the colon"
GUID_FORM = 'doesn\'t match the form "01234567-89AB-CDEF-EDCB-A98765432101"'

RAID_LEVEL_REQUIRED = "raid level is required"
RAID_LEVEL_UNKNOWN = "unrecognized raid level"
RAID_SPARES = "spares unsupported for linear and raid0 arrays"
RAID_DEVICES_REQUIRED = "raid devices required"

FORMAT_INVALID = "invalid filesystem format"
FORMAT_NIL_WITH_OTHERS = (
    "format cannot be empty when path, label, uuid, wipeFilesystem, options, or mountOptions "
    "is specified"
)
LABEL_NEEDS_FORMAT = "filesystem must specify format if label is specified"
FS_OVERWRITES_PARTITIONED = "filesystem overwrites partitioned device"
FS_ON_WIPED_DISK = "device matches disk with wipeTable enabled; filesystem will be wiped"

LUKS_NAME_SLASH = "device names cannot contain slashes"
LUKS_LABEL_TOO_LONG = "luks device labels cannot be longer than 47 characters"
LUKS_KEY_FILE = "invalid key-file source"
CLEVIS_CUSTOM_WITH_OTHERS = "cannot use custom clevis config with tpm2, tang, or threshold"
CLEVIS_PIN_UNKNOWN = "unsupported clevis pin"
CLEVIS_PIN_REQUIRED = "missing required custom clevis pin"
CLEVIS_CONFIG_REQUIRED = "missing required custom clevis config"
TANG_THUMBPRINT_REQUIRED = "thumbprint is required"
TANG_ADVERTISEMENT_JSON = "advertisement is not valid JSON"
CEX_WITH_CLEVIS = "cannot use cex with clevis"
CEX_WITH_KEY_FILE = "cannot use key file with cex"

UNIT_EXTENSION = "invalid systemd unit extension"
DROPIN_EXTENSION = "invalid systemd drop-in extension"

EMPTY_NAME = "name is empty: upstream accepts this, but the stage that creates it will fail"


def no_install_section(unit: str) -> str:
    return f"unit {go_quote(unit)} is enabled, but has no install section so enable does nothing"


def no_install_section_for_template(template: str, instance: str) -> str:
    return (
        f"template unit {go_quote(template)} for {go_quote(instance)} doesn't have Install section"
    )


def label_too_long(fs_format: str, limit: int) -> str:
    return f"filesystem labels cannot be longer than {limit} characters when using {fs_format}"
