#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module life cycle: unloading with live sessions and traffic leaves no
# device, no GRE handler and a clean kernel log; pptp.ko and egre exclude
# each other from the single GRE version 1 slot, in both load orders, with a
# message that says so.

source "$(dirname "$0")/lib.sh"

egre_unload()
{
	grep -q '^egre ' /proc/modules || return 0
	rmmod egre
}

test_unload_busy()
{
	local i
	dmesg_mark
	for i in 1 2; do
		egre_load
		EGRE_V6=1 setup_pair
		ip -n "$A" link add e1 type egre remote 192.0.2.2 call-id 11 peer-call-id 12
		bg ip netns exec "$A" ping -f -W 1 10.0.0.2 >/dev/null 2>&1
		bg ip netns exec "$B" ping -6 -f -W 1 fd00::1 >/dev/null 2>&1
		sleep 1
		[ "$(cnt "$B" e0 rx_data)" -gt 0 ]
		rmmod egre
		! grep -q '^egre ' /proc/modules
		! ip -n "$A" link show dev e0 2>/dev/null
		! ip -n "$B" link show dev e0 2>/dev/null
		cleanup_all
	done
	sleep 0.5
	dmesg_clean
}

test_pptp_first()
{
	modinfo pptp >/dev/null 2>&1 || return $KSFT_SKIP
	egre_unload
	modprobe pptp
	dmesg_mark
	if insmod "$EGRE_KO" 2>/dev/null; then
		rmmod pptp 2>/dev/null
		fail "egre loaded while pptp.ko holds the GRE v1 slot"
	fi
	dmesg | tail -n +"$((dmesg_lines + 1))" | tee /dev/stderr |
		grep -q 'egre: the GRE version 1 (PPTP) handler is already registered, most likely by pptp.ko'
	rmmod pptp
	insmod "$EGRE_KO"
}

test_egre_first()
{
	modinfo pptp >/dev/null 2>&1 || return $KSFT_SKIP
	egre_load
	! modprobe pptp 2>/dev/null
	! grep -q '^pptp ' /proc/modules
	# egre still works
	setup_pair
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
}

test_reload_cycles()
{
	local i
	dmesg_mark
	for i in 1 2 3; do
		egre_unload
		egre_load
		new_ns A
		ip -n "$A" link add e0 type egre remote 192.0.2.2
	done
	cleanup_all
	egre_unload
	egre_load
	dmesg_clean
}

egre_require
require_cmd ping ethtool modprobe rmmod
run_tests test_unload_busy test_pptp_first test_egre_first test_reload_cycles
