#!/bin/bash
# The harness's own distribution module, as a distribution hangs its units off upstream's
# `ignition` module: it waits for the network the kernel command line configures (ip=,
# rd.neednet=1) before the fetch stage when fetch-offline asked for one, and reports the
# addresses on the console.

check() {
    return 255
}

depends() {
    echo ignition
}

install() {
    inst_multiple ip
    inst_simple "$moddir/harness-wait-network.service" \
        "$systemdsystemunitdir/harness-wait-network.service"
    $SYSTEMCTL -q --root="$initdir" add-requires ignition-complete.target \
        harness-wait-network.service || exit 1
}
