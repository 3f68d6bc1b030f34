#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every egre selftest (as root, on a kernel that can load egre.ko:
# normally inside the QEMU guest that scripts/check.sh boots).  Prints each
# script's KTAP output and ends with "N passed, N failed, N skipped".
#
#   EGRE_KO=path/to/egre.ko selftests/run.sh [script...]

HERE=$(cd "$(dirname "$0")" && pwd)
# the list, in order, is TEST_PROGS in selftests/Makefile
mapfile -t TESTS < <(sed -n 's/^TEST_PROGS [+:]*= *//p' "$HERE/Makefile")
[ $# -gt 0 ] && TESTS=("$@")

export EGRE_KO=${EGRE_KO:-$HERE/../egre.ko}
export IP_LIB_DIR=${IP_LIB_DIR:-$HERE/../iproute2}
export PATH=$PATH:/usr/sbin:/sbin

pass=0
fail=0
skip=0
echo "# kernel $(uname -r), module $EGRE_KO"
for t in "${TESTS[@]}"; do
	echo "# === $t"
	if [ ! -f "$HERE/$t" ]; then
		echo "not ok $t # no such test"
		fail=$((fail + 1))
		continue
	fi
	start=$(date +%s)
	out=$(bash "$HERE/$t" 2>&1 | tee /dev/stderr)
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+ [^#]*$' <<<"$out")
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' <<<"$out")
	f=$(grep -cE '^not ok [0-9]+' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ] && [ "$f" -eq 0 ]; then
		f=1	# died without reporting
		echo "not ok $t # exit $rc"
	fi
	[ "$rc" -eq 4 ] && [ "$p" -eq 0 ] && s=$((s + 1))
	echo "# $t: $p passed, $f failed, $s skipped, $(($(date +%s) - start)) s"
	pass=$((pass + p))
	fail=$((fail + f))
	skip=$((skip + s))
done

# Finally: unload, and nothing of egre may remain
if grep -q '^egre ' /proc/modules; then
	if rmmod egre; then
		pass=$((pass + 1))
		echo "ok module unloads cleanly at the end"
	else
		fail=$((fail + 1))
		echo "not ok module unloads cleanly at the end"
	fi
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
