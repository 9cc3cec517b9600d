#!/bin/bash
# ignition-py as dracut module `ignition`: upstream Ignition's module contract (units,
# targets, generator, rules, tools), with the agent in Python. Only included when another
# module depends on it or `dracut --add ignition` asks.
#
# IGNITION_PY_FLAVOUR=flatcar (in dracut's environment or a dracut.conf.d file) builds the
# flatcar flavour: the generator also reads Flatcar's boot arguments and sets up its OEM
# partition (see ignition-generator and ignition-py-oem-setup): the user and base configs
# are the OEM partition's config.ign and base/base.ign. Any other value fails the build.
#
# The flavour's first boot is flatcar.first_boot / coreos.first_boot. Flatcar's GRUB sets
# flatcar.first_boot=detected while its ESP holds flatcar/first_boot, which Flatcar's
# ignition-quench.service removes after provisioning; that service is not part of this
# module, so with =detected a distribution must remove the flag file itself or every boot
# is a first boot. A PXE boot (no boot disk, no OEM partition) is told apart only through
# an is-live-image command the distribution provides (Flatcar's generator writes one).
#
# $moddir/ignition is the agent as upstream expects a distribution to drop it there. When it
# is our launcher (the package's compiled one, or the script in the source tree), the
# initramfs also gets the build host's python3 (3.11 or newer, the interpreter that has
# ignition_py importable; IGNITION_PY_PYTHON overrides) with the subset of the standard
# library and of the dependencies the agent imports.

check() {
    return 255
}

depends() {
    echo qemu systemd url-lib network
}

install_ignition_unit() {
    local unit="$1" target="${2:-ignition-complete.target}" instantiated="${3:-$1}"
    inst_simple "$moddir/$unit" "$systemdsystemunitdir/$unit"
    # exit, not return: a missing unit must fail the build (upstream does the same)
    $SYSTEMCTL -q --root="$initdir" add-requires "$target" "$instantiated" || exit 1
}

install_python_agent() {
    local python binary payload file lib
    # a venv's python imports what the venv has; the binary behind it is what ships
    python=$(command -v "${IGNITION_PY_PYTHON:-python3}")
    binary=$(readlink -f "$python")
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        dfatal "ignition: $python is older than 3.11"
        exit 1
    fi
    payload=$(mktemp -d)
    # no_debug_ranges: the byte code without column tables, an eighth less to read and
    # unmarshal at each stage's start (tracebacks keep their line numbers)
    if ! "$python" -X no_debug_ranges "$moddir/python-payload.py" "$payload"; then
        dfatal "ignition: could not stage the Python payload with $python"
        rm -rf "$payload"
        exit 1
    fi
    inst_binary "$binary"
    [[ $binary == /usr/bin/python3 ]] || ln_r "$binary" /usr/bin/python3
    while IFS= read -r -d '' file; do
        file=${file#"$payload"}
        inst_simple "$payload$file" "$file"
        if [[ $file == *.so ]]; then
            # dracut resolves the libraries an executable links, not those of a module
            for lib in $(ldd "$payload$file" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do
                inst_library "$lib"
            done
        fi
    done < <(find "$payload" -type f -print0)
    rm -rf "$payload"
    # Not upstream's: loads the stages' code at idle priority while the machine boots, so
    # that the first stage does not pay for it. Wanted by ignition-complete.target, not
    # required: the stages never wait for it nor fail with it.
    inst_simple "$moddir/python/ignition-py-warm-up.service" \
        "$systemdsystemunitdir/ignition-py-warm-up.service"
    mkdir -p "$initdir$systemdsystemunitdir/ignition-complete.target.wants"
    ln -sf ../ignition-py-warm-up.service \
        "$initdir$systemdsystemunitdir/ignition-complete.target.wants/ignition-py-warm-up.service"
}

install_flatcar_flavour() {
    # The OEM partition's base/base.ign is copied there at boot, as Flatcar does: another
    # module's base configs would be mixed with it.
    if [[ -e $initdir/usr/lib/ignition/base.d ]]; then
        dfatal "ignition: the flatcar flavour fills /usr/lib/ignition/base.d, which another module already installs"
        exit 1
    fi
    inst_multiple -o systemd-detect-virt
    inst_multiple cp mkdir mount umount
    inst_simple "$moddir/flatcar/flavour" /etc/ignition-py/flavour
    inst_script "$moddir/flatcar/ignition-py-oem-setup" /usr/sbin/ignition-py-oem-setup
    inst_simple "$moddir/flatcar/ignition-py-oem.service" "$systemdsystemunitdir/ignition-py-oem.service"
}

install() {
    inst_multiple \
        basename \
        lsblk

    # Only what the build host has: not every system has every filesystem's tools.
    inst_multiple -o \
        groupadd \
        groupmod \
        groupdel \
        mkfs.btrfs \
        mkfs.ext4 \
        mkfs.fat \
        mkfs.xfs \
        mkswap \
        partx \
        sgdisk \
        useradd \
        userdel \
        usermod \
        wipefs

    # What the stages run beyond upstream's list: blkid and vmware-rpctool stand in for
    # Go libraries upstream links; the rest are tools upstream calls too.
    inst_multiple -o \
        blkid blockdev cryptsetup mdadm mkfs.vfat mount systemctl udevadm umount \
        vmware-rpctool

    # Clevis binding; the unlocking tools come with clevis's own dracut modules.
    inst_multiple -o \
        clevis-encrypt-sss \
        clevis-encrypt-tang \
        clevis-encrypt-tpm2 \
        clevis-luks-bind \
        clevis-luks-common-functions \
        clevis-luks-unlock \
        pwmake \
        tpm2_create \
        tpm2_createpolicy

    # z/VM reader and IBM crypto cards.
    if [[ ${DRACUT_ARCH:-$(uname -m)} == s390x ]]; then
        inst_multiple chccwdev vmur zkey zkey-cryptsetup
        inst_simple "$moddir/ignition-cex" "/etc/luks/cex.key"
    fi

    # Relabelling on systems with SELinux.
    inst_multiple -o setfiles

    inst_script "$moddir/ignition-kargs-helper.sh" "/usr/sbin/ignition-kargs-helper"

    # Our launcher (the Debian package's, built from launcher/ignition.c, or the script
    # dracut/30ignition/ignition) imports the agent (`from ignition_py.`, in its code: the
    # script at once, the compiled one when no server takes the command): it needs the
    # interpreter and the payload. Anything else (upstream's Go binary, for comparison)
    # goes in alone.
    if grep -qsF 'from ignition_py.' "$moddir/ignition"; then
        install_python_agent
    fi
    inst_simple "$moddir/ignition" \
        "/usr/bin/ignition"

    inst_simple "$moddir/99-xx-ignition-systemd-cryptsetup.rules" \
        "/usr/lib/udev/rules.d/99-xx-ignition-systemd-cryptsetup.rules"

    inst_simple "$moddir/ignition-luks.conf" \
        "/etc/security/pwquality.conf.d/ignition-luks.conf"

    inst_simple "$moddir/ignition-generator" \
        "$systemdutildir/system-generators/ignition-generator"

    local x
    for x in complete subsequent diskful diskful-subsequent; do
        inst_simple "$moddir/ignition-$x.target" "$systemdsystemunitdir/ignition-$x.target"
    done

    install_ignition_unit ignition-fetch.service
    install_ignition_unit ignition-fetch-offline.service
    install_ignition_unit ignition-kargs.service
    install_ignition_unit ignition-disks.service
    install_ignition_unit ignition-mount.service
    install_ignition_unit ignition-files.service

    # Only with a boot disk.
    install_ignition_unit ignition-remount-sysroot.service ignition-diskful.target

    # OpenStack's config drive is found by its CD-ROM properties.
    inst_rules 60-cdrom_id.rules

    case ${IGNITION_PY_FLAVOUR:-} in
        "") ;;
        flatcar) install_flatcar_flavour ;;
        *)
            dfatal "ignition: unknown IGNITION_PY_FLAVOUR '$IGNITION_PY_FLAVOUR' (\"\" or flatcar)"
            exit 1
            ;;
    esac
}

installkernel() {
    # hyperv: the KVP channel
    instmods hv_utils

    # applehv: the config over vsock
    instmods -c vsock
    instmods -c vmw_vsock_virtio_transport_common
    instmods -c vmw_vsock_virtio_transport

    # s390x: crypto cards ready early
    if [[ ${DRACUT_ARCH:-$(uname -m)} == s390x ]]; then
        instmods -c zcrypt_cex4
        instmods -c pkey_cca
    fi

    # nvidiabluefield: the config through the bootfifo sysfs interface
    if [[ ${DRACUT_ARCH:-$(uname -m)} == aarch64 ]]; then
        instmods -c mlxbf_bootctl
    fi
}
