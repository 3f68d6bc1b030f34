#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real PPTP on egre: pppd with egre's plugin (pppd/egre-pptp.so) as a PPTP
# client of Debian's pptpd (its own userspace GRE), MS-CHAPv2 and MPPE-128
# required; two pppd over egre in static mode with MPPE; and the plugin
# against hostile control servers.  Each namespace gets its own /etc/ppp
# (ip netns exec mounts /etc/netns/NS/ppp over it), so the host's PPP
# configuration is never touched.

source "$(dirname "$0")/lib.sh"
PLUGIN=$EGRE_DIR/pppd/egre-pptp.so
FAKE=$EGRE_DIR/pppd/test/fake_server.py
T=/tmp/egre-pppd-$$

# ppp_etc NS: /etc/ppp for NS with alice's MS-CHAP secret, no options file
ppp_etc()
{
	local d
	d=$(ns_etc "$1" ppp)
	printf 'alice egre-server "egre secret" *\n' >"$d/chap-secrets"
	chmod 600 "$d/chap-secrets"
	: >"$d/options"
}

# wait_ppp NS LOCAL: a ppp interface in NS has address LOCAL (IPCP is up)
wait_ppp()
{
	busywait 30000 sh -c "ip -n $1 -4 addr show | grep -q 'inet $2 peer'"
}

# The PPP options both clients use: MS-CHAPv2 only, MPPE-128 required
CLIENT_OPTS="name alice remotename egre-server noauth refuse-eap refuse-pap
	refuse-chap refuse-mschap require-mppe-128 nodefaultroute noipdefault
	mtu 1400 mru 1400 nodetach debug"

pptpd_start()	# NS: pptpd on 192.0.2.2, pppd 10.2.0.1 <-> 10.2.0.2
{
	ppp_etc "$1"
	mkdir -p "$T"
	cat >"$T/pptpd-options" <<EOT
name egre-server
require-mschap-v2
refuse-pap
refuse-chap
refuse-mschap
require-mppe-128
nodefaultroute
nobsdcomp
nodeflate
novj
mtu 1400
mru 1400
debug
logfile $T/server.log
EOT
	cat >"$T/pptpd.conf" <<EOT
option $T/pptpd-options
localip 10.2.0.1
remoteip 10.2.0.2-9
EOT
	bg ip netns exec "$1" pptpd -f -c "$T/pptpd.conf" -l 192.0.2.2 \
		-p "$T/pptpd.pid"
	busywait 5000 ip netns exec "$1" sh -c 'cat /proc/net/tcp | grep -q ":06BB 00000000:0000 0A"'
}

# egre client against pptpd: the link comes up with MPPE, ping and TCP
# pass, tshark sees enhanced GRE with MPPE payloads (PPP 0x00FD), and
# pppd's exit clears the call and leaves no session, device or socket
test_pptpd_mppe()
{
	local f=$T/wire.pcap out pid
	require_cmd pptpd iperf3
	new_ns S
	new_ns C
	setup_underlay "$C" "$S"	# C 192.0.2.1, S 192.0.2.2
	pptpd_start "$S"
	ppp_etc "$C"
	capture_start "$S" veth0 "$f"
	# shellcheck disable=SC2086
	ip netns exec "$C" pppd plugin "$PLUGIN" pptp-server 192.0.2.2 \
		$CLIENT_OPTS logfile "$T/client.log" &
	pid=$!
	bg_pids+=("$pid")
	wait_ppp "$C" 10.2.0.2 || { tail -30 "$T/client.log" "$T/server.log" | sed 's/^/# /'; fail "no link"; }
	grep -a 'MPPE 128-bit' "$T/client.log" | head -2 | sed 's/^/# /'
	grep -qa 'MPPE 128-bit.*compression enabled' "$T/client.log"
	ip netns exec "$C" ping -c 3 -i 0.3 -W 3 10.2.0.1 >/dev/null
	bg ip netns exec "$S" iperf3 -s -1 -B 10.2.0.1
	sleep 0.5
	out=$(ip netns exec "$C" iperf3 -c 10.2.0.1 -t 2 -J)
	python3 -c 'import json,sys; d=json.load(sys.stdin); b=d["end"]["sum_received"]["bytes"]; print("# iperf3 through pptpd:", round(b * 8 / d["end"]["sum_received"]["seconds"] / 1e6, 1), "Mbit/s"); sys.exit(b <= 0)' <<<"$out"
	capture_stop
	decode "$f"
	# client -> server data: GRE v1, MPPE (0x00fd, or 0xfd with PFC)
	out=$(rows "$f" '$1 == "192.0.2.1" && $2 == 1' '$8,$9,$15' | sort | uniq -c | sort -rn | head -3)
	diag "client->server (count ver,proto,ppp): $(echo $out)"
	rows "$f" '$1 == "192.0.2.1" && $2 == 1' '$8,$9,$15' | grep -qE '^1,0x880b,0x(00)?fd$'
	[ "$(proc_col "$C" "$(ip netns exec "$C" awk 'NR == 2 { print $3 }' /proc/net/egre)" rx_data)" -gt 0 ]
	# pppd's exit tears it all down: a clean call clearing, nothing left
	kill -TERM "$pid"
	busywait 15000 sh -c "! kill -0 $pid 2>/dev/null" || fail "pppd did not exit"
	grep -a 'egre-pptp' "$T/client.log" | tail -4 | sed 's/^/# /'
	[ -z "$(ip netns exec "$C" awk 'NR > 1' /proc/net/egre)" ]
	! ip -n "$C" link show | grep -q ppp
	rm -rf "$T"
}

# Static mode: two pppd over egre, no control connection; MPPE with
# MS-CHAPv2 (the server side authenticates alice)
test_static_mppe()
{
	require_cmd pppd
	new_ns A
	new_ns B
	setup_underlay "$A" "$B"
	ppp_etc "$A"
	ppp_etc "$B"
	mkdir -p "$T"
	bg ip netns exec "$B" pppd plugin "$PLUGIN" egre-remote 192.0.2.1 \
		egre-local 192.0.2.2 egre-call-id 8 egre-peer-call-id 7 \
		name egre-server auth require-mschap-v2 require-mppe-128 \
		10.3.0.2:10.3.0.1 nodefaultroute mtu 1400 mru 1400 nodetach \
		debug logfile "$T/b.log"
	# shellcheck disable=SC2086
	bg ip netns exec "$A" pppd plugin "$PLUGIN" egre-remote 192.0.2.2 \
		egre-local 192.0.2.1 egre-call-id 7 egre-peer-call-id 8 \
		$CLIENT_OPTS logfile "$T/a.log"
	wait_ppp "$A" 10.3.0.1 || { tail -20 "$T/a.log" "$T/b.log" | sed 's/^/# /'; fail "no link"; }
	grep -qa 'MPPE 128-bit.*compression enabled' "$T/a.log"
	ip netns exec "$A" ping -c 3 -i 0.3 -W 3 10.3.0.2 >/dev/null
	ip netns exec "$B" ping -c 3 -i 0.3 -W 3 10.3.0.1 >/dev/null
	[ "$(proc_col "$A" 7 rx_data)" -gt 0 ]
	[ "$(proc_col "$B" 8 peer_call_id)" = 7 ]
	rm -rf "$T"
}

# hostile SCENARIO MESSAGE: the plugin against a fake server (on loopback
# in the client's namespace) logs a clear error and pppd exits, leaving no
# session behind
hostile()
{
	local pid rc C
	new_ns C	# fresh: the kernel allocates Call ID 1, as the server expects
	ppp_etc "$C"
	rm -f "$T/port"
	FAKE_CLIENT_CALL_ID=1 ip netns exec "$C" python3 "$FAKE" "$1" "$T/port" \
		>"$T/fake-$1.log" 2>&1 &
	pid=$!
	bg_pids+=("$pid")
	busywait 5000 test -s "$T/port"
	rc=0
	# shellcheck disable=SC2086
	timeout 60 ip netns exec "$C" pppd plugin "$PLUGIN" pptp-server 127.0.0.1 \
		pptp-port "$(cat "$T/port")" pptp-timeout 2 pptp-window 48 \
		pptp-phone 5551234 $CLIENT_OPTS \
		logfile "$T/client-$1.log" >/dev/null 2>&1 || rc=$?
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	diag "$1: pppd exit $rc: $(grep -a 'egre-pptp' "$T/client-$1.log" | grep -av ': sent \|: received \|established' | head -1)"
	[ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "$1: pppd exit $rc"
	grep -qai -- "$2" "$T/client-$1.log" || { tail -5 "$T/client-$1.log" | sed "s/^/# /"; fail "$1: no '$2' in the log"; }
	[ -z "$(ip netns exec "$C" awk 'NR > 1' /proc/net/egre)" ]
}

test_hostile_server()
{
	[ -f "$FAKE" ] || return $KSFT_SKIP
	mkdir -p "$T"
	dmesg_mark
	hostile bad-magic 'magic'
	hostile truncated 'truncated'
	hostile length-huge 'length'
	hostile out-of-order 'unexpected'
	hostile ocrp-busy 'busy'
	hostile silent 'timed out'
	hostile garbage 'egre-pptp'
	hostile ocrp-wrong-call-id 'call id'
	hostile cdn-mid-call 'cleared'
	hostile stopccrq-mid-call 'stop'
	dmesg_clean
	rm -rf "$T"
}

egre_require
require_cmd pppd python3 tcpdump tshark ping
[ -f "$PLUGIN" ] || { echo "# SKIP: build the plugin first (make -C pppd)"; exit $KSFT_SKIP; }
modprobe ppp_mppe 2>/dev/null
run_tests test_pptpd_mppe test_static_mppe test_hostile_server
