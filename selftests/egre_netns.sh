#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Network namespaces: the same Call IDs in two namespace pairs never see
# each other's packets; a device moved to another namespace keeps its
# underlay; deleting namespaces with live sessions and traffic is clean.

source "$(dirname "$0")/lib.sh"

# Same addresses and Call IDs in two independent pairs
test_same_ids()
{
	local A1 B1 A2 B2
	setup_pair
	A1=$A B1=$B
	setup_pair
	A2=$A B2=$B
	ip netns exec "$A1" ping -c 3 -i 0.2 -W 2 10.0.0.2 >/dev/null
	ip netns exec "$A2" ping -c 1 -W 2 10.0.0.2 >/dev/null
	expect_stat "$B1" e0 rx_data 3
	expect_stat "$B2" e0 rx_data 1
	expect_stat "$A1" e0 rx_data 3
	expect_stat "$A2" e0 rx_data 1
	expect_stat "$B1" e0 net_rx_no_session 0
	expect_stat "$B2" e0 net_rx_no_session 0
}

# The device moves to ns C; its underlay stays in A
#
#   C: e0 10.0.0.1   A: veth0 192.0.2.1 ---- B: veth0 192.0.2.2, e0 10.0.0.2
test_move()
{
	local C
	setup_pair
	new_ns C
	ip -n "$A" link set e0 netns "$C"
	! ip -n "$A" link show dev e0 2>/dev/null
	ip -n "$C" addr add 10.0.0.1 peer 10.0.0.2 dev e0
	ip -n "$C" link set e0 up
	ip netns exec "$C" ping -c 3 -i 0.2 -W 2 10.0.0.2 >/dev/null
	expect_stat "$C" e0 rx_data 3
	expect_stat "$B" e0 rx_data 3
	# link-netnsid tells where the underlay is
	ip -n "$C" -d link show dev e0 | grep -q link-netns
	# and back
	ip -n "$C" link set e0 netns "$A"
	ip -n "$A" addr add 10.0.0.1 peer 10.0.0.2 dev e0
	ip -n "$A" link set e0 up
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	# created in one netns, living in another from the start
	ip -n "$A" link add e5 netns "$C" type egre remote 192.0.2.2 call-id 5
	ip -n "$C" link show dev e5 >/dev/null
	ip -n "$C" -d link show dev e5 | grep -q link-netns
}

# Delete namespaces under traffic: the underlay's (devices elsewhere go
# too) and the device's (its session is unhashed from the underlay)
test_delete_busy()
{
	local C p
	dmesg_mark
	setup_pair
	new_ns C
	ip -n "$A" link add e7 netns "$C" type egre remote 192.0.2.2 call-id 7
	ip -n "$C" link set e7 up
	ip netns exec "$A" ping -f -W 1 10.0.0.2 >/dev/null 2>&1 &
	p=$!
	bg ip netns exec "$B" ping -f -W 1 10.0.0.1 >/dev/null 2>&1
	sleep 1
	[ "$(cnt "$B" e0 rx_data)" -gt 0 ]
	[ "$(cnt "$A" e0 rx_data)" -gt 0 ]
	# the underlay netns of e7 goes (B's flood still arriving): e7, in
	# C, must go with it.  A netns dies when its last process leaves.
	kill "$p"
	wait "$p" 2>/dev/null || true
	ip netns del "$A"
	busywait 10000 sh -c "! ip -n $C link show dev e7 2>/dev/null"
	ip netns del "$B"
	ip netns del "$C"
	ns_list=()
	sleep 0.5
	dmesg_clean
}

# Many namespaces with sessions, deleted in one go (batched netns exit)
test_delete_many()
{
	local i n names=()
	dmesg_mark
	for i in $(seq 1 20); do
		new_ns n
		ip -n "$n" link add e0 type egre remote 192.0.2.2 call-id 1
		ip -n "$n" link set e0 up
		names+=("$n")
	done
	for n in "${names[@]}"; do
		ip netns del "$n"
	done
	ns_list=()
	sleep 0.5
	dmesg_clean
}

egre_require
require_cmd ping ethtool
run_tests test_same_ids test_move test_delete_busy test_delete_many
