#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/guest.sh OUTDIR: the benchmark matrix, run as root in a throw-away
# guest (bench/run.sh boots it).  Writes one iperf3 JSON per measurement to
# OUTDIR/raw/ and an index, OUTDIR/runs.tsv; bench/report.py makes the table.
#
#   ns bench-a: veth0 10.0.0.1/24 ------------ veth0 10.0.0.2/24 :ns bench-b
#     (a) veth   10.0.0.1                        10.0.0.2   no tunnel
#     (b) gre1   10.1.0.1  ip_gre (GRE v0)       10.1.0.2
#     (b') gre2  10.7.0.1  ip_gre key 7 oseq     10.7.0.2   ip_gre_seq:
#         sequence numbers, so (like egre) no GSO through the tunnel
#     (c) pppN   10.2.0.1  pptp.ko + pptp-static 10.2.0.2   Call IDs 100/200
#     (d) e0     10.3.0.1  egre                  10.3.0.2   Call IDs 1/2
#   EGRE_BENCH_MODE=ppp: pppd on both ends, MS-CHAPv2 and MPPE-128:
#     (e) egre-ppp 10.4.0.1  pppd + egre-pptp.so static, egre   Call IDs 11/12
#     (f) pptp-ppp 10.5.0.1  the same plugin on pptp.ko         Call IDs 21/22
#     (g) user-ppp 10.6.0.1  pppd + pptp-linux (userspace GRE) -> pptpd
#         (userspace GRE) 10.6.0.2 in bench-b
#
# iperf3 clients run in bench-a, the server in bench-b: data flows a -> b.
# netem sits on bench-a's veth0 (the sending side of the underlay); with
# EGRE_BENCH_NETEM_SIDES=both on bench-b's veth0 too.
#
# pptp.ko and egre.ko both claim the kernel's GRE version 1 slot, so only
# one is loaded at a time: the script swaps them as the order requires.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: guest.sh OUTDIR}
mkdir -p "$out/raw" "$out/diag"

: "${EGRE_KO:?EGRE_KO must name egre.ko for this kernel}"
export IP_LIB_DIR=${EGRE_BENCH_IP_LIB_DIR:-$top/iproute2}
pptp_static=${EGRE_BENCH_PPTP_STATIC:-$top/bench/pptp-static}
tunnels=${EGRE_BENCH_TUNNELS:-veth ip_gre ip_gre_seq pptp egre}
tests=${EGRE_BENCH_TESTS:-tcp tcp4 udp}
conditions=${EGRE_BENCH_CONDITIONS:-none,delay,reorder,loss}
repeats=${EGRE_BENCH_REPEATS:-3}
secs=${EGRE_BENCH_SECONDS:-4}
mtu=${EGRE_BENCH_MTU:-1460}
gso=${EGRE_BENCH_GSO:-auto}
sides=${EGRE_BENCH_NETEM_SIDES:-send}
egre_opts=${EGRE_BENCH_EGRE_OPTS:-}
rps=${EGRE_BENCH_RPS:-1}
underlay_gso=${EGRE_BENCH_UNDERLAY_GSO:-on}
ppp_mtu=${EGRE_BENCH_PPP_MTU:-1400}
ppp_cur='' pppd_dev=''
A=bench-a
B=bench-b
mode=none		# which GRE v1 module is loaded: none, pptp, egre

t_start=${BENCH_T0:-${EPOCHREALTIME/./}}
log() { printf 'bench: [%4ds] %s\n' $(((${EPOCHREALTIME/./} - t_start) / 1000000)) "$*"; }
die() { log "error: $*"; exit 1; }
# The measurement loop runs inside bench-a (ip netns exec costs most of a
# second in a busy TCG guest): commands for bench-a need no wrapper there.
if [ "${BENCH_IN_A:-0}" = 1 ]; then
	ina() { "$@"; }
else
	ina() { ip netns exec "$A" "$@"; }
fi
inb() { ip netns exec "$B" "$@"; }

# NAME or NAME=NETEM ARGS -> "NAME<TAB>netem args" (empty: no qdisc)
condition_netem()
{
	case $1 in
	*=*) printf '%s\t%s\n' "${1%%=*}" "${1#*=}" ;;
	none) printf 'none\t\n' ;;
	delay) printf 'delay\tdelay 10ms\n' ;;
	reorder) printf 'reorder\tdelay 10ms reorder 25%% 50%%\n' ;;
	loss) printf 'loss\tloss 1%%\n' ;;
	*) die "unknown condition '$1' (none, delay, reorder, loss or NAME=NETEM ARGS)" ;;
	esac
}

peer_of()
{
	case $1 in
	veth) echo 10.0.0.2 ;;
	ip_gre) echo 10.1.0.2 ;;
	ip_gre_seq) echo 10.7.0.2 ;;
	pptp) echo 10.2.0.2 ;;
	egre) echo 10.3.0.2 ;;
	egre-ppp) echo 10.4.0.2 ;;
	pptp-ppp) echo 10.5.0.2 ;;
	user-ppp) echo 10.6.0.2 ;;
	*) die "unknown tunnel '$1' (veth ip_gre ip_gre_seq pptp egre egre-ppp pptp-ppp user-ppp)" ;;
	esac
}

dev_of()	# TUNNEL [a|b]: a tunnel type's device in bench-a (the sending
		# side, default) or bench-b; empty if not known
{
	local side=${2:-a}
	case $1 in
	veth) echo veth0 ;;
	ip_gre) echo gre1 ;;
	ip_gre_seq) echo gre2 ;;
	pptp) [ "$side" = a ] && echo "${ppp_a:-}" || echo "${ppp_b:-}" ;;
	egre) echo e0 ;;
	*-ppp) [ "$side" = a ] && echo "${pppd_dev:-}" ;;
	esac
}

# rx_packets TUNNEL: packets the tunnel's device in bench-b has handed to
# the stack so far (empty if it has no such device)
rx_packets()
{
	local d
	d=$(dev_of "$1" b)
	[ -n "$d" ] || return 0
	ip -n "$B" -s -o link show dev "$d" 2>/dev/null | awk '{
		for (i = 1; i <= NF; i++)
			if ($i == "RX:") {
				while (i <= NF && $i != "\\") i++
				print $(i + 2); exit
			} }'
}

reachable()	# ADDR: ping through from bench-a, a few seconds at most
{
	local i
	for i in $(seq 20); do
		ina ping -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

setup_base()
{
	local n
	modprobe veth
	modprobe sch_netem
	for n in $A $B; do
		ip netns add "$n"
		ip -n "$n" link set lo up
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n $A link add veth0 type veth peer name veth0 netns $B
	ip -n $A addr add 10.0.0.1/24 dev veth0
	ip -n $B addr add 10.0.0.2/24 dev veth0
	ip -n $A link set veth0 up
	ip -n $B link set veth0 up
	# A veth hands GSO super-packets to its peer unsegmented, so ip_gre's
	# 64 KB GRE skbs cross it in one piece, which no real wire allows.
	# EGRE_BENCH_UNDERLAY_GSO=off makes the underlay segment everything,
	# as a link without GRE segmentation offload does (the tunnels keep
	# their own GSO).
	if [ "$underlay_gso" = off ]; then
		for n in $A $B; do
			ip netns exec "$n" ethtool -K veth0 gso off tso off \
				tx-gre-segmentation off tx-gre-csum-segmentation off \
				>/dev/null 2>&1
		done
	fi
	# Each namespace is a host with one vCPU: its iperf3 (-A) and, through
	# RPS, the receive processing of its veth, like a NIC queue whose
	# interrupt goes to that CPU.  Without it, veth hands every packet to
	# the backlog of the CPU that sent it, and a TCP sender that transmits
	# both from the application and from ACK processing on the other CPU
	# reorders its own packets, which egre and pptp.ko drop.
	if [ "$rps" = 1 ]; then
		ina sh -c 'echo 1 >/sys/class/net/veth0/queues/rx-0/rps_cpus'
		inb sh -c 'echo 2 >/sys/class/net/veth0/queues/rx-0/rps_cpus'
	fi

	# pppd's configuration in each namespace (ip netns exec mounts
	# /etc/netns/NS/ppp over /etc/ppp): alice's MS-CHAP secret only
	for n in $A $B; do
		mkdir -p "/etc/netns/$n/ppp"
		printf 'alice egre-server "bench secret" *\n' \
			>"/etc/netns/$n/ppp/chap-secrets"
		chmod 600 "/etc/netns/$n/ppp/chap-secrets"
		: >"/etc/netns/$n/ppp/options"
	done
	modprobe ppp_mppe 2>/dev/null

	modprobe ip_gre
	ip -n $A link add gre1 type gre local 10.0.0.1 remote 10.0.0.2
	ip -n $B link add gre1 type gre local 10.0.0.2 remote 10.0.0.1
	ip -n $A addr add 10.1.0.1 peer 10.1.0.2 dev gre1
	ip -n $B addr add 10.1.0.2 peer 10.1.0.1 dev gre1
	# GRE v0 with sequence numbers (and a key, as PPTP's header has): the
	# kernel gives such a tunnel no GSO (sequence numbers cannot be
	# offloaded), so it numbers and sends every wire packet itself, as
	# egre and pptp.ko must
	ip -n $A link add gre2 type gre local 10.0.0.1 remote 10.0.0.2 key 7 oseq
	ip -n $B link add gre2 type gre local 10.0.0.2 remote 10.0.0.1 key 7 oseq
	ip -n $A addr add 10.7.0.1 peer 10.7.0.2 dev gre2
	ip -n $B addr add 10.7.0.2 peer 10.7.0.1 dev gre2
	for n in $A $B; do
		[ -n "$mtu" ] && ip -n "$n" link set gre1 mtu "$mtu"
		[ -n "$mtu" ] && ip -n "$n" link set gre2 mtu "$mtu"
		ip -n "$n" link set gre1 up
		ip -n "$n" link set gre2 up
	done
	reachable 10.0.0.2 || die "veth: no ping"
	reachable 10.1.0.2 || die "ip_gre: no ping"
	reachable 10.7.0.2 || die "ip_gre oseq: no ping"

	# One iperf3 server for the whole run, on the second vCPU
	inb iperf3 -s -D -A 1 -I /run/bench-iperf3.pid ||
		die "cannot start iperf3 -s"
	sleep 0.5
}

restart_server()
{
	kill "$(cat /run/bench-iperf3.pid 2>/dev/null)" 2>/dev/null
	sleep 0.5
	inb iperf3 -s -D -A 1 -I /run/bench-iperf3.pid
	sleep 0.5
}

pptp_up()
{
	modprobe pptp || return 1
	[ -e /dev/ppp ] || mknod /dev/ppp c 108 0
	# pptp.ko's Call ID table is global, not per netns: the two ends of
	# the call need different Call IDs (100 in bench-a, 200 in bench-b).
	ppp_a=$(ina "$pptp_static" -d -p /run/bench-ppp-a.pid 10.0.0.1 100 10.0.0.2 200) ||
		return 1
	ppp_b=$(inb "$pptp_static" -d -p /run/bench-ppp-b.pid 10.0.0.2 200 10.0.0.1 100) ||
		return 1
	ip -n $A addr add 10.2.0.1 peer 10.2.0.2 dev "$ppp_a"
	ip -n $B addr add 10.2.0.2 peer 10.2.0.1 dev "$ppp_b"
	# pppN defaults to MTU 1500: 1540 bytes on the wire after IP, GRE and
	# PPP headers, so it must come down to 1460 or less.
	ip -n $A link set "$ppp_a" mtu "${mtu:-1460}" up
	ip -n $B link set "$ppp_b" mtu "${mtu:-1460}" up
	new_devs=1
	reachable 10.2.0.2 || { log "pptp: no ping"; return 1; }
	mode=pptp
}

pptp_down()
{
	local p f i
	for f in /run/bench-ppp-a.pid /run/bench-ppp-b.pid; do
		[ -s $f ] || continue
		p=$(cat $f)
		rm -f $f
		kill "$p" 2>/dev/null
		for i in $(seq 100); do
			[ -d "/proc/$p" ] || break
			sleep 0.05
		done
	done
	ppp_a=''
	unload_module pptp
	mode=none
}

# unload_module NAME: rmmod, retrying while the last references go away
unload_module()
{
	local i
	for i in $(seq 100); do
		rmmod "$1" 2>/dev/null && break
		sleep 0.1
	done
	! grep -q "^$1 " /proc/modules || die "cannot unload $1"
}

egre_up()
{
	local n
	modprobe -a gre pppox
	insmod "$EGRE_KO" || return 1
	# shellcheck disable=SC2086
	ip -n $A link add e0 type egre local 10.0.0.1 remote 10.0.0.2 \
		call-id 1 peer-call-id 2 $egre_opts || return 1
	# shellcheck disable=SC2086
	ip -n $B link add e0 type egre local 10.0.0.2 remote 10.0.0.1 \
		call-id 2 peer-call-id 1 $egre_opts || return 1
	ip -n $A addr add 10.3.0.1 peer 10.3.0.2 dev e0
	ip -n $B addr add 10.3.0.2 peer 10.3.0.1 dev e0
	for n in $A $B; do
		[ -n "$mtu" ] && ip -n "$n" link set e0 mtu "$mtu"
		ip -n "$n" link set e0 up
	done
	new_devs=1
	reachable 10.3.0.2 || { log "egre: no ping"; return 1; }
	mode=egre
}

egre_down()
{
	ip -n $A link del e0 2>/dev/null
	ip -n $B link del e0 2>/dev/null
	unload_module egre
	mode=none
}

# The PPP links of EGRE_BENCH_MODE=ppp.  Both ends authenticate with
# MS-CHAPv2 and require MPPE-128, as every real PPTP deployment does.
ppp_client_opts="name alice remotename egre-server noauth refuse-eap refuse-pap
	refuse-chap refuse-mschap require-mppe-128 nodefaultroute noipdefault
	nodetach"
ppp_server_opts="name egre-server auth require-mschap-v2 refuse-pap refuse-chap
	refuse-mschap require-mppe-128 nodefaultroute nobsdcomp nodeflate novj"
plugin=$top/pppd/egre-pptp.so

ppp_up()	# egre-ppp|pptp-ppp|user-ppp
{
	local net ida idb i
	case $1 in
	egre-ppp) net=10.4.0 ida=11 idb=12 ;;
	pptp-ppp) net=10.5.0 ida=21 idb=22 ;;
	user-ppp) net=10.6.0 ;;
	esac
	if [ "$1" = user-ppp ]; then
		printf 'option /run/bench-pptpd-options\nlocalip %s.2\nremoteip %s.1\n' \
			$net $net >/run/bench-pptpd.conf
		# shellcheck disable=SC2086
		printf '%s\n' $ppp_server_opts mtu "$ppp_mtu" mru "$ppp_mtu" \
			>/run/bench-pptpd-options
		inb pptpd -f -c /run/bench-pptpd.conf -l 10.0.0.2 \
			-p /run/bench-pptpd.pid >/dev/null 2>&1 &
		sleep 1
		# shellcheck disable=SC2086
		ina pppd pty "pptp 10.0.0.2 --nolaunchpppd" $ppp_client_opts \
			mtu "$ppp_mtu" mru "$ppp_mtu" >/dev/null 2>&1 &
	else
		# shellcheck disable=SC2086
		inb pppd plugin "$plugin" egre-remote 10.0.0.1 egre-local 10.0.0.2 \
			egre-call-id $idb egre-peer-call-id $ida $ppp_server_opts \
			$net.2:$net.1 mtu "$ppp_mtu" mru "$ppp_mtu" nodetach \
			>/dev/null 2>&1 &
		# shellcheck disable=SC2086
		ina pppd plugin "$plugin" egre-remote 10.0.0.2 egre-local 10.0.0.1 \
			egre-call-id $ida egre-peer-call-id $idb $ppp_client_opts \
			mtu "$ppp_mtu" mru "$ppp_mtu" >/dev/null 2>&1 &
	fi
	for i in $(seq 150); do
		pppd_dev=$(ina ip -o -4 addr show | awk -v a="$net.1" '$4 == a { print $2 }')
		[ -n "$pppd_dev" ] && break
		sleep 0.2
	done
	[ -n "$pppd_dev" ] || { log "$1: the PPP link did not come up"; return 1; }
	new_devs=1
	reachable "$net.2" || { log "$1: no ping"; return 1; }
	ppp_cur=$1
	log "$1 up on $pppd_dev"
}

ppp_down()
{
	local i
	[ -n "$ppp_cur" ] || return 0
	local p procs="pppd pptpd pptpctrl pptp"
	for p in $procs; do pkill -x "$p"; done
	for i in $(seq 100); do
		for p in $procs; do pgrep -x "$p" && break; done >/dev/null || break
		sleep 0.1
	done
	for p in $procs; do pkill -9 -x "$p"; done
	ppp_cur='' pppd_dev=''
}

# need_ppp TUNNEL: its module loaded (or none, for user-ppp), its link up
need_ppp()
{
	[ "$ppp_cur" = "$1" ] && return 0
	ppp_down
	case $1 in
	egre-ppp) need_mode egre || return 1 ;;
	pptp-ppp) need_mode pptp || return 1 ;;
	esac
	ppp_up "$1" || { ppp_down; return 1; }
}

# need_mode pptp|egre: load that module (unloading the other); 1 if not possible
need_mode()
{
	[ "$mode" = "$1" ] && return 0
	ppp_down
	case $mode in
	pptp) pptp_down ;;
	egre) egre_down ;;
	esac
	case $1 in
	pptp) pptp_up || { pptp_down; return 1; } ;;
	egre) egre_up || { egre_down; return 1; } ;;
	esac
	log "$1 loaded"
}

# netem ARGS...: on bench-a's veth0 (and bench-b's with sides=both), or none
set_netem()
{
	local n ns=$A
	[ "$sides" = both ] && ns="$A $B"
	for n in $A $B; do
		tc -n "$n" qdisc del dev veth0 root 2>/dev/null
	done
	[ $# -gt 0 ] || return 0
	for n in $ns; do
		# a large limit: the queue must not be what limits a 10 ms path
		# shellcheck disable=SC2068
		tc -n "$n" qdisc replace dev veth0 root netem limit 100000 $@ ||
			die "tc qdisc ... netem $*"
	done
}

# gso on|off on the sending devices of bench-a.  netem drops and reorders
# skbs; with GSO a veth or ip_gre skb can be a 64 KB super-packet, so for
# loss and reordering the senders build wire-size packets (EGRE_BENCH_GSO).
set_gso()
{
	local d
	# new devices (after a module swap) start with GSO on
	[ "$1" = "$cur_gso" ] && { [ "$1" = on ] || [ "$new_devs" = 0 ]; } &&
		return 0
	for d in $([ "$underlay_gso" = off ] || echo veth0) gre1 gre2 e0 ${ppp_a:-}; do
		[ -e "/sys/class/net/$d" ] || continue
		ethtool -K "$d" gso "$1" tso "$1" >/dev/null 2>&1
	done
	cur_gso=$1
	new_devs=0
}

gso_for()	# NETEM ARGS -> on|off
{
	case $gso in
	on|off) echo "$gso" ;;
	*) case " $* " in
	   *\ loss\ *|*\ reorder\ *|*\ duplicate\ *|*\ corrupt\ *|*\ gap\ *) echo off ;;
	   *) echo on ;;
	   esac ;;
	esac
}

# measure REP COND TEST TUNNEL
measure()
{
	local rep=$1 cond=$2 test=$3 tun=$4 dst file args rc start rx0='' rx=''
	dst=$(peer_of "$tun")
	file=raw/$rep-$cond-$test-$tun.json
	case $test in
	tcp) args=() ;;
	tcp4) args=(-P 4) ;;
	udp) args=(-u -l 64 -b 0) ;;
	*) die "unknown test '$test' (tcp tcp4 udp)" ;;
	esac
	# UDP: also what the receiving tunnel device delivered, before the
	# socket (the flood outruns the receiving iperf3 in every tunnel)
	[ "$test" = udp ] && rx0=$(rx_packets "$tun")
	start=$EPOCHREALTIME
	timeout $((secs + 30)) iperf3 -c "$dst" -t "$secs" -A 0 -J --connect-timeout 5000 \
		"${args[@]}" >"$out/$file" 2>"$out/$file.err"
	rc=$?
	start=$(((${EPOCHREALTIME/./} - ${start/./}) / 1000))
	if [ -n "$rx0" ]; then
		rx=$(rx_packets "$tun")
		[ -n "$rx" ] && rx=$((rx - rx0))
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d.%03d\t%s\n' "$rep" "$cond" \
		"$test" "$tun" "$file" "$rc" "$cur_gso" $((start / 1000)) \
		$((start % 1000)) "$rx" >>"$out/runs.tsv"
	log "$(printf 'rep %s %-8s %-4s %-6s rc=%s %5d ms' "$rep" "$cond" "$test" "$tun" "$rc" "$start")"
	if [ $rc -ne 0 ]; then
		log "$(head -c 300 "$out/$file.err") $(grep -o '"error":.*' "$out/$file" | head -c 300)"
		restart_server
	fi
}

# diag TAG: device counters of every tunnel, for the record
snapshot()
{
	{
		echo "== $1"
		ip -n $A -s link
		ip -n $B -s link
		grep -q '^egre ' /proc/modules &&
			{ ina ethtool -S e0; inb ethtool -S e0; }
		tc -n $A -s qdisc show dev veth0
		ina nstat -a
	} >>"$out/diag/counters.txt" 2>&1
}

# In the guest's root namespace: check the matrix, build the namespaces and
# the tunnels that stay up (veth, ip_gre), start iperf3 -s in bench-b, then
# go on inside bench-a.
setup()
{
	local c tun
	local -a tl cl

	read -ra tl <<<"$tunnels"
	IFS=, read -ra cl <<<"$conditions"
	for c in "${cl[@]}"; do condition_netem "$c" >/dev/null; done
	for tun in "${tl[@]}"; do peer_of "$tun" >/dev/null; done
	[ "$repeats" -ge 1 ] 2>/dev/null || die "EGRE_BENCH_REPEATS: not a number"
	grep -q '^egre ' /proc/modules && rmmod egre
	grep -q '^pptp ' /proc/modules && rmmod pptp
	setup_base
	log "setup done"
	exec ip netns exec "$A" env BENCH_IN_A=1 BENCH_T0="$t_start" \
		bash "$0" "$out"
}

main()
{
	local rep c name netem i n t tun skip=''
	local -a tl cl

	read -ra tl <<<"$tunnels"
	IFS=, read -ra cl <<<"$conditions"
	if [[ " $tunnels " == *" pptp "* ]] && ! modinfo pptp >/dev/null 2>&1; then
		log "pptp.ko not in this kernel: skipping it"
		skip=pptp
	fi
	: >"$out/runs.tsv"
	{
		echo "kernel	$(uname -r)"
		echo "tunnels	$tunnels"
		echo "tests	$tests"
		echo "conditions	$conditions"
		echo "repeats	$repeats"
		echo "seconds	$secs"
		echo "mtu	${mtu:-default}"
		echo "gso	$gso"
		echo "netem_sides	$sides"
		echo "rps	$rps"
		echo "underlay_gso	$underlay_gso"
		echo "egre_opts	$egre_opts"
		echo "ppp_mtu	$ppp_mtu"
		echo "mode	${EGRE_BENCH_MODE:-matrix}"
		echo "iperf3	$(iperf3 --version | head -1)"
		echo "cpus	$(nproc)"
	} >"$out/meta.tsv"
	cur_gso=on
	new_devs=0
	n=${#tl[@]}
	for ((rep = 1; rep <= repeats; rep++)); do
		for c in "${cl[@]}"; do
			IFS=$'\t' read -r name netem <<<"$(condition_netem "$c")"
			# shellcheck disable=SC2086
			set_netem $netem
			# Rotate the tunnel order with the repeat: drift on a busy
			# host falls on every tunnel type in turn.
			for ((i = 0; i < n; i++)); do
				tun=${tl[$(((i + rep - 1) % n))]}
				[ "$tun" = "$skip" ] && continue
				case $tun in
				pptp|egre)
					if ! need_mode "$tun"; then
						log "$tun: setup failed, not measured (rep $rep, $name)"
						continue
					fi ;;
				*-ppp)
					if ! need_ppp "$tun"; then
						log "$tun: setup failed, not measured (rep $rep, $name)"
						continue
					fi ;;
				esac
				# shellcheck disable=SC2086
				set_gso "$(gso_for $netem)"
				for t in $tests; do
					measure "$rep" "$name" "$t" "$tun"
				done
			done
			snapshot "rep $rep $name"
		done
	done
	set_netem
	ppp_down
	case $mode in
	pptp) pptp_down ;;
	egre) egre_down ;;
	esac
	kill "$(cat /run/bench-iperf3.pid)" 2>/dev/null
	ip netns del $A
	ip netns del $B
	log "done"
}

# scale_fill NS TARGET [KIND]: KIND (egre, the default, or gre) devices
# s1.. in group 7 of NS until NS has TARGET devices of that kind in all (the
# measured e0 among them); prints the milliseconds taken.  egre Call IDs are
# 3.., remotes 10.9.x.y (never used on the wire): every session gets its own
# table key; gre devices get the same remotes.
scale_fill()
{
	local ns=$1 want=$2 kind=${3:-egre} have f t0
	have=$(ip -n "$ns" -o link show type "$kind" | wc -l)
	f=/tmp/bench-scale.batch
	awk -v from="$have" -v to="$want" -v kind="$kind" 'BEGIN {
		for (i = from; i < to; i++) {
			r = sprintf("10.9.%d.%d", int(i / 250) % 250, i % 250 + 1)
			if (kind == "gre")
				printf "link add s%d group 7 type gre remote %s local 10.0.0.2\n", i, r
			else
				printf "link add s%d group 7 type egre remote %s call-id %d peer-call-id %d\n",
					i, r, i % 65533 + 3, i % 65533 + 3
		} }' >"$f"
	t0=${EPOCHREALTIME/./}
	ip -n "$ns" -batch "$f" || die "cannot create $kind devices in $ns"
	rm -f "$f"
	echo $(((${EPOCHREALTIME/./} - t0) / 1000))
}

# scale_empty NS: delete every device of group 7 in NS (the sessions, not
# e0) in one request, as `ip link del group` does: one unregistration batch,
# one RCU grace period; prints milliseconds
scale_empty()
{
	local ns=$1 t0
	t0=${EPOCHREALTIME/./}
	ip -n "$ns" link del group 7 2>/dev/null
	echo $(((${EPOCHREALTIME/./} - t0) / 1000))
}

# scale_del_each NS N: create N sessions, delete them one `ip link del` at a
# time (each waits for its own RCU grace periods); prints ms per deletion
scale_del_each()
{
	local ns=$1 n=$2 f=/tmp/bench-scale.batch t0
	scale_fill "$ns" $((n + 1)) >/dev/null
	ip -n "$ns" -o link show type egre | awk -F'[:@ ]+' '$2 != "e0" { print "link del " $2 }' >"$f"
	t0=${EPOCHREALTIME/./}
	ip -n "$ns" -batch "$f" || die "cannot delete sessions in $ns"
	rm -f "$f"
	echo $(((${EPOCHREALTIME/./} - t0) / 1000 / n))
}

# kB of (MemTotal - MemAvailable), Slab and Percpu from /proc/meminfo
mem_used()
{
	awk '/^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2 }
	     /^Slab:/ { s = $2 } /^Percpu:/ { p = $2 }
	     END { print t - a, s, p }' /proc/meminfo
}

# Memory per session: create and delete EGRE_BENCH_SCALE_MEM egre sessions
# in bench-b, three times (the first round pays for the rhashtable's growth
# and slab caches; the later ones are the steady state), then the same
# number of ip_gre devices once, for what any tunnel netdevice costs
scale_memory()
{
	local n=$1 round kind u0 s0 p0 u1 s1 p1 u2 s2 p2 tc td
	for round in 1 2 3 gre; do
		kind=egre
		[ "$round" = gre ] && kind=gre
		sync; echo 3 >/proc/sys/vm/drop_caches
		read -r u0 s0 p0 <<<"$(mem_used)"
		if [ $kind = gre ]; then
			tc=$(scale_fill $B $(($(ip -n $B -o link show type gre | wc -l) + n)) gre)
		else
			tc=$(scale_fill $B $((n + 1)))
		fi
		sleep 1
		read -r u1 s1 p1 <<<"$(mem_used)"
		td=$(scale_empty $B)
		sleep 2
		sync; echo 3 >/proc/sys/vm/drop_caches
		read -r u2 s2 p2 <<<"$(mem_used)"
		printf 'memory\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$kind" \
			"$n" "$tc" "$td" $(((u1 - u0) * 1024 / n)) $(((s1 - s0) * 1024 / n)) \
			$(((p1 - p0) * 1024 / n)) $((u2 - u0)) $((s2 - s0)) $((p2 - p0)) \
			>>"$out/scale.tsv"
		log "memory round $round: $n $kind devices created in $tc ms, deleted in $td ms; per device $(((u1 - u0) * 1024 / n)) B used, $(((s1 - s0) * 1024 / n)) B slab, $(((p1 - p0) * 1024 / n)) B percpu; after deletion $((u2 - u0)) kB used, $((s2 - s0)) kB slab, $((p2 - p0)) kB percpu above the start"
	done
	td=$(scale_del_each $B 200)
	printf 'delete_each\t200\t%s\n' "$td" >>"$out/scale.tsv"
	log "200 sessions deleted one at a time: $td ms each"
}

# One session's TCP throughput as the receiving namespace's session table
# grows (EGRE_BENCH_SCALE_COUNTS, then back to 1 to show drift), and memory
# per session (EGRE_BENCH_SCALE_MEM)
scale_main()
{
	local rep n ms t i label counts=${EGRE_BENCH_SCALE_COUNTS:-1 1000 65536}
	: >"$out/runs.tsv"
	: >"$out/scale.tsv"
	{
		echo "kernel	$(uname -r)"
		echo "mode	scale"
		echo "tests	$tests"
		echo "repeats	$repeats"
		echo "seconds	$secs"
		echo "mtu	${mtu:-default}"
		echo "gso	on"
		echo "netem_sides	none"
		echo "rps	$rps"
		echo "egre_opts	$egre_opts"
		echo "iperf3	$(iperf3 --version | head -1)"
		echo "cpus	$(nproc)"
	} >"$out/meta.tsv"
	cur_gso=on
	need_mode egre || die "egre: setup failed"
	scale_memory "${EGRE_BENCH_SCALE_MEM:-10000}"
	local -a steps
	read -ra steps <<<"$counts"
	steps+=("${steps[0]}")	# and back, to see drift
	for ((i = 0; i < ${#steps[@]}; i++)); do
		n=${steps[$i]}
		if [ "$n" -ge "$(ip -n $B -o link show type egre | wc -l)" ]; then
			ms=$(scale_fill $B "$n")
		else
			ms=$(scale_empty $B)
		fi
		[ "$(ip -n $B -o link show type egre | wc -l)" = "$n" ] ||
			die "bench-b should have $n egre sessions"
		label="$n sessions"
		[ "$i" = $((${#steps[@]} - 1)) ] && label="$n sessions again"
		printf 'table\t%s\t%s\t%s\n' "$label" "$n" "$ms" >>"$out/scale.tsv"
		log "bench-b has $n egre sessions ($ms ms to get there)"
		# ip_gre beside it: what the sessions cost the rest of the
		# system (memory, the device list), not egre's lookup
		for ((rep = 1; rep <= repeats; rep++)); do
			for t in $tests; do
				measure "$rep" "$label" "$t" egre
				measure "$rep" "$label" "$t" ip_gre
			done
		done
	done
	egre_down
	kill "$(cat /run/bench-iperf3.pid)" 2>/dev/null
	log "done"
}

if [ "${BENCH_IN_A:-0}" = 1 ]; then
	case ${EGRE_BENCH_MODE:-matrix} in
	scale) scale_main ;;
	*) main ;;
	esac
else
	setup
fi
