#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-debug: the selftests on a debug kernel (KASAN, lockdep,
# DEBUG_ATOMIC_SLEEP, kmemleak, UBSAN, DEBUG_NET) built from Debian's
# linux-source-6.1 with vm/build-debug-kernel.sh (cached by config hash; the
# first build takes a while), with egre.ko built against it, in a QEMU guest.
# Any KASAN/lockdep/UBSAN report, WARN, or a kmemleak leak after a final scan
# fails the run.  Ends with the guest's "N passed, N failed, N skipped";
# exits non-zero on any failure.
#
#   EGRE_TESTS="a.sh b.sh"    run only these selftests
#   EGRE_VM_MEM               guest memory (default 8G)
#   EGRE_VM_TIMEOUT           guest timeout in seconds (default 10800)
#   EGRE_SCALE_SESSIONS       sessions in egre_scale.sh (default here 4096:
#                             a session costs about 100 ms to create and
#                             delete on this kernel under TCG, 40 times more
#                             than on Debian's)
#   EGRE_FLOOD_COUNT, EGRE_CHURN  egre_stress.sh sizes (default here 5000, 300,
#                             as on make check's second kernel)
#
# Inside the guest this script runs itself with --in-guest: it clears
# kmemleak, runs selftests/run.sh, then checks the kernel log and scans for
# leaks (twice, with a pause), each counted as one more test.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Kernel log lines that fail the run (as vm/init's list; kmemleak is asked directly).
# Every lockdep, KASAN, UBSAN and might_sleep report has a "Call Trace".
bad_log='WARNING:|BUG:|Oops|KASAN|UBSAN|general protection|refcount_t|unregister_netdevice: waiting|Call Trace'

in_guest()
{
	local kml=/sys/kernel/debug/kmemleak line p f s out

	if [ ! -w "$kml" ]; then
		echo "not ok kmemleak is available ($kml)"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	# Objects allocated while booting are not the tests' business.
	echo clear >"$kml"

	out=$(selftests/run.sh "$@" | tee /dev/stderr)
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -n 1)
	read -r p _ f _ s _ <<<"${line//,/}"
	p=${p:-0} f=${f:-1} s=${s:-0}

	echo "# === kernel log"
	out=$(dmesg | grep -E "$bad_log")
	if [ -z "$out" ]; then
		p=$((p + 1))
		echo "ok kernel log clean (no KASAN, lockdep, UBSAN, WARN, BUG)"
	else
		f=$((f + 1))
		echo "not ok kernel log clean (no KASAN, lockdep, UBSAN, WARN, BUG)"
		dmesg | sed -rn "/$bad_log/,\$p" | head -n 400
	fi

	# A leak is reported once it is older than 5 s and unreferenced in a
	# scan whose previous scan found it unchanged: scan twice, with pauses.
	echo "# === kmemleak"
	sleep 6
	echo scan >"$kml"
	sleep 6
	echo scan >"$kml"
	out=$(cat "$kml")
	if [ -z "$out" ]; then
		p=$((p + 1))
		echo "ok kmemleak: no leaks after the final scan"
	else
		f=$((f + 1))
		echo "not ok kmemleak: no leaks after the final scan"
		head -n 400 <<<"$out"
	fi
	echo "$p passed, $f failed, $s skipped"
	[ "$f" -eq 0 ]
}

if [ "${1:-}" = --in-guest ]; then
	shift
	in_guest "$@"
	exit
fi

summary()	# passed failed skipped [message]: the last line, and the status
{
	[ -z "${4:-}" ] || echo "# failed: $4"
	echo "$1 passed, $2 failed, $3 skipped"
	[ "$2" -eq 0 ] && [ "$1" -gt 0 ]
	exit
}

kernel=$(vm/build-debug-kernel.sh | tail -n 1)
[ -f "$kernel" ] || summary 0 1 0 "debug kernel build (vm/build-debug-kernel.sh)"
kroot=$(dirname "$(dirname "$kernel")")
rel=${kernel##*/vmlinuz-}
moddir=$kroot/lib/modules/$rel
tree=$moddir/build
name=debug-$(basename "$kroot")
echo "# debug kernel $rel: $kernel"

# egre.ko against the debug tree, out of the source tree (as scripts/build-for.sh)
dir=$top/.build/$name
rm -rf "$dir"
mkdir -p "$dir/include/uapi/linux"
cp Kbuild compat.h egre_priv.h egre_proto.h egre_*.c "$dir/"
cp include/uapi/linux/egre.h "$dir/include/uapi/linux/"
out=$(make -C "$tree" M="$dir" modules 2>&1) ||
	{ echo "$out" | tail -n 30; summary 0 1 0 "build egre.ko for $rel"; }
grep -E 'warning|error' <<<"$out"
make -s -C iproute2 >/dev/null || summary 0 1 0 "iproute2 plugin builds"

log=$top/.build/guest-$name.log
# shellcheck disable=SC2086
EGRE_KO=$dir/egre.ko EGRE_SCALE_SESSIONS=${EGRE_SCALE_SESSIONS:-4096} \
	EGRE_FLOOD_COUNT=${EGRE_FLOOD_COUNT:-5000} EGRE_CHURN=${EGRE_CHURN:-300} \
	vm/run.sh --kernel "$kernel" --moddir "$moddir" --cpus 2 \
	--mem "${EGRE_VM_MEM:-8G}" --timeout "${EGRE_VM_TIMEOUT:-10800}" \
	--log "$log" \
	-- scripts/check-debug.sh --in-guest ${EGRE_TESTS:-}
rc=$?
line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
[ -n "$line" ] || summary 0 1 0 "the guest gave no result (exit $rc; console log: $log)"
read -r p _ f _ s _ <<<"${line//,/}"
if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	f=1
	echo "# failed: guest exit $rc after the tests (vm/init's kernel log check; see $log)"
fi
summary "$p" "$f" "$s"
