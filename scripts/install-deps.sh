#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Install every Debian 12 package the build, the tests and the demo need.
# Idempotent: does nothing when all are installed already.
set -eu

PACKAGES="make gcc libc6-dev pkg-config clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev
	linux-libc-dev libevent-dev libmnl-dev libinih-dev libcmocka-dev libjansson-dev
	iproute2 iputils-ping tcpdump jq perl procps util-linux groff-base
	libclang-rt-14-dev valgrind ethtool curl prometheus-node-exporter keepalived
	dnsmasq-base isc-dhcp-client qemu-system-x86 busybox-static kmod"
# Packages that bring a service: the tests run the program in their own
# namespaces; the service itself must never start on this machine (it
# would listen on its interfaces), so it is masked before it is installed.
SERVICES="prometheus-node-exporter keepalived"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing" >&2
	echo "install-deps: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
mkdir -p /etc/systemd/system
for s in $SERVICES; do
	[ -e "/etc/systemd/system/$s.service" ] || ln -s /dev/null "/etc/systemd/system/$s.service"
done
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
