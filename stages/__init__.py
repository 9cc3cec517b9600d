"""The stages upstream runs one process each: fetch-offline, fetch, kargs, disks, mount,
files, umount. Each module registers itself with the registries of `ignition_py.stage`
(`registered` imports them all). Stage modules keep heavy imports (requests, the
providers) inside functions: every stage is its own process at boot.
"""
