#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: throughput and packet rate of veth, ip_gre, pptp.ko and egre
# between two network namespaces, in one QEMU guest of a Debian kernel.
# Builds egre.ko, the ip plugin and bench/pptp-static, boots the guest, runs
# bench/guest.sh in it, and prints a markdown table (also saved as
# bench/results-<kernel>-<date>.md).  Never part of `make check`.
#
#   EGRE_BENCH_KERNEL=6.1        kernel series or exact ABI
#   EGRE_BENCH_REPEATS=3         repeats (medians are reported)
#   EGRE_BENCH_SECONDS=4         iperf3 duration of each measurement
#   EGRE_BENCH_TESTS="tcp tcp4 udp"
#                                tcp: 1 TCP stream; tcp4: -P 4; udp: 64-byte
#                                UDP datagrams as fast as iperf3 sends them
#   EGRE_BENCH_CONDITIONS=none,delay,reorder,loss
#                                netem on the sending side's underlay veth:
#                                none, delay (10ms), reorder (delay 10ms
#                                reorder 25% 50%), loss (loss 1%), or
#                                NAME=NETEM ARGS, comma-separated
#   EGRE_BENCH_TUNNELS="veth ip_gre ip_gre_seq pptp egre"
#                                (ip_gre_seq: GRE v0 with key and oseq)
#   EGRE_BENCH_EGRE_OPTS=        extra `ip link add ... type egre` options
#   EGRE_BENCH_MTU=1460          inner MTU of every tunnel (empty: defaults;
#                                pppN is always lowered to 1460)
#   EGRE_BENCH_GSO=auto          on|off|auto: GSO/TSO on the sending devices;
#                                auto = off under netem loss/reorder, so that
#                                netem acts on wire-size packets
#   EGRE_BENCH_UNDERLAY_GSO=on   off: the underlay veths segment every GSO
#                                packet (tso, gso, tx-gre-segmentation off),
#                                as a real link without GRE offload does;
#                                on: ip_gre's 64 KB skbs cross in one piece
#   EGRE_BENCH_NETEM_SIDES=send  send|both: netem on the sender's veth only,
#                                or on both ends (then ACKs suffer too)
#   EGRE_BENCH_MEM=2G, EGRE_BENCH_TIMEOUT (default: from the matrix size)
#   EGRE_KO=PATH                 use this egre.ko instead of building one
#   EGRE_BENCH_MODE=matrix       matrix: the table above; scale: one egre
#                                session's throughput (EGRE_BENCH_TESTS,
#                                default tcp) while the receiving netns
#                                holds EGRE_BENCH_SCALE_COUNTS ("1 1000
#                                65536") sessions, then 1 again, and memory
#                                and time per session for creating and
#                                deleting EGRE_BENCH_SCALE_MEM (10000);
#                                ppp: pppd with MPPE over pptp-linux,
#                                pptp.ko and egre (bench/README.rst)
#
# egre.ko and the plugin are built from a copy of the sources in
# .build/bench/ABI-STAMP/src (scripts/build-for.sh run there), which also
# keeps the raw iperf3 output, the guest console and the counters.
#   EGRE_BENCH_SAVE=0            do not write bench/results-*.md (a
#                                later run of the same day adds -HHMM)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

say() { echo "bench: $*" >&2; }
die() { say "error: $*"; exit 1; }

scripts/install-deps.sh || die "install-deps failed"
abi=$(vm/fetch-kernel.sh "${EGRE_BENCH_KERNEL:-6.1}" | tail -1)
[ -n "$abi" ] || die "cannot resolve kernel ${EGRE_BENCH_KERNEL:-6.1}"

stamp=$(date +%Y%m%d-%H%M%S)
out=$top/.build/bench/$abi-$stamp
mkdir -p "$out"

# Build from a snapshot of the sources in $out/src: other work in this tree
# (a running `make check` loading .build/ABI/egre.ko, files being edited)
# neither disturbs this run nor is disturbed by it.
src=$out/src
mkdir -p "$src/scripts"
cp -a Kbuild compat.h egre_*.h egre_*.c include iproute2 "$src/" ||
	die "cannot copy the sources"
cp -a scripts/build-for.sh "$src/scripts/" || die "cannot copy build-for.sh"
rm -f "$src/iproute2/"*.so
make -s -C "$src/iproute2" link_egre.so >/dev/null ||
	die "iproute2 plugin does not build"
export EGRE_BENCH_IP_LIB_DIR=$src/iproute2
make -s -C bench >/dev/null || die "bench/pptp-static does not build"
if [ -z "${EGRE_KO:-}" ]; then
	"$src/scripts/build-for.sh" "$abi" -s >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log"; die "egre.ko does not build for $abi"; }
	EGRE_KO=$src/.build/$abi/egre.ko
fi
cp "$EGRE_KO" "$out/egre.ko" || die "no egre.ko at $EGRE_KO"
export EGRE_KO=$out/egre.ko

mode=${EGRE_BENCH_MODE:-matrix}
case $mode in
matrix) ;;
scale)	export EGRE_BENCH_TUNNELS=egre EGRE_BENCH_CONDITIONS=none
	export EGRE_BENCH_TESTS=${EGRE_BENCH_TESTS:-tcp} ;;
ppp)	export EGRE_BENCH_TUNNELS=${EGRE_BENCH_TUNNELS:-user-ppp pptp-ppp egre-ppp}
	export EGRE_BENCH_CONDITIONS=${EGRE_BENCH_CONDITIONS:-none,delay,reorder}
	export EGRE_BENCH_TESTS=${EGRE_BENCH_TESTS:-tcp tcp4}
	make -s -C pppd egre-pptp.so || die "cannot build pppd/egre-pptp.so" ;;
*) die "EGRE_BENCH_MODE: matrix, scale or ppp" ;;
esac
export EGRE_BENCH_MODE=$mode

# Size of the matrix, for the guest's timeout
set -f
ntun=$(wc -w <<<"${EGRE_BENCH_TUNNELS:-veth ip_gre ip_gre_seq pptp egre}")
ntest=$(wc -w <<<"${EGRE_BENCH_TESTS:-tcp tcp4 udp}")
ncond=$(tr ',' '\n' <<<"${EGRE_BENCH_CONDITIONS:-none,delay,reorder,loss}" | grep -c .)
set +f
nrun=$((${EGRE_BENCH_REPEATS:-3} * ntun * ntest * ncond))
if [ "$mode" = scale ]; then
	ncount=$(($(wc -w <<<"${EGRE_BENCH_SCALE_COUNTS:-1 1000 65536}") + 1))
	nrun=$((${EGRE_BENCH_REPEATS:-3} * ntest * ncount))
	mem=${EGRE_BENCH_MEM:-8G}
	extra=2400	# 65,536 sessions take minutes to create in TCG
else
	mem=${EGRE_BENCH_MEM:-2G}
	extra=900
fi
timeout=${EGRE_BENCH_TIMEOUT:-$((extra + nrun * (${EGRE_BENCH_SECONDS:-4} + 8) * 2))}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(date +%s)
say "$abi: $nrun measurements, guest timeout ${timeout}s, output in $out"
vm/run.sh --abi "$abi" --mem "$mem" --timeout "$timeout" \
	--no-panic-on-warn --rw "$out" --log "$out/console.log" \
	-- bench/guest.sh "$out"
rc=$?
t1=$(date +%s)
load1=$(cut -d' ' -f1-3 /proc/loadavg)
[ $rc -eq 0 ] || say "guest exit status $rc (1: kernel log not clean, 124: timeout; see $out/console.log)"
[ -s "$out/runs.tsv" ] || die "no measurements came back"
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)
{
	echo "# egre benchmark: $abi, $(date -d "@$t0" '+%Y-%m-%d %H:%M')"
	echo
	echo "QEMU TCG guest, $(grep -c ^processor /proc/cpuinfo) host CPUs" \
		"($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1))," \
		"2 vCPUs; egre $rev; $(sed -n 's/^iperf3\t//p' "$out/meta.tsv")."
	echo "Run took $(((t1 - t0) / 60)) min $(((t1 - t0) % 60)) s; host load" \
		"average $load0 before, $load1 after; guest exit status $rc."
	echo "Inner MTU $(sed -n 's/^mtu\t//p' "$out/meta.tsv");" \
		"GSO $(sed -n 's/^gso\t//p' "$out/meta.tsv");" \
		"netem on $(sed -n 's/^netem_sides\t//p' "$out/meta.tsv") side(s);" \
		"underlay GSO $(sed -n 's/^underlay_gso\t//p' "$out/meta.tsv");" \
		"egre options: '$(sed -n 's/^egre_opts\t//p' "$out/meta.tsv")'."
	if [ "$mode" = ppp ]; then
		echo "pppd on both ends, MS-CHAPv2, MPPE-128 (stateless), PPP MTU" \
			"$(sed -n 's/^ppp_mtu\t//p' "$out/meta.tsv"); user = pptp-linux" \
			"client -> pptpd (both userspace GRE); pptp.ko and egre:" \
			"pppd/egre-pptp.so in static mode on both ends."
	fi
	if [ "$mode" != scale ]; then
		echo "Conditions: none; delay = netem delay 10ms; reorder = delay 10ms" \
			"reorder 25% 50%; loss = loss 1% (on the sender's underlay veth)."
	else
		echo "Session scaling: the receiving namespace holds N egre sessions" \
			"(distinct Call IDs and remotes), one of them measured."
	fi
} >"$out/header.md"
python3 bench/report.py "$out" "$out/header.md" >"$out/results.md" ||
	die "report failed"
cat "$out/results.md"
if [ "${EGRE_BENCH_SAVE:-1}" = 1 ]; then
	name=bench/results-$([ "$mode" != matrix ] && echo "$mode-")$abi-$(date -d "@$t0" +%Y%m%d)
	# a second run on the same day keeps the first one's file
	[ -e "$name.md" ] && name=$name-$(date -d "@$t0" +%H%M)
	name=$name.md
	cp "$out/results.md" "$name"
	say "saved $name"
fi
exit $rc
