#!/bin/bash
# Kernel arguments are a distribution's business: one that supports them replaces this
# script (/usr/sbin/ignition-kargs-helper in the initramfs), as with upstream.
set -euo pipefail
echo -e "Ignition kernelArguments is not supported by this Linux distribution.\nAsk your distribution to implement ignition-kargs-helper."
exit 1
