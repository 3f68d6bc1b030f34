#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperability with the kernel's own pptp.ko, which cannot share a
# kernel with egre: one half of a two-guest test (scripts/check-interop.sh
# boots both, joined by a QEMU socket link).
#
#   egre_interop.sh pptp   pptp.ko, two static PPP units (bench/pptp-static)
#                          on 192.0.2.2: Call ID 2 with ppp 10.0.0.2, Call
#                          ID 4 with 10.0.1.2; serves iperf3 until the other
#                          side says it is done
#   egre_interop.sh egre   egre on 192.0.2.1: an egre netdevice (Call ID 1,
#                          10.0.0.1), then a PPP unit on an egre channel
#                          (pptp.ko's API; Call ID 3, 10.0.1.1); ping and
#                          TCP through each
#
# KTAP output; the egre side asserts the traffic, the pptp side that it saw
# it and that its kernel stayed clean.

source "$(dirname "$0")/lib.sh"
STATIC=$EGRE_DIR/bench/pptp-static
ROLE=${1:-}

# the QEMU NIC (MAC 52:54:00:e9:00:0N), addressed 192.0.2.N/24
nic_up()
{
	local d
	modprobe virtio_net
	busywait 5000 sh -c 'grep -l "52:54:00:e9:00:0'"$1"'" /sys/class/net/*/address' >/dev/null
	d=$(grep -l "52:54:00:e9:00:0$1" /sys/class/net/*/address)
	NIC=$(basename "$(dirname "$d")")
	ip addr add "192.0.2.$1/24" dev "$NIC"
	ip link set "$NIC" up
}

# ping_until ADDR SECONDS: the peer answers (it may still be booting)
ping_until()
{
	local end=$(($(date +%s) + $2))
	while [ "$(date +%s)" -lt "$end" ]; do
		ping -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0
	done
	return 1
}

tcp_to_pptp()	# ADDR
{
	local out
	out=$(iperf3 -c "$1" -t 3 -J) || return 1
	python3 -c 'import json,sys; d=json.load(sys.stdin); e=d["end"]["sum_received"]; print("# TCP to pptp.ko:", round(e["bytes"] * 8 / e["seconds"] / 1e6, 1), "Mbit/s,", d["end"]["sum_sent"].get("retransmits"), "retransmits"); sys.exit(e["bytes"] <= 0)' <<<"$out"
}

e0_stat()
{
	ethtool -S e0 | awk -v k="$1:" '$1 == k { print $2 }'
}

test_egre_netdev()
{
	ip link add e0 type egre local 192.0.2.1 remote 192.0.2.2 call-id 1 peer-call-id 2
	ip addr add 10.0.0.1 peer 10.0.0.2 dev e0
	ip link set e0 up
	ping_until 10.0.0.2 90 || fail "pptp.ko never answered"
	ping -c 5 -i 0.2 -W 2 10.0.0.2 >/dev/null
	tcp_to_pptp 10.0.0.2
	# pptp.ko numbers from 1 and never sends lone acks: nothing is lost,
	# nothing is refused
	diag "e0: rx_data $(e0_stat rx_data), rx_ack_only $(e0_stat rx_ack_only), rx_reordered $(e0_stat rx_reordered)"
	[ "$(e0_stat rx_old)" = 0 ] && [ "$(e0_stat rx_jump)" = 0 ] &&
		[ "$(e0_stat rx_bad_ppp)" = 0 ] && [ "$(e0_stat rx_data)" -gt 100 ]
	ip link del e0
}

test_egre_channel()
{
	local unit
	unit=$("$STATIC" -d -p /tmp/egre-interop.pid 192.0.2.1 3 192.0.2.2 4)
	bg_pids+=("$(cat /tmp/egre-interop.pid)")
	ip addr add 10.0.1.1 peer 10.0.1.2 dev "$unit"
	ip link set "$unit" up
	ping_until 10.0.1.2 30 || fail "pptp.ko never answered the channel"
	ping -c 5 -i 0.2 -W 2 10.0.1.2 >/dev/null
	tcp_to_pptp 10.0.1.2
	diag "$(awk 'NR == 1 || $3 == 3' /proc/net/egre | cut -d' ' -f1-8)"
	[ "$(proc_col_here 3 rx_data)" -gt 100 ]
	[ "$(proc_col_here 3 rx_old)" = 0 ]
}

proc_col_here()	# CALL_ID COLUMN, this namespace
{
	awk -v id="$1" -v col="$2" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$3 == id && c { print $c }' /proc/net/egre
}

test_pptp_serves()
{
	local u1 u2
	u1=$("$STATIC" -d -p /tmp/egre-interop-1.pid 192.0.2.2 2 192.0.2.1 1)
	bg_pids+=("$(cat /tmp/egre-interop-1.pid)")
	u2=$("$STATIC" -d -p /tmp/egre-interop-2.pid 192.0.2.2 4 192.0.2.1 3)
	bg_pids+=("$(cat /tmp/egre-interop-2.pid)")
	ip addr add 10.0.0.2 peer 10.0.0.1 dev "$u1"
	ip addr add 10.0.1.2 peer 10.0.1.1 dev "$u2"
	ip link set "$u1" up
	ip link set "$u2" up
	bg iperf3 -s
	# until the egre side is done (a datagram on the underlay), at most 5 min
	python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.2", 4999))
s.settimeout(300)
print("# egre side:", s.recv(100).decode())'
	for u in "$u1" "$u2"; do
		diag "$u: rx_packets $(cat "/sys/class/net/$u/statistics/rx_packets"), tx_packets $(cat "/sys/class/net/$u/statistics/tx_packets")"
		[ "$(cat "/sys/class/net/$u/statistics/rx_packets")" -gt 100 ]
	done
}

egre_done()
{
	python3 -c '
import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"done", ("192.0.2.2", 4999))'
}

require_root
require_cmd ip ping iperf3 python3 ethtool
[ -x "$STATIC" ] || { echo "# SKIP: make -C bench"; exit $KSFT_SKIP; }
case $ROLE in
pptp)
	modprobe pptp || { echo "# SKIP: no pptp.ko"; exit $KSFT_SKIP; }
	nic_up 2
	run_tests test_pptp_serves
	;;
egre)
	egre_require
	nic_up 1
	trap 'egre_done; cleanup_all' EXIT
	run_tests test_egre_netdev test_egre_channel
	;;
*)
	echo "usage: $0 pptp|egre" >&2
	exit 2
	;;
esac
