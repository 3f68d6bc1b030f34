#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-debug-kernel.sh - a small x86_64 debug kernel (KASAN, lockdep, UBSAN,
# kmemleak, ...) from Debian's linux-source-6.1, for `make check-debug`.
#
# Usage: vm/build-debug-kernel.sh [FRAGMENT]
#
# Downloads linux-source-6.1 with `apt-get download` and unpacks it once in
# $EGRE_CACHE/src; configures allnoconfig + FRAGMENT (default vm/debug.config)
# with scripts/kconfig/merge_config.sh -n, fails if any symbol of the fragment
# did not end up as requested, and builds bzImage, the modules and
# modules_prepare out of the source tree, in
#
#   $EGRE_CACHE/debug/HASH/obj                   the build tree: make -C it M=DIR
#   $EGRE_CACHE/debug/HASH/boot/vmlinuz-RELEASE  bzImage
#   $EGRE_CACHE/debug/HASH/boot/config-RELEASE
#   $EGRE_CACHE/debug/HASH/lib/modules/RELEASE   modules_install (build -> obj)
#
# HASH covers the fragment's settings (not its comments), the source package
# version, the compiler and this script's recipe version, so a repeated run finds the kernel built and skips
# everything.  The last line of output is the kernel to boot,
# .../debug/HASH/boot/vmlinuz-RELEASE (vm/run.sh --kernel); its modules are
# in .../debug/HASH/lib/modules/RELEASE (vm/run.sh --moddir).
#
# Environment: EGRE_CACHE (default /var/cache/egre-vm), EGRE_KSRC_VERSION
# (linux-source-6.1 version; default the candidate apt knows), EGRE_JOBS
# (make -j, default nproc), EGRE_NICE (niceness of the build, default 19).
set -eu

prog=build-debug-kernel
here=$(cd "$(dirname "$0")" && pwd -P)
cache=${EGRE_CACHE:-/var/cache/egre-vm}
frag=$(realpath "${1:-$here/debug.config}")
pkg=linux-source-6.1
jobs=${EGRE_JOBS:-$(nproc)}
nice=${EGRE_NICE:-19}
# Bump when the build procedure below changes what ends up in the cache.
recipe=1

say() { echo "$prog: $*" >&2; }
die() { say "error: $*"; exit 1; }

[ -f "$frag" ] || die "no config fragment $frag"
# Everything below, the build included, runs at this niceness.
renice -n "$nice" -p $$ >/dev/null
for t in apt-get apt-cache dpkg-deb xz tar make gcc flex bison bc flock sha256sum; do
	command -v $t >/dev/null || die "$t missing (scripts/install-deps.sh)"
done
[ -e /usr/include/gelf.h ] || die "libelf-dev missing (objtool needs it; scripts/install-deps.sh)"

version=${EGRE_KSRC_VERSION:-$(apt-cache show --no-all-versions "$pkg" 2>/dev/null |
	awk '/^Version:/ { print $2; exit }')}
if [ -z "$version" ]; then
	# No package lists (offline): the newest tree already unpacked will do.
	version=$(find "$cache/src" -maxdepth 2 -name .complete -path "*/${pkg}_*" 2>/dev/null |
		sed "s|.*/${pkg}_||; s|/.complete||" | sort -V | tail -n 1)
	[ -n "$version" ] || die "apt knows no $pkg (apt-get update?) and none is cached"
fi

mkdir -p "$cache/src" "$cache/debug"
src=$cache/src/${pkg}_$version
hash=$( { echo "recipe $recipe"; echo "$pkg $version"; gcc --version | head -n 1
	grep -E '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$frag"; } |
	sha256sum | cut -c1-16)
out=$cache/debug/$hash

# One build per cache at a time; a second caller waits, then finds it done.
exec 9>"$cache/debug/.lock"
flock 9

if [ ! -e "$src/.complete" ]; then
	say "fetching $pkg $version"
	t0=$(date +%s)
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	(cd "$cache/src" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$version") >&2 ||
		die "apt-get download $pkg=$version failed"
	deb=$(ls "$cache/src/${pkg}_"*"${version#*:}"_all.deb)
	say "unpacking $deb"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/src/$pkg.tar.xz |
		xz -dc | tar -x --strip-components=1 -C "$src.tmp" ||
		die "cannot unpack $deb"
	[ -f "$src.tmp/Makefile" ] || die "$deb holds no kernel tree"
	rm -f "$deb"
	touch "$src.tmp/.complete"
	mv "$src.tmp" "$src"
	say "$pkg $version fetched and unpacked in $(($(date +%s) - t0))s"
fi

kernel_path()
{
	local rel
	rel=$(cat "$out/release")
	echo "$out/boot/vmlinuz-$rel"
}
if [ -e "$out/.complete" ]; then
	say "cached: $out ($(cat "$out/build-seconds" 2>/dev/null || echo '?') s cold build)"
	kernel_path
	exit 0
fi

rm -rf "$out"
obj=$out/obj
mkdir -p "$obj" "$out/boot"
cp "$frag" "$out/debug.config"
kmake() { make -C "$src" O="$obj" -j"$jobs" "$@"; }

say "configuring $pkg $version: allnoconfig + $frag"
# merge_config.sh writes its temporary files into the current directory.
(cd "$src" && scripts/kconfig/merge_config.sh -n -O "$obj" "$out/debug.config") \
	>"$out/merge_config.log" 2>&1 || { cat "$out/merge_config.log" >&2; die "merge_config.sh failed"; }

# Every line of the fragment must be in the final .config as written
# ("# CONFIG_X is not set" is also met by an absent CONFIG_X).
bad=()
while read -r line; do
	case $line in
	CONFIG_*=*)
		sym=${line%%=*}
		grep -Fxq -- "$line" "$obj/.config" && continue ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }
		sym=${sym%% *}
		grep -q "^$sym=" "$obj/.config" || continue ;;
	*) continue ;;
	esac
	actual=$(grep -E "^$sym=|^# $sym is not set" "$obj/.config" || echo "absent (unmet dependencies)")
	bad+=("$line   -> $actual")
done <"$out/debug.config"
if [ ${#bad[@]} -gt 0 ]; then
	say "these fragment symbols did not end up as requested:"
	printf '  %s\n' "${bad[@]}" >&2
	die "fix $frag (see $out/merge_config.log and $obj/.config)"
fi

say "building in $obj (make -j$jobs, nice $nice); cold builds take a while"
start=$(date +%s)
kmake bzImage modules >"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "kernel build failed (full log: $out/build.log)"; }
kmake modules_prepare >>"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "modules_prepare failed (full log: $out/build.log)"; }
kmake INSTALL_MOD_PATH="$out" modules_install >>"$out/build.log" 2>&1 ||
	{ tail -n 40 "$out/build.log" >&2; die "modules_install failed (full log: $out/build.log)"; }
secs=$(($(date +%s) - start))

rel=$(cat "$obj/include/config/kernel.release")
cp "$obj/arch/x86/boot/bzImage" "$out/boot/vmlinuz-$rel"
cp "$obj/.config" "$out/boot/config-$rel"
[ -e "$out/lib/modules/$rel/modules.builtin" ] || die "modules_install left no modules.builtin"
echo "$rel" >"$out/release"
echo "$secs" >"$out/build-seconds"
touch "$out/.complete"
say "built $rel in ${secs}s: $out ($(du -sh "$out" | cut -f1))"
kernel_path
