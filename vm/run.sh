#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh - run one command as root in a throw-away QEMU guest booting a Debian kernel
# (or a kernel built here, such as vm/build-debug-kernel.sh's).
#
# Usage: vm/run.sh --abi ABI [options] -- COMMAND [ARGS...]
#        vm/run.sh --kernel IMAGE [--moddir DIR] [options] -- COMMAND [ARGS...]
#
#   --abi ABI            kernel release (6.1.0-57-amd64) or series (6.1, 6.12);
#                        fetched with vm/fetch-kernel.sh when not cached yet
#   --kernel IMAGE       boot this kernel instead (bzImage, or a vmlinux with a
#                        PVH entry point); virtio-pci, 9p and overlayfs must be
#                        built in, as nothing is loaded before the root is mounted
#   --moddir DIR         with --kernel: its /lib/modules/RELEASE directory (the
#                        guest binds it there, for modprobe); default: none
#   --cpus N             virtual CPUs (default 2)
#   --mem SIZE           guest memory (default 2048M)
#   --timeout SECONDS    kill the guest after this long (default 1200)
#   --log FILE           keep the console log in FILE (it is always streamed to stdout)
#   --rw DIR             make host directory DIR writable in the guest (repeatable);
#                        everything else the guest writes is discarded
#   --no-panic-on-warn   report WARNs after the run instead of panicking at once
#   --append ARGS        extra kernel command line
#   --qemu-opt ARG       extra QEMU argument (repeatable), e.g. for a -netdev
#
# The guest sees the host's root filesystem read-only over virtio-9p, with a tmpfs
# overlay on top, and runs COMMAND in the caller's working directory with the
# caller's EGRE_* environment variables.  Afterwards the guest scans its kernel
# log for warnings, oopses, leaks and the like.
#
# Exit status: COMMAND's, or 1 if COMMAND succeeded but the kernel log is not
# clean, 124 on timeout, 125 when the guest gave no result (panic, setup error).
# Environment: EGRE_CACHE (default /var/cache/egre-vm), EGRE_VM_ACCEL (default
# tcg,thread=multi), EGRE_VM_MACHINE (default q35), EGRE_VM_BIOS (default qboot;
# empty for SeaBIOS), EGRE_VM_PVH=0 (boot the compressed image).
set -eu

prog=vm
here=$(cd "$(dirname "$0")" && pwd -P)
cache=${EGRE_CACHE:-/var/cache/egre-vm}

say() { echo "$prog: $*" >&2; }
die() { say "error: $*"; exit 125; }

usage()
{
	sed -n '4,/^set -eu/{/^set -eu/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit "${1:-125}"
}

# Quote $1 for QEMU's option syntax (a comma is written twice).
qarg() { printf '%s' "${1//,/,,}"; }

# Quote $1 for a POSIX shell.
shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

abi='' kimage='' kmoddir='' cpus=2 mem=2048M timeout=1200 log='' panic_on_warn=1 append=''
rw_dirs=() qemu_opts=()
while [ $# -gt 0 ]; do
	case $1 in
	--abi) abi=${2:?}; shift ;;
	--kernel) kimage=$(realpath -e "${2:?}") || die "--kernel: no file $2"; shift ;;
	--moddir) kmoddir=$(cd "${2:?}" 2>/dev/null && pwd -P) || die "--moddir: no directory $2"
		shift ;;
	--cpus) cpus=${2:?}; shift ;;
	--mem) mem=${2:?}; shift ;;
	--timeout) timeout=${2:?}; shift ;;
	--log) log=${2:?}; shift ;;
	--rw) d=$(cd "${2:?}" 2>/dev/null && pwd -P) || die "--rw: no directory $2"
		case $d in *[[:space:]]*) die "--rw: no white space in paths, please" ;; esac
		rw_dirs+=("$d"); shift ;;
	--no-panic-on-warn) panic_on_warn=0 ;;
	--append) append=${2?}; shift ;;
	--qemu-opt) qemu_opts+=("${2:?}"); shift ;;
	-h|--help) usage 0 ;;
	--) shift; break ;;
	*) say "unknown option '$1'"; usage ;;
	esac
	shift
done
if [ -n "$kimage" ]; then
	[ -z "$abi" ] || { say "--abi and --kernel exclude each other"; usage; }
elif [ -z "$abi" ]; then
	say "--abi or --kernel is required"; usage
fi
[ -z "$kmoddir" ] || [ -n "$kimage" ] || { say "--moddir goes with --kernel"; usage; }
[ $# -gt 0 ] || { say "no command given"; usage; }
case $cpus$timeout in
*[!0-9]*) die "--cpus and --timeout take numbers" ;;
esac

if [ -n "$kimage" ]; then
	# A kernel of our own: no module is needed to mount the root.
	kernel=$kimage
	moddir=$kmoddir
	abi=$(basename "${moddir:-$kernel}")
else
	case $abi in
	*.*.*-*) ;;
	*) abi=$("$here/fetch-kernel.sh" "$abi" | tail -n 1)
	   [ -n "$abi" ] || die "cannot resolve the kernel series (see above)" ;;
	esac
	kroot=$cache/$abi
	if [ ! -e "$kroot/.complete" ]; then
		"$here/fetch-kernel.sh" "$abi" >/dev/null ||
			die "kernel $abi is not available (see vm/fetch-kernel.sh)"
	fi
	kernel=$kroot/boot/vmlinuz-$abi
	moddir=$kroot/lib/modules/$abi
fi

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (scripts/install-deps.sh)"
busybox=$(command -v busybox) || die "busybox missing (scripts/install-deps.sh)"
for t in cpio gzip modprobe timeout; do
	command -v $t >/dev/null || die "$t missing (scripts/install-deps.sh)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/egre-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Kernel-derived files are cached next to the image, or per run if that is not
# writable (a user other than the one who fetched the image).
# With --kernel, nothing is cached.
kcache=${kroot:-$work}
[ -w "$kcache" ] || kcache=$work

# The part of the initramfs that depends only on the kernel: a static busybox
# and the modules needed to mount the host root (9p over virtio, overlayfs).
# Rebuilt when busybox, the module tree or this script changes.
base=$kcache/initramfs-base.cpio.gz
build_base()
{
	local st=$work/base m i=10 name

	mkdir -p "$st/bin" "$st/modules" "$st/dev" "$st/proc" "$st/sys"
	cp "$busybox" "$st/bin/busybox"
	ln -s busybox "$st/bin/sh"
	[ -n "$kimage" ] ||
	for m in $(modprobe -d "$kroot" -S "$abi" -a --show-depends \
			virtio_pci 9pnet_virtio 9p overlay virtio_rng |
			awk '$1 == "insmod" && !seen[$2]++ { print $2 }'); do
		name=$(basename "$m")
		name=$i-${name%%.ko*}.ko
		case $m in
		*.ko.xz) xz -dc "$m" >"$st/modules/$name" ;;
		*.ko.zst) zstd -qdc "$m" >"$st/modules/$name" ;;
		*.ko.gz) gzip -dc "$m" >"$st/modules/$name" ;;
		*) cp "$m" "$st/modules/$name" ;;
		esac
		i=$((i + 1))
	done
	[ $i -gt 10 ] || [ -n "$kimage" ] || die "no 9p modules found in $moddir"
	(cd "$st" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		gzip -1 >"$base.$$" || die "cannot write $base"
	mv "$base.$$" "$base"
}
if [ ! -s "$base" ] || [ "$busybox" -nt "$base" ] || [ "$moddir/modules.dep" -nt "$base" ] ||
		[ "$0" -nt "$base" ] || [ -n "$kimage" ]; then
	build_base
fi

# Does the ELF file $1 reach the end of its section header table?
elf_complete()
{
	local shoff shentsize shnum

	shoff=$(od -An -t u8 -j 40 -N 8 "$1")
	shentsize=$(od -An -t u2 -j 58 -N 2 "$1")
	shnum=$(od -An -t u2 -j 60 -N 2 "$1")
	[ $((shoff + shentsize * shnum)) -le "$(stat -c %s "$1")" ]
}
extract_vmlinux()
{
	local spec cmd magic off

	for spec in 'xz -dcq:\xfd7zXZ\x00' 'zstd -dcq:\x28\xb5\x2f\xfd' 'gzip -dcq:\x1f\x8b\x08'; do
		cmd=${spec%%:*}
		magic=${spec#*:}
		command -v "${cmd%% *}" >/dev/null || continue
		while read -r off <&3; do
			# The stream is followed by more data: ignore the decompressor's complaint.
			tail -c +$((off + 1)) "$1" | $cmd >"$2.$$" 2>/dev/null
			if cmp -s -n 4 "$2.$$" <(printf '\177ELF') && elf_complete "$2.$$"; then
				mv "$2.$$" "$2"
				return 0
			fi
		done 3< <(LC_ALL=C grep -aboP "$magic" "$1" | cut -d: -f1)
	done
	rm -f "$2.$$"
	return 1
}
# Booting the uncompressed vmlinux through its PVH entry point skips the
# decompressor, which takes seconds under TCG (6.1 is xz-compressed).
boot_kernel=$kernel
if [ -z "$kimage" ] && [ "${EGRE_VM_PVH:-1}" = 1 ] &&
		grep -qx 'CONFIG_PVH=y' "$kroot/boot/config-$abi"; then
	vmlinux=$kcache/vmlinux-$abi
	if [ -s "$vmlinux" ] || extract_vmlinux "$kernel" "$vmlinux"; then
		boot_kernel=$vmlinux
	else
		say "cannot extract vmlinux from $kernel; booting the compressed image"
	fi
fi
# qboot starts faster than SeaBIOS, and keeps the console free of escape codes.
bios=${EGRE_VM_BIOS-/usr/share/qemu/qboot.rom}
biosargs=()
[ -z "$bios" ] || [ ! -f "$bios" ] || biosargs=(-bios "$bios")

# The per-run part: /init and what to run.
cwd=$(pwd -P)
st=$work/run
mkdir -p "$st/egre"
cp "$here/init" "$st/init"
chmod 755 "$st/init"
{
	echo "VM_ABI=$(shquote "$abi")"
	echo "VM_MODDIR=$(shquote "$moddir")"
	echo "VM_CWD=$(shquote "$cwd")"
	echo "VM_RW_DIRS=$(shquote "${rw_dirs[*]}")"
	for v in $(compgen -e); do
		case $v in
		EGRE_*) echo "export $v=$(shquote "${!v}")" ;;
		esac
	done
	printf 'set --'
	for a in "$@"; do printf ' %s' "$(shquote "$a")"; done
	echo
} >"$st/egre/run.conf"
(cd "$st" && find . | cpio -o -H newc -R 0:0 --quiet) >"$work/initrd" ||
	die "cannot write the initramfs"
cat "$base" >>"$work/initrd"

fsargs=(-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap"
	-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot")
i=0
for d in "${rw_dirs[@]}"; do
	fsargs+=(-fsdev "local,id=rw$i,path=$(qarg "$d"),security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=rw$i,mount_tag=rw$i")
	i=$((i + 1))
done

cmdline="console=ttyS0 panic=-1 oops=panic panic_on_warn=$panic_on_warn"
cmdline="$cmdline panic_print=0x20 log_buf_len=4M quiet loglevel=4 $append"

console=${log:-$work/console.log}
result=$work/result
: >"$result"
: >"$console" || die "cannot write $console"

say "booting $abi ($cpus CPUs, $mem, timeout ${timeout}s)"
start=$(date +%s)
# QEMU runs in the background so that a signal to this script (an outer
# timeout, say) reaches it through the trap instead of leaving it running.
interrupted=''
# shellcheck disable=SC2317  # invoked by the traps
on_signal()
{
	interrupted=$1
	kill -TERM "$qpid" 2>/dev/null || true
}
trap 'on_signal INT' INT
trap 'on_signal TERM' TERM
trap 'on_signal HUP' HUP
set +e
timeout --foreground -k 10 "$timeout" \
	qemu-system-x86_64 \
	-accel "${EGRE_VM_ACCEL:-tcg,thread=multi}" -cpu max \
	-machine "${EGRE_VM_MACHINE:-q35}" -smp "$cpus" -m "$mem" "${biosargs[@]}" \
	-nodefaults -nographic -no-reboot -monitor none \
	-chardev "stdio,id=console,signal=off,logfile=$(qarg "$console")" -serial chardev:console \
	-serial "file:$(qarg "$result")" \
	-device virtio-rng-pci \
	"${fsargs[@]}" \
	-kernel "$boot_kernel" -initrd "$work/initrd" -append "$cmdline" \
	"${qemu_opts[@]}" </dev/null &
qpid=$!
wait "$qpid"
qrc=$?
while kill -0 "$qpid" 2>/dev/null; do	# wait was cut short by a signal
	wait "$qpid"
	qrc=$?
done
set -e
elapsed=$(($(date +%s) - start))
[ -z "$log" ] || sed -i 's/\r$//' "$log"

if [ -n "$interrupted" ]; then
	say "$abi: interrupted by SIG$interrupted; guest stopped"
	case $interrupted in
	INT) exit 130 ;;
	HUP) exit 129 ;;
	*) exit 143 ;;
	esac
fi

res=$(tr -d '\r' <"$result" | grep -E '^(rc=|error=)' | tail -n 1) || true
case $res in
rc=*)
	rc=${res#rc=}
	rc=${rc%% *}
	case $res in
	*kernel=clean*)
		say "$abi: exit status $rc, kernel log clean (${elapsed}s)" ;;
	*)
		say "$abi: exit status $rc, kernel log NOT clean (${elapsed}s)"
		[ "$rc" != 0 ] || rc=1 ;;
	esac
	exit "$rc" ;;
error=*)
	say "$abi: guest setup failed: ${res#error=}"
	exit 125 ;;
esac
if [ $qrc = 124 ] || [ $qrc = 137 ]; then
	say "$abi: TIMEOUT: no result after ${timeout}s; guest killed"
	exit 124
fi
if grep -q 'Kernel panic' "$console"; then
	say "$abi: guest kernel panicked (see the console output above${log:+ or $log})"
else
	say "$abi: guest gave no result (QEMU exit status $qrc)"
fi
exit 125
