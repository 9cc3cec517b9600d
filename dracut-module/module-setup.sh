#!/bin/bash
# ignition-py: CoreOS Ignition's first-boot provisioning, in Python, in place of the Go
# binary. Include it with `dracut --add ignition-py` (it is never picked by default).
#
# IGNITION_PY_PYTHON names the interpreter that has ignition-py importable (a venv's
# python, built on Debian's python3.11); the initramfs carries /usr/bin/python3.11 with the
# subset of the standard library and of the dependencies the agent can import.

check() {
    return 255
}

depends() {
    echo systemd udev-rules systemd-networkd
}

install_stage_unit() {
    inst_simple "$moddir/$1" "$systemdsystemunitdir/$1"
    mkdir -p "$initdir/$systemdsystemunitdir/${2:-ignition-complete.target}.requires"
    ln_r "$systemdsystemunitdir/$1" \
        "$systemdsystemunitdir/${2:-ignition-complete.target}.requires/$1"
}

install() {
    local python="${IGNITION_PY_PYTHON:-/usr/bin/python3}" payload file
    payload=$(mktemp -d)
    if ! "$python" "$moddir/python-payload.py" "$payload"; then
        dfatal "ignition-py: could not stage the Python payload with $python"
        return 1
    fi
    inst_binary /usr/bin/python3.11
    while IFS= read -r -d '' file; do
        file=${file#"$payload"}
        case "$file" in
            *.so)
                inst_simple "$payload$file" "$file"
                # and the libraries it links (dracut resolves those only for executables)
                for lib in $(ldd "$payload$file" | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do
                    inst_library "$lib"
                done
                ;;
            *) inst_simple "$payload$file" "$file" ;;
        esac
    done < <(find "$payload" -type f -print0)
    rm -rf "$payload"

    inst_multiple -o \
        blkid blockdev cryptsetup findmnt groupadd groupdel groupmod losetup lsblk \
        mdadm mkfs.btrfs mkfs.ext4 mkfs.fat mkfs.vfat mkfs.xfs mkswap mount partx sfdisk \
        sgdisk systemctl udevadm umount useradd userdel usermod wipefs
    inst_script "$moddir/ignition-kargs-helper" /usr/sbin/ignition-kargs-helper

    inst_simple "$moddir/ignition-generator" \
        "$systemdutildir/system-generators/ignition-generator"
    inst_simple "$moddir/ignition-complete.target" \
        "$systemdsystemunitdir/ignition-complete.target"
    inst_simple "$moddir/ignition-diskful.target" \
        "$systemdsystemunitdir/ignition-diskful.target"
    install_stage_unit ignition-fetch-offline.service
    install_stage_unit ignition-enable-network.service
    install_stage_unit ignition-fetch.service
    install_stage_unit ignition-kargs.service
    install_stage_unit ignition-disks.service ignition-diskful.target
    install_stage_unit ignition-mount.service ignition-diskful.target
    install_stage_unit ignition-files.service ignition-diskful.target
    inst_simple "$moddir/20-ignition-dhcp.network" /etc/systemd/network/20-ignition-dhcp.network
}
