// SPDX-License-Identifier: GPL-2.0
/*
 * egre: per-call protocol state and the per-netns session table: sequence
 * numbers and the receive reorder queue (egre_proto.h's egre_rxq), acks and
 * the lone-ack timer, the RTT estimator and ack timeout (RFC 2637 App. A),
 * the transmit window (App. B).  Knows nothing of its front end (a
 * netdevice or a PPP channel) beyond the callbacks it was given and the
 * netdevice's transmit queue, which it stops and wakes.
 */

#include "egre_priv.h"

static const struct rhashtable_params egre_rht_params = {
	.head_offset = offsetof(struct egre_session, node),
	.key_offset = offsetof(struct egre_session, key),
	.key_len = sizeof(struct egre_key),
	.automatic_shrinking = true,
};

/* Microseconds, for RTT arithmetic (wraps after 71 minutes: differences only) */
static u32 egre_now_us(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/*
 * A timer armed for @us fires no earlier than @us from now: one jiffy more
 * than the rounded-up count, since the first tick may come at once (a
 * "1 ms" wait at HZ=250 would otherwise last anywhere from 0 to 4 ms)
 */
static unsigned long egre_us_to_jiffies(u32 us)
{
	return usecs_to_jiffies(us) + 1;
}

/* Items the receive state machine hands on, collected under rx_lock */
struct egre_rx_batch {
	struct egre_rxq_out out;
	struct sk_buff_head list;
};

static void egre_rx_collect(struct egre_rxq_out *out, void *item)
{
	struct egre_rx_batch *b = container_of(out, struct egre_rx_batch, out);

	__skb_queue_tail(&b->list, item);
}

static void egre_rx_batch_init(struct egre_rx_batch *b)
{
	memset(&b->out, 0, sizeof(b->out));
	b->out.deliver = egre_rx_collect;
	__skb_queue_head_init(&b->list);
}

/* Under rx_lock: how long a gap opening now may stay open */
static unsigned long egre_session_gap_wait(struct egre_session *s)
{
	u32 max_us = READ_ONCE(s->cfg.reorder_timeout) * USEC_PER_MSEC;

	if (!READ_ONCE(s->cfg.reorder_adaptive))
		return egre_us_to_jiffies(max_us);
	egre_reo_age(&s->reo, s->gap_us);
	return egre_us_to_jiffies(egre_reo_wait_us(&s->reo, max_us));
}

/* Under rx_lock: publish what ack we owe, keep the gap timer honest */
static void egre_rx_batch_close(struct egre_session *s, u32 old_next,
				bool was_queued)
{
	struct egre_rxq *q = &s->rxq;

	WRITE_ONCE(s->rx_last, q->next - 1);
	if (!q->count) {
		if (was_queued)
			del_timer(&s->reorder_timer);
	} else if (!was_queued || q->next != old_next) {
		/* a new gap opened at next: it gets the whole wait */
		s->gap_us = egre_now_us();
		mod_timer(&s->reorder_timer,
			  jiffies + egre_session_gap_wait(s));
	}
}

/*
 * Under rx_lock, reorder-adaptive: learn from an arrival (egre_proto.h's
 * egre_reo), then give up gaps that have more packets waiting behind them
 * than the learnt hold.  Returns the number of gaps given up.
 */
static u32 egre_session_reo_learn(struct egre_session *s,
				  enum egre_rx_verdict v, bool was_queued,
				  struct egre_rxq_out *o)
{
	struct egre_rxq *q = &s->rxq;
	u32 hold, now, skipped = 0;

	if (v == EGRE_RX_OLD) {
		egre_reo_late(&s->reo, egre_now_us(), q->depth,
			      READ_ONCE(s->cfg.reorder_timeout) *
			      USEC_PER_MSEC);
		return 0;
	}
	if (v == EGRE_RX_DELIVER && was_queued && o->reordered && !o->lost) {
		now = egre_now_us();
		egre_reo_filled(&s->reo, now, o->reordered, now - s->gap_us);
	}
	/* the hold is never below the minimum: no clock read below it */
	if (q->count <= EGRE_REO_MIN_HOLD)
		return 0;
	egre_reo_age(&s->reo, egre_now_us());
	hold = egre_reo_hold(&s->reo);
	while (q->count > hold) {
		egre_rxq_timeout(q, o);
		skipped++;
	}
	return skipped;
}

static void egre_session_send_ack(struct egre_session *s)
{
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

/* The lone-ack delay now: configured, or a quarter of the smoothed RTT */
u32 egre_session_ack_delay_us(struct egre_session *s)
{
	u32 ms = READ_ONCE(s->cfg.ack_delay), srtt;

	if (ms != EGRE_ACK_DELAY_AUTO)
		return ms * USEC_PER_MSEC;
	srtt = READ_ONCE(s->srtt);
	if (!srtt)
		return EGRE_ACK_DELAY_DEFAULT * USEC_PER_MSEC;
	return clamp_t(u32, srtt / 4, EGRE_ACK_DELAY_AUTO_MIN_US,
		       EGRE_ACK_DELAY_AUTO_MAX_US);
}

/* Something was delivered: ack it at once, or within the ack delay */
static void egre_session_ack_sched(struct egre_session *s)
{
	u32 us = egre_session_ack_delay_us(s);

	if (!us) {
		egre_session_send_ack(s);
		return;
	}
	if (!timer_pending(&s->ack_timer))
		mod_timer(&s->ack_timer, jiffies + egre_us_to_jiffies(us));
}

static void egre_session_ack_timer(struct timer_list *t)
{
	struct egre_session *s = from_timer(s, t, ack_timer);

	egre_session_send_ack(s);
}

static void egre_rx_batch_finish(struct egre_session *s,
				 struct egre_rx_batch *b)
{
	struct sk_buff *skb;

	if (b->out.lost)
		egre_stat_add(s, EGRE_STAT_RX_LOST, b->out.lost);
	if (!b->out.delivered)
		return;
	egre_stat_add(s, EGRE_STAT_RX_DATA, b->out.delivered);
	if (b->out.reordered)
		egre_stat_add(s, EGRE_STAT_RX_REORDERED, b->out.reordered);
	while ((skb = __skb_dequeue(&b->list)))
		s->deliver(s, skb);
	egre_session_ack_sched(s);
}

/* A gap stayed open for reorder-timeout: skip it, deliver what follows */
static void egre_session_reorder_timer(struct timer_list *t)
{
	struct egre_session *s = from_timer(s, t, reorder_timer);
	struct egre_rx_batch b;
	u32 old_next;

	egre_rx_batch_init(&b);
	spin_lock(&s->rx_lock);
	old_next = s->rxq.next;
	if (s->rxq.count) {
		egre_rxq_timeout(&s->rxq, &b.out);
		egre_rx_batch_close(s, old_next, true);
	}
	spin_unlock(&s->rx_lock);
	if (b.out.lost)
		egre_stat_inc(s, EGRE_STAT_RX_REORDER_TIMEOUT);
	egre_rx_batch_finish(s, &b);
}

/* RFC 2637 Appendix A, in microseconds: gains 1/8 and 1/4, ATO = RTT + 4 DEV */
static void egre_session_rtt_update(struct egre_session *s, u32 sample)
{
	u32 srtt = s->srtt, var = s->rttvar;
	s32 diff;

	if (!srtt) {
		srtt = max(sample, 1U);
		var = srtt / 2;
	} else {
		diff = (s32)(sample - srtt);
		srtt = max_t(s32, (s32)srtt + diff / 8, 1);
		var = (s32)var + ((s32)abs(diff) - (s32)var) / 4;
	}
	WRITE_ONCE(s->srtt, srtt);
	WRITE_ONCE(s->rttvar, var);
	WRITE_ONCE(s->ato, clamp_t(u64, (u64)srtt + 4 * (u64)var,
				   EGRE_ATO_MIN_US, EGRE_ATO_MAX_US));
}

/* Under rx_lock: account an ack; true when it acks something new */
static bool egre_session_rx_ack(struct egre_session *s, u32 ack)
{
	u32 next = (u32)atomic_read(&s->tx_seq);

	egre_stat_inc(s, EGRE_STAT_RX_ACKS);
	if (!egre_ack_valid(next, READ_ONCE(s->tx_started), ack)) {
		egre_stat_inc(s, EGRE_STAT_RX_BAD_ACK);
		return false;
	}
	/* pairs with atomic_set_release() in egre_session_rtt_stamp() */
	if (atomic_read_acquire(&s->rtt_state) == EGRE_RTT_ARMED &&
	    !egre_seq_after(s->rtt_seq, ack)) {
		egre_session_rtt_update(s, egre_now_us() - s->rtt_stamp);
		egre_stat_inc(s, EGRE_STAT_RTT_SAMPLES);
		atomic_set(&s->rtt_state, EGRE_RTT_IDLE);
	}
	if (s->rx_ack_valid && !egre_seq_after(ack, s->rx_ack))
		return false;
	WRITE_ONCE(s->rx_ack, ack);
	s->rx_ack_valid = true;
	return true;
}

/* Time one packet at a time; any transmitter may claim the slot */
static void egre_session_rtt_stamp(struct egre_session *s, u32 seq)
{
	if (atomic_read(&s->rtt_state) != EGRE_RTT_IDLE ||
	    atomic_cmpxchg(&s->rtt_state, EGRE_RTT_IDLE, EGRE_RTT_BUSY) !=
	    EGRE_RTT_IDLE)
		return;
	s->rtt_seq = seq;
	s->rtt_stamp = egre_now_us();
	atomic_set_release(&s->rtt_state, EGRE_RTT_ARMED);
}

/* Under tx_lock */
static u32 egre_window_in_flight(struct egre_session *s)
{
	return (u32)atomic_read(&s->tx_seq) - 1 - s->tx_acked;
}

u32 egre_session_in_flight(struct egre_session *s)
{
	u32 n;

	if (!READ_ONCE(s->cfg.peer_window))
		return 0;
	spin_lock_bh(&s->tx_lock);
	n = egre_window_in_flight(s);
	spin_unlock_bh(&s->tx_lock);
	return n;
}

/* For the gauges: the hold and wait a gap opening now would get */
void egre_session_reorder_state(struct egre_session *s, u64 *hold,
				u64 *wait_us)
{
	u32 max_us = READ_ONCE(s->cfg.reorder_timeout) * USEC_PER_MSEC;
	u32 depth = READ_ONCE(s->cfg.reorder_depth);

	if (!READ_ONCE(s->cfg.reorder_adaptive) || !depth) {
		*hold = depth;
		*wait_us = depth ? max_us : 0;
		return;
	}
	spin_lock_bh(&s->rx_lock);
	if (s->reo.started)
		egre_reo_age(&s->reo, egre_now_us());
	*hold = min(egre_reo_hold(&s->reo), depth);
	*wait_us = egre_reo_wait_us(&s->reo, max_us);
	spin_unlock_bh(&s->rx_lock);
}

/*
 * Under tx_lock: move waiting packets into @list while the window is open.
 * Returns true when a channel that was told EGRE_TXW_FULL is to be woken,
 * which egre_window_send() does once the lock is dropped.
 */
static bool egre_window_pull(struct egre_session *s, struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while (egre_window_in_flight(s) < s->tx_win &&
	       (skb = __skb_dequeue(&s->txq))) {
		*(u32 *)skb->cb = (u32)atomic_fetch_inc(&s->tx_seq);
		__skb_queue_tail(list, skb);
	}
	if (egre_window_in_flight(s) && !timer_pending(&s->ato_timer))
		mod_timer(&s->ato_timer,
			  jiffies + egre_us_to_jiffies(READ_ONCE(s->ato)));
	if (skb_queue_len(&s->txq) > EGRE_TXQ_LIMIT / 2)
		return false;
	if (s->dev) {
		if (netif_queue_stopped(s->dev))
			netif_wake_queue(s->dev);
		return false;
	}
	if (!s->tx_stopped)
		return false;
	s->tx_stopped = false;
	return true;
}

/* Without the locks, BH disabled: send what the window released */
static void egre_window_send(struct egre_session *s, struct sk_buff_head *list,
			     bool wake)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list)))
		s->xmit(s, skb, true, *(u32 *)skb->cb);
	if (wake)
		s->tx_wake(s);
}

/* The peer acked something new: slide and perhaps widen the window */
static void egre_session_window_ack(struct egre_session *s, u32 ack)
{
	struct sk_buff_head list;
	u32 peer, n;
	bool wake;

	__skb_queue_head_init(&list);
	spin_lock(&s->tx_lock);
	peer = s->cfg.peer_window;
	if (!peer || !egre_seq_after(ack, s->tx_acked)) {
		spin_unlock(&s->tx_lock);
		return;
	}
	n = ack - s->tx_acked;
	s->tx_acked = ack;
	/* one more packet per fully acknowledged window, up to the peer's */
	s->tx_win_credit += n;
	while (s->tx_win < peer && s->tx_win_credit >= s->tx_win) {
		s->tx_win_credit -= s->tx_win;
		s->tx_win++;
	}
	if (s->tx_win >= peer)
		s->tx_win_credit = 0;
	if (egre_window_in_flight(s))
		mod_timer(&s->ato_timer,
			  jiffies + egre_us_to_jiffies(READ_ONCE(s->ato)));
	else
		del_timer(&s->ato_timer);
	wake = egre_window_pull(s, &list);
	spin_unlock(&s->tx_lock);
	egre_window_send(s, &list, wake);
}

/*
 * No ack within the ack timeout: double the RTT estimate (so the next
 * timeout is longer), halve the window (rounding up, at least 1), count what
 * is outstanding as acked (PPTP never retransmits), and send what waits.
 */
static void egre_session_ato_timer(struct timer_list *t)
{
	struct egre_session *s = from_timer(s, t, ato_timer);
	struct sk_buff_head list;
	bool waiting, wake;

	spin_lock(&s->tx_lock);
	waiting = s->cfg.peer_window && egre_window_in_flight(s);
	spin_unlock(&s->tx_lock);
	if (!waiting)
		return;		/* raced with the ack that emptied the window */

	__skb_queue_head_init(&list);
	spin_lock(&s->rx_lock);
	/* Karn: a sample that spans a timeout is worthless */
	atomic_cmpxchg(&s->rtt_state, EGRE_RTT_ARMED, EGRE_RTT_IDLE);
	if (s->srtt) {
		u32 srtt = min_t(u32, s->srtt * 2, EGRE_ATO_MAX_US);

		WRITE_ONCE(s->srtt, srtt);
		WRITE_ONCE(s->ato, clamp_t(u64, (u64)srtt + 4 * (u64)s->rttvar,
					   EGRE_ATO_MIN_US, EGRE_ATO_MAX_US));
	} else {
		WRITE_ONCE(s->ato, min_t(u32, s->ato * 2, EGRE_ATO_MAX_US));
	}
	spin_unlock(&s->rx_lock);

	spin_lock(&s->tx_lock);
	if (!s->cfg.peer_window || !egre_window_in_flight(s)) {
		spin_unlock(&s->tx_lock);
		return;
	}
	s->tx_acked = (u32)atomic_read(&s->tx_seq) - 1;
	s->tx_win = max(1U, (s->tx_win + 1) / 2);
	s->tx_win_credit = 0;
	wake = egre_window_pull(s, &list);
	spin_unlock(&s->tx_lock);
	egre_stat_inc(s, EGRE_STAT_TX_ACK_TIMEOUT);
	egre_window_send(s, &list, wake);
}

/**
 * egre_session_tx_window - pass a data packet through the transmit window
 * @s: the session (peer-window set)
 * @skb: the packet
 * @seq: its sequence number, for EGRE_TXW_SEND
 *
 * Returns EGRE_TXW_SEND when the packet may leave now, with @seq allocated;
 * EGRE_TXW_QUEUED when it waits in the session's queue (which then owns
 * it).  A netdevice front end's queue is stopped when the session's queue
 * is full; a channel gets EGRE_TXW_FULL instead (the packet is not taken)
 * and s->tx_wake() once there is room again.
 */
enum egre_txw egre_session_tx_window(struct egre_session *s,
				     struct sk_buff *skb, u32 *seq)
{
	spin_lock_bh(&s->tx_lock);
	if (skb_queue_empty(&s->txq) &&
	    egre_window_in_flight(s) < s->tx_win) {
		*seq = (u32)atomic_fetch_inc(&s->tx_seq);
		if (!timer_pending(&s->ato_timer))
			mod_timer(&s->ato_timer, jiffies +
				  egre_us_to_jiffies(READ_ONCE(s->ato)));
		spin_unlock_bh(&s->tx_lock);
		return EGRE_TXW_SEND;
	}
	if (!s->dev && skb_queue_len(&s->txq) >= EGRE_TXQ_LIMIT) {
		s->tx_stopped = true;
		spin_unlock_bh(&s->tx_lock);
		return EGRE_TXW_FULL;
	}
	__skb_queue_tail(&s->txq, skb);
	if (s->dev && skb_queue_len(&s->txq) >= EGRE_TXQ_LIMIT)
		netif_stop_queue(s->dev);
	spin_unlock_bh(&s->tx_lock);
	egre_stat_inc(s, EGRE_STAT_TX_WINDOW_WAIT);
	return EGRE_TXW_QUEUED;
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

static void **egre_rxq_slots_alloc(u16 depth, u32 *mask)
{
	u32 n = roundup_pow_of_two((u32)depth + 1);

	*mask = n - 1;
	if (!depth)
		return NULL;
	return kcalloc(n, sizeof(void *), GFP_KERNEL);
}

/* cfg is filled in: set up the state it implies */
int egre_session_init(struct egre_session *s, struct net_device *dev)
{
	int err = -ENOMEM;

	s->stats = egre_counters_alloc(EGRE_STAT_NUM);
	if (!s->stats)
		return -ENOMEM;
	s->rxq.depth = s->cfg.reorder_depth;
	s->rxq.slot = egre_rxq_slots_alloc(s->rxq.depth, &s->rxq.mask);
	if (s->rxq.depth && !s->rxq.slot)
		goto err_stats;
	s->rxq.max_ahead = s->cfg.max_ahead;
	err = dst_cache_init(&s->dst_cache, GFP_KERNEL);
	if (err)
		goto err_slots;
	s->dev = dev;
	spin_lock_init(&s->rx_lock);
	spin_lock_init(&s->tx_lock);
	skb_queue_head_init(&s->txq);
	timer_setup(&s->ack_timer, egre_session_ack_timer, 0);
	timer_setup(&s->reorder_timer, egre_session_reorder_timer, 0);
	timer_setup(&s->ato_timer, egre_session_ato_timer, 0);
	INIT_WORK(&s->mtu_work, egre_session_mtu_work);
	INIT_LIST_HEAD(&s->list);
	egre_session_reset(s);
	return 0;

err_slots:
	kfree(s->rxq.slot);
	s->rxq.slot = NULL;
err_stats:
	free_percpu(s->stats);
	s->stats = NULL;
	return err;
}

static void egre_rxq_drop(void *ctx, void *item)
{
	kfree_skb(item);
}

/* Drop whatever waits in either queue; process context */
static void egre_session_purge(struct egre_session *s)
{
	u32 rx, tx;

	spin_lock_bh(&s->rx_lock);
	rx = egre_rxq_purge(&s->rxq, egre_rxq_drop, NULL);
	spin_unlock_bh(&s->rx_lock);
	spin_lock_bh(&s->tx_lock);
	tx = skb_queue_len(&s->txq);
	__skb_queue_purge(&s->txq);
	spin_unlock_bh(&s->tx_lock);

	local_bh_disable();
	if (rx)
		egre_stat_add(s, EGRE_STAT_RX_QUEUE_PURGE, rx);
	if (tx)
		egre_stat_add(s, EGRE_STAT_TX_WINDOW_PURGE, tx);
	local_bh_enable();
}

/* Called once no reader can find @s any more: nothing re-arms the timers */
void egre_session_uninit(struct egre_session *s)
{
	timer_shutdown_sync(&s->ack_timer);
	timer_shutdown_sync(&s->reorder_timer);
	timer_shutdown_sync(&s->ato_timer);
	egre_session_purge(s);
	dst_cache_reset(&s->dst_cache);
}

/* After the last device reference: mtu_work, if queued, has run */
void egre_session_free(struct egre_session *s)
{
	cancel_work_sync(&s->mtu_work);
	/* a channel may have queued more between uninit and unregistering */
	skb_queue_purge(&s->txq);
	dst_cache_destroy(&s->dst_cache);
	kfree(s->rxq.slot);
	s->rxq.slot = NULL;
	free_percpu(s->stats);
	s->stats = NULL;
}

/* Under tx_lock: a fresh transmit window */
static void egre_window_reset(struct egre_session *s)
{
	s->tx_acked = (u32)atomic_read(&s->tx_seq) - 1;
	/* RFC 2637 App. B.3: start at half the peer's window, at least 1 */
	s->tx_win = max(1U, (u32)s->cfg.peer_window / 2);
	s->tx_win_credit = 0;
}

/*
 * Start the call afresh: transmit numbers from start-seq, nothing received
 * or queued, no RTT known.  Process context; the caller has unhashed the
 * session or not yet hashed it.
 */
void egre_session_reset(struct egre_session *s)
{
	bool wake;

	del_timer_sync(&s->reorder_timer);
	del_timer_sync(&s->ato_timer);
	egre_session_purge(s);

	spin_lock_bh(&s->rx_lock);
	s->rxq.started = false;
	s->rxq.next = 0;
	s->rxq.seen = 0;
	s->rxq.jump_run = 0;
	memset(&s->reo, 0, sizeof(s->reo));
	WRITE_ONCE(s->rx_started, false);
	WRITE_ONCE(s->rx_last, 0);
	WRITE_ONCE(s->rx_ack, 0);
	s->rx_ack_valid = false;
	atomic_set(&s->rtt_state, EGRE_RTT_IDLE);
	WRITE_ONCE(s->srtt, 0);
	WRITE_ONCE(s->rttvar, 0);
	WRITE_ONCE(s->ato, EGRE_ATO_INITIAL_US);
	spin_unlock_bh(&s->rx_lock);

	spin_lock_bh(&s->tx_lock);
	atomic_set(&s->tx_seq, s->cfg.start_seq);
	WRITE_ONCE(s->tx_started, false);
	WRITE_ONCE(s->ack_sent, 0);
	egre_window_reset(s);
	wake = s->tx_stopped;
	s->tx_stopped = false;
	spin_unlock_bh(&s->tx_lock);
	if (s->dev && netif_queue_stopped(s->dev))
		netif_wake_queue(s->dev);
	if (wake) {
		local_bh_disable();
		s->tx_wake(s);
		local_bh_enable();
	}
}

/* Under RTNL: a new reorder-depth; what is queued is delivered first */
int egre_session_set_reorder(struct egre_session *s, u16 depth)
{
	struct egre_rx_batch b;
	void **slot, **old;
	u32 mask, old_next;

	if (depth == s->cfg.reorder_depth)
		return 0;
	slot = egre_rxq_slots_alloc(depth, &mask);
	if (depth && !slot)
		return -ENOMEM;
	egre_rx_batch_init(&b);
	spin_lock_bh(&s->rx_lock);
	old_next = s->rxq.next;
	egre_rxq_flush(&s->rxq, &b.out);
	egre_rx_batch_close(s, old_next, true);
	old = s->rxq.slot;
	s->rxq.slot = slot;
	s->rxq.mask = mask;
	s->rxq.depth = depth;
	WRITE_ONCE(s->cfg.reorder_depth, depth);
	spin_unlock_bh(&s->rx_lock);
	local_bh_disable();
	egre_rx_batch_finish(s, &b);
	local_bh_enable();
	kfree(old);
	return 0;
}

void egre_session_set_max_ahead(struct egre_session *s, u32 max_ahead)
{
	spin_lock_bh(&s->rx_lock);
	s->rxq.max_ahead = max_ahead;
	WRITE_ONCE(s->cfg.max_ahead, max_ahead);
	spin_unlock_bh(&s->rx_lock);
}

/* Under RTNL: a new peer window; waiting packets go out as it allows */
void egre_session_set_window(struct egre_session *s, u16 peer_window)
{
	struct sk_buff_head list;
	bool wake;

	__skb_queue_head_init(&list);
	spin_lock_bh(&s->tx_lock);
	WRITE_ONCE(s->cfg.peer_window, peer_window);
	egre_window_reset(s);
	if (!peer_window)
		s->tx_win = U32_MAX;	/* let everything out */
	wake = egre_window_pull(s, &list);
	if (!peer_window)
		del_timer(&s->ato_timer);
	spin_unlock_bh(&s->tx_lock);
	local_bh_disable();
	egre_window_send(s, &list, wake);
	local_bh_enable();
}

/* Under RTNL, for tests: continue transmitting from @seq */
void egre_session_set_start_seq(struct egre_session *s, u32 seq)
{
	spin_lock_bh(&s->tx_lock);
	s->cfg.start_seq = seq;
	atomic_set(&s->tx_seq, seq);
	WRITE_ONCE(s->tx_started, false);
	egre_window_reset(s);
	spin_unlock_bh(&s->tx_lock);
}

/* Under rcu_read_lock (the receive path) */
struct egre_session *egre_session_lookup(struct egre_net *en, __be32 remote,
					 u16 call_id)
{
	struct egre_key key = { .remote = remote, .call_id = call_id };

	return rhashtable_lookup(&en->sessions, &key, egre_rht_params);
}

/*
 * Under RTNL, which every writer of the table holds: the session found
 * cannot go away while the caller looks at it
 */
struct egre_session *egre_session_find(struct egre_net *en, __be32 remote,
				       u16 call_id)
{
	struct egre_key key = { .remote = remote, .call_id = call_id };

	ASSERT_RTNL();
	return rhashtable_lookup_fast(&en->sessions, &key, egre_rht_params);
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

/* A lone ack (S=0): account it; the packet carries nothing to deliver */
void egre_session_rx_ack_only(struct egre_session *s,
			      const struct egre_hdr_info *h)
{
	bool adv;

	spin_lock(&s->rx_lock);
	adv = egre_session_rx_ack(s, h->ack);
	spin_unlock(&s->rx_lock);
	egre_stat_inc(s, EGRE_STAT_RX_ACK_ONLY);
	if (adv && READ_ONCE(s->cfg.peer_window))
		egre_session_window_ack(s, h->ack);
}

/**
 * egre_session_rx - account and deliver a received data packet
 * @s: the session it was addressed to
 * @h: the validated header (sequenced)
 * @skb: the PPP frame, GRE header removed; consumed
 *
 * Processes the acknowledgment and the sequence number: the frame is
 * delivered through s->deliver() in order, held in the reorder queue, or
 * dropped and counted.  Runs in softirq context.
 */
void egre_session_rx(struct egre_session *s, const struct egre_hdr_info *h,
		     struct sk_buff *skb)
{
	enum egre_rx_verdict v;
	struct egre_rx_batch b;
	bool adv = false, was_queued, first;
	u32 old_next, skipped = 0;

	egre_rx_batch_init(&b);
	spin_lock(&s->rx_lock);
	if (h->has_ack)
		adv = egre_session_rx_ack(s, h->ack);
	first = !s->rxq.started;
	old_next = s->rxq.next;
	was_queued = s->rxq.count;
	v = egre_rxq_in(&s->rxq, h->seq, skb, &b.out);
	if (READ_ONCE(s->cfg.reorder_adaptive) && s->rxq.depth)
		skipped = egre_session_reo_learn(s, v, was_queued, &b.out);
	if (v == EGRE_RX_DELIVER || v == EGRE_RX_QUEUED) {
		egre_rx_batch_close(s, old_next, was_queued);
		if (first) {
			/* nothing acked yet: the first ack is new */
			WRITE_ONCE(s->ack_sent, h->seq - 1);
			/* readers see ack_sent and rx_last once rx_started */
			smp_store_release(&s->rx_started, true);
		}
	}
	spin_unlock(&s->rx_lock);

	switch (v) {
	case EGRE_RX_DELIVER:
	case EGRE_RX_QUEUED:
		break;
	case EGRE_RX_DUPLICATE:
		egre_stat_inc(s, EGRE_STAT_RX_DUPLICATE);
		kfree_skb(skb);
		break;
	case EGRE_RX_OLD:
		egre_stat_inc(s, EGRE_STAT_RX_OLD);
		kfree_skb(skb);
		break;
	case EGRE_RX_JUMP:
		egre_stat_inc(s, EGRE_STAT_RX_JUMP);
		kfree_skb(skb);
		break;
	}
	if (skipped)
		egre_stat_add(s, EGRE_STAT_RX_REORDER_TIMEOUT, skipped);
	egre_rx_batch_finish(s, &b);
	if (adv && READ_ONCE(s->cfg.peer_window))
		egre_session_window_ack(s, h->ack);
}

/**
 * egre_session_tx_stamp - the sequence and ack numbers of a data packet
 * @s: the session
 * @have_seq: @seq was allocated by egre_session_tx_window()
 * @seq: the number to send (allocated here unless @have_seq)
 * @ack: the ack to piggyback, when true is returned
 *
 * Lockless: concurrent transmitters get distinct numbers.  An ack is
 * piggybacked whenever something arrived since the last one was sent.
 */
bool egre_session_tx_stamp(struct egre_session *s, bool have_seq, u32 *seq,
			   u32 *ack)
{
	u32 last;

	if (!have_seq)
		*seq = (u32)atomic_fetch_inc(&s->tx_seq);
	if (unlikely(!READ_ONCE(s->tx_started)))
		WRITE_ONCE(s->tx_started, true);
	egre_session_rtt_stamp(s, *seq);
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
	xa_init(&en->chan_ids);
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
	WARN_ON_ONCE(!xa_empty(&en->chan_ids));
	xa_destroy(&en->chan_ids);
	rhashtable_destroy(&en->sessions);
	free_percpu(en->stats);
}
