#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input and churn.  An independent model (egre_hostile.py) predicts
# the exact counter changes for every one of the 65,536 GRE flag words and
# for a random flood (sequence storms, lone-ack floods, bad flags, bad and
# truncated lengths, unknown calls) while a neighbouring session carries
# real traffic; sessions are created, changed and deleted under load.
#
#   ns $P: raw-socket attacker 192.0.2.2 --- veth0 192.0.2.1  ns $A
#                                              e0: call-id 1, remote .2
#   ns $B: veth1 198.51.100.2, e0 ----------- veth1 198.51.100.1, e1
#          (a real egre peer)                 call-id 2, remote B

source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

setup_hostile()
{
	new_ns A
	new_ns P
	new_ns B
	local n
	for n in "$A" "$B"; do
		ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$A" link add veth0 type veth peer name veth0 netns "$P"
	ip -n "$A" link add veth1 type veth peer name veth1 netns "$B"
	ip -n "$A" addr add 192.0.2.1/24 dev veth0
	ip -n "$P" addr add 192.0.2.2/24 dev veth0
	ip -n "$A" addr add 198.51.100.1/24 dev veth1
	ip -n "$B" addr add 198.51.100.2/24 dev veth1
	for n in "$A" "$P"; do ip -n "$n" link set veth0 up; done
	for n in "$A" "$B"; do ip -n "$n" link set veth1 up; done
	# the model knows the plain window: no reorder queue, no jump bound
	# (egre_rfc.sh and the unit tests cover those)
	ip -n "$A" link add e0 type egre remote 192.0.2.2 call-id 1 \
		peer-call-id 2 ack-delay 10000 reorder-depth 0 \
		max-ahead 2147483647
	ip -n "$A" link set e0 up
	ip -n "$A" link add e1 type egre remote 198.51.100.2 call-id 2 \
		peer-call-id 3
	ip -n "$B" link add e0 type egre remote 198.51.100.1 call-id 3 \
		peer-call-id 2
	ip -n "$A" addr add 10.1.0.1 peer 10.1.0.2 dev e1
	ip -n "$B" addr add 10.1.0.2 peer 10.1.0.1 dev e0
	ip -n "$A" link set e1 up
	ip -n "$B" link set e0 up
}

# snapshot NS DEV: every counter as "name value" (less gauges, lone acks)
snapshot()
{
	ip netns exec "$1" ethtool -S "$2" |
		awk -F': *' 'NR > 1 && $1 !~ /(tx_seq|rx_seq|rx_ack|tx_ack_only|reorder_hold|reorder_wait_us)$/ { gsub(/ /, "", $1); print $1, $2 }'
	echo rx_packets "$(cnt "$1" "$2" rx_packets)"
}

# compare BEFORE AFTER JSON: every counter moved exactly as the model says
compare_model()
{
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
before = dict(l.split() for l in sys.argv[1].splitlines())
after = dict(l.split() for l in sys.argv[2].splitlines())
want = json.loads(sys.argv[3])
sent = want.pop("sent")
bad = 0
for k in sorted(after):
    d = int(after[k]) - int(before[k])
    w = want.get(k, 0)
    if d != w:
        print("# MISMATCH %s: moved %d, model says %d" % (k, d, w))
        bad += 1
print("# %d packets sent; model: %s" % (sent, json.dumps(want, sort_keys=True)))
sys.exit(1 if bad else 0)
PY
}

hostile()	# MODE [options]
{
	local mode=$1
	shift
	ip netns exec "$P" python3 "$HERE/egre_hostile.py" --dst 192.0.2.1 \
		--call 1 "$@" "$mode"
}

test_every_flag_word()
{
	local before after model
	dmesg_mark
	setup_hostile
	before=$(snapshot "$A" e0)
	model=$(hostile flags)
	sleep 0.5
	after=$(snapshot "$A" e0)
	compare_model "$before" "$after" "$model"
	dmesg_clean
}

test_flood_with_neighbour()
{
	local before after model out
	dmesg_mark
	setup_hostile
	ip netns exec "$B" ping -c 1 -W 2 10.1.0.1 >/dev/null
	before=$(snapshot "$A" e0)
	ip netns exec "$B" ping -c 40 -i 0.1 -W 1 10.1.0.1 >/tmp/egre-nb-$$ 2>&1 &
	local p=$!
	model=$(hostile flood --count "${EGRE_FLOOD_COUNT:-30000}" --seed $RANDOM)
	wait $p || true
	sleep 0.5
	after=$(snapshot "$A" e0)
	compare_model "$before" "$after" "$model"
	out=$(grep -o '[0-9]* received' /tmp/egre-nb-$$ | cut -d' ' -f1)
	rm -f /tmp/egre-nb-$$
	diag "neighbour session: $out/40 pings answered during the flood"
	[ "${out:-0}" -ge 20 ]
	expect_stat "$A" e1 rx_duplicate 0
	expect_stat "$A" e1 rx_old 0
	expect_stat "$A" e1 rx_bad_ppp 0
	dmesg_clean
}

# Create and delete sessions in bulk (3 rounds of $EGRE_CHURN, default
# 1000), and change attributes, while traffic flows through a neighbour
test_churn()
{
	local i f=/tmp/egre-churn-$$ p n=${EGRE_CHURN:-1000}
	dmesg_mark
	setup_hostile
	ip netns exec "$B" ping -f -W 1 10.1.0.1 >/dev/null 2>&1 &
	p=$!
	for i in 1 2 3; do
		awk -v n="$n" 'BEGIN { for (i = 100; i < 100 + n; i++) printf "link add c%d type egre remote 192.0.2.2 call-id %d\n", i, i }' >"$f"
		ip -n "$A" -batch "$f"
		awk -v n="$n" 'BEGIN { for (i = 100; i < 100 + n; i++) printf "link set c%d up\n", i }' >"$f"
		ip -n "$A" -batch "$f"
		ip -n "$A" link set e1 type egre ttl 10 tos 0x10 acfc on pfc on ack-delay 0
		ip -n "$A" link set e1 type egre ttl inherit tos inherit acfc off pfc off ack-delay 50
		ip -n "$B" link set e0 type egre nopmtudisc
		ip -n "$B" link set e0 type egre pmtudisc
		awk -v n="$n" 'BEGIN { for (i = 100; i < 100 + n; i++) printf "link del c%d\n", i }' >"$f"
		ip -n "$A" -batch "$f"
	done
	rm -f "$f"
	[ "$(ip -n "$A" -o link show type egre | wc -l)" = 2 ]
	kill $p
	wait $p 2>/dev/null || true
	[ "$(cnt "$A" e1 rx_data)" -gt 100 ]
	# the neighbour still works, and a change of identity starts a new call
	ip netns exec "$B" ping -c 2 -i 0.2 -W 2 10.1.0.1 >/dev/null
	ip -n "$A" link set e1 type egre call-id 20
	ip -n "$B" link set e0 type egre peer-call-id 20
	ip netns exec "$B" ping -c 2 -i 0.2 -W 2 10.1.0.1 >/dev/null
	expect_stat "$A" e1 tx_seq 2
	dmesg_clean
}

egre_require
require_cmd python3 ethtool ping awk
run_tests test_every_flag_word test_flood_with_neighbour test_churn
