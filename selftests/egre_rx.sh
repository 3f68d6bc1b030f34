#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive path against hostile input: packets of every malformed class,
# injected from a raw socket, are dropped and each increments exactly one
# named counter (and nothing else changes); valid variants (ACFC, PFC,
# trailing bytes, lone acks) are accepted; sequence handling (first number
# whatever it is, duplicates, old packets, gaps, wrap) is exact.
#
#   ns $A: veth0 192.0.2.1 ---- veth0 192.0.2.2, 192.0.2.3 :ns $P
#          e0 call-id 1, peer-call-id 2        raw-socket "peer"

source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

setup_peer()
{
	new_ns A
	new_ns P
	ip netns exec "$A" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	setup_underlay "$A" "$P"
	ip -n "$P" addr add 192.0.2.3/24 dev veth0
	# a long ack delay keeps lone acks out of the counts
	ip -n "$A" link add e0 type egre local 192.0.2.1 remote 192.0.2.2 \
		call-id 1 peer-call-id 2 ack-delay 10000
	ip -n "$A" addr add 10.0.0.1 peer 10.0.0.2 dev e0
	ip -n "$A" link set e0 up
}

inject()	# CASE [options...]
{
	local c=$1
	shift
	ip netns exec "$P" python3 "$HERE/egre_inject.py" --dst 192.0.2.1 \
		--call 1 "$@" "$c"
}

# All counters of e0 (ethtool -S, less the gauges and the lone acks the
# ack timer sends on its own schedule) plus rx_packets
snapshot()
{
	ip netns exec "$A" ethtool -S e0 |
		awk -F': *' 'NR > 1 && $1 !~ /(tx_seq|rx_seq|rx_ack|tx_ack_only|_us|tx_window|tx_in_flight|_queued|reorder_hold)$/ { gsub(/ /, "", $1); print $1, $2 }'
	echo rx_packets "$(cnt "$A" e0 rx_packets)"
}

# expect_delta "name:+n name:+n ..." CASE [inject options]: inject and
# compare every counter change to the list (empty list: nothing changes)
expect_delta()
{
	local want=$1 got before after
	shift
	before=$(snapshot)
	inject "$@"
	sleep 0.2
	after=$(snapshot)
	got=$(join <(echo "$before" | sort) <(echo "$after" | sort) |
		awk '$3 != $2 { printf "%s:+%d ", $1, $3 - $2 }' |
		tr ' ' '\n' | sort | xargs)
	want=$(echo "$want" | tr ' ' '\n' | sort | xargs)
	if [ "$got" != "$want" ]; then
		fail "$1: counters changed by '$got', expected '$want'"
		return 1
	fi
	diag "$1: $got"
}

test_malformed()
{
	setup_peer
	dmesg_mark
	# establish the session's receive state: first packet, seq 100
	expect_delta "rx_data:+1 rx_packets:+1" data --seq 100
	local c
	for c in bad_proto c_bit r_bit no_key s_bit recursion no_seq_no_ack; do
		expect_delta "net_rx_bad_header:+1" $c --seq 101
	done
	for c in short_header len_beyond seq_no_payload ack_with_payload; do
		expect_delta "net_rx_bad_length:+1" $c --seq 101
	done
	expect_delta "net_rx_no_session:+1" data --seq 101 --call 999
	expect_delta "net_rx_no_session:+1" data --seq 101 --src 192.0.2.3
	# dropped by the kernel's GRE demultiplexer before egre: nothing moves
	for c in reserved_flags version0 tiny; do
		expect_delta "" $c --seq 101
	done
	expect_delta "rx_data:+1 rx_non_ip:+1" non_ip --seq 101
	expect_delta "rx_data:+1 rx_bad_ppp:+1" bad_ppp_short --seq 102
	expect_delta "rx_data:+1 rx_bad_ppp:+1" bad_ppp_proto --seq 103
	expect_delta "rx_data:+1 rx_bad_ppp:+1" bad_inner --seq 104
	dmesg_clean
}

test_valid_variants()
{
	setup_peer
	expect_delta "rx_data:+1 rx_packets:+1" data --seq 0
	expect_delta "rx_data:+1 rx_packets:+1" data_acfc --seq 1
	expect_delta "rx_data:+1 rx_packets:+1" data_pfc --seq 2
	expect_delta "rx_data:+1 rx_packets:+1" data_acfc_pfc --seq 3
	expect_delta "rx_data:+1 rx_packets:+1" data_trailer --seq 4
	# an IP-fragmented GRE packet is reassembled, then handled once
	expect_delta "rx_data:+1 rx_packets:+1" data_big --seq 5
	expect_delta "rx_duplicate:+1" data_big --seq 5
	# lone ack for something we never sent
	expect_delta "rx_ack_only:+1 rx_acks:+1 rx_bad_ack:+1" ack_only --ack 5
	# send one packet out, then ack it: a valid ack
	ip netns exec "$A" ping -c 1 -W 0.2 10.0.0.2 >/dev/null || true
	expect_delta "rx_ack_only:+1 rx_acks:+1 rtt_samples:+1" ack_only --ack 0
	expect_stat "$A" e0 rx_ack 0
	expect_delta "rx_data:+1 rx_packets:+1 rx_acks:+1" data_ack --seq 6 --ack 0
}

test_sequence()
{
	setup_peer
	# first packet: any number is accepted (Linux peers start at 1)
	expect_delta "rx_data:+1 rx_packets:+1" data --seq 1
	expect_delta "rx_data:+1 rx_packets:+1" data --seq 2
	expect_delta "rx_duplicate:+1" data --seq 2
	expect_delta "rx_duplicate:+1" data --seq 1
	# gap of 3: 6 waits in the reorder queue until the timer
	# skips the gap; then a late packet from inside the gap: old, not dup
	expect_delta "rx_data:+1 rx_packets:+1 rx_lost:+3 rx_reordered:+1 rx_reorder_timeout:+1" \
		data --seq 6
	expect_delta "rx_old:+1" data --seq 4
	expect_delta "rx_old:+1" data --seq 0xf0000000
	expect_stat "$A" e0 rx_seq 6
	# a burst of 50 in order
	expect_delta "rx_data:+50 rx_packets:+50" data --seq 7 --count 50
	expect_stat "$A" e0 rx_seq 56
}

test_wrap()
{
	setup_peer
	expect_delta "rx_data:+5 rx_packets:+5" data --seq 0xfffffffd --count 5
	expect_stat "$A" e0 rx_seq 1
	expect_delta "rx_duplicate:+1" data --seq 0xffffffff
	# loss exactly at the boundary
	expect_delta "rx_data:+1 rx_packets:+1 rx_lost:+2 rx_reordered:+1 rx_reorder_timeout:+1" \
		data --seq 4
	expect_delta "rx_old:+1" data --seq 0xfffffff0
}

# Many bad packets at once: the kernel stays healthy, the count is exact
test_flood()
{
	setup_peer
	dmesg_mark
	expect_delta "net_rx_bad_header:+2000" c_bit --count 2000
	expect_delta "net_rx_no_session:+2000" data --call 4242 --count 2000
	expect_delta "rx_data:+1 rx_packets:+1" data --seq 9
	dmesg_clean
}

egre_require
require_cmd python3 ethtool join
run_tests test_malformed test_valid_variants test_sequence test_wrap test_flood
