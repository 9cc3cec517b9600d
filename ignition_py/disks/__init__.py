"""Pure planning for the disks stage: what to do to partitions, RAID, LUKS and filesystems,
decided from the config and the devices' current state, without touching a device."""
