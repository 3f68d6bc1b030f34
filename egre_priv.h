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
 * - session->rx_lock (BH-safe spinlock) serialises the receive window and the
 *   last ack received.  Transmit never takes it: the next sequence number is
 *   an atomic, and rx_last/ack_sent are single words written with
 *   WRITE_ONCE (a race can at worst repeat an ack, which is harmless).
 * - The ack timer is shut down in ndo_uninit, after the session is unhashed
 *   and readers are gone, so nothing can re-arm it.
 * - The MTU work item holds a device reference while queued; the device
 *   destructor (after the last reference, outside RTNL) cancels it, which
 *   waits for a running instance to return.
 */
#ifndef _EGRE_PRIV_H
#define _EGRE_PRIV_H

#include <linux/netdevice.h>
#include <linux/rhashtable.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/gro_cells.h>
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
	EGRE_STAT_TX_DATA,
	EGRE_STAT_TX_ACKS,
	EGRE_STAT_TX_ACK_ONLY,
	EGRE_STAT_TX_BAD_PROTO,
	EGRE_STAT_TX_NO_ROUTE,
	EGRE_STAT_TX_LOOP,
	EGRE_STAT_TX_TOO_BIG,
	EGRE_STAT_TX_NOMEM,
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
	u32 ack_delay;		/* ms */
	u16 call_id;
	u16 peer_call_id;
	u8 ttl;			/* EGRE_TTL_INHERIT or a value */
	u8 tos;			/* EGRE_TOS_INHERIT or a value */
	bool pmtudisc;
	bool acfc;
	bool pfc;
};

struct egre_session {
	struct rhash_head node;
	struct egre_key key;
	struct list_head list;		/* in egre_net.session_list */
	bool hashed;

	struct net *net;		/* underlay netns (packets go and come here) */
	struct net_device *dev;		/* front end device */
	struct egre_cfg cfg;

	/* transmit */
	atomic_t tx_seq;		/* next sequence number to send */
	bool tx_started;		/* a sequenced packet was sent */
	u32 ack_sent;			/* last ack number put on the wire */
	struct dst_cache dst_cache;
	int path_mtu;			/* learnt device MTU, for mtu_work */
	struct work_struct mtu_work;	/* lowers the device MTU under RTNL */
	netdevice_tracker mtu_work_tracker;

	/* receive, under rx_lock */
	spinlock_t rx_lock;
	struct egre_rxwin rxwin;
	u32 rx_last;			/* copy of rxwin.last for lockless readers */
	bool rx_started;
	u32 rx_ack;			/* highest valid ack from the peer */
	bool rx_ack_valid;		/* rx_ack holds one */
	struct timer_list ack_timer;

	struct egre_counters __percpu *stats;	/* enum egre_stat */
};

/* Netdevice front end private area */
struct egre_dev {
	struct egre_session session;
	struct gro_cells gro_cells;
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
int egre_session_hash(struct egre_net *en, struct egre_session *s);
void egre_session_unhash(struct egre_net *en, struct egre_session *s);
void egre_session_reset(struct egre_session *s);
void egre_session_pmtu(struct egre_session *s, int mtu);
bool egre_session_rx(struct egre_session *s,
		     const struct egre_hdr_info *h);
bool egre_session_tx_stamp(struct egre_session *s, u32 *seq, u32 *ack);
struct egre_counters __percpu *egre_counters_alloc(unsigned int n);
void egre_counters_sum(struct egre_counters __percpu *p, unsigned int n,
		       u64 *out);
int egre_net_init_table(struct egre_net *en);
void egre_net_destroy_table(struct egre_net *en);

/* egre_xmit.c: encapsulation */
netdev_tx_t egre_dev_xmit(struct sk_buff *skb, struct net_device *dev);
void egre_xmit_ack(struct egre_session *s, u32 ack);

/* egre_rcv.c: the GRE version 1 handler */
int egre_rcv_init(void);
void egre_rcv_exit(void);

#endif /* _EGRE_PRIV_H */
