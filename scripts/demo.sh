#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build egre for Debian's 6.1 kernel, boot it in a QEMU guest
# (or, with EGRE_DIRECT=1, use this host), and show a live tunnel between
# two network namespaces: configuration, a ping, the packets on the wire as
# tshark decodes them, and the counters.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

if [ "${EGRE_IN_GUEST:-0}" = 1 ] || [ "${EGRE_DIRECT:-0}" = 1 ]; then
	export IP_LIB_DIR=$top/iproute2
	say() { printf '\n\033[1m### %s\033[0m\n' "$*"; }
	run() { printf '$ %s\n' "$*"; "$@"; }
	modprobe -a gre pppox
	grep -q '^egre ' /proc/modules || insmod "${EGRE_KO:-$top/egre.ko}"
	ip netns add demo-a
	ip netns add demo-b
	trap 'ip netns del demo-a; ip netns del demo-b' EXIT
	ip -n demo-a link add veth0 type veth peer name veth0 netns demo-b
	ip -n demo-a addr add 192.0.2.1/24 dev veth0
	ip -n demo-b addr add 192.0.2.2/24 dev veth0
	ip -n demo-a link set veth0 up
	ip -n demo-b link set veth0 up
	for ns in demo-a demo-b; do
		ip netns exec $ns sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done

	say "Two namespaces joined by veth (192.0.2.1 <-> 192.0.2.2); one egre session each"
	run ip -n demo-a link add ppt0 type egre local 192.0.2.1 remote 192.0.2.2 call-id 1 peer-call-id 2
	run ip -n demo-b link add ppt0 type egre local 192.0.2.2 remote 192.0.2.1 call-id 2 peer-call-id 1
	run ip -n demo-a addr add 10.0.0.1 peer 10.0.0.2 dev ppt0
	run ip -n demo-b addr add 10.0.0.2 peer 10.0.0.1 dev ppt0
	run ip -n demo-a link set ppt0 up
	run ip -n demo-b link set ppt0 up
	run ip -n demo-a -d link show ppt0

	say "Ping through the tunnel, capturing the underlay"
	ip netns exec demo-b tcpdump -i veth0 --immediate-mode -U -n -w /tmp/demo.pcap ip proto 47 2>/tmp/demo.log &
	cap=$!
	for _ in $(seq 100); do grep -q listening /tmp/demo.log && break; sleep 0.1; done
	run ip netns exec demo-a ping -c 3 -i 0.5 10.0.0.2
	sleep 0.5
	kill $cap
	wait $cap 2>/dev/null || true

	say "The enhanced GRE packets, decoded by tshark"
	tshark -r /tmp/demo.pcap -T fields -E header=y -E separator=, \
		-E occurrence=f -e ip.src -e ip.dst \
		-e gre.flags.sequence_number -e gre.sequence_number \
		-e gre.flags.ack -e gre.ack_number -e gre.key.payload_length \
		-e gre.key.call_id 2>/dev/null |
		awk -F, -v OFS=, '{ for (i = 1; i <= NF; i++) if ($i == "") $i = "-"; print }' |
		column -t -s,
	tshark -r /tmp/demo.pcap -c 1 -V -O gre,ppp 2>/dev/null | sed -n '/Generic Routing/,$p'

	say "Counters: device and egre protocol counters"
	run ip -n demo-a -s -d link show ppt0
	run ip netns exec demo-a ethtool -S ppt0
	exit 0
fi

scripts/install-deps.sh
abi=$(vm/fetch-kernel.sh "${EGRE_KERNEL:-6.1}" | tail -1)
make -s -C iproute2
scripts/build-for.sh "$abi" -s
EGRE_IN_GUEST=1 EGRE_KO=$top/.build/$abi/egre.ko \
	vm/run.sh --abi "$abi" -- scripts/demo.sh
