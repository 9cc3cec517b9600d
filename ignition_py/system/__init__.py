"""The only code that runs commands or reads the host's devices (udev, sysfs)."""
