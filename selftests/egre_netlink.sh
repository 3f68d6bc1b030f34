#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rtnetlink interface of egre: every attribute round-trips through
# "ip -d link show" (text and JSON), changelink works, and every invalid
# request is refused with an extack message naming the attribute.

source "$(dirname "$0")/lib.sh"

# jget NS DEV KEY: one info_data field from ip -d -j
jget()
{
	ip -n "$1" -d -j link show dev "$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)[0]["linkinfo"]["info_data"]
v = d.get(sys.argv[1])
print(str(v).lower() if isinstance(v, bool) else v)' "$3"
}

expect_json()	# NS DEV KEY VALUE
{
	local v
	v=$(jget "$1" "$2" "$3")
	[ "$v" = "$4" ] || fail "$3 is '$v', expected '$4'"
}

# refused "message fragment" ip-args...: command must fail, stderr must
# contain the fragment
refused()
{
	local want=$1 err
	shift
	if err=$(ip "$@" 2>&1); then
		fail "accepted: ip $*"
		return 1
	fi
	if ! grep -qF -- "$want" <<<"$err"; then
		fail "ip $*: got '$err', expected '$want'"
		return 1
	fi
	diag "refused as expected: $err"
}

test_defaults()
{
	new_ns N
	ip -n "$N" link add dummy0 type dummy
	ip -n "$N" addr add 192.0.2.1/24 dev dummy0
	ip -n "$N" link set dummy0 up
	ip -n "$N" link add e0 type egre remote 192.0.2.2
	expect_json "$N" e0 remote 192.0.2.2
	expect_json "$N" e0 call_id 0
	expect_json "$N" e0 peer_call_id 0
	expect_json "$N" e0 ttl 64
	expect_json "$N" e0 pmtudisc true
	expect_json "$N" e0 acfc false
	expect_json "$N" e0 pfc false
	expect_json "$N" e0 ack_delay 50
	# MTU derived from the overhead: 1500 - (20 + 16 + 4)
	[ "$(ip -n "$N" -j link show dev e0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')" = 1460 ]
	ip -n "$N" -d link show dev e0 | grep -q 'egre remote 192.0.2.2'
	[ "$(ip -n "$N" -j link show dev e0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["link_type"])')" = ppp ]
}

test_roundtrip()
{
	new_ns N
	ip -n "$N" link add dummy0 type dummy
	ip -n "$N" addr add 192.0.2.1/24 dev dummy0
	ip -n "$N" link set dummy0 up
	ip -n "$N" link add e1 type egre local 192.0.2.1 remote 192.0.2.9 \
		call-id 65535 peer-call-id 0 dev dummy0 ttl inherit tos 0x10 \
		nopmtudisc acfc on pfc on ack-delay 0
	expect_json "$N" e1 local 192.0.2.1
	expect_json "$N" e1 remote 192.0.2.9
	expect_json "$N" e1 call_id 65535
	expect_json "$N" e1 peer_call_id 0
	expect_json "$N" e1 link dummy0
	expect_json "$N" e1 ttl 0
	expect_json "$N" e1 tos 0x10
	expect_json "$N" e1 pmtudisc false
	expect_json "$N" e1 acfc true
	expect_json "$N" e1 pfc true
	expect_json "$N" e1 ack_delay 0
	ip -n "$N" -d link show dev e1 | tee /dev/stderr |
		grep -q 'call-id 65535 peer-call-id 0 ttl inherit tos 0x10 nopmtudisc acfc on pfc on ack-delay 0'
	ip -n "$N" link add e2 type egre remote 192.0.2.9 call-id 7 tos inherit ttl 200
	expect_json "$N" e2 tos 0x1
	expect_json "$N" e2 ttl 200
	ip -n "$N" -d link show dev e2 | grep -q 'tos inherit'
}

test_changelink()
{
	new_ns N
	ip -n "$N" link add e0 type egre remote 192.0.2.2 call-id 5 peer-call-id 6
	ip -n "$N" link set e0 type egre ttl 10 tos 0x20 acfc on pfc on ack-delay 200 nopmtudisc
	expect_json "$N" e0 ttl 10
	expect_json "$N" e0 tos 0x20
	expect_json "$N" e0 acfc true
	expect_json "$N" e0 pfc true
	expect_json "$N" e0 ack_delay 200
	expect_json "$N" e0 pmtudisc false
	# identity: a new call
	ip -n "$N" link set e0 type egre call-id 50 peer-call-id 60 remote 192.0.2.3
	expect_json "$N" e0 call_id 50
	expect_json "$N" e0 peer_call_id 60
	expect_json "$N" e0 remote 192.0.2.3
	# untouched attributes stay
	expect_json "$N" e0 ttl 10
	# the old key is free again, the new one taken
	ip -n "$N" link add e1 type egre remote 192.0.2.2 call-id 5
	refused "already exists" -n "$N" link add e2 type egre remote 192.0.2.3 call-id 50
	refused "already exists" -n "$N" link set e1 type egre remote 192.0.2.3 call-id 50
	ip -n "$N" link set e0 mtu 1400
	[ "$(ip -n "$N" -j link show dev e0 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["mtu"])')" = 1400 ]
}

test_duplicate()
{
	new_ns N
	ip -n "$N" link add e0 type egre remote 192.0.2.2 call-id 1
	refused "call-id: a session with this call-id and remote already exists" \
		-n "$N" link add e1 type egre remote 192.0.2.2 call-id 1 peer-call-id 9
	# same call-id, other remote: a different session
	ip -n "$N" link add e2 type egre remote 192.0.2.3 call-id 1
	# same key in another netns: independent
	new_ns M
	ip -n "$M" link add e0 type egre remote 192.0.2.2 call-id 1
	# EEXIST specifically
	ip -n "$N" link add e3 type egre remote 192.0.2.2 call-id 1 2>&1 |
		grep -q "already exists"
}

test_extack()
{
	new_ns N
	refused '"remote ADDR" is required' -n "$N" link add e0 type egre call-id 1
	# (the plugin refuses these before the kernel; egre_nl.py checks the
	# kernel's own messages for the same values)
	refused "must be a unicast" -n "$N" link add e0 type egre remote 224.0.0.1
	refused '"link"' -n "$N" link add e0 type egre remote 192.0.2.2 link nosuchdev
	refused '"ack-delay"' -n "$N" link add e0 type egre remote 192.0.2.2 ack-delay 10001
	refused "address: a PPP link has no link-layer address" -n "$N" link add e0 address 02:00:00:00:00:01 type egre remote 192.0.2.2
	# nothing was created by any of these
	! ip -n "$N" link show dev e0 2>/dev/null
	ip -n "$N" link add e0 type egre remote 192.0.2.2
	refused '"remote"' -n "$N" link set e0 type egre remote 0.0.0.0
	refused '"ack-delay"' -n "$N" link set e0 type egre ack-delay 99999
	refused "mtu" -n "$N" link set e0 mtu 70000
	# the failed changes left the device as it was
	expect_json "$N" e0 remote 192.0.2.2
	expect_json "$N" e0 ack_delay 50
}

# Out-of-range values the plugin would refuse, sent raw over netlink
test_extack_raw()
{
	new_ns N
	ip -n "$N" link add e0 type egre remote 192.0.2.2
	ip netns exec "$N" python3 "$(dirname "$0")/egre_nl.py" check-refusals e0
}

test_plugin_errors()
{
	new_ns N
	refused '"call-id"' -n "$N" link add e0 type egre remote 192.0.2.2 call-id 70000
	refused '"remote"' -n "$N" link add e0 type egre remote nowhere
	refused '"acfc"' -n "$N" link add e0 type egre remote 192.0.2.2 acfc maybe
	refused '"ttl"' -n "$N" link add e0 type egre remote 192.0.2.2 ttl 300
	refused 'bogus' -n "$N" link add e0 type egre remote 192.0.2.2 bogus
}

egre_require
require_cmd python3
run_tests test_defaults test_roundtrip test_changelink test_duplicate \
	test_extack test_extack_raw test_plugin_errors
