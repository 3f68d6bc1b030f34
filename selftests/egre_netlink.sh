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

# expect_many data|xstats NS DEV KEY=VALUE...: several info_data fields
# (ip -d -j) or counters (ip -s -d -j) checked with one ip and one python
# run; an absent key reads as None
expect_many()
{
	local where=$1 ns=$2 dev=$3 out
	shift 3
	out=$(ip -n "$ns" -s -d -j link show dev "$dev" | python3 -c '
import json, sys
l = json.load(sys.stdin)[0]["linkinfo"]
d = l["info_data"] if sys.argv[1] == "data" else l["info_xstats"]["egre_stats"]
for kv in sys.argv[2:]:
    k, want = kv.split("=", 1)
    v = d.get(k)
    v = str(v).lower() if isinstance(v, bool) else str(v)
    if v != want:
        print("%s is %r, expected %r" % (k, v, want))' "$where" "$@")
	[ -z "$out" ] || fail "$dev: $(xargs <<<"$out")"
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
	# start_seq is write-only
	expect_many data "$N" e0 peer_window=0 reorder_depth=64 \
		reorder_timeout=50 reorder_adaptive=true max_ahead=32768 \
		start_seq=None
	ip -n "$N" -d link show dev e0 |
		grep -q 'ack-delay 50ms peer-window 0 reorder-depth 64 reorder-timeout 50ms reorder-adaptive on max-ahead 32768'
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

# peer-window, reorder-depth, reorder-timeout, max-ahead, ack-delay auto,
# start-seq: set on create, shown, changed one at a time
test_window_reorder()
{
	new_ns N
	ip -n "$N" link add e0 type egre remote 192.0.2.2 peer-window 16 \
		reorder-depth 0 reorder-timeout 10000 max-ahead 1 ack-delay auto \
		start-seq 4294967290 reorder-adaptive off
	expect_many data "$N" e0 peer_window=16 reorder_depth=0 \
		reorder_timeout=10000 reorder_adaptive=false max_ahead=1 \
		ack_delay=auto start_seq=None
	ip -n "$N" -d link show dev e0 | tee /dev/stderr |
		grep -q 'ack-delay auto peer-window 16 reorder-depth 0 reorder-timeout 10000ms reorder-adaptive off max-ahead 1 '
	# start-seq is the next number to send; the window opens at half
	# the peer's; auto is 50 ms and the ack timeout 1 s until an RTT
	# has been measured
	expect_many xstats "$N" e0 tx_seq=4294967290 tx_window=8 \
		tx_in_flight=0 tx_queued=0 rx_queued=0 rtt_samples=0 \
		ack_delay_us=50000 ato_us=1000000

	# max-ahead must stay >= reorder-depth, wherever the other comes from
	refused "egre: max-ahead: less than reorder-depth" \
		-n "$N" link set e0 type egre reorder-depth 128
	expect_json "$N" e0 reorder_depth 0
	ip -n "$N" link set e0 type egre max-ahead 128 reorder-depth 128
	expect_many data "$N" e0 reorder_depth=128 max_ahead=128
	refused "egre: max-ahead: less than reorder-depth" \
		-n "$N" link set e0 type egre max-ahead 127
	expect_json "$N" e0 max_ahead 128

	# one at a time; the others stay
	ip -n "$N" link set e0 type egre reorder-timeout 1
	expect_json "$N" e0 reorder_timeout 1
	expect_json "$N" e0 reorder_adaptive false
	ip -n "$N" link set e0 type egre reorder-adaptive on
	expect_many data "$N" e0 reorder_adaptive=true reorder_timeout=1 \
		peer_window=16
	ip -n "$N" link set e0 type egre peer-window 65535
	expect_json "$N" e0 peer_window 65535
	ip -n "$N" link set e0 type egre ack-delay 200
	expect_json "$N" e0 ack_delay 200
	expect_many xstats "$N" e0 ack_delay_us=200000
	ip -n "$N" link set e0 type egre ack-delay auto
	expect_json "$N" e0 ack_delay auto
	ip -n "$N" link set e0 type egre reorder-depth 1024 max-ahead 2147483647
	expect_many data "$N" e0 reorder_depth=1024 max_ahead=2147483647
	ip -n "$N" link set e0 type egre peer-window 0 reorder-depth 0
	expect_many data "$N" e0 peer_window=0 reorder_depth=0 \
		reorder_timeout=1 max_ahead=2147483647 ack_delay=auto
	expect_many xstats "$N" e0 tx_window=0
	ip -n "$N" -d link show dev e0 |
		grep -q 'ack-delay auto peer-window 0 reorder-depth 0 reorder-timeout 1ms reorder-adaptive on max-ahead 2147483647 '

	# the smallest window still opens at one packet
	ip -n "$N" link add e1 type egre remote 192.0.2.3 peer-window 1
	expect_many xstats "$N" e1 tx_window=1
	# a reorder-depth alone is checked against the default max-ahead
	ip -n "$N" link add e2 type egre remote 192.0.2.4 reorder-depth 1024
	expect_many data "$N" e2 reorder_depth=1024 max_ahead=32768
	ip -n "$N" link add e3 type egre remote 192.0.2.5 start-seq 0
	expect_many xstats "$N" e3 tx_seq=0
}

# Every counter of the uapi header, under its lower-case name, in ip's
# JSON and in ethtool -S (in enum order)
test_xstats_names()
{
	local want
	require_cmd ethtool
	new_ns N
	ip -n "$N" link add e0 type egre remote 192.0.2.2
	want=$(python3 -c '
import re, sys
t = open(sys.argv[1]).read()
e = re.search(r"enum \{\s*IFLA_EGRE_XSTATS_UNSPEC,(.*?)\};", t, re.S).group(1)
n = re.findall(r"^\s*IFLA_EGRE_XSTATS_(\w+),", e, re.M)
print(" ".join(k.lower() for k in n if k != "PAD" and not k.startswith("__")))' \
		"$EGRE_DIR/include/uapi/linux/egre.h")
	diag "counters: $want"
	[ "$(ip -n "$N" -s -d -j link show dev e0 | python3 -c '
import json, sys
x = json.load(sys.stdin)[0]["linkinfo"]["info_xstats"]["egre_stats"]
print(" ".join(sorted(x)))')" = "$(tr ' ' '\n' <<<"$want" | sort | xargs)" ] ||
		fail "ip -s -d -j: the egre_stats keys differ from the header's"
	[ "$(ip netns exec "$N" ethtool -S e0 | awk -F: 'NR > 1 { print $1 }' | xargs)" = "$want" ] ||
		fail "ethtool -S: $(ip netns exec "$N" ethtool -S e0 | xargs)"
	ip -n "$N" -s -d link show dev e0 | grep -q 'egre window: size 0 in-flight 0 queued 0 wait 0 purge 0 ack-timeout 0'
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
	# the plugin cannot know the default reorder-depth (64): the kernel's
	refused "egre: max-ahead: less than reorder-depth" \
		-n "$N" link add e0 type egre remote 192.0.2.2 max-ahead 63
	refused "address: a PPP link has no link-layer address" -n "$N" link add e0 address 02:00:00:00:00:01 type egre remote 192.0.2.2
	# nothing was created by any of these
	if ip -n "$N" link show dev e0 >/dev/null 2>&1; then
		fail "e0 was created"
	fi
	ip -n "$N" link add e0 type egre remote 192.0.2.2
	refused '"remote"' -n "$N" link set e0 type egre remote 0.0.0.0
	refused '"ack-delay"' -n "$N" link set e0 type egre ack-delay 99999
	refused "mtu" -n "$N" link set e0 mtu 70000
	refused "egre: max-ahead: less than reorder-depth" \
		-n "$N" link set e0 type egre max-ahead 1 peer-window 8 reorder-timeout 7
	# the failed changes left the device as it was, all of it
	expect_many data "$N" e0 remote=192.0.2.2 ack_delay=50 \
		max_ahead=32768 peer_window=0 reorder_timeout=50
}

# Out-of-range values the plugin would refuse, sent raw over netlink
test_extack_raw()
{
	new_ns N
	ip -n "$N" link add e0 type egre remote 192.0.2.2
	ip netns exec "$N" python3 "$(dirname "$0")/egre_nl.py" check-refusals e0
	# nothing was created, nothing changed
	if ip -n "$N" link show dev xe0 >/dev/null 2>&1; then
		fail "xe0 was created"
	fi
	expect_many data "$N" e0 remote=192.0.2.2 ack_delay=50 peer_window=0 \
		reorder_depth=64 reorder_timeout=50 max_ahead=32768
}

test_plugin_errors()
{
	new_ns N
	refused '"call-id"' -n "$N" link add e0 type egre remote 192.0.2.2 call-id 70000
	refused '"remote"' -n "$N" link add e0 type egre remote nowhere
	refused '"acfc"' -n "$N" link add e0 type egre remote 192.0.2.2 acfc maybe
	refused '"ttl"' -n "$N" link add e0 type egre remote 192.0.2.2 ttl 300
	refused 'bogus' -n "$N" link add e0 type egre remote 192.0.2.2 bogus
	refused '"peer-window"' -n "$N" link add e0 type egre remote 192.0.2.2 peer-window 65536
	refused '"reorder-depth"' -n "$N" link add e0 type egre remote 192.0.2.2 reorder-depth 1025
	refused '"reorder-timeout"' -n "$N" link add e0 type egre remote 192.0.2.2 reorder-timeout 0
	refused '"max-ahead"' -n "$N" link add e0 type egre remote 192.0.2.2 max-ahead 0x80000000
	refused '"max-ahead" must be at least "reorder-depth"' \
		-n "$N" link add e0 type egre remote 192.0.2.2 max-ahead 9 reorder-depth 10
	refused '"ack-delay"' -n "$N" link add e0 type egre remote 192.0.2.2 ack-delay never
	refused '"reorder-adaptive"' -n "$N" link add e0 type egre remote 192.0.2.2 reorder-adaptive 1
	refused '"start-seq"' -n "$N" link add e0 type egre remote 192.0.2.2 start-seq -1
}

egre_require
require_cmd python3
run_tests test_defaults test_roundtrip test_changelink test_window_reorder \
	test_xstats_names test_duplicate test_extack test_extack_raw \
	test_plugin_errors
