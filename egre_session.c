// SPDX-License-Identifier: GPL-2.0
/*
 * egre: per-call protocol state (sequence numbers, acknowledgments, the
 * lone-ack timer) and the per-netns session table.  Knows nothing of
 * netdevices beyond the pointer it hands to the transmit path.
 */

#include "egre_priv.h"

static const struct rhashtable_params egre_rht_params = {
	.head_offset = offsetof(struct egre_session, node),
	.key_offset = offsetof(struct egre_session, key),
	.key_len = sizeof(struct egre_key),
	.automatic_shrinking = true,
};

static void egre_session_ack_timer(struct timer_list *t)
{
	struct egre_session *s = from_timer(s, t, ack_timer);
	u32 last;

	/* pairs with smp_store_release() in egre_session_rx() */
	if (!smp_load_acquire(&s->rx_started))
		return;
	/* Nothing new since the last ack, piggybacked or lone: stay quiet */
	last = READ_ONCE(s->rx_last);
	if (last == READ_ONCE(s->ack_sent))
		return;
	WRITE_ONCE(s->ack_sent, last);
	egre_xmit_ack(s, last);
}

/*
 * The path MTU shrank below what the device MTU assumes (the route learnt it
 * from ICMP, see egre_err()): follow it down, under RTNL.  Never up: a path
 * MTU that grows again is taken back with "ip link set ... mtu".
 */
static void egre_session_mtu_work(struct work_struct *work)
{
	struct egre_session *s = container_of(work, struct egre_session,
					      mtu_work);
	struct net_device *dev = s->dev;
	int mtu = READ_ONCE(s->path_mtu);

	rtnl_lock();
	if (dev->reg_state == NETREG_REGISTERED && mtu < dev->mtu &&
	    !dev_set_mtu(dev, mtu))
		netdev_info(dev, "path MTU: device MTU lowered to %d\n", mtu);
	rtnl_unlock();
	netdev_put(dev, &s->mtu_work_tracker);
}

/* Transmit found the path narrower than the device: schedule the change */
void egre_session_pmtu(struct egre_session *s, int mtu)
{
	WRITE_ONCE(s->path_mtu, max_t(int, mtu, s->dev->min_mtu));
	netdev_hold(s->dev, &s->mtu_work_tracker, GFP_ATOMIC);
	if (!schedule_work(&s->mtu_work))
		netdev_put(s->dev, &s->mtu_work_tracker);
}

int egre_session_init(struct egre_session *s, struct net_device *dev)
{
	int err;

	s->stats = egre_counters_alloc(EGRE_STAT_NUM);
	if (!s->stats)
		return -ENOMEM;
	err = dst_cache_init(&s->dst_cache, GFP_KERNEL);
	if (err) {
		free_percpu(s->stats);
		s->stats = NULL;
		return err;
	}
	s->dev = dev;
	spin_lock_init(&s->rx_lock);
	timer_setup(&s->ack_timer, egre_session_ack_timer, 0);
	INIT_WORK(&s->mtu_work, egre_session_mtu_work);
	INIT_LIST_HEAD(&s->list);
	egre_session_reset(s);
	return 0;
}

/* Called once no reader can find @s any more: nothing re-arms the timer */
void egre_session_uninit(struct egre_session *s)
{
	timer_shutdown_sync(&s->ack_timer);
	dst_cache_reset(&s->dst_cache);
}

/* After the last device reference: mtu_work, if queued, has run */
void egre_session_free(struct egre_session *s)
{
	cancel_work_sync(&s->mtu_work);
	dst_cache_destroy(&s->dst_cache);
	free_percpu(s->stats);
	s->stats = NULL;
}

/* Start the call afresh: sequence numbers from 0, nothing received yet */
void egre_session_reset(struct egre_session *s)
{
	spin_lock_bh(&s->rx_lock);
	memset(&s->rxwin, 0, sizeof(s->rxwin));
	WRITE_ONCE(s->rx_started, false);
	WRITE_ONCE(s->rx_last, 0);
	WRITE_ONCE(s->rx_ack, 0);
	s->rx_ack_valid = false;
	spin_unlock_bh(&s->rx_lock);
	atomic_set(&s->tx_seq, 0);
	WRITE_ONCE(s->tx_started, false);
	WRITE_ONCE(s->ack_sent, 0);
}

struct egre_session *egre_session_lookup(struct egre_net *en, __be32 remote,
					 u16 call_id)
{
	struct egre_key key = { .remote = remote, .call_id = call_id };

	return rhashtable_lookup(&en->sessions, &key, egre_rht_params);
}

int egre_session_hash(struct egre_net *en, struct egre_session *s)
{
	int err;

	ASSERT_RTNL();
	s->key.remote = s->cfg.remote;
	s->key.call_id = s->cfg.call_id;
	s->key.zero = 0;
	err = rhashtable_lookup_insert_fast(&en->sessions, &s->node,
					    egre_rht_params);
	if (err)
		return err;
	s->hashed = true;
	list_add_tail(&s->list, &en->session_list);
	return 0;
}

/* The caller waits for readers (synchronize_net) before reusing @s */
void egre_session_unhash(struct egre_net *en, struct egre_session *s)
{
	ASSERT_RTNL();
	if (!s->hashed)
		return;
	rhashtable_remove_fast(&en->sessions, &s->node, egre_rht_params);
	list_del_init(&s->list);
	s->hashed = false;
}

static void egre_session_rx_ack(struct egre_session *s, u32 ack)
{
	u32 next = (u32)atomic_read(&s->tx_seq);

	egre_stat_inc(s, EGRE_STAT_RX_ACKS);
	if (!egre_ack_valid(next, READ_ONCE(s->tx_started), ack)) {
		egre_stat_inc(s, EGRE_STAT_RX_BAD_ACK);
		return;
	}
	if (!s->rx_ack_valid || egre_seq_after(ack, s->rx_ack)) {
		WRITE_ONCE(s->rx_ack, ack);
		s->rx_ack_valid = true;
	}
}

/**
 * egre_session_rx - account a received header
 * @s: the session it was addressed to
 * @h: the validated header
 *
 * Processes the acknowledgment and the sequence number, counts the outcome
 * and schedules an ack.  Returns true when the payload is to be delivered;
 * lone acks are consumed here (counted, false).
 */
bool egre_session_rx(struct egre_session *s, const struct egre_hdr_info *h)
{
	enum egre_rx_verdict v = EGRE_RX_ACCEPT;
	u32 lost = 0;

	spin_lock(&s->rx_lock);
	if (h->has_ack)
		egre_session_rx_ack(s, h->ack);
	if (h->has_seq) {
		v = egre_rxwin_check(&s->rxwin, h->seq, &lost);
		if (v == EGRE_RX_ACCEPT) {
			if (!s->rx_started) {
				/* nothing acked yet: the first ack is new */
				WRITE_ONCE(s->ack_sent, h->seq - 1);
			}
			WRITE_ONCE(s->rx_last, s->rxwin.last);
			/* readers see ack_sent and rx_last once rx_started */
			smp_store_release(&s->rx_started, true);
		}
	}
	spin_unlock(&s->rx_lock);

	if (!h->has_seq) {
		egre_stat_inc(s, EGRE_STAT_RX_ACK_ONLY);
		return false;
	}
	switch (v) {
	case EGRE_RX_ACCEPT:
		break;
	case EGRE_RX_DUPLICATE:
		egre_stat_inc(s, EGRE_STAT_RX_DUPLICATE);
		return false;
	case EGRE_RX_OLD:
		egre_stat_inc(s, EGRE_STAT_RX_OLD);
		return false;
	}
	if (lost)
		egre_stat_add(s, EGRE_STAT_RX_LOST, lost);
	if (!timer_pending(&s->ack_timer))
		mod_timer(&s->ack_timer, jiffies +
			  msecs_to_jiffies(READ_ONCE(s->cfg.ack_delay)));
	return true;
}

/**
 * egre_session_tx_stamp - allocate a sequence number for a data packet
 * @s: the session
 * @seq: the number to send
 * @ack: the ack to piggyback, when true is returned
 *
 * Lockless: concurrent transmitters get distinct numbers.  An ack is
 * piggybacked whenever something arrived since the last one was sent.
 */
bool egre_session_tx_stamp(struct egre_session *s, u32 *seq, u32 *ack)
{
	u32 last;

	*seq = (u32)atomic_fetch_inc(&s->tx_seq);
	if (unlikely(!READ_ONCE(s->tx_started)))
		WRITE_ONCE(s->tx_started, true);
	/* pairs with smp_store_release() in egre_session_rx() */
	if (!smp_load_acquire(&s->rx_started))
		return false;
	last = READ_ONCE(s->rx_last);
	if (last == READ_ONCE(s->ack_sent))
		return false;
	WRITE_ONCE(s->ack_sent, last);
	*ack = last;
	return true;
}

struct egre_counters __percpu *egre_counters_alloc(unsigned int n)
{
	struct egre_counters __percpu *p;
	int cpu;

	p = __alloc_percpu_gfp(struct_size_t(struct egre_counters, c, n),
			       __alignof__(u64), GFP_KERNEL);
	if (!p)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(p, cpu)->syncp);
	return p;
}

/* Sum @n (at most EGRE_STAT_NUM) counters over all CPUs into @out */
void egre_counters_sum(struct egre_counters __percpu *p, unsigned int n,
		       u64 *out)
{
	u64 v[EGRE_STAT_NUM];
	unsigned int start, i;
	int cpu;

	BUILD_BUG_ON((int)EGRE_NSTAT_NUM > (int)EGRE_STAT_NUM);
	if (WARN_ON_ONCE(n > EGRE_STAT_NUM))
		return;
	memset(out, 0, n * sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct egre_counters *st = per_cpu_ptr(p, cpu);

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			for (i = 0; i < n; i++)
				v[i] = u64_stats_read(&st->c[i]);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		for (i = 0; i < n; i++)
			out[i] += v[i];
	}
}

int egre_net_init_table(struct egre_net *en)
{
	int err;

	INIT_LIST_HEAD(&en->session_list);
	en->stats = egre_counters_alloc(EGRE_NSTAT_NUM);
	if (!en->stats)
		return -ENOMEM;
	err = rhashtable_init(&en->sessions, &egre_rht_params);
	if (err)
		free_percpu(en->stats);
	return err;
}

void egre_net_destroy_table(struct egre_net *en)
{
	WARN_ON_ONCE(!list_empty(&en->session_list));
	rhashtable_destroy(&en->sessions);
	free_percpu(en->stats);
}
