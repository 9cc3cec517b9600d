"""Butane v0.29.0's messages for the sugar and variant checks (config/common/errors.go)."""

from __future__ import annotations

UNUSED_KEY = "unused key {}"
NOT_A = "cannot unmarshal {} into {}"

UNKNOWN_LAYOUT = (
    "layout must be one of: aarch64, ppc64le, s390x-eckd, s390x-virt, s390x-zfcp, x86_64"
)
UNKNOWN_LAYOUT_LEGACY = "layout must be one of: aarch64, ppc64le, x86_64"
TOO_FEW_MIRROR_DEVICES = "mirroring requires at least two devices"
MIRROR_REQUIRES_LAYOUT = (
    "boot_device.layout should be specified when boot_device.mirror is specified"
)
NO_LUKS_BOOT_DEVICE = "device is required for layouts: s390x-eckd, s390x-zfcp"
MIRROR_NOT_SUPPORTED = "mirroring not supported on layouts: s390x-eckd, s390x-zfcp, s390x-virt"
LUKS_BOOT_DEVICE_BAD_NAME = (
    "device name must start with /dev/dasd on s390x-eckd layout or /dev/sd on s390x-zfcp layout"
)
CEX_ARCHITECTURE_MISMATCH = "when using cex the targeted architecture must match s390x"
CEX_NOT_SUPPORTED = "cex is not currently supported on the target platform"
NO_LUKS_METHOD = "no method specified for luks"
# Ignition's config/shared/errors.ErrCexWithClevis
CEX_WITH_CLEVIS = "cannot use cex with clevis"

REUSE_BY_LABEL = (
    "partitions cannot be reused by label; number must be specified except on boot disk "
    "(/dev/disk/by-id/coreos-boot-disk) or when wipe_table is true"
)
WRONG_PARTITION_NUMBER = (
    "incorrect partition number; a new partition will be created using reserved label"
)
ROOT_TOO_SMALL = "root should have 8GiB of space assigned"
ROOT_CONSTRAINED = (
    "root partition cannot expand; it is set to fill available space but is followed by "
    "an auto-positioned partition"
)
MOUNT_POINT_FORBIDDEN = "path must be under /etc or /var if with_mount_unit is true"

FIELD_ELIDED = "field ignored in raw mode"
NAME_REQUIRED = "metadata.name is required"
ROLE_REQUIRED = "machineconfiguration.openshift.io/role label is required"
INVALID_KERNEL_TYPE = 'must be empty, "default", or "realtime"'
BTRFS_SUPPORT = "btrfs is not supported in this spec version"
FILESYSTEM_NONE_SUPPORT = 'format "none" is not supported in this spec version'
FILE_SCHEME_SUPPORT = "file contents source must be data URL in this spec version"
FILE_SPECIAL_MODE_SUPPORT = "special mode bits are not supported in this spec version"
USER_NAME_SUPPORT = 'users other than "core" are not supported in this spec version'
MISSING_KERNEL_ARGUMENT_CEX = (
    "'rd.luks.key=/etc/luks/cex.key' must be set as kernel argument when CEX is enabled "
    "for the boot device"
)

CLEVIS_SUPPORT = "clevis is not supported in this spec version"
DISK_SUPPORT = "disk customization is not supported in this spec version"
FILESYSTEM_SUPPORT = "filesystem customization is not supported in this spec version"
LUKS_SUPPORT = "luks is not supported in this spec version"
RAID_SUPPORT = "raid is not supported in this spec version"
KERNEL_ARGUMENT_SUPPORT = "kernel argument customization is not supported in this spec version"

GRUB_USER_NAME_REQUIRED = 'field "name" is required'
GRUB_PASSWORD_REQUIRED = 'field "password_hash" is required'
