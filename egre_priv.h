/* SPDX-License-Identifier: GPL-2.0 */
/*
 * egre: private definitions shared by the module's files.
 *
 * Object model: one struct egre_session per PPTP call holds everything the
 * protocol needs (call IDs, addresses, sequence/ack state, the lone-ack timer,
 * the route cache, counters).  The netdevice front end (egre_main.c) embeds a
 * session in its private area; the receive (egre_rcv.c) and transmit
 * (egre_xmit.c) paths work on sessions, not on netdevices, so that a second
 * front end (a PPP channel) can reuse them unchanged.
 *
 * Locking:
 * - The per-netns session table is an rhashtable: readers (the receive path)
 *   use RCU; writers hold RTNL.  A session is unhashed before its device is
 *   unregistered, and the core's synchronize_net() in unregister separates
 *   the last reader from ndo_uninit.
 * - session->cfg is written under RTNL only.  Fields read on the fast path
 *   are read with READ_ONCE; a change of identity (addresses, call IDs)
 *   unhashes the session and waits for readers first.
 * - session->rx_lock (BH-safe spinlock) serialises the receive state (the
 *   reorder queue and its timer, the adaptive hold (reo, gap_us), the last
 *   ack received, the RTT estimator).
 *   Transmit without a window never takes a lock: the next sequence number
 *   is an atomic, and rx_last/ack_sent are single words written with
 *   WRITE_ONCE (a race can at worst repeat an ack, which is harmless).
 * - session->tx_lock (BH-safe spinlock) serialises the transmit window (its
 *   queue, the acked mark, the window size, the ack-timeout timer); it is
 *   taken only when peer-window is set.  rx_lock and tx_lock are never held
 *   together, and packets are handed on (delivered or sent) after the lock
 *   is dropped, so no lock is held across the stack or a nested device.
 * - The RTT sample is claimed by one transmitter through rtt_state (IDLE ->
 *   BUSY -> ARMED, release/acquire) and consumed under rx_lock.
 * - The timers are shut down in ndo_uninit, after the session is unhashed
 *   and readers are gone, so nothing can re-arm them.
 * - The MTU work item holds a device reference while queued; the device
 *   destructor (after the last reference, outside RTNL) cancels it, which
 *   waits for a running instance to return.
 */
#ifndef _EGRE_PRIV_H
#define _EGRE_PRIV_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rhashtable.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/dst_cache.h>
#include <net/netns/generic.h>

#include "egre_proto.h"
#include <linux/egre.h>

#define EGRE_VERSION	"0.1.0"

/* Per-session counters, in the order of IFLA_EGRE_XSTATS_RX_DATA.. */
enum egre_stat {
	EGRE_STAT_RX_DATA,
	EGRE_STAT_RX_DUPLICATE,
	EGRE_STAT_RX_OLD,
	EGRE_STAT_RX_LOST,
	EGRE_STAT_RX_ACK_ONLY,
	EGRE_STAT_RX_ACKS,
	EGRE_STAT_RX_BAD_ACK,
	EGRE_STAT_RX_NON_IP,
	EGRE_STAT_RX_BAD_PPP,
	EGRE_STAT_RX_JUMP,
	EGRE_STAT_RX_REORDERED,
	EGRE_STAT_RX_REORDER_TIMEOUT,
	EGRE_STAT_RX_QUEUE_PURGE,
	EGRE_STAT_TX_DATA,
	EGRE_STAT_TX_ACKS,
	EGRE_STAT_TX_ACK_ONLY,
	EGRE_STAT_TX_BAD_PROTO,
	EGRE_STAT_TX_NO_ROUTE,
	EGRE_STAT_TX_LOOP,
	EGRE_STAT_TX_TOO_BIG,
	EGRE_STAT_TX_NOMEM,
	EGRE_STAT_TX_WINDOW_WAIT,
	EGRE_STAT_TX_WINDOW_PURGE,
	EGRE_STAT_TX_ACK_TIMEOUT,
	EGRE_STAT_RTT_SAMPLES,
	EGRE_STAT_NUM,
};

/* Per-netns counters (no session to charge), IFLA_EGRE_XSTATS_NET_RX_.. */
enum egre_net_stat {
	EGRE_NSTAT_RX_BAD_HEADER,
	EGRE_NSTAT_RX_BAD_LENGTH,
	EGRE_NSTAT_RX_NO_SESSION,
	EGRE_NSTAT_NUM,
};

/* A per-CPU block of u64 counters (per session, or per netns) */
struct egre_counters {
	struct u64_stats_sync syncp;
	u64_stats_t c[];
};

/* Per network namespace (the underlay's): the session table */
struct egre_net {
	struct rhashtable sessions;
	struct list_head session_list;	/* all sessions, under RTNL */
	struct xarray chan_ids;		/* Call IDs bound by channels */
	u16 chan_next;			/* where the next allocation looks */
	struct egre_counters __percpu *stats;	/* enum egre_net_stat */
};

/* Table key: the Call ID we receive and the peer's address */
struct egre_key {
	__be32 remote;
	u16 call_id;
	u16 zero;		/* keeps the key free of padding */
};

struct egre_cfg {
	__be32 local;		/* 0: chosen by routing; else also rx filter */
	__be32 remote;
	int link;		/* underlay ifindex, 0: any */
	u32 ack_delay;		/* ms, or EGRE_ACK_DELAY_AUTO */
	u32 reorder_timeout;	/* ms */
	u32 max_ahead;
	u32 start_seq;		/* first transmit sequence number */
	u16 call_id;
	u16 peer_call_id;
	u16 peer_window;	/* 0: no transmit window */
	u16 reorder_depth;
	u8 ttl;			/* EGRE_TTL_INHERIT or a value */
	u8 tos;			/* EGRE_TOS_INHERIT or a value */
	bool pmtudisc;
	bool acfc;
	bool pfc;
	bool reorder_adaptive;	/* learn the hold from the reordering seen */
};

/* Transmit window (RFC 2637 App. B) and RTT (App. A) bounds */
#define EGRE_TXQ_LIMIT		64	/* packets waiting for the window */
#define EGRE_ATO_MIN_US		10000
#define EGRE_ATO_MAX_US		3000000
#define EGRE_ATO_INITIAL_US	1000000
#define EGRE_ACK_DELAY_AUTO_MIN_US	2000
#define EGRE_ACK_DELAY_AUTO_MAX_US	500000

enum egre_rtt_state {
	EGRE_RTT_IDLE,		/* no sample in flight */
	EGRE_RTT_BUSY,		/* a transmitter is recording one */
	EGRE_RTT_ARMED,		/* rtt_seq/rtt_stamp wait for their ack */
};

struct egre_session {
	struct rhash_head node;
	struct egre_key key;
	struct list_head list;		/* in egre_net.session_list */
	bool hashed;

	struct net *net;		/* underlay netns (packets go and come here) */
	struct net_device *dev;		/* netdevice front end, or NULL for
					 * a PPP channel (egre_chan.c)
					 */
	struct egre_cfg cfg;

	/* transmit */
	atomic_t tx_seq;		/* next sequence number to send */
	bool tx_started;		/* a sequenced packet was sent */
	u32 ack_sent;			/* last ack number put on the wire */
	struct dst_cache dst_cache;
	int path_mtu;			/* learnt device MTU, for mtu_work */
	struct work_struct mtu_work;	/* lowers the device MTU under RTNL */
	netdevice_tracker mtu_work_tracker;

	/*
	 * Front end callbacks, BH disabled, no session lock held: deliver()
	 * takes a received PPP frame in sequence order; xmit() sends a frame
	 * the transmit window released; tx_wake() tells a channel that the
	 * window queue has room again (the netdevice's queue is woken by the
	 * session itself).
	 */
	void (*deliver)(struct egre_session *s, struct sk_buff *skb);
	void (*xmit)(struct egre_session *s, struct sk_buff *skb,
		     bool have_seq, u32 seq);
	void (*tx_wake)(struct egre_session *s);

	/* receive, under rx_lock */
	spinlock_t rx_lock;
	struct egre_rxq rxq;
	u32 rx_last;			/* rxq.next - 1, for lockless readers */
	bool rx_started;
	u32 rx_ack;			/* highest valid ack from the peer */
	bool rx_ack_valid;		/* rx_ack holds one */
	struct timer_list ack_timer;
	struct timer_list reorder_timer;	/* skips a gap that stays open */
	struct egre_reo reo;		/* learnt hold (reorder-adaptive) */
	u32 gap_us;			/* when the gap at rxq.next opened */

	/* round-trip time (RFC 2637 App. A), us; written under rx_lock */
	atomic_t rtt_state;		/* enum egre_rtt_state */
	u32 rtt_seq;			/* the sequence number being timed */
	u32 rtt_stamp;			/* when it was sent */
	u32 srtt;			/* 0: no sample yet */
	u32 rttvar;
	u32 ato;			/* ack timeout */

	/* transmit window, under tx_lock (only with peer-window) */
	spinlock_t tx_lock;
	struct sk_buff_head txq;	/* waiting for the window to open */
	u32 tx_acked;			/* highest number acked or timed out */
	u32 tx_win;			/* current send window */
	u32 tx_win_credit;		/* acks towards the next increase */
	struct timer_list ato_timer;	/* ack timeout */
	bool tx_stopped;		/* a channel was told EGRE_TXW_FULL */

	struct egre_counters __percpu *stats;	/* enum egre_stat */
};

/*
 * Netdevice front end private area.  Delivered packets go through one NAPI
 * instance per device, not per-CPU GRO cells: the session hands them over
 * in sequence order, possibly from different CPUs, and a single queue
 * drained by a single poller keeps that order up the stack (with GRO).
 */
/*
 * Offloads the device offers the stack: scatter-gather, checksum offload
 * (the inner checksum stays CHECKSUM_PARTIAL through encapsulation and is
 * resolved by the underlay device or the core in front of it, as ip_gre
 * does) and GSO, segmented in egre_dev_xmit() because every wire packet
 * needs its own sequence number.
 */
#define EGRE_FEATURES	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | \
			 NETIF_F_GSO_SOFTWARE)

#define EGRE_RX_BACKLOG		1000	/* as netdev_max_backlog's default */

struct egre_dev {
	struct egre_session session;
	struct napi_struct napi;
	struct sk_buff_head rx_napi;	/* in order, for egre_dev_poll() */
};

extern unsigned int egre_net_id;

static inline struct egre_net *egre_pernet(struct net *net)
{
	return net_generic(net, egre_net_id);
}

/* Callers run with BH disabled (softirq or transmit) */
static inline void egre_counters_add(struct egre_counters __percpu *p,
				     unsigned int i, u64 n)
{
	struct egre_counters *st = this_cpu_ptr(p);

	u64_stats_update_begin(&st->syncp);
	u64_stats_add(&st->c[i], n);
	u64_stats_update_end(&st->syncp);
}

static inline void egre_stat_add(struct egre_session *s, enum egre_stat i,
				 u64 n)
{
	egre_counters_add(s->stats, i, n);
}

static inline void egre_stat_inc(struct egre_session *s, enum egre_stat i)
{
	egre_counters_add(s->stats, i, 1);
}

static inline void egre_net_stat_inc(struct net *net, enum egre_net_stat i)
{
	egre_counters_add(egre_pernet(net)->stats, i, 1);
}

/* egre_session.c: protocol state and the session table */
int egre_session_init(struct egre_session *s, struct net_device *dev);
void egre_session_uninit(struct egre_session *s);
void egre_session_free(struct egre_session *s);
struct egre_session *egre_session_lookup(struct egre_net *en, __be32 remote,
					 u16 call_id);
struct egre_session *egre_session_find(struct egre_net *en, __be32 remote,
				       u16 call_id);
int egre_session_hash(struct egre_net *en, struct egre_session *s);
void egre_session_unhash(struct egre_net *en, struct egre_session *s);
void egre_session_reset(struct egre_session *s);
int egre_session_set_reorder(struct egre_session *s, u16 depth);
void egre_session_set_max_ahead(struct egre_session *s, u32 max_ahead);
void egre_session_set_window(struct egre_session *s, u16 peer_window);
void egre_session_set_start_seq(struct egre_session *s, u32 seq);
void egre_session_pmtu(struct egre_session *s, int mtu);
void egre_session_rx(struct egre_session *s, const struct egre_hdr_info *h,
		     struct sk_buff *skb);
void egre_session_rx_ack_only(struct egre_session *s,
			      const struct egre_hdr_info *h);
enum egre_txw {
	EGRE_TXW_SEND,		/* send now, with the sequence number given */
	EGRE_TXW_QUEUED,	/* the session's window queue took it */
	EGRE_TXW_FULL,		/* (channel) not taken: try again after wake */
};

enum egre_txw egre_session_tx_window(struct egre_session *s,
				     struct sk_buff *skb, u32 *seq);
bool egre_session_tx_stamp(struct egre_session *s, bool have_seq, u32 *seq,
			   u32 *ack);
u32 egre_session_ack_delay_us(struct egre_session *s);
u32 egre_session_in_flight(struct egre_session *s);
void egre_session_reorder_state(struct egre_session *s, u64 *hold,
				u64 *wait_us);
struct egre_counters __percpu *egre_counters_alloc(unsigned int n);
void egre_counters_sum(struct egre_counters __percpu *p, unsigned int n,
		       u64 *out);
int egre_net_init_table(struct egre_net *en);
void egre_net_destroy_table(struct egre_net *en);

struct rtable;

/* egre_xmit.c: encapsulation */
netdev_tx_t egre_dev_xmit(struct sk_buff *skb, struct net_device *dev);
void egre_xmit_frame(struct egre_session *s, struct sk_buff *skb,
		     bool have_seq, u32 seq);
void egre_xmit_ppp(struct egre_session *s, struct sk_buff *skb,
		   bool have_seq, u32 seq);
struct rtable *egre_route(struct egre_session *s, u8 tos, __be32 *saddr,
			  bool use_cache);
void egre_xmit_ack(struct egre_session *s, u32 ack);

/* egre_rcv.c: the GRE version 1 handler, netdevice delivery */
void egre_dev_deliver(struct egre_session *s, struct sk_buff *skb);
int egre_dev_poll(struct napi_struct *napi, int budget);
int egre_rcv_init(void);
void egre_rcv_exit(void);

/* egre_main.c: counters as reported (IFLA_EGRE_XSTATS order) */
#define EGRE_XSTATS_FIRST	IFLA_EGRE_XSTATS_RX_DATA
#define EGRE_XSTATS_NUM		(IFLA_EGRE_XSTATS_MAX - EGRE_XSTATS_FIRST + 1)
extern const char egre_xstat_names[EGRE_XSTATS_NUM][ETH_GSTRING_LEN];
void egre_xstats_collect(struct egre_session *s, u64 *v);
void egre_cfg_init(struct egre_cfg *cfg);

/* egre_chan.c: the PPP channel front end (PPPoX PX_PROTO_PPTP sockets) */
int egre_chan_init(void);
void egre_chan_exit(void);
int egre_chan_describe(struct egre_session *s, char *buf, size_t len);

/* egre_proc.c: /proc/net/egre, every session of a network namespace */
int egre_proc_init(struct net *net);
void egre_proc_exit(struct net *net);

#endif /* _EGRE_PRIV_H */
