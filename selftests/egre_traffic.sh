#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Traffic through a pair of egre sessions (see setup_pair in lib.sh): IPv4
# and IPv6 ping, the wire format decoded by tshark (an independent decoder),
# exact counters after a known burst, lone acks on one-way traffic, ACFC and
# PFC framing, and path MTU behaviour.

source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

# udp_sink NS: swallow UDP port 9, so no ICMP goes back
udp_sink()
{
	bg ip netns exec "$1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9))
while True:
    s.recv(65536)
'
	busywait 5000 sh -c "ip netns exec $1 ss -Huln 'sport = :9' | grep -q ."
}

test_ping4()
{
	setup_pair
	ip netns exec "$A" ping -c 3 -i 0.2 -W 2 10.0.0.2
}

test_ping6()
{
	EGRE_V6=1 setup_pair
	ip netns exec "$A" ping -6 -c 3 -i 0.2 -W 2 fd00::2
	[ "$(cnt "$B" e0 rx_data)" -ge 3 ]
}

# Five pings 0.5 s apart: every count is known exactly.  A's requests carry
# no ack (nothing received yet, then its lone acks already acked each
# reply); B's replies always piggyback the ack; A sends a lone ack
# ack-delay (50 ms) after each reply.
test_counters()
{
	setup_pair
	ip netns exec "$A" ping -c 5 -i 0.5 -W 2 10.0.0.2 >/dev/null
	sleep 0.3
	expect_stat "$A" e0 tx_data 5
	expect_stat "$A" e0 rx_data 5
	expect_stat "$A" e0 tx_packets 5
	expect_stat "$A" e0 rx_packets 5
	expect_stat "$A" e0 tx_bytes $((5 * 84))
	expect_stat "$A" e0 rx_bytes $((5 * 84))
	expect_stat "$A" e0 tx_acks 0
	expect_stat "$A" e0 tx_ack_only 5
	expect_stat "$A" e0 rx_acks 5
	expect_stat "$A" e0 rx_ack_only 0
	expect_stat "$A" e0 tx_seq 5
	expect_stat "$A" e0 rx_seq 4
	expect_stat "$A" e0 rx_ack 4
	expect_stat "$B" e0 tx_acks 5
	expect_stat "$B" e0 tx_ack_only 0
	expect_stat "$B" e0 rx_acks 5
	expect_stat "$B" e0 rx_ack_only 5
	local c
	for c in rx_duplicate rx_old rx_lost rx_bad_ack rx_non_ip rx_bad_ppp \
		 tx_bad_proto tx_no_route tx_loop tx_too_big tx_nomem \
		 net_rx_bad_header net_rx_bad_length net_rx_no_session; do
		expect_stat "$A" e0 $c 0
		expect_stat "$B" e0 $c 0
	done
	# the same values through the iproute2 plugin's JSON
	[ "$(ip -n "$A" -s -d -j link show dev e0 | python3 -c '
import json, sys
x = json.load(sys.stdin)[0]["linkinfo"]["info_xstats"]["egre_stats"]
print(x["tx_data"], x["tx_ack_only"], x["rx_seq"])')" = "5 5 4" ]
	ip -n "$A" -s -d link show dev e0 | grep -q 'egre tx: data 5'
}

# The wire, as tshark sees it: flags, version, protocol, Key, sequence
# numbers from 0 increasing by one, the ack = last sequence received.
test_wire_format()
{
	local f=/tmp/egre-wire-$$.pcap out
	setup_pair
	capture_start "$B" veth0 "$f"
	ip netns exec "$A" ping -c 4 -i 0.3 -W 2 10.0.0.2 >/dev/null
	capture_stop
	decode "$f"
	# A -> B data: K,S set, C,R,s clear, version 1, 0x880B, payload length
	# = PPP frame (FF 03 00 21 + 84-byte IPv4), call id = B's (2), the
	# sequence from 0, no ack (A's lone acks already acked each reply)
	out=$(rows "$f" '$1 == "192.0.2.1" && $2 == 1' '$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$14,$15')
	diag "A->B data: $(echo $out)"
	[ "$out" = "$(printf '0,0,0,1,0,1,0x880b,88,2,%d,0xff,0x0021\n' 0 1 2 3)" ]
	# B -> A data: call id 1, each reply acks the request it answers
	out=$(rows "$f" '$1 == "192.0.2.2" && $2 == 1' '$3,$11,$12,$13')
	diag "B->A data: $(echo $out)"
	[ "$out" = "$(printf '1,1,%d,%d\n' 0 0 1 1 2 2 3 3)" ]
	# A's lone acks: S clear, A set, length 0: 20 + 12 bytes, ack = reply
	out=$(rows "$f" '$1 == "192.0.2.1" && $2 == 0' '$3,$10,$11,$13,$16')
	diag "A lone acks: $(echo $out)"
	[ "$out" = "$(printf '1,0,2,%d,32\n' 0 1 2 3)" ]
	rm -f "$f" "$f.log" "$f.csv"
}

# One-way traffic: the receiver acks with lone acks only
test_lone_acks()
{
	local f=/tmp/egre-oneway-$$.pcap out
	setup_pair
	udp_sink "$B"
	capture_start "$A" veth0 "$f"
	ip netns exec "$A" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(10):
    s.sendto(b"x" * 100, ("10.0.0.2", 9))
    time.sleep(0.1)
'
	sleep 0.3
	capture_stop
	decode "$f"
	expect_stat "$B" e0 rx_data 10
	expect_stat "$B" e0 tx_data 0
	out=$(rows "$f" '$1 == "192.0.2.2"' '$2,$3,$10,$13')
	diag "B->A: $(echo $out)"
	[ -n "$out" ]
	# only lone acks, and the last one acks the last packet (seq 9)
	! echo "$out" | grep -qv '^0,1,0,'
	[ "$(echo "$out" | tail -1 | cut -d, -f4)" = 9 ]
	expect_stat "$B" e0 tx_ack_only "$(echo "$out" | wc -l)"
	expect_stat "$A" e0 rx_ack_only "$(echo "$out" | wc -l)"
	expect_stat "$A" e0 rx_ack 9
	rm -f "$f" "$f.log" "$f.csv"
}

# ack-delay 0: every received packet is acked at once
test_ack_delay_zero()
{
	EGRE_OPTS="ack-delay 0" setup_pair
	udp_sink "$B"
	ip netns exec "$A" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5):
    s.sendto(b"x", ("10.0.0.2", 9))
    time.sleep(0.2)
'
	sleep 0.2
	expect_stat "$B" e0 tx_ack_only 5
}

# ACFC and PFC on transmit: tshark sees the compressed frames (the PPP
# frame is 4, 3, 3 or 2 bytes longer than the 84-byte packet), and the other
# side (which always accepts every form) delivers them
test_acfc_pfc()
{
	local f=/tmp/egre-acfc-$$.pcap out
	setup_pair
	capture_start "$B" veth0 "$f"
	ip -n "$A" link set e0 type egre acfc on pfc on
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	ip -n "$A" link set e0 type egre acfc on pfc off
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	ip -n "$A" link set e0 type egre acfc off pfc on
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	capture_stop
	decode "$f"
	out=$(rows "$f" '$1 == "192.0.2.1" && $2 == 1' '$10,$14,$15')
	diag "acfc+pfc, acfc, pfc: $(echo $out)"
	[ "$out" = "$(printf '%s\n' 85,,0x0021 86,,0x0021 87,0xff,0x0021)" ]
	expect_stat "$B" e0 rx_data 3
	expect_stat "$B" e0 rx_bad_ppp 0
	rm -f "$f" "$f.log" "$f.csv"
}

# Path MTU: oversized DF packets get frag-needed with the tunnel MTU; the
# underlay MTU shows in a new device's MTU
test_pmtu()
{
	setup_pair
	ip -n "$A" link set e0 mtu 1500
	! ip netns exec "$A" ping -c 1 -W 1 -M do -s 1472 10.0.0.2
	expect_stat "$A" e0 tx_too_big 1
	ip netns exec "$A" ping -c 1 -W 2 -M do -s 1432 10.0.0.2
	# without DF (IPv4 allows it), the outer packet is fragmented
	ip netns exec "$A" ping -c 1 -W 2 -M dont -s 1472 10.0.0.2
	ip -n "$A" link set veth0 mtu 1400
	ip -n "$A" link add e9 type egre remote 192.0.2.2 call-id 9
	[ "$(ip -n "$A" -j link show dev e9 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')" = 1360 ]
}

# A route that leads back into the tunnel is refused, not looped
test_loop()
{
	setup_pair
	ip -n "$A" link add e1 type egre remote 198.51.100.1 call-id 77
	ip -n "$A" addr add 10.9.0.1 peer 10.9.0.2 dev e1
	ip -n "$A" link set e1 up
	ip -n "$A" route add 198.51.100.1/32 dev e1
	! ip netns exec "$A" ping -c 1 -W 1 10.9.0.2
	expect_stat "$A" e1 tx_loop 1
	expect_stat "$A" e1 tx_data 0
}

egre_require
require_cmd python3 tcpdump tshark ping ethtool
dmesg_mark
run_tests test_ping4 test_ping6 test_counters test_wire_format \
	test_lone_acks test_ack_delay_zero test_acfc_pfc test_pmtu test_loop
