"""Butane v0.29.0's messages (config/common/errors.go), word for word."""

NO_FILES_DIR = (
    "local file paths are relative to a files directory that must be specified with -d/--files-dir"
)
FILES_DIR_ESCAPE = "local file path traverses outside the files directory"
TOO_MANY_RESOURCE_SOURCES = "only one of the following can be set: inline, local, source"
TOO_MANY_SYSTEMD_SOURCES = "only one of the following can be set: contents, contents_local"
DECIMAL_MODE = (
    "unreasonable mode would be reasonable if specified in octal; remember to add a leading zero"
)
MOUNT_UNIT_NO_PATH = "path is required if with_mount_unit is true and format is not swap"
MOUNT_UNIT_NO_FORMAT = "format is required if with_mount_unit is true"
TREE_NO_LOCAL = "local is required"
TREE_NOT_DIRECTORY = "root of tree must be a directory"
NODE_EXISTS = "matching filesystem node has existing contents or different type"
FILE_TYPE = "trees may only contain files, directories, and symlinks"
QUADLET_BAD_EXTENSION = (
    "unsupported file extension for quadlet: must be one of .container, .volume, .network, "
    ".kube, .image, .build, .pod, or .artifact"
)
TEMPLATE_INSTANCE_CONTENTS = "template instances cannot have contents or contents_local"
