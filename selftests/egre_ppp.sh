#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The PPP channel front end: pptp.ko's socket API on egre sessions
# (PX_PROTO_PPTP sockets, per network namespace), PPP units on them passing
# traffic in both directions with the framing pppd negotiates, checked on
# the wire by tshark, the transmit window pushing back on ppp_generic, and
# counters in /proc/net/egre.  pppd itself: egre_pppd.sh.

source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
API=$HERE/egre_pptp_api
STATIC=$EGRE_DIR/bench/pptp-static

# unit_pair [pptp-static options]: ppp units on egre channels, A <-> B:
#   A: call 5, ppp 10.1.0.1  <---->  B: call 6, ppp 10.1.0.2
unit_pair()
{
	new_ns A
	new_ns B
	setup_underlay "$A" "$B"
	UA=$(ip netns exec "$A" "$STATIC" -d -p "/tmp/egre-ppp-$$-a.pid" "$@" \
		192.0.2.1 5 192.0.2.2 6)
	bg_pids+=("$(cat "/tmp/egre-ppp-$$-a.pid")")
	UB=$(ip netns exec "$B" "$STATIC" -d -p "/tmp/egre-ppp-$$-b.pid" "$@" \
		192.0.2.2 6 192.0.2.1 5)
	bg_pids+=("$(cat "/tmp/egre-ppp-$$-b.pid")")
	ip -n "$A" addr add 10.1.0.1 peer 10.1.0.2 dev "$UA"
	ip -n "$B" addr add 10.1.0.2 peer 10.1.0.1 dev "$UB"
	ip -n "$A" link set "$UA" up
	ip -n "$B" link set "$UB" up
}

# The API checks, and the same Call ID bound in two namespaces at once
test_api()
{
	new_ns A
	new_ns B
	setup_underlay "$A" "$B"
	ip netns exec "$A" "$API" 192.0.2.1 192.0.2.2 9 >"/tmp/egre-api-$$.a" &
	local pid=$!
	sleep 0.5
	ip netns exec "$B" "$API" 192.0.2.2 192.0.2.1 9 | sed 's/^/# B: /'
	[ "${PIPESTATUS[0]}" = 0 ] || fail "API checks in B"
	wait $pid || { sed 's/^/# A: /' "/tmp/egre-api-$$.a"; fail "API checks in A"; }
	grep -c '^ok' "/tmp/egre-api-$$.a" | sed 's/^/# A: checks passed: /'
	rm -f "/tmp/egre-api-$$.a"
	# every socket is gone: no channel session is left behind
	[ "$(ip netns exec "$A" awk 'NR > 1' /proc/net/egre | wc -l)" = 0 ]
}

# Traffic both ways through PPP units; tshark decodes enhanced GRE carrying
# PPP; /proc/net/egre counts it; closing the sockets removes the sessions
test_static_unit()
{
	local f=/tmp/egre-ppp-$$.pcap out
	dmesg_mark
	unit_pair
	capture_start "$B" veth0 "$f"
	ip netns exec "$A" ping -c 3 -i 0.2 -W 2 10.1.0.2 >/dev/null
	ip netns exec "$B" ping -c 3 -i 0.2 -W 2 10.1.0.1 >/dev/null
	capture_stop
	decode "$f"
	# A -> B data: version 1, 0x880B, call id 6, FF 03, IPv4 (0x0021)
	out=$(rows "$f" '$1 == "192.0.2.1" && $2 == 1' '$8,$9,$11,$14,$15' | sort -u)
	diag "A->B: $out"
	[ "$out" = "1,0x880b,6,0xff,0x0021" ]
	[ "$(proc_col "$A" 5 rx_data)" -ge 6 ]
	[ "$(proc_col "$A" 5 tx_data)" -ge 6 ]
	[ "$(proc_col "$B" 6 peer_call_id)" = 5 ]
	[ "$(ip netns exec "$A" awk '$3 == 5 { print $1, $2 }' /proc/net/egre)" = "ppp $UA" ]
	kill "$(cat "/tmp/egre-ppp-$$-a.pid")"
	busywait 3000 sh -c "[ -z \"\$(ip netns exec $A awk 'NR > 1' /proc/net/egre)\" ]"
	rm -f "$f" "$f.log" "$f.csv" /tmp/egre-ppp-$$-*.pid
	dmesg_clean
}

# ACFC and PFC as pppd sets them (PPPIOCSFLAGS on the channel): no FF 03,
# a 1-byte protocol field on the wire, still delivered
test_acfc_pfc()
{
	local f=/tmp/egre-pppc-$$.pcap out
	unit_pair -a -c
	capture_start "$B" veth0 "$f"
	ip netns exec "$A" ping -c 3 -i 0.2 -W 2 10.1.0.2 >/dev/null
	capture_stop
	decode "$f"
	# the payload: 84-byte IPv4 + 1-byte protocol, no address field
	out=$(rows "$f" '$1 == "192.0.2.1" && $2 == 1' '$10,$14,$15' | sort -u)
	diag "A->B: $out"
	[ "$out" = "85,,0x21" ] || [ "$out" = "85,,0x0021" ]
	rm -f "$f" "$f.log" "$f.csv" /tmp/egre-ppp-$$-*.pid
}

# peer window 4: the session's window queue fills, ppp_generic is told to
# wait (start_xmit returns 0) and woken as acks arrive; TCP completes
test_window()
{
	local out
	require_cmd iperf3
	unit_pair -w 4
	bg ip netns exec "$B" iperf3 -s -1 -B 10.1.0.2
	sleep 0.5
	out=$(ip netns exec "$A" iperf3 -c 10.1.0.2 -t 2 -J)
	python3 -c 'import json,sys; d=json.load(sys.stdin); b=d["end"]["sum_received"]["bytes"]; print("# received", b); sys.exit(b <= 0)' <<<"$out"
	diag "A: tx_window_wait $(proc_col "$A" 5 tx_window_wait), tx_window $(proc_col "$A" 5 tx_window)"
	[ "$(proc_col "$A" 5 tx_window_wait)" -gt 0 ]
	[ "$(proc_col "$A" 5 tx_window)" -le 4 ]
	[ "$(proc_col "$A" 5 tx_window_purge)" = 0 ]
	rm -f /tmp/egre-ppp-$$-*.pid
}

# Channels and netdevices share a namespace's Call IDs: allocation skips
# one a netdevice receives on; a channel cannot take a netdevice's session
test_shared_ids()
{
	local out
	new_ns A
	new_ns B
	setup_underlay "$A" "$B"
	ip -n "$A" link add e0 type egre local 192.0.2.1 remote 192.0.2.2 \
		call-id 1 peer-call-id 2
	out=$(ip netns exec "$A" "$API" 192.0.2.1 192.0.2.2)
	grep '^# allocated' <<<"$out"
	! grep -q '^# allocated call_id 1$' <<<"$out"
	out=$(ip netns exec "$A" "$STATIC" 192.0.2.1 1 192.0.2.2 7 2>&1 </dev/null) &&
		fail "a channel took call-id 1 from e0"
	diag "$out"
	grep -q 'connect: Address already in use' <<<"$out"
	# e0 is untouched and listed as a device
	[ "$(ip netns exec "$A" awk '$3 == 1 { print $1, $2 }' /proc/net/egre)" = "dev e0" ]
}

egre_require
require_cmd tcpdump tshark ping python3
[ -x "$API" ] && [ -x "$STATIC" ] || {
	echo "# SKIP: build the helpers first (make -C selftests all; make -C bench)"
	exit $KSFT_SKIP
}
run_tests test_api test_static_unit test_acfc_pfc test_window test_shared_ids
