#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 2637 data-plane behaviour over a bad underlay (netem): the reorder
# queue hands packets over in order, gaps are skipped by a timer even when
# nothing follows, TCP survives loss, reordering and duplication in both
# directions; sequence numbers wrap with loss at the boundary; one spoofed
# far-ahead packet cannot stall a session; the transmit window never lets
# more than peer-window packets go unacked (checked on a capture decoded by
# tshark); peers that start at 1 and never send lone acks (Linux pptp.c) or
# start at 0 (Windows) work.
#
#   ns $A: veth0 192.0.2.1 ---- veth0 192.0.2.2 :ns $B
#          e0 10.0.0.1 <call-id 1 / peer 2>     e0 10.0.0.2

source "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

# netem NS QDISC-ARGS...: impair the underlay leaving NS (replace)
netem()
{
	local ns=$1
	shift
	ip netns exec "$ns" tc qdisc del dev veth0 root 2>/dev/null || true
	ip netns exec "$ns" tc qdisc add dev veth0 root netem "$@"
}

# stream FROM TO-ADDR TO-NS COUNT RATE: numbered UDP from FROM to TO;
# prints the receiver's summary line
stream()
{
	local from=$1 addr=$2 to=$3 count=$4 rate=$5 ready out
	ready=$(mktemp) out=$(mktemp)
	rm -f "$ready"
	ip netns exec "$to" python3 "$HERE/egre_udpseq.py" recv 5001 \
		--idle 1.5 --ready "$ready" >"$out" &
	local pid=$!
	busywait 5000 test -f "$ready"
	ip netns exec "$from" python3 "$HERE/egre_udpseq.py" send "$addr" \
		5001 "$count" --rate "$rate" --size 200
	wait "$pid"
	cat "$out"
	rm -f "$ready" "$out"
}

# for busywait: the counter's value now
stat_is() { [ "$(cnt "$1" "$2" "$3")" = "$4" ]; }
stat_ge() { [ "$(cnt "$1" "$2" "$3")" -ge "$4" ]; }

field()	# LINE NAME: the number after NAME in a summary line
{
	awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' <<<"$1"
}

# iperf3 TCP from FROM to TO's ADDR for SECONDS; true if it completed with
# data moved
tcp_ok()
{
	local from=$1 to=$2 addr=$3 secs=${4:-2} out bps
	ip netns exec "$to" iperf3 -s -1 -D -p 5201 >/dev/null 2>&1
	sleep 0.3
	out=$(ip netns exec "$from" timeout 60 iperf3 -c "$addr" -p 5201 \
		-t "$secs" -J 2>/dev/null) || { diag "iperf3 failed"; return 1; }
	bps=$(python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))' <<<"$out") ||
		return 1
	diag "  $(ip netns exec "$from" tc qdisc show dev veth0 | head -1 | cut -d' ' -f2,7-) : $((bps / 1000)) kbit/s"
	[ "$bps" -gt 0 ]
}

# A reordering underlay: a numbered stream arrives complete and in order,
# and the reorder queue says it did the work
test_reorder_in_order()
{
	setup_pair
	# generous against TCG's timer jitter: a gap here always fills
	ip -n "$B" link set e0 type egre reorder-timeout 1000 reorder-depth 512 \
		reorder-adaptive off
	# the first packet sets the numbering: start the session cleanly
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	netem "$A" delay 10ms reorder 25% 50%
	local r
	r=$(stream "$A" 10.0.0.2 "$B" 2000 1000)
	diag "B: $(ip netns exec "$B" nstat -az UdpRcvbufErrors UdpInErrors | tail -n +2 | xargs)"
	diag "$r; B: rx_reordered $(cnt "$B" e0 rx_reordered) rx_lost $(cnt "$B" e0 rx_lost) rx_reorder_timeout $(cnt "$B" e0 rx_reorder_timeout)"
	[ "$(field "$r" received)" = 2000 ] || fail "not everything arrived"
	[ "$(field "$r" inversions)" = 0 ] || fail "delivered out of order"
	[ "$(field "$r" duplicates)" = 0 ] || fail "duplicates delivered"
	[ "$(cnt "$B" e0 rx_reordered)" -gt 0 ] || fail "nothing was reordered"
	[ "$(cnt "$B" e0 rx_lost)" = 0 ] || fail "packets counted lost"
	[ "$(cnt "$B" e0 rx_queued)" = 0 ] || fail "packets left in the queue"

	# reorder-adaptive starts from the minimum hold: it gives up the
	# first gaps too early (those packets come late and are dropped as
	# old), learns, and then holds; never out of order, and what the
	# application misses is exactly what the session counts as lost
	ip -n "$B" link set e0 type egre reorder-adaptive on
	local lost0 lost1 old0 old1 got
	lost0=$(cnt "$B" e0 rx_lost) old0=$(cnt "$B" e0 rx_old)
	r=$(stream "$A" 10.0.0.2 "$B" 2000 1000)
	netem "$A" delay 0ms
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	busywait 3000 stat_is "$B" e0 rx_queued 0
	lost1=$(cnt "$B" e0 rx_lost) old1=$(cnt "$B" e0 rx_old)
	got=$(field "$r" received)
	diag "adaptive: $r; B: rx_lost +$((lost1 - lost0)) rx_old +$((old1 - old0)) hold $(cnt "$B" e0 reorder_hold) wait $(cnt "$B" e0 reorder_wait_us) us"
	[ "$(field "$r" inversions)" = 0 ] || fail "adaptive: delivered out of order"
	[ "$(field "$r" duplicates)" = 0 ] || fail "adaptive: duplicates delivered"
	[ $((2000 - got)) = $((lost1 - lost0)) ] ||
		fail "adaptive: $((2000 - got)) missing, rx_lost +$((lost1 - lost0))"
	[ "$got" -ge 1800 ] || fail "adaptive: only $got of 2000 delivered: it did not learn"
}

# reorder-adaptive: a loss gap is given up after the learnt wait, not after
# reorder-timeout; a packet that comes after its gap was given up, and a
# gap that fills, teach the session to wait longer (the reorder_hold and
# reorder_wait_us gauges, egre_proto.h's egre_reo)
test_adaptive_hold()
{
	new_ns A
	new_ns P
	setup_underlay "$A" "$P"
	local c
	for c in 1 2; do
		ip -n "$A" link add e$c type egre local 192.0.2.1 \
			remote 192.0.2.2 call-id $c peer-call-id $((c + 10)) \
			ack-delay 10000 reorder-timeout 3000
		ip -n "$A" link set e$c up
	done
	local inj=(ip netns exec "$P" python3 "$HERE/egre_inject.py" --dst 192.0.2.1)
	local t0 t1
	expect_stat "$A" e1 reorder_hold 3
	expect_stat "$A" e1 reorder_wait_us 1000
	"${inj[@]}" --call 1 --seq 10 data
	"${inj[@]}" --call 1 --seq 12 data
	# nothing learnt yet: the gap waits about a millisecond, not 3 s
	busywait 1500 stat_is "$A" e1 rx_queued 0 ||
		fail "the gap was not given up quickly"
	expect_stat "$A" e1 rx_reorder_timeout 1
	expect_stat "$A" e1 rx_lost 1
	expect_stat "$A" e1 rx_data 2
	# the estimates are a windowed maximum over 1-2 s: learn in one burst
	# (gaps at 13 and 15, each given up, then their packets, 50 ms apart:
	# too old) and read the gauges at once.  Late packets double the hold
	# from its floor: 12 after the first, 24 after the second.
	t0=$(date +%s%3N)
	"${inj[@]}" --call 1 --seqs 14,13,16,15 --pause 0.05 data
	local hold wait
	hold=$(cnt "$A" e1 reorder_hold) wait=$(cnt "$A" e1 reorder_wait_us)
	t1=$(date +%s%3N)
	diag "after two late packets: hold $hold, wait $wait us ($((t1 - t0)) ms)"
	expect_stat "$A" e1 rx_old 2
	expect_stat "$A" e1 rx_reorder_timeout 3
	expect_stat "$A" e1 rx_data 4
	if [ $((t1 - t0)) -lt 1000 ]; then
		[ "$hold" = 24 ] && [ "$wait" = 8000 ] ||
			fail "hold $hold wait $wait, expected 24 and 8000 us"
	else
		diag "too slow here to read the gauges within the period: not checked"
	fi

	# a gap that fills in one burst: three packets overtook the late one
	t0=$(date +%s%3N)
	"${inj[@]}" --call 2 --seqs 0,2,3,4,1 data
	hold=$(cnt "$A" e2 reorder_hold)
	t1=$(date +%s%3N)
	diag "after a filled gap: hold $hold ($((t1 - t0)) ms)"
	expect_stat "$A" e2 rx_data 5
	expect_stat "$A" e2 rx_reordered 3
	expect_stat "$A" e2 rx_lost 0
	if [ $((t1 - t0)) -lt 1000 ]; then
		[ "$hold" = 6 ] || fail "e2 hold $hold, expected 6"
	fi

	# off: the gauges show the fixed depth and timeout
	ip -n "$A" link set e1 type egre reorder-adaptive off
	expect_stat "$A" e1 reorder_hold 64
	expect_stat "$A" e1 reorder_wait_us 3000000
}

# Loss: what the application misses is what the session counts as lost
test_loss_accounting()
{
	setup_pair
	# the first packet sets the numbering (a loss before it is invisible):
	# start the session over a clean path
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	netem "$A" loss 5%
	local r got lost data0 data1
	data0=$(cnt "$B" e0 rx_data)
	r=$(stream "$A" 10.0.0.2 "$B" 1000 1000)
	# one last packet over a clean path closes any trailing gap
	netem "$A" delay 0ms
	ip netns exec "$A" ping -c 1 -W 2 10.0.0.2 >/dev/null
	busywait 3000 stat_is "$B" e0 rx_queued 0
	got=$(field "$r" received)
	lost=$(cnt "$B" e0 rx_lost)
	data1=$(cnt "$B" e0 rx_data)
	diag "$r; B: rx_lost $lost rx_data +$((data1 - data0))"
	[ "$(field "$r" inversions)" = 0 ] || fail "delivered out of order"
	[ "$got" -lt 1000 ] || fail "netem lost nothing?"
	# 1000 numbered packets + 1 ping, each either delivered or lost
	[ $((data1 - data0)) = $((got + 1)) ] || fail "rx_data is not what arrived"
	[ "$lost" = $((1000 - got)) ] || fail "rx_lost $lost, the stream lost $((1000 - got))"
}

# Duplication: duplicates are dropped and counted, never delivered
test_duplicates()
{
	setup_pair
	netem "$A" duplicate 5%
	local r
	r=$(stream "$A" 10.0.0.2 "$B" 1000 1000)
	diag "$r; B: rx_duplicate $(cnt "$B" e0 rx_duplicate)"
	[ "$(field "$r" duplicates)" = 0 ] || fail "duplicates delivered"
	[ "$(field "$r" received)" = 1000 ] || fail "packets missing"
	[ "$(cnt "$B" e0 rx_duplicate)" -gt 0 ] || fail "no duplicate counted"
}

# TCP in both directions under each impairment (netem on both sides)
test_tcp_impaired()
{
	setup_pair
	local c
	for c in "loss 1%" "loss 5%" "delay 10ms reorder 25% 50%" \
		"duplicate 5%" "delay 5ms 2ms loss 2% duplicate 2% reorder 10% 50%"; do
		# shellcheck disable=SC2086
		netem "$A" $c
		# shellcheck disable=SC2086
		netem "$B" $c
		tcp_ok "$A" "$B" 10.0.0.2 || fail "TCP A->B under $c"
		tcp_ok "$B" "$A" 10.0.0.1 || fail "TCP B->A under $c"
	done
	diag "B: $(ip netns exec "$B" ethtool -S e0 | grep -E 'rx_(lost|duplicate|old|reordered|reorder_timeout|jump):' | xargs)"
}

# A gap with nothing after it is skipped by the timer, after its timeout
# (long here: a TCG guest takes a while to start the injector)
test_gap_timer()
{
	new_ns A
	new_ns P
	setup_underlay "$A" "$P"
	ip -n "$A" link add e0 type egre local 192.0.2.1 remote 192.0.2.2 \
		call-id 1 peer-call-id 2 ack-delay 10000 reorder-timeout 3000 \
		reorder-adaptive off
	ip -n "$A" link set e0 up
	local inj=(ip netns exec "$P" python3 "$HERE/egre_inject.py" --dst 192.0.2.1 --call 1)
	"${inj[@]}" --seq 10 data
	"${inj[@]}" --seq 12 data
	local t0 t1
	t0=$(date +%s%3N)
	[ "$(cnt "$A" e0 rx_queued)" = 1 ] || fail "12 is not held"
	[ "$(cnt "$A" e0 rx_data)" = 1 ] || fail "12 was delivered early"
	busywait 6000 stat_is "$A" e0 rx_queued 0 || fail "never released"
	t1=$(date +%s%3N)
	diag "gap skipped $((t1 - t0)) ms after the packet was injected (reorder-timeout 3000 ms)"
	expect_stat "$A" e0 rx_data 2
	expect_stat "$A" e0 rx_lost 1
	expect_stat "$A" e0 rx_reorder_timeout 1
	expect_stat "$A" e0 rx_seq 12
	# (t0 is taken once the injector has exited, a little after arrival)
	[ $((t1 - t0)) -ge 2000 ] || fail "released before the timeout"
	# the late packet is old now
	"${inj[@]}" --seq 11 data
	expect_stat "$A" e0 rx_old 1
	# reorder-depth 0: no queue, a gap is counted at once
	ip -n "$A" link set e0 type egre reorder-depth 0
	"${inj[@]}" --seq 15 data
	expect_stat "$A" e0 rx_data 3
	expect_stat "$A" e0 rx_lost 3
}

# Sequence numbers cross 0xffffffff with the packet numbered 0xffffffff
# dropped on the wire: traffic keeps flowing both ways
test_wrap_with_loss()
{
	EGRE_OPTS="start-seq 0xfffffff0" setup_pair
	# drop A's GRE packet with sequence number 0xffffffff (IPv4 header 20
	# bytes, sequence at GRE offset 8)
	ip netns exec "$A" tc qdisc add dev veth0 clsact
	ip netns exec "$A" tc filter add dev veth0 egress protocol ip u32 \
		match u8 47 0xff at 9 match u32 0xffffffff 0xffffffff at 28 \
		action drop
	local ok
	ok=$(ip netns exec "$A" ping -c 40 -i 0.05 -W 1 10.0.0.2 |
		awk '/received/ { print $4 }')
	diag "40 pings, $ok answered; A tx_seq $(cnt "$A" e0 tx_seq), B rx_seq $(cnt "$B" e0 rx_seq) rx_lost $(cnt "$B" e0 rx_lost)"
	[ "$ok" -ge 38 ] || fail "traffic stalled at the wrap"
	[ "$(cnt "$B" e0 rx_lost)" = 1 ] || fail "B should have lost exactly 0xffffffff"
	[ "$(cnt "$A" e0 tx_seq)" -lt 100 ] || fail "A did not wrap"
	ip netns exec "$A" ping -c 3 -i 0.1 -W 1 10.0.0.2 >/dev/null
}

# One packet with the right source and Call ID, sequence +2^30: dropped as
# a jump, and the session goes on
test_spoofed_jump()
{
	setup_pair
	ip netns exec "$A" ping -c 3 -i 0.1 -W 1 10.0.0.2 >/dev/null
	local next
	next=$(($(cnt "$B" e0 rx_seq) + 1))
	ip netns exec "$A" python3 "$HERE/egre_inject.py" --src 192.0.2.1 \
		--dst 192.0.2.2 --call 2 --seq $(((next + (1 << 30)) & 0xffffffff)) data
	expect_stat "$B" e0 rx_jump 1
	ip netns exec "$A" ping -c 5 -i 0.1 -W 1 10.0.0.2 >/dev/null ||
		fail "the session stalled after a spoofed jump"
	[ "$(cnt "$B" e0 rx_lost)" = 0 ] || fail "the jump moved the session"
	# a peer that really jumped (3 packets in a row) is followed
	ip netns exec "$A" python3 "$HERE/egre_inject.py" --src 192.0.2.1 \
		--dst 192.0.2.2 --call 2 --seq $(((next + 100 + (1 << 30)) & 0xffffffff)) \
		--count 3 data
	expect_stat "$B" e0 rx_jump 3
	expect_stat "$B" e0 rx_seq $(((next + 102 + (1 << 30)) & 0xffffffff))
}

# peer-window 4, a peer that withholds acks: never more than the window
# unacked on the wire (initial window 2, +1 per window acked), and
# traffic resumes when acks come; without acks the ack timeout halves it
test_window()
{
	new_ns A
	new_ns P
	ip netns exec "$A" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	setup_underlay "$A" "$P"
	ip -n "$A" link add e0 type egre local 192.0.2.1 remote 192.0.2.2 \
		call-id 1 peer-call-id 2 peer-window 4
	ip -n "$A" addr add 10.0.0.1 peer 10.0.0.2 dev e0
	ip -n "$A" link set e0 up
	local cap r
	cap=$(mktemp -d)/w.pcap
	ip netns exec "$P" tcpdump -i veth0 --immediate-mode -U -n -s 0 \
		-w "$cap" ip proto 47 2>"$cap.log" &
	local cpid=$!
	busywait 5000 grep -q listening "$cap.log"
	# the peer acks what it has after 0.3 s of quiet
	ip netns exec "$P" python3 "$HERE/egre_winpeer.py" --src 192.0.2.2 \
		--dst 192.0.2.1 --call 1 --hold 0.3 --time 6 >"$cap.peer" &
	local ppid=$!
	sleep 1
	ip netns exec "$A" python3 "$HERE/egre_udpseq.py" send 10.0.0.2 9 10
	wait "$ppid"
	r=$(cat "$cap.peer")
	diag "peer: $r; A: tx_window $(cnt "$A" e0 tx_window) tx_window_wait $(cnt "$A" e0 tx_window_wait) srtt_us $(cnt "$A" e0 srtt_us) ato_us $(cnt "$A" e0 ato_us)"
	expect_stat "$A" e0 tx_data 10
	expect_stat "$A" e0 tx_queued 0
	expect_stat "$A" e0 tx_in_flight 0
	expect_stat "$A" e0 tx_window 4
	expect_stat "$A" e0 tx_ack_timeout 0
	[ "$(field "$r" max_unacked)" -le 4 ] || fail "peer saw more than 4 unacked"
	[ "$(cnt "$A" e0 tx_window_wait)" -ge 6 ] || fail "nothing waited for the window"
	sleep 0.5
	kill "$cpid"
	wait "$cpid" 2>/dev/null || true
	# the same from the capture, decoded by tshark: at each data packet
	# from A, its sequence number less the peer's last ack is at most 4
	tshark -r "$cap" -T fields -E separator=, -E occurrence=f \
		-e ip.src -e gre.sequence_number -e gre.ack_number \
		>"$cap.csv" 2>/dev/null
	awk -F, '
		$1 == "192.0.2.2" && $3 != "" { acked = $3; have = 1 }
		$1 == "192.0.2.1" && $2 != "" { n++; u = $2 - (have ? acked : -1); if (u > max) max = u }
		END { printf "# capture: %d data packets, at most %d unacked\n", n, max
		      exit !(n == 10 && max <= 4) }' "$cap.csv" ||
		fail "window exceeded on the wire (or packets missing)"
	# nobody acks now: the ack timeout fires, halves the window, and
	# traffic goes on
	ip netns exec "$A" python3 "$HERE/egre_udpseq.py" send 10.0.0.2 9 10
	busywait 10000 stat_ge "$A" e0 tx_ack_timeout 1 ||
		fail "no ack timeout"
	busywait 10000 stat_ge "$A" e0 tx_data 15 ||
		fail "nothing sent after the ack timeout"
	diag "after timeouts: tx_data $(cnt "$A" e0 tx_data) tx_window $(cnt "$A" e0 tx_window) ato_us $(cnt "$A" e0 ato_us)"
	rm -rf "$(dirname "$cap")"
}

# Peers as found in the wild: Linux pptp.c starts at 1 and never sends
# lone acks (a huge ack delay here); Windows starts at 0
test_peer_styles()
{
	local opts
	for opts in "start-seq 1 ack-delay 10000" "start-seq 0"; do
		setup_pair
		# shellcheck disable=SC2086
		ip -n "$B" link set e0 type egre $opts peer-window 8
		ip -n "$A" link set e0 type egre peer-window 8
		ip netns exec "$A" ping -c 10 -i 0.05 -W 1 10.0.0.2 >/dev/null ||
			fail "ping with a peer '$opts'"
		tcp_ok "$A" "$B" 10.0.0.2 2 || fail "TCP to a peer '$opts'"
		tcp_ok "$B" "$A" 10.0.0.1 2 || fail "TCP from a peer '$opts'"
		cleanup_all
	done
}

egre_require
require_cmd python3 tc iperf3 tcpdump tshark ethtool ping
modprobe sch_netem 2>/dev/null || true
run_tests test_reorder_in_order test_loss_accounting test_duplicates \
	test_tcp_impaired test_gap_timer test_wrap_with_loss test_spoofed_jump \
	test_window test_peer_styles test_adaptive_hold
