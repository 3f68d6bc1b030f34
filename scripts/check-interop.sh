#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperability with pptp.ko: two guests of kernel ABI $1 joined by a
# QEMU socket link, pptp.ko in one, egre in the other
# (selftests/egre_interop.sh).  Prints "N passed, N failed, N skipped" for
# both together; exits non-zero on any failure.
#
#   scripts/check-interop.sh ABI [EGRE_KO]
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
abi=${1:?usage: $0 ABI [EGRE_KO]}
ko=${2:-$top/.build/$abi/egre.ko}
port=$((20000 + $$ % 20000))
logp=.build/interop-$abi-pptp.log
loge=.build/interop-$abi-egre.log
mkdir -p .build

vm/run.sh --abi "$abi" --cpus 1 --mem 1G --timeout 600 --log "$logp" \
	--qemu-opt -netdev --qemu-opt "socket,id=n0,listen=127.0.0.1:$port" \
	--qemu-opt -device --qemu-opt "virtio-net-pci,netdev=n0,mac=52:54:00:e9:00:02" \
	-- selftests/egre_interop.sh pptp >/dev/null 2>&1 &
pidp=$!
# the listener must exist before the other guest connects
for _ in $(seq 50); do
	ss -ltn 2>/dev/null | grep -q ":$port " && break
	sleep 0.2
done
EGRE_KO=$ko vm/run.sh --abi "$abi" --cpus 1 --mem 1G --timeout 600 --log "$loge" \
	--qemu-opt -netdev --qemu-opt "socket,id=n0,connect=127.0.0.1:$port" \
	--qemu-opt -device --qemu-opt "virtio-net-pci,netdev=n0,mac=52:54:00:e9:00:01" \
	-- selftests/egre_interop.sh egre >/dev/null 2>&1
rce=$?
wait $pidp
rcp=$?

pass=0 fail=0 skip=0
for l in "$logp" "$loge"; do
	grep -aE '^(ok|not ok|#)' "$l" | grep -av '^# SKIP' | sed "s|^|[$(basename "$l" .log)] |"
	pass=$((pass + $(grep -acE '^ok [0-9]+ [^#]*$' "$l")))
	fail=$((fail + $(grep -acE '^not ok' "$l")))
	skip=$((skip + $(grep -acE '^ok [0-9]+ .*# SKIP' "$l")))
done
[ $rce -ne 0 ] && [ $rce -ne 4 ] && [ $fail -eq 0 ] && fail=1 && echo "not ok - egre guest exit $rce"
[ $rcp -ne 0 ] && [ $rcp -ne 4 ] && [ $fail -eq 0 ] && fail=1 && echo "not ok - pptp guest exit $rcp"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
