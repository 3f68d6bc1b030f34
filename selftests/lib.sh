#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for egre selftests: KTAP output, namespaces with cleanup,
# counters, polling.  Sourced by every egre_*.sh; each script stays
# runnable on its own (as root, with egre.ko loadable).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

EGRE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${EGRE_KO:=$EGRE_DIR/egre.ko}"
: "${IP_LIB_DIR:=$EGRE_DIR/iproute2}"
export IP_LIB_DIR

ktap_pass=0
ktap_fail=0
ktap_skip=0
ktap_num=0
ns_list=()
bg_pids=()

ktap_header()
{
	echo "TAP version 13"
	echo "1..$1"
}

ktap_result()	# status name [reason]
{
	ktap_num=$((ktap_num + 1))
	case $1 in
	pass) ktap_pass=$((ktap_pass + 1)); echo "ok $ktap_num $2" ;;
	skip) ktap_skip=$((ktap_skip + 1)); echo "ok $ktap_num $2 # SKIP ${3:-}" ;;
	*) ktap_fail=$((ktap_fail + 1)); echo "not ok $ktap_num $2${3:+ # $3}" ;;
	esac
}

ktap_finish()
{
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail xfail:0 xpass:0 skip:$ktap_skip error:0"
	[ "$ktap_fail" -eq 0 ] || exit $KSFT_FAIL
	[ "$ktap_pass" -gt 0 ] || exit $KSFT_SKIP
	exit $KSFT_PASS
}

# Run test functions by name: "run_tests test_a test_b"; a test fails when it
# returns non-zero (each runs in a subshell with errexit, so any failing
# command fails it) and may print "# ..." diagnostics.
# EGRE_ONLY="test_a test_b" runs just those (when debugging one test).
run_tests()
{
	local t rc start

	[ -n "${EGRE_ONLY:-}" ] && set -- $EGRE_ONLY
	ktap_header $#
	for t in "$@"; do
		start=$(date +%s)
		( set -e; trap cleanup_all EXIT; "$t" )
		rc=$?
		diag "$t: $(($(date +%s) - start)) s"
		if [ $rc -eq 0 ]; then
			ktap_result pass "$t"
		elif [ $rc -eq $KSFT_SKIP ]; then
			ktap_result skip "$t"
		else
			ktap_result fail "$t" "exit $rc"
		fi
	done
	ktap_finish
}

diag()
{
	echo "# $*"
}

fail()
{
	diag "FAIL: $*"
	return 1
}

require_root()
{
	if [ "$(id -u)" != 0 ]; then
		echo "# SKIP: must run as root"
		exit $KSFT_SKIP
	fi
}

require_cmd()
{
	local c

	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 && continue
		echo "# SKIP: $c not found"
		exit $KSFT_SKIP
	done
}

# Load gre + egre unless already there
egre_load()
{
	grep -q '^egre ' /proc/modules 2>/dev/null && return 0
	modprobe -a gre pppox || return 1
	insmod "$EGRE_KO"
}

egre_require()
{
	require_root
	require_cmd ip
	if ! egre_load; then
		echo "# SKIP: cannot load $EGRE_KO"
		exit $KSFT_SKIP
	fi
}

# new_ns VAR: create a uniquely named namespace, remembered for cleanup
new_ns()
{
	local name
	name="egre-$$-$RANDOM"
	ip netns add "$name" || return 1
	ip -n "$name" link set lo up
	ns_list+=("$name")
	printf -v "$1" '%s' "$name"
}

# ns_etc NS DIR: an empty DIR that "ip netns exec NS" mounts over /etc/DIR
# (iproute2 bind-mounts /etc/netns/NS/*), removed with the namespace
ns_etc()
{
	mkdir -p "/etc/netns/$1/$2"
	echo "/etc/netns/$1/$2"
}

bg()	# run a command in the background, killed at cleanup
{
	"$@" &
	bg_pids+=($!)
}

# Runs as an EXIT trap, possibly under errexit: nothing here may fail
cleanup_all()
{
	local p n

	set +e
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	bg_pids=()
	for n in "${ns_list[@]}"; do
		ip netns del "$n" 2>/dev/null
		rm -rf "/etc/netns/$n"
	done
	ns_list=()
}
trap cleanup_all EXIT

# busywait TIMEOUT_MS CMD...: poll until CMD succeeds
busywait()
{
	local timeout=$1 start
	shift
	start=$(date +%s%3N)
	while ! "$@"; do
		if [ $(($(date +%s%3N) - start)) -ge "$timeout" ]; then
			return 1
		fi
		sleep 0.05
	done
}

# setup_underlay NS1 NS2: veth0 192.0.2.1/24 in NS1 ---- veth0 192.0.2.2/24
# in NS2, both up
setup_underlay()
{
	ip -n "$1" link add veth0 type veth peer name veth0 netns "$2"
	ip -n "$1" addr add 192.0.2.1/24 dev veth0
	ip -n "$2" addr add 192.0.2.2/24 dev veth0
	ip -n "$1" link set veth0 up
	ip -n "$2" link set veth0 up
}

# Two namespaces joined by veth, each with an egre session to the other:
#
#   ns $A: veth0 192.0.2.1/24 ---- veth0 192.0.2.2/24 :ns $B
#          e0 10.0.0.1 <call-id 1 / peer 2> e0 10.0.0.2
#          fd00::1 (EGRE_V6=1)              fd00::2
#
# Extra egre options for both ends in $EGRE_OPTS.  IPv6 only with
# EGRE_V6=1: otherwise the devices carry IPv4 alone, so that no MLD report
# or router solicitation disturbs exact packet counts.
setup_pair()
{
	local n
	new_ns A || return 1
	new_ns B || return 1
	if [ "${EGRE_V6:-0}" != 1 ]; then
		for n in "$A" "$B"; do
			ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		done
	fi
	setup_underlay "$A" "$B"
	# shellcheck disable=SC2086
	ip -n "$A" link add e0 type egre local 192.0.2.1 remote 192.0.2.2 \
		call-id 1 peer-call-id 2 ${EGRE_OPTS:-}
	# shellcheck disable=SC2086
	ip -n "$B" link add e0 type egre local 192.0.2.2 remote 192.0.2.1 \
		call-id 2 peer-call-id 1 ${EGRE_OPTS:-}
	ip -n "$A" addr add 10.0.0.1 peer 10.0.0.2 dev e0
	ip -n "$B" addr add 10.0.0.2 peer 10.0.0.1 dev e0
	ip -n "$A" link set e0 up
	ip -n "$B" link set e0 up
	if [ "${EGRE_V6:-0}" = 1 ]; then
		ip -n "$A" -6 addr add fd00::1/128 dev e0 nodad
		ip -n "$B" -6 addr add fd00::2/128 dev e0 nodad
		ip -n "$A" -6 route add fd00::2/128 dev e0
		ip -n "$B" -6 route add fd00::1/128 dev e0
	fi
}

# cnt NS DEV NAME: one egre counter (ethtool -S), or a device counter
# (rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped...)
cnt()
{
	local v
	v=$(ip netns exec "$1" ethtool -S "$2" 2>/dev/null |
		awk -v k="$3:" '$1 == k { print $2 }')
	[ -n "$v" ] ||
		v=$(ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3")
	echo "$v"
}

# proc_col NS CALL_ID COLUMN: a column of /proc/net/egre (header names
# them) for the session that receives on CALL_ID; empty if none
proc_col()
{
	ip netns exec "$1" awk -v id="$2" -v col="$3" '
		NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$3 == id && c { print $c }' /proc/net/egre
}

# expect_stat NS DEV NAME VALUE
expect_stat()
{
	local v
	v=$(cnt "$1" "$2" "$3")
	[ "$v" = "$4" ] && return 0
	fail "$2 $3 is '$v', expected $4"
}

# capture_start NS DEV FILE: tcpdump GRE on DEV until capture_stop
capture_start()
{
	rm -f "$3" "$3.log"
	ip netns exec "$1" tcpdump -i "$2" --immediate-mode -U -n -s 0 \
		-w "$3" ip proto 47 2>"$3.log" &
	cap_pid=$!
	busywait 5000 grep -q listening "$3.log"
}

capture_stop()
{
	sleep 0.5
	kill "$cap_pid"
	wait "$cap_pid" 2>/dev/null || true
}

# decode FILE: one tshark pass over a capture, written to FILE.csv with
# these columns (first occurrence of each field: the outer IPv4 header):
#  1 ip.src  2 S  3 A  4 C  5 R  6 K  7 s  8 version  9 protocol
# 10 key payload length  11 key call id  12 sequence  13 ack
# 14 ppp.address  15 ppp.protocol  16 outer ip.len
decode()
{
	tshark -r "$1" -T fields -E separator=, -E occurrence=f \
		-e ip.src -e gre.flags.sequence_number -e gre.flags.ack \
		-e gre.flags.checksum -e gre.flags.routing -e gre.flags.key \
		-e gre.flags.strict_source_route -e gre.flags.version \
		-e gre.proto -e gre.key.payload_length -e gre.key.call_id \
		-e gre.sequence_number -e gre.ack_number -e ppp.address \
		-e ppp.protocol -e ip.len >"$1.csv" 2>/dev/null
}

# rows FILE AWK-CONDITION COLUMNS: selected columns of matching packets
rows()
{
	awk -F, -v OFS=, "$2 { print $3 }" "$1.csv"
}

# Kernel log health: nothing alarming since the mark
dmesg_mark()
{
	dmesg_lines=$(dmesg | wc -l)
}

dmesg_clean()
{
	local bad
	bad=$(dmesg | tail -n +"$((dmesg_lines + 1))" |
		grep -E 'WARNING:|BUG:|Oops|general protection|KASAN|UBSAN|refcount_t|unregister_netdevice: waiting|Call Trace' || true)
	[ -z "$bad" ] && return 0
	fail "kernel log: $bad"
}
