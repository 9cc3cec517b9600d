#!/bin/sh
# /init of the ignition-py test guest (busybox sh, PID 1).
#
# Phase 1 (no argument, in the initramfs): load the boot modules, mount the host's / over
# 9p read-only under a tmpfs overlay, move /dev /proc /sys /run into it, bind this folder
# (busybox and this script) and the kernel modules into it, and make it the root without
# chroot (mount --move + chroot ., as switch_root does), so that PID 1's root is the
# guest's root and tools that refuse to act in a chroot (udevadm, systemctl) behave.
# Phase 2 ("run-job", in the new root): run the job the host wrote to the "results" share,
# record its exit code there, power off. Console lines start with "ignition-py-vm:".
SHARE=/run/ignition-py-vm
HERE=/run/ignition-py-vm-init
BB=/vm/busybox
[ "$1" = run-job ] && BB=$HERE/busybox

log() { echo "ignition-py-vm: $*"; }
uptime_seconds() { read -r seconds _ < /proc/uptime; echo "$seconds"; }
fail() { log "FAILED: $*"; $BB sync; $BB poweroff -f; }

start_udev() {
    if [ ! -x /lib/systemd/systemd-udevd ]; then
        log "no /lib/systemd/systemd-udevd: /dev/disk/by-* links will be missing"
        return
    fi
    /lib/systemd/systemd-udevd --daemon
    # Block devices only: their rules make the /dev/disk/by-* links; coldplugging every
    # device would also load CPU-feature crypto modules nobody asked for.
    udevadm trigger --type=devices --subsystem-match=block --action=add
    udevadm settle --timeout=60 || log "udevadm settle timed out"
}

run_job() {
    log "udev starting at $(uptime_seconds) s"
    start_udev
    uptime_seconds > "$SHARE/started"
    log "command starting at $(uptime_seconds) s"
    /usr/bin/env -i /bin/sh "$SHARE/job.sh" < /dev/null > "$SHARE/output" 2>&1
    status=$?
    echo "$status" > "$SHARE/returncode.partial"
    $BB mv "$SHARE/returncode.partial" "$SHARE/returncode"
    log "command exited with $status at $(uptime_seconds) s"
    $BB sync
    $BB poweroff -f
}
[ "$1" = run-job ] && run_job

export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
# What systemd makes at boot and devtmpfs does not: bash's process substitution (clevis's
# scripts use it) needs /dev/fd.
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
log "init started at $(uptime_seconds) s"

while read -r module; do
    modprobe "$module" || log "cannot load kernel module $module"
done < /etc/ignition-py-vm/modules
log "boot modules loaded at $(uptime_seconds) s"

mkdir -p "$SHARE" /host /rw /newroot
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /host \
    || fail "cannot mount the host's / (9p tag hostroot)"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results "$SHARE" \
    || fail "cannot mount the results share (9p tag results)"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work overlay /newroot \
    || fail "cannot mount the overlay over the host's /"
# The host's container marker: the guest is a VM, and systemd-detect-virt should say so.
rm -f /newroot/.dockerenv
for dir in dev proc sys run; do
    mount --move "/$dir" "/newroot/$dir" || fail "cannot move /$dir into the guest root"
done
modules="/lib/modules/$(uname -r)"
mkdir -p "/newroot$modules" "/newroot$HERE"
mount --bind "$modules" "/newroot$modules" || fail "cannot bind $modules into the guest root"
mount --bind /vm "/newroot$HERE" || fail "cannot bind /vm into the guest root"
echo ignition-py-vm > /newroot/proc/sys/kernel/hostname
ip link set lo up

cd /newroot || fail "no /newroot"
mount --move . / || fail "cannot move the guest root to /"
exec chroot . "$HERE/busybox" sh "$HERE/init" run-job
