#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Underlay faults, across a router:
#
#   ns $A: veth0 192.0.2.1 --- 192.0.2.254 [ns $R] 198.51.100.254 --- veth1 198.51.100.2 :ns $B
#          e0 10.0.0.1  <==========  enhanced GRE  ==========>  e0 10.0.0.2
#
# The route to the peer disappears and returns (tx_no_route counts each
# packet, traffic recovers by itself); the router's far link goes down and
# up; the router's far link MTU shrinks: its ICMP frag-needed reaches the
# session, inner senders get frag-needed with the tunnel's path MTU, and the
# device MTU follows.

source "$(dirname "$0")/lib.sh"

setup_routed()
{
	local n
	new_ns A
	new_ns R
	new_ns B
	for n in "$A" "$B"; do
		ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
	ip -n "$A" link add veth0 type veth peer name veth0 netns "$R"
	ip -n "$B" link add veth1 type veth peer name veth1 netns "$R"
	ip -n "$A" addr add 192.0.2.1/24 dev veth0
	ip -n "$R" addr add 192.0.2.254/24 dev veth0
	ip -n "$R" addr add 198.51.100.254/24 dev veth1
	ip -n "$B" addr add 198.51.100.2/24 dev veth1
	ip -n "$A" link set veth0 up
	ip -n "$R" link set veth0 up
	ip -n "$R" link set veth1 up
	ip -n "$B" link set veth1 up
	ip -n "$A" route add 198.51.100.0/24 via 192.0.2.254
	ip -n "$B" route add 192.0.2.0/24 via 198.51.100.254
	ip -n "$A" link add e0 type egre local 192.0.2.1 remote 198.51.100.2 \
		call-id 1 peer-call-id 2
	ip -n "$B" link add e0 type egre local 198.51.100.2 remote 192.0.2.1 \
		call-id 2 peer-call-id 1
	ip -n "$A" addr add 10.0.0.1 peer 10.0.0.2 dev e0
	ip -n "$B" addr add 10.0.0.2 peer 10.0.0.1 dev e0
	ip -n "$A" link set e0 up
	ip -n "$B" link set e0 up
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
}

# A's lone ack for the set-up ping's reply has gone out (ack-delay later)
ack_sent() { [ "$(cnt "$A" e0 tx_ack_only)" -ge 1 ]; }

test_route_flap()
{
	setup_routed
	# else that ack may meet the missing route too and count as a fourth
	busywait 3000 ack_sent || fail "no lone ack after the set-up ping"
	ip -n "$A" route del 198.51.100.0/24
	! ip netns exec "$A" ping -c 3 -i 0.2 -W 1 10.0.0.2 >/dev/null
	expect_stat "$A" e0 tx_no_route 3
	expect_stat "$A" e0 tx_errors 3
	expect_stat "$A" e0 tx_carrier_errors 3
	ip -n "$A" route add 198.51.100.0/24 via 192.0.2.254
	ip netns exec "$A" ping -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null
	expect_stat "$A" e0 tx_no_route 3
}

test_link_flap()
{
	setup_routed
	ip -n "$R" link set veth1 down
	! ip netns exec "$A" ping -c 2 -i 0.2 -W 1 10.0.0.2 >/dev/null
	ip -n "$R" link set veth1 up
	busywait 10000 ip netns exec "$A" ping -c 1 -W 1 10.0.0.2 >/dev/null
	# B never saw the lost ones: its window shows no duplicate or old
	expect_stat "$B" e0 rx_duplicate 0
	expect_stat "$B" e0 rx_old 0
}

test_pmtu_shrink()
{
	local out mtu
	dmesg_mark
	setup_routed
	ip -n "$R" link set veth1 mtu 1400
	ip -n "$B" link set veth1 mtu 1400
	# 1428-byte inner packets: 1468 outer, too big for the router's link;
	# the router's frag-needed teaches A's route the path MTU
	! ip netns exec "$A" ping -c 1 -W 1 -M do -s 1400 10.0.0.2 >/dev/null
	busywait 5000 sh -c "ip -n $A route get 198.51.100.2 | grep -q 'mtu 1400'"
	# the next one is refused at the tunnel, with the tunnel's path MTU
	out=$(ip netns exec "$A" ping -c 1 -W 1 -M do -s 1400 10.0.0.2 2>&1 || true)
	diag "$(echo "$out" | grep -i frag)"
	echo "$out" | grep -q 'mtu = 1360'
	[ "$(cnt "$A" e0 tx_too_big)" -ge 1 ]
	# and the device MTU follows the path down
	busywait 5000 sh -c "ip -n $A link show dev e0 | grep -q 'mtu 1360'"
	ip netns exec "$A" ping -c 1 -W 2 -M do -s 1332 10.0.0.2 >/dev/null
	dmesg_clean
}

egre_require
require_cmd ping ethtool
run_tests test_route_flap test_link_flap test_pmtu_shrink
