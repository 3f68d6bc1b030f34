#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: static checks on the host, then the selftests in QEMU guests
# of Debian's 6.1 and 6.12 kernels (newest of each line).  Ends with
# "N passed, N failed, N skipped"; exits non-zero on any failure.
#
#   EGRE_KERNELS="6.1 6.12"   kernel series or exact ABIs to test
#   EGRE_TESTS="a.sh b.sh"    run only these selftests
#   EGRE_DIRECT=1             run the selftests on this host (root, a kernel
#                             that loads modules), without QEMU
#   EGRE_STATIC=0             skip the static checks
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

pass=0
fail=0
skip=0
failed_names=()

result()	# ok|fail NAME
{
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok - $2"
	else
		fail=$((fail + 1))
		failed_names+=("$2")
		echo "not ok - $2"
	fi
}

# build_for ABI: egre.ko for that kernel in .build/ABI (out of the tree)
build_for()
{
	local log rc
	log=$(scripts/build-for.sh "$1" W=1 EGRE_WERROR=y 2>&1)
	rc=$?
	if [ $rc -ne 0 ] || grep -q 'warning:' <<<"$log"; then
		echo "$log" | grep -E 'warning|error' | head -20
		return 1
	fi
	return 0
}

static_checks()
{
	local abi out rc

	for abi in "$@"; do
		build_for "$abi" && result ok "build $abi, W=1, no warnings" ||
			result fail "build $abi, W=1, no warnings"
	done
	abi=$1
	out=$(make -C "/usr/src/linux-headers-$abi" M="$top/.build/$abi" \
		C=2 modules 2>&1 | grep -E 'warning|error')
	[ -z "$out" ] && result ok "sparse (C=2) clean, $abi" ||
		{ echo "$out"; result fail "sparse (C=2) clean, $abi"; }

	if scripts/get-checkpatch.sh >/dev/null; then
		out=$(scripts/checkpatch/checkpatch.pl --strict --no-tree -q \
			--show-types -f Kbuild compat.h egre_priv.h egre_proto.h \
			egre_*.c include/uapi/linux/egre.h 2>&1)
		[ -z "$out" ] && result ok "checkpatch --strict clean" ||
			{ echo "$out"; result fail "checkpatch --strict clean"; }
	else
		result fail "checkpatch.pl available"
	fi

	out=$(make -s -C tests/unit check 2>&1)
	echo "$out" | grep -E '^(not ok|# Totals)'
	grep -q '# Totals: pass:[0-9]* fail:0' <<<"$out" &&
		result ok "unit tests of egre_proto.h (ASan/UBSan)" ||
		result fail "unit tests of egre_proto.h (ASan/UBSan)"

	out=$(make -s -C tests/fuzz check 2>&1)
	rc=$?
	echo "$out" | tail -4
	[ $rc -eq 0 ] && grep -q 'rxq.*ok' <<<"$out" &&
		result ok "fuzz regression inputs (libFuzzer, ASan/UBSan)" ||
		result fail "fuzz regression inputs (libFuzzer, ASan/UBSan)"

	out=$(make -s -C pppd >/dev/null 2>&1 && make -s -C pppd check 2>&1)
	[ $? -eq 0 ] && result ok "pppd plugin: control protocol against hostile servers (host)" ||
		{ echo "$out" | grep -E '^not ok|^#' | tail -20; result fail "pppd plugin: control protocol against hostile servers (host)"; }

	out=$(make -s -C iproute2 check 2>&1)
	[ $? -eq 0 ] && result ok "iproute2 plugin parse/print checks" ||
		{ echo "$out" | tail -20; result fail "iproute2 plugin parse/print checks"; }
}

# guest_suite ABI: the selftests in a guest; adds the guest's counts
guest_suite()
{
	local abi=$1 log=.build/guest-$1.log line p f s tests
	# egre_interop.sh needs two guests: check-interop.sh runs it
	tests=$(tr ' ' '\n' <<<"${EGRE_TESTS:-}" | grep -vx 'egre_interop.sh' | tr '\n' ' ')
	if [ -n "${EGRE_TESTS:-}" ] && [ -z "${tests// /}" ]; then
		return
	fi
	# shellcheck disable=SC2086
	EGRE_KO=$top/.build/$abi/egre.ko vm/run.sh --abi "$abi" \
		--mem "${EGRE_VM_MEM:-8G}" --timeout "${EGRE_VM_TIMEOUT:-2400}" \
		--log "$log" -- selftests/run.sh $tests
	local rc=$?
	line=$(grep -aE '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -z "$line" ]; then
		result fail "selftests on $abi produced no result (exit $rc)"
		return
	fi
	read -r p _ f _ s _ <<<"${line//,/}"
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + ${s:-0}))
	[ "$f" -gt 0 ] && failed_names+=("$f selftest(s) on $abi")
	# a clean kernel log is part of the verdict
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
		result fail "selftests on $abi: guest exit $rc (kernel log or harness)"
	fi
}

abis=()
if [ "${EGRE_DIRECT:-0}" = 1 ]; then
	abis=("$(uname -r)")
else
	for k in ${EGRE_KERNELS:-6.1 6.12}; do
		abi=$(vm/fetch-kernel.sh "$k" | tail -1) ||
			{ result fail "fetch kernel $k"; continue; }
		abis+=("$abi")
	done
fi

[ "${EGRE_STATIC:-1}" = 1 ] && [ ${#abis[@]} -gt 0 ] && static_checks "${abis[@]}"
make -s -C iproute2 >/dev/null || result fail "iproute2 plugin builds"
# userspace the selftests run in the guest (it sees this tree over 9p)
make -s -C bench >/dev/null && make -s -C selftests all >/dev/null &&
	make -s -C pppd >/dev/null ||
	result fail "selftest helpers build (bench/pptp-static, selftests/egre_pptp_api, pppd/egre-pptp.so)"

# The full-size load tests (65,536 sessions, 30,000-packet flood, 3,000
# sessions churned) run on the first kernel; later ones run them smaller,
# to keep a cold `make check` well under 30 minutes on 2 cores.
heavy=1
for abi in "${abis[@]}"; do
	if [ $heavy = 0 ]; then
		export EGRE_SCALE_SESSIONS=${EGRE_SCALE_SESSIONS_LIGHT:-8192}
		export EGRE_FLOOD_COUNT=5000 EGRE_CHURN=300
	fi
	heavy=0
	if [ "${EGRE_DIRECT:-0}" = 1 ]; then
		make -s module KDIR="/lib/modules/$abi/build" &&
			EGRE_KO=$top/egre.ko selftests/run.sh ${EGRE_TESTS:-} |
			tee ".build/direct.log"
		line=$(grep -E '^[0-9]+ passed' .build/direct.log | tail -1)
		read -r p _ f _ s _ <<<"${line//,/}"
		pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1})); skip=$((skip + ${s:-0}))
		continue
	fi
	# the static checks built it; otherwise build it now (never a stale one)
	if [ "${EGRE_STATIC:-1}" != 1 ] || [ ! -f ".build/$abi/egre.ko" ]; then
		build_for "$abi" || { result fail "build $abi"; continue; }
	fi
	guest_suite "$abi"
	# pptp.ko and egre in two guests, joined by a QEMU socket link
	if [ -z "${EGRE_TESTS:-}" ] || [[ " $EGRE_TESTS " == *" egre_interop.sh "* ]]; then
		out=$(scripts/check-interop.sh "$abi")
		echo "$out"
		line=$(tail -1 <<<"$out")
		read -r p _ f _ s _ <<<"${line//,/}"
		pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1})); skip=$((skip + ${s:-0}))
		[ "${f:-1}" -gt 0 ] && failed_names+=("interop with pptp.ko on $abi")
	fi
done

for n in "${failed_names[@]}"; do
	echo "# failed: $n"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
