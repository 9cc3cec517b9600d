"""The QEMU harness: build a kernel, a target image and an initramfs from Debian packages,
boot a VM that provisions itself, and verify from the host what it did."""
