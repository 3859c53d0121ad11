#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# vm/kernel.sh DIR: Debian 12's stock kernel for the test VM, cached in DIR.
# The newest linux-image-6.1.0-*-amd64-unsigned apt knows (or VM_KERNEL_PKG)
# is downloaded with apt-get download, unpacked (not installed: the host
# keeps its own kernel), its modules indexed with depmod, and an initramfs
# made that can mount the host's root over 9p. Prints the kernel release.
set -eu
dir=$1
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
here=$(cd "$(dirname "$0")" && pwd)

pkg=${VM_KERNEL_PKG:-$(apt-cache pkgnames linux-image-6.1.0- | grep -E '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' |
	sort -t- -k5,5n | tail -1)}
[ -n "$pkg" ] || { echo "vm/kernel.sh: apt knows no linux-image-6.1.0-*-amd64-unsigned (apt-get update?)" >&2; exit 1; }
release=$(echo "$pkg" | sed -e 's/^linux-image-//' -e 's/-unsigned$//')
root=$dir/$release

if [ ! -e "$root/boot/vmlinuz-$release" ]; then
	rm -rf "$root" "$dir"/*.deb
	(cd "$dir" && apt-get download -q "$pkg" >&2 2>/dev/null) ||
		(cd "$dir" && apt-get download "$pkg" >&2)
	dpkg-deb -x "$dir/$pkg"_*.deb "$root.tmp"
	# what the tests load (virtual networking, the shares, what those need), not 400 MB
	mods=$root.tmp/lib/modules/$release/kernel
	for d in "$mods"/* "$mods"/drivers/* "$mods"/drivers/net/*/ "$mods"/fs/*; do
		case ${d#"$mods"/} in
		net|lib|crypto|arch|drivers|fs|drivers/net|drivers/virtio|fs/9p|fs/overlayfs|fs/netfs|fs/fscache) ;;
		drivers/net/*.ko|drivers/net/bonding/|drivers/net/team/) ;;
		*) rm -rf "$d" ;;
		esac
	done
	rm -rf "$root.tmp/usr"
	depmod -b "$root.tmp" "$release"
	mv "$root.tmp" "$root"
	rm -f "$dir/$pkg"_*.deb
fi

# the initramfs: static busybox, the modules that reach the root, /init
initrd=$dir/initrd-$release.cpio.gz
if [ ! -e "$initrd" ] || [ "$here/init" -nt "$initrd" ]; then
	staging=$(mktemp -d)
	trap 'rm -rf "$staging"' EXIT
	mkdir -p "$staging/bin" "$staging/lib/modules" "$staging/proc" "$staging/sys" \
		"$staging/dev" "$staging/newroot" "$staging/lower" "$staging/rw" "$staging/kernel"
	cp /bin/busybox "$staging/bin/busybox"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$root" -S "$release" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++' | while read -r ko; do
		cp "$ko" "$staging/lib/modules/"
		basename "$ko" >>"$staging/lib/modules/order"
	done
	cp "$here/init" "$staging/init"
	chmod 0755 "$staging/init"
	(cd "$staging" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$initrd.tmp"
	mv "$initrd.tmp" "$initrd"
fi
echo "$release"
