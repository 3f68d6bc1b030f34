#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale: 65,536 sessions (every Call ID) in one network namespace, created
# in one batch; a session among them still passes traffic and the lookup
# finds the right one; deleting the namespace removes them all.
# EGRE_SCALE_SESSIONS overrides the count (default 65536).

source "$(dirname "$0")/lib.sh"

test_65536()
{
	local n=${EGRE_SCALE_SESSIONS:-65536} f=/tmp/egre-scale-$$.batch t0 t1
	dmesg_mark
	setup_pair
	# the pair uses call-id 1 in A; fill every other Call ID towards B
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) if (i != 1)
		printf "link add s%d type egre remote 192.0.2.2 call-id %d peer-call-id %d\n", i, i, i }' >"$f"
	t0=$(date +%s%N)
	ip -n "$A" -batch "$f"
	t1=$(date +%s%N)
	diag "created $((n - 1)) sessions in $(((t1 - t0) / 1000000)) ms; $(grep -E "MemAvailable|Slab:" /proc/meminfo | xargs)"
	[ "$(ip -n "$A" -o link show type egre | wc -l)" = "$n" ]
	# refused: the table is full for this remote
	! ip -n "$A" link add x type egre remote 192.0.2.2 call-id 12345 2>/dev/null
	ip netns exec "$A" ping -c 3 -i 0.2 -W 2 10.0.0.2 >/dev/null
	expect_stat "$A" e0 rx_data 3
	# a packet for the last Call ID lands on its own session
	expect_stat "$A" s$((n - 1)) rx_data 0
	rm -f "$f"
	# netns exit runs in the background; unloading the module waits for
	# it (rtnl_link_unregister excludes cleanup_net), so time both
	t0=$(date +%s%N)
	ip netns del "$A"
	ns_list=("$B")
	rmmod egre
	t1=$(date +%s%N)
	diag "netns with $n sessions deleted and module unloaded in $(((t1 - t0) / 1000000)) ms"
	egre_load
	dmesg_clean
}

egre_require
require_cmd ping ethtool awk
run_tests test_65536
