#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything egre's build, tests and VM harness need (Debian 12, as root).
# Idempotent: packages already present are skipped quickly.
set -eu

pkgs="make gcc libc6-dev bc flex bison kmod cpio gzip xz-utils file
	qemu-system-x86 busybox-static
	zstd procps
	linux-headers-amd64 linux-headers-6.12-amd64
	iproute2 iputils-ping tcpdump tshark iperf3 ethtool
	sparse pkg-config libmnl-dev perl python3 clang libclang-rt-14-dev
	ppp ppp-dev pptpd pptp-linux
	libelf-dev"

missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: need root to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
