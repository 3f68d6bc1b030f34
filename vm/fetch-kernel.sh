#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh - make a Debian kernel image available to the egre test VM.
#
# Usage: vm/fetch-kernel.sh [SERIES | ABI]
#
#   SERIES  "6.1" or "6.12": the newest image of that Debian line, as resolved by
#           apt (linux-image-amd64 -> linux-image-6.1.0-NN-amd64,
#           linux-image-6.12-amd64 -> linux-image-6.12.NNN+deb12-amd64).
#   ABI     an exact kernel release such as 6.1.0-57-amd64.
#
# $EGRE_KABI, when set, overrides the argument.  The image is downloaded with
# apt-get, unpacked into $EGRE_CACHE/<ABI> (default /var/cache/egre-vm) and
# depmod'ed; the matching linux-headers-<ABI> package is installed if missing.
# A second call with the image cached costs one apt-cache query.
#
# Progress goes to stderr; the last line on stdout is the ABI, so a Makefile can
# do  ABI=$(vm/fetch-kernel.sh 6.1)  and build with
# KDIR=/usr/src/linux-headers-$(ABI).
set -eu

prog=fetch-kernel
cache=${EGRE_CACHE:-/var/cache/egre-vm}
flavour=amd64

say() { echo "$prog: $*" >&2; }
die() { say "error: $*"; exit 1; }

usage()
{
	sed -n '4,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit "${1:-2}"
}

need_root()
{
	[ "$(id -u)" = 0 ] || die "$1 needs root (run as root, or run scripts/install-deps.sh)"
}

apt_updated=
apt_update()
{
	[ -z "$apt_updated" ] || return 0
	need_root "apt-get update"
	say "apt-get update"
	apt-get update -qq >&2 || die "apt-get update failed"
	apt_updated=1
}

# The newest ABI of a series: what linux-image-<series>-amd64 (6.12) or else
# linux-image-amd64 (6.1, if it is of that series) depends on.  One apt-cache
# call: it can take a second when apt keeps no binary cache.
resolve_series()
{
	apt-cache depends "linux-image-$1-$flavour" "linux-image-$flavour" 2>/dev/null |
		awk -v series="$1" -v flavour="$flavour" '
		/^[^ ]/ { pkg = $1; next }
		/^ *\|?Depends: linux-image-[0-9]/ && !(pkg in dep) {
			dep[pkg] = substr($2, length("linux-image-") + 1)
		}
		END {
			abi = dep["linux-image-" series "-" flavour]
			if (abi == "" && index(dep["linux-image-" flavour], series ".") == 1)
				abi = dep["linux-image-" flavour]
			if (abi ~ ("-" flavour "$"))
				print abi
		}'
}

[ $# -le 1 ] || usage
case ${1:-} in
-h|--help) usage 0 ;;
esac
want=${EGRE_KABI:-${1:-}}
[ -n "$want" ] || usage

case $want in
*.*.*-*)			# an exact ABI: 6.1.0-57-amd64, 6.12.118+deb12-amd64
	abi=$want ;;
[0-9]*.[0-9]*)
	abi=$(resolve_series "$want")
	if [ -z "$abi" ]; then		# no apt lists yet, or stale ones
		apt_update
		abi=$(resolve_series "$want")
	fi
	[ -n "$abi" ] || die "no Debian kernel image found for series '$want'" \
		"(tried linux-image-$want-$flavour and linux-image-$flavour)"
	;;
*)
	die "'$want' is neither a series (6.1, 6.12) nor an ABI (6.1.0-57-amd64)" ;;
esac

dir=$cache/$abi

install_headers()
{
	dpkg-query -W -f='${Status}' "linux-headers-$abi" 2>/dev/null |
		grep -q 'ok installed' && return 0
	need_root "installing linux-headers-$abi"
	say "installing linux-headers-$abi"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends "linux-headers-$abi" >&2; then
		apt_update
		apt-get install -y -qq --no-install-recommends "linux-headers-$abi" >&2 ||
			die "cannot install linux-headers-$abi"
	fi
}

fetch_image()
{
	local pkg=linux-image-$abi tmp deb

	tmp=$cache/.tmp-$abi
	rm -rf "$tmp"
	mkdir -p "$tmp/debs"
	say "downloading $pkg"
	# Run the download as root: the _apt sandbox user cannot write to $tmp.
	if ! (cd "$tmp/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
		apt_update
		(cd "$tmp/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			die "cannot download $pkg"
	fi
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || die "cannot unpack $deb"
	done
	rm -rf "$tmp/debs"
	[ -f "$tmp/root/boot/vmlinuz-$abi" ] || die "$pkg has no /boot/vmlinuz-$abi"
	[ -d "$tmp/root/lib/modules/$abi" ] || die "$pkg has no /lib/modules/$abi"
	depmod -b "$tmp/root" "$abi" || die "depmod failed for $abi"
	# Lets "make -C /lib/modules/$(uname -r)/build" work inside the guest.
	ln -sfn "/usr/src/linux-headers-$abi" "$tmp/root/lib/modules/$abi/build"
	rm -rf "$dir"
	mv "$tmp/root" "$dir"
	rmdir "$tmp"
	: > "$dir/.complete"
	say "$abi unpacked in $dir"
}

if [ ! -e "$dir/.complete" ]; then
	mkdir -p "$cache" 2>/dev/null || die "cannot create cache directory $cache" \
		"(set EGRE_CACHE, or run as root)"
	exec 9>"$cache/.lock"
	flock 9
	[ -e "$dir/.complete" ] || fetch_image
	exec 9>&-
fi
install_headers
echo "$abi"
