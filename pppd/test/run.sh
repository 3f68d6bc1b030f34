#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests for egre-pptp: the PPTP control code against a scripted fake
# server (test/fake_server.py), and the plugin inside pppd as far as a host
# without PPP kernel support allows (options; the control connection up to
# the PPTP socket).  No kernel module, no VM.
#
# Output is TAP (kselftest style); exit status 1 if any test failed.
# pppd runs in a private mount namespace where /dev/ppp is /dev/null (pppd
# only checks that it opens before looking at the options) and /run is a
# tmpfs, so nothing on the host changes.

# Inside the namespace: fake /dev and /run, then run the command.
if [ "${1:-}" = --in-ns ]; then
	shift
	d=${EGRE_NS_DIR:?}
	mkdir -p "$d/dev" || exit 1
	for f in null zero random urandom ppp; do
		src=/dev/$f
		[ $f = ppp ] && src=/dev/null
		touch "$d/dev/$f" && mount --bind "$src" "$d/dev/$f" || exit 1
	done
	mount --rbind "$d/dev" /dev && mount -t tmpfs none /run || exit 1
	exec "$@"
fi

set -u
cd "$(dirname "$0")/.." || exit 1
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
counting=1
plan=0
n=0
failures=0

result() {		# result OK NAME [DIAGNOSTICS-FILE]
	n=$((n + 1))
	if [ "$1" = 1 ]; then
		echo "ok $n - $2"
		return
	fi
	failures=$((failures + 1))
	echo "not ok $n - $2"
	sed 's/^/# /' "$T/why"
	[ -n "${3:-}" ] && sed 's/^/#   | /' "$3" "$T/server" 2>/dev/null
}

# verdict NAME WANT_RC GOT_RC SERVER_RC REGEX...: judge $T/out
verdict() {
	local name=$1 want=$2 got=$3 srv=$4 re good=1
	shift 4
	: >"$T/why"
	if [ "$got" != "$want" ]; then
		echo "exit status $got, expected $want" >>"$T/why"
		good=0
	fi
	if [ "$srv" != 0 ]; then
		echo "the fake server failed (status $srv)" >>"$T/why"
		good=0
	fi
	for re in "$@"; do
		if ! grep -Eq -- "$re" "$T/out"; then
			echo "no line matches /$re/" >>"$T/why"
			good=0
		fi
	done
	result $good "$name" "$T/out"
}

start_server() {	# start_server SCENARIO: sets $port and $spid
	rm -f "$T/port" "$T/server"
	python3 test/fake_server.py "$1" "$T/port" 2>"$T/server" &
	spid=$!
	for _ in $(seq 100); do
		[ -s "$T/port" ] && break
		sleep 0.05
	done
	port=$(cat "$T/port" 2>/dev/null)
}

# The server ends on its own once the client is done; give it 5 s.
wait_server() {
	local _
	for _ in $(seq 100); do
		kill -0 "$spid" 2>/dev/null || break
		sleep 0.05
	done
	kill "$spid" 2>/dev/null
	wait "$spid"
}

# client SCENARIO WANT_RC "CTRL_CLIENT OPTIONS" REGEX...
client() {
	local sc=$1 want=$2 opts=$3 got srv
	shift 3
	if [ $counting = 1 ]; then
		plan=$((plan + 1))
		return
	fi
	start_server "$sc"
	# shellcheck disable=SC2086
	timeout 20 test/ctrl_client -c 4321 -w 48 -n 5551234 $opts \
		127.0.0.1 "${port:-0}" >"$T/out" 2>&1
	got=$?
	wait_server
	srv=$?
	verdict "ctrl: $sc" "$want" "$got" "$srv" "$@"
}

# run_pppd NAME WANT_RC SCENARIO|- "PPPD OPTIONS" REGEX...
# @PORT@ in the options is the fake server's port.
run_pppd() {
	local name=$1 want=$2 sc=$3 opts=$4 got srv=0
	shift 4
	if [ $counting = 1 ]; then
		plan=$((plan + 1))
		return
	fi
	if [ -n "$pppd_skip" ]; then
		n=$((n + 1))
		echo "ok $n - pppd: $name # SKIP $pppd_skip"
		return
	fi
	rm -f "$T/server"
	[ "$sc" != - ] && start_server "$sc"
	# shellcheck disable=SC2086
	EGRE_NS_DIR=$T/ns timeout 30 unshare -m bash "$PWD/test/run.sh" --in-ns \
		pppd plugin "$PWD/egre-pptp.so" nodetach noauth logfd 2 \
		${opts//@PORT@/${port:-0}} >"$T/out" 2>&1 </dev/null
	got=$?
	if [ "$sc" != - ]; then
		wait_server
		srv=$?
	fi
	verdict "pppd: $name" "$want" "$got" "$srv" "$@"
}

# The same, for a test that needs socket(AF_PPPOX, ..., PX_PROTO_PPTP) to fail.
run_pppd_nosock() {
	if [ $counting = 0 ] && [ -z "$pppd_skip" ] && [ -n "$nosock_skip" ]
	then
		n=$((n + 1))
		echo "ok $n - pppd: $1 # SKIP $nosock_skip"
		return
	fi
	run_pppd "$@"
}

cases() {
	client good 0 "-p 1" \
		"call connected: Call ID 4321, peer Call ID 777, .* peer receive window 32" \
		"Set-Link-Info for Call ID 4321: send ACCM 0xffffffff, receive ACCM 0x00000000" \
		"Wan-Error-Notify for Call ID 4321: CRC 1," \
		"^poll: ok" "^hangup: ok"
	client split-writes 0 "-p 1" "^call: ok, peer call id 777" "^hangup: ok"
	client bad-magic 3 "" \
		"^start: failed: malformed message: bad magic cookie 0x12345678$"
	client bad-type 3 "" \
		"^start: failed: malformed message: PPTP message type 2, not 1"
	client unknown-type 3 "" \
		"^start: failed: malformed message: unknown control message type 99$"
	client truncated 3 "" \
		"^start: failed: truncated message: connection closed after 50 of 156 bytes$"
	client length-too-short 3 "" \
		"^start: failed: malformed message: length 8 is less than the 12-byte header$"
	client length-huge 3 "" \
		"^start: failed: malformed message: length 60000 exceeds 512 bytes$"
	client wrong-size 3 "" \
		"^start: failed: malformed message: Start-Control-Connection-Reply of 160 bytes, must be 156$"
	client out-of-order 3 "" \
		"^start: failed: unexpected Outgoing-Call-Reply while waiting for Start-Control-Connection-Reply$"
	client sccrp-error 3 "" \
		"^start: failed: Start-Control-Connection-Reply: result 2 \(general error\), error 4 \(no-resource\)$"
	client ocrp-busy 4 "" \
		"^call: failed: Outgoing-Call-Reply: result 4 \(busy\), cause 0$" \
		"^hangup: ok"
	client ocrp-wrong-call-id 4 "" \
		"^call: failed: Outgoing-Call-Reply for Call ID 4322, ours is 4321$" \
		"^hangup: ok"
	client silent 3 "-t 300" \
		"^start: failed: timed out: no Start-Control-Connection-Reply within 300 ms$"
	client silent-call 4 "-t 300" \
		"^call: failed: timed out: no Outgoing-Call-Reply within 300 ms$"
	client cdn-mid-call 5 "-p 5" \
		"^poll: call cleared by peer: Call-Disconnect-Notify, result 3 \(admin shutdown\), cause 0, statistics: fake statistics$" \
		"^hangup: ok"
	client ccrq-mid-call 5 "-p 5" \
		"^poll: call cleared by peer: Call-Clear-Request$" "^hangup: ok"
	client stopccrq-mid-call 5 "-p 5" \
		"^poll: peer closed the control connection: Stop-Control-Connection-Request, reason 3 \(stop-local-shutdown\)$"
	client incoming-call 0 "-p 1" \
		"declining Incoming-Call-Request \(Call ID 99\)" "^hangup: ok"
	client garbage 3 "" "^start: failed: (malformed|truncated) message"

	run_pppd "egre-remote without egre-peer-call-id" 2 - \
		"egre-remote 1.2.3.4 dryrun" \
		"egre-pptp: egre-peer-call-id is required with egre-remote"
	run_pppd "neither pptp-server nor egre-remote" 2 - "dryrun" \
		"egre-pptp: give exactly one of pptp-server and egre-remote$"
	run_pppd "both pptp-server and egre-remote" 2 - \
		"pptp-server 192.0.2.2 egre-remote 1.2.3.4 dryrun" \
		"egre-pptp: give exactly one of pptp-server"
	run_pppd "static-mode option with pptp-server" 2 - \
		"pptp-server 192.0.2.2 egre-call-id 5 dryrun" \
		"egre-pptp: egre-call-id is for egre-remote \(static mode\), not with pptp-server"
	run_pppd "pptp-window out of range" 2 - \
		"pptp-server 192.0.2.2 pptp-window 0 dryrun" \
		"pptp-window value must be between 1 and 65535"
	run_pppd "egre-remote not an address" 2 - \
		"egre-remote 1.2.3 egre-peer-call-id 6 dryrun" \
		"egre-pptp: egre-remote 1.2.3: not an IPv4 address"
	run_pppd "static mode options accepted" 0 - \
		"egre-remote 1.2.3.4 egre-call-id 5 egre-peer-call-id 6 dryrun" \
		"^egre-peer-call-id 6" "^egre-call-id 5"
	run_pppd_nosock "static mode without a PPTP socket family" 8 - \
		"egre-remote 127.0.0.1 egre-peer-call-id 6" \
		"egre-pptp: PPTP socket: Address family not supported"
	run_pppd_nosock "client: control connection up, then no PPTP socket" 8 \
		start-only "pptp-server 127.0.0.1 pptp-port @PORT@" \
		"egre-pptp: control connection established: peer \"fake-pac\"" \
		"egre-pptp: PPTP socket: Address family not supported"
	run_pppd "client: connection refused" 8 - \
		"pptp-server 127.0.0.1 pptp-port 1" \
		"egre-pptp: connect to 127.0.0.1:1: Connection refused"
	run_pppd "client: silent server times out" 8 silent \
		"pptp-server 127.0.0.1 pptp-port @PORT@ pptp-timeout 1" \
		"egre-pptp: timed out: no Start-Control-Connection-Reply within 1000 ms"
}

# Whether pppd can be run here at all, and whether it can get as far as
# the PPTP socket (it must not: the host tests stop there).
pppd_skip=
nosock_skip=
if [ "$(id -u)" != 0 ]; then
	pppd_skip="not root"
elif ! command -v pppd >/dev/null; then
	pppd_skip="pppd not installed"
elif ! unshare -m true 2>/dev/null; then
	pppd_skip="no mount namespaces (unshare -m)"
fi
if python3 -c 'import socket; socket.socket(24, socket.SOCK_STREAM, 2)' \
	2>/dev/null; then
	nosock_skip="PPTP sockets work on this host (egre or pptp loaded)"
fi

cases
echo "TAP version 13"
echo "1..$((plan + 1))"
counting=0
: >"$T/why"
if make -s all >"$T/out" 2>&1; then
	result 1 "build: egre-pptp.so and test/ctrl_client"
else
	echo "make failed" >"$T/why"
	result 0 "build: egre-pptp.so and test/ctrl_client" "$T/out"
fi
cases
echo "# $((n - failures)) passed, $failures failed"
[ $failures = 0 ]
