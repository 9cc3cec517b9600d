"""The files stage: users and groups, directories, files, links, systemd units, crypttab
and the result file, all written inside the root (`-root`)."""
