/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * egre: PPTP enhanced GRE (RFC 2637, GRE version 1) tunnel devices.
 *
 * Link kind "egre", configured over rtnetlink (IFLA_INFO_DATA carries the
 * IFLA_EGRE_* attributes below).  Protocol counters are reported in
 * IFLA_INFO_XSTATS as a nest of IFLA_EGRE_XSTATS_* u64 attributes and,
 * with the same names, through ethtool -S.
 */
#ifndef _UAPI_LINUX_EGRE_H
#define _UAPI_LINUX_EGRE_H

#include <linux/types.h>

/* IFLA_EGRE_TTL: 0 means "inherit from the inner packet" */
#define EGRE_TTL_INHERIT	0
#define EGRE_TTL_DEFAULT	64
/* IFLA_EGRE_TOS: 1 means "inherit from the inner packet" (as ip_gre) */
#define EGRE_TOS_INHERIT	1
/* IFLA_EGRE_ACK_DELAY bounds, in milliseconds */
#define EGRE_ACK_DELAY_DEFAULT	50
#define EGRE_ACK_DELAY_MAX	10000
/* IFLA_EGRE_ACK_DELAY: adaptive, a quarter of the smoothed RTT in 2..500 ms */
#define EGRE_ACK_DELAY_AUTO	0xffffffff
/* IFLA_EGRE_PEER_WINDOW: 0 means "no transmit window" */
#define EGRE_PEER_WINDOW_NONE	0
/* IFLA_EGRE_REORDER_DEPTH: packets held while a gap is open, 0 = off */
#define EGRE_REORDER_DEPTH_DEFAULT	64
#define EGRE_REORDER_DEPTH_MAX		1024
/* IFLA_EGRE_REORDER_TIMEOUT: ms a gap may stay open */
#define EGRE_REORDER_TIMEOUT_DEFAULT	50
#define EGRE_REORDER_TIMEOUT_MAX	10000
/* IFLA_EGRE_MAX_AHEAD: largest accepted forward jump in sequence numbers */
#define EGRE_MAX_AHEAD_DEFAULT	32768
#define EGRE_MAX_AHEAD_MAX	0x7fffffff

enum {
	IFLA_EGRE_UNSPEC,
	IFLA_EGRE_LINK,		/* u32: ifindex of the underlay device */
	IFLA_EGRE_LOCAL,	/* be32: outer source address, optional */
	IFLA_EGRE_REMOTE,	/* be32: outer destination address, required */
	IFLA_EGRE_CALL_ID,	/* u16: our Call ID (received in the Key) */
	IFLA_EGRE_PEER_CALL_ID,	/* u16: the peer's Call ID (sent in the Key) */
	IFLA_EGRE_TTL,		/* u8: outer TTL, 0 = inherit */
	IFLA_EGRE_TOS,		/* u8: outer TOS, 1 = inherit */
	IFLA_EGRE_PMTUDISC,	/* u8: 1 = set DF and do path MTU discovery */
	IFLA_EGRE_ACFC,		/* u8: 1 = omit FF 03 on transmit */
	IFLA_EGRE_PFC,		/* u8: 1 = 1-byte PPP protocol on transmit */
	IFLA_EGRE_ACK_DELAY,	/* u32: ms before a lone ack is sent, or AUTO */
	IFLA_EGRE_PEER_WINDOW,	/* u16: the peer's receive window, 0 = none */
	IFLA_EGRE_REORDER_DEPTH,	/* u16: reorder queue length, 0 = off */
	IFLA_EGRE_REORDER_TIMEOUT,	/* u32: ms before a gap is skipped */
	IFLA_EGRE_MAX_AHEAD,	/* u32: largest forward jump accepted */
	IFLA_EGRE_START_SEQ,	/* u32: first transmit sequence (testing) */
	IFLA_EGRE_REORDER_ADAPTIVE,	/* u8: 1 = learn the hold from the
					 * reordering seen (default)
					 */
	__IFLA_EGRE_MAX,
};

#define IFLA_EGRE_MAX	(__IFLA_EGRE_MAX - 1)

/*
 * Counters, in IFLA_INFO_XSTATS (nested, one u64 attribute each).
 *
 * Every packet egre drops increments exactly one of the counters marked
 * "drop".  Per-session counters belong to the device; the EGRE_NET_* ones
 * count packets that cannot be attributed to a session and are shared by
 * all egre devices whose underlay is the same network namespace.
 */
enum {
	IFLA_EGRE_XSTATS_UNSPEC,
	IFLA_EGRE_XSTATS_PAD,
	/* receive, per session */
	IFLA_EGRE_XSTATS_RX_DATA,	/* sequenced packets accepted */
	IFLA_EGRE_XSTATS_RX_DUPLICATE,	/* drop: sequence already received */
	IFLA_EGRE_XSTATS_RX_OLD,	/* drop: older than the last accepted */
	IFLA_EGRE_XSTATS_RX_LOST,	/* sequence numbers skipped (gaps) */
	IFLA_EGRE_XSTATS_RX_ACK_ONLY,	/* lone acks received (consumed) */
	IFLA_EGRE_XSTATS_RX_ACKS,	/* acks received (lone or piggybacked) */
	IFLA_EGRE_XSTATS_RX_BAD_ACK,	/* acks for a sequence never sent */
	IFLA_EGRE_XSTATS_RX_NON_IP,	/* drop: PPP protocol other than IP */
	IFLA_EGRE_XSTATS_RX_BAD_PPP,	/* drop: malformed PPP or IP header */
	IFLA_EGRE_XSTATS_RX_JUMP,	/* drop: more than max-ahead ahead */
	IFLA_EGRE_XSTATS_RX_REORDERED,	/* held in the reorder queue, then
					 * delivered in order
					 */
	IFLA_EGRE_XSTATS_RX_REORDER_TIMEOUT,	/* gaps skipped by the timer */
	IFLA_EGRE_XSTATS_RX_QUEUE_PURGE,	/* drop: queued when the session
						 * was reset or deleted
						 */
	/* transmit, per session */
	IFLA_EGRE_XSTATS_TX_DATA,	/* sequenced packets sent */
	IFLA_EGRE_XSTATS_TX_ACKS,	/* acks piggybacked on data */
	IFLA_EGRE_XSTATS_TX_ACK_ONLY,	/* lone acks sent */
	IFLA_EGRE_XSTATS_TX_BAD_PROTO,	/* drop: not IPv4 or IPv6 */
	IFLA_EGRE_XSTATS_TX_NO_ROUTE,	/* drop: no route to remote */
	IFLA_EGRE_XSTATS_TX_LOOP,	/* drop: route leads back into egre */
	IFLA_EGRE_XSTATS_TX_TOO_BIG,	/* drop: exceeds path MTU with DF */
	IFLA_EGRE_XSTATS_TX_NOMEM,	/* drop: no memory for headers */
	IFLA_EGRE_XSTATS_TX_WINDOW_WAIT,	/* packets that waited for the
						 * transmit window to open
						 */
	IFLA_EGRE_XSTATS_TX_WINDOW_PURGE,	/* drop: waiting when the
						 * session was reset or deleted
						 */
	IFLA_EGRE_XSTATS_TX_ACK_TIMEOUT,	/* ack timeouts (window mode) */
	IFLA_EGRE_XSTATS_RTT_SAMPLES,	/* round-trip time measurements */
	/* state (gauges, not counters) */
	IFLA_EGRE_XSTATS_TX_SEQ,	/* next sequence number to send */
	IFLA_EGRE_XSTATS_RX_SEQ,	/* last sequence number accepted */
	IFLA_EGRE_XSTATS_RX_ACK,	/* last ack received from the peer */
	IFLA_EGRE_XSTATS_SRTT_US,	/* smoothed round-trip time, us */
	IFLA_EGRE_XSTATS_ATO_US,	/* ack timeout (RFC 2637 App. A), us */
	IFLA_EGRE_XSTATS_ACK_DELAY_US,	/* current lone-ack delay, us */
	IFLA_EGRE_XSTATS_TX_WINDOW,	/* send window, 0 = no window */
	IFLA_EGRE_XSTATS_TX_IN_FLIGHT,	/* sent and not yet acked */
	IFLA_EGRE_XSTATS_TX_QUEUED,	/* waiting for the window */
	IFLA_EGRE_XSTATS_RX_QUEUED,	/* held in the reorder queue */
	/* receive, shared by the underlay network namespace */
	IFLA_EGRE_XSTATS_NET_RX_BAD_HEADER,	/* drop: not enhanced GRE */
	IFLA_EGRE_XSTATS_NET_RX_BAD_LENGTH,	/* drop: truncated/bad length */
	IFLA_EGRE_XSTATS_NET_RX_NO_SESSION,	/* drop: unknown call/peer */
	/* state, reorder-adaptive (gauges) */
	IFLA_EGRE_XSTATS_REORDER_HOLD,	/* packets a gap may have behind it */
	IFLA_EGRE_XSTATS_REORDER_WAIT_US,	/* how long a new gap may stay
						 * open, us
						 */
	__IFLA_EGRE_XSTATS_MAX,
};

#define IFLA_EGRE_XSTATS_MAX	(__IFLA_EGRE_XSTATS_MAX - 1)

/*
 * PPTP channel sockets: socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_PPTP) with
 * egre loaded gives the same API as the kernel's pptp.ko (struct
 * sockaddr_pppox with struct pptp_addr: call_id in host order, sin_addr in
 * network order; bind, getsockname, connect, PPPIOCGCHAN).  egre adds
 * socket options at level SOL_EGRE, each an int (or unsigned int):
 * setsockopt works before or after connect, getsockopt returns the value.
 * Unknown options give ENOPROTOOPT; a pptp.ko socket has no options at all
 * (EOPNOTSUPP), so callers can tell the two apart and fall back.
 */
#define SOL_EGRE		0x6567	/* egre's private level ('eg') */

enum {
	EGRE_SO_PEER_WINDOW = 1,	/* IFLA_EGRE_PEER_WINDOW, 0..65535 */
	EGRE_SO_ACK_DELAY,		/* IFLA_EGRE_ACK_DELAY, ms or AUTO */
	EGRE_SO_REORDER_DEPTH,		/* IFLA_EGRE_REORDER_DEPTH */
	EGRE_SO_REORDER_TIMEOUT,	/* IFLA_EGRE_REORDER_TIMEOUT, ms */
	EGRE_SO_MAX_AHEAD,		/* IFLA_EGRE_MAX_AHEAD */
	EGRE_SO_START_SEQ,		/* IFLA_EGRE_START_SEQ (testing) */
};

#endif /* _UAPI_LINUX_EGRE_H */
