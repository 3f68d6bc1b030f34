// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for a whole session's sequence/ack bookkeeping, driven
 * by random event streams: we send data, data arrives (with or without a
 * piggybacked ack), a lone ack arrives, the reorder and ack timers fire,
 * the reorder depth changes.  It replays egre_session.c's use of the pure
 * helpers in egre_proto.h (egre_rxq_in, egre_rxq_timeout, egre_rxq_flush,
 * egre_ack_valid, serial arithmetic; egre_rx_batch_close() for rx_last and
 * the reorder timer) and checks:
 *
 * - the peer's ack we keep only ever names a number we sent, and never
 *   moves backwards;
 * - every data arrival ends delivered, refused (duplicate/old/jump) or
 *   still queued, and the counters add up; deliveries are in order and
 *   never repeat; next moves by exactly the numbers delivered or lost;
 * - the reorder timer is armed exactly while something is queued;
 * - the ack we send (piggybacked or lone) is next - 1: never a number still
 *   awaited in the queue, never beyond what arrived, always ahead of the
 *   previous one (no ack is sent twice in a row);
 * - the transmit and receive numbers wrap through 2^32 without breaking
 *   any of it.
 *
 * Input: our first number (4 bytes), the peer's (4), the reorder depth
 * (byte % 65), max-ahead (0: 32768, else depth + byte), then 3-byte events:
 * a type and a 16-bit signed offset.
 */
#include <stddef.h>

#include "../egre_user.h"

struct token {
	u32 seq;
	bool queued;
	bool done;
};

struct session {
	/* transmit */
	u32 next;
	bool sent_any;
	u32 ack_sent;
	/* receive */
	struct egre_rxq q;
	struct egre_rxq_out out;
	bool rx_started;
	u32 rx_last;
	u32 rx_ack;
	bool rx_ack_valid;
	bool reorder_timer;		/* armed */
	bool ack_timer;			/* armed */
	u32 highest;			/* highest number delivered or queued */
	bool delivered_any;
	u32 last_delivered;
	u32 rx_first;
	u64 rx_moved;			/* delivered + lost since the first */
	struct token *tok, *cur;
	u32 ntok, maxtok;
	/* counters */
	u64 arrivals, delivered, reordered, lost, dup, old, jump, acks,
	    bad_acks, piggybacked, lone_acks;
};

static void rx_ack(struct session *s, u32 ack)
{
	s->acks++;
	if (!egre_ack_valid(s->next, s->sent_any, ack)) {
		s->bad_acks++;
		return;
	}
	/* what egre_ack_valid() promises: a number we did send */
	CHECK(s->sent_any && egre_seq_diff(s->next - 1, ack) >= 0);
	if (!s->rx_ack_valid || egre_seq_after(ack, s->rx_ack)) {
		CHECK(!s->rx_ack_valid || egre_seq_after(ack, s->rx_ack));
		s->rx_ack = ack;
		s->rx_ack_valid = true;
	}
}

static void deliver(struct egre_rxq_out *out, void *item)
{
	struct session *s = (struct session *)((char *)out -
					       offsetof(struct session, out));
	struct token *t = item;

	CHECK(t >= s->tok && t < s->tok + s->ntok);
	CHECK(!t->done && (t->queued || t == s->cur));
	/* in order, never twice */
	CHECK(!s->delivered_any || egre_seq_after(t->seq, s->last_delivered));
	t->queued = false;
	t->done = true;
	s->delivered_any = true;
	s->last_delivered = t->seq;
	s->delivered++;
}

static void batch_begin(struct session *s)
{
	memset(&s->out, 0, sizeof(s->out));
	s->out.deliver = deliver;
	s->cur = NULL;
}

/* egre_rx_batch_close(): what we owe an ack for, the gap timer */
static void batch_close(struct session *s, u32 old_next, bool was_queued)
{
	s->rx_last = s->q.next - 1;
	if (!s->q.count) {
		if (was_queued)
			s->reorder_timer = false;
	} else if (!was_queued || s->q.next != old_next) {
		s->reorder_timer = true;
	}
}

/* egre_rx_batch_finish(): counters, and an ack is owed */
static void batch_finish(struct session *s)
{
	CHECK(s->out.reordered <= s->out.delivered);
	s->reordered += s->out.reordered;
	s->lost += s->out.lost;
	s->rx_moved += s->out.delivered + s->out.lost;
	if (s->out.delivered)
		s->ack_timer = true;
}

static void check(struct session *s)
{
	const struct egre_rxq *q = &s->q;
	u32 i, used = 0;

	CHECK(s->reorder_timer == !!q->count);
	CHECK(q->count <= q->depth);
	for (i = 0; q->depth && i <= q->mask; i++) {
		const struct token *t = q->slot[i];

		if (!t)
			continue;
		used++;
		CHECK(t->queued && !t->done && (t->seq & q->mask) == i);
		CHECK(t->seq - q->next - 1 < q->depth);
	}
	CHECK(used == q->count);
	CHECK(s->arrivals == s->delivered + s->dup + s->old + s->jump +
	      q->count);
	if (!s->rx_started)
		return;
	CHECK(q->next - s->rx_first == (u32)s->rx_moved);
	/* the ack we owe: behind what waits, not beyond what arrived */
	CHECK(s->rx_last == q->next - 1);
	CHECK(egre_seq_diff(s->highest, s->rx_last) >= 0);
	CHECK(!s->delivered_any ||
	      egre_seq_diff(s->rx_last, s->last_delivered) >= 0);
}

static void rx_data(struct session *s, u32 seq)
{
	bool first = !s->q.started, was_queued = s->q.count;
	u32 old_next = s->q.next, old_count = s->q.count;
	enum egre_rx_verdict v;
	struct token *t;

	if (s->ntok == s->maxtok)
		return;
	t = &s->tok[s->ntok++];
	t->seq = seq;
	s->arrivals++;
	batch_begin(s);
	s->cur = t;
	v = egre_rxq_in(&s->q, seq, t, &s->out);
	switch (v) {
	case EGRE_RX_DELIVER:
		CHECK(t->done);
		break;
	case EGRE_RX_QUEUED:
		CHECK(!t->done);
		t->queued = true;
		break;
	case EGRE_RX_DUPLICATE:
		s->dup++;
		break;
	case EGRE_RX_OLD:
		s->old++;
		break;
	case EGRE_RX_JUMP:
		s->jump++;
		break;
	default:
		CHECK(0);
	}
	if (v == EGRE_RX_DELIVER || v == EGRE_RX_QUEUED) {
		if (first) {
			CHECK(v == EGRE_RX_DELIVER && s->q.next == seq + 1);
			s->rx_first = seq;
			s->rx_moved = 0;
			s->highest = seq;
		}
		if (egre_seq_after(seq, s->highest))
			s->highest = seq;
		batch_close(s, old_next, was_queued);
		if (first) {
			/* nothing acked yet: the first ack is new */
			s->ack_sent = seq - 1;
			s->rx_started = true;
		}
	} else {
		/* refused: nothing moves */
		CHECK(!t->done && !s->out.delivered && !s->out.lost);
		CHECK(s->q.next == old_next && s->q.count == old_count);
		t->done = true;
	}
	batch_finish(s);
}

/* egre_session_reorder_timer() */
static void reorder_timer(struct session *s)
{
	u32 old_next = s->q.next;

	if (!s->reorder_timer)
		return;
	s->reorder_timer = false;
	batch_begin(s);
	if (s->q.count) {
		bool more = egre_rxq_timeout(&s->q, &s->out);

		CHECK(s->out.lost && s->out.delivered);
		CHECK(more == !!s->q.count);
		batch_close(s, old_next, true);
	}
	batch_finish(s);
}

/* egre_session_set_reorder() */
static void set_reorder(struct session *s, u32 depth)
{
	u32 old_next = s->q.next, n = 1, i;

	if (depth == s->q.depth)
		return;
	batch_begin(s);
	egre_rxq_flush(&s->q, &s->out);
	CHECK(!s->q.count);
	batch_close(s, old_next, true);
	batch_finish(s);
	for (i = 0; s->q.depth && i <= s->q.mask; i++)
		CHECK(!s->q.slot[i]);
	free(s->q.slot);
	while (n < depth + 1)
		n <<= 1;
	s->q.slot = depth ? calloc(n, sizeof(void *)) : NULL;
	s->q.mask = n - 1;
	s->q.depth = depth;
	/* egre_cfg_check(): max-ahead is at least the depth */
	if (s->q.max_ahead < depth)
		s->q.max_ahead = depth;
}

/* egre_session_send_ack() and egre_session_tx_stamp(): an ack if new */
static bool ack_out(struct session *s)
{
	if (!s->rx_started || s->rx_last == s->ack_sent)
		return false;
	/* the ack only moves forward; none is sent twice in a row */
	CHECK(egre_seq_after(s->rx_last, s->ack_sent));
	s->ack_sent = s->rx_last;
	return true;
}

static void tx(struct session *s)
{
	s->next++;
	s->sent_any = true;
	if (ack_out(s))
		s->piggybacked++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session s;
	u32 peer_base, depth;
	size_t i;

	if (size < 10)
		return 0;
	memset(&s, 0, sizeof(s));
	s.next = egre_get_be32(data);	/* start anywhere, wrap included */
	peer_base = egre_get_be32(data + 4);
	s.maxtok = size / 3 + 1;
	s.tok = calloc(s.maxtok, sizeof(*s.tok));
	depth = data[8] % 65;
	s.q.max_ahead = data[9] ? depth + data[9] : 32768;
	set_reorder(&s, depth);
	for (i = 10; i + 3 <= size; i += 3) {
		s32 off = (int16_t)egre_get_be16(data + i + 1);
		u32 ack = s.next - 1 + (u32)off;
		u32 ref = s.q.started ? s.q.next : peer_base;
		u32 seq = ref + (u32)off;

		switch (data[i] % 8) {
		case 0:
			tx(&s);
			break;
		case 1:
			rx_data(&s, seq);
			break;
		case 2:
			rx_ack(&s, ack);
			rx_data(&s, seq);
			break;
		case 3:
			rx_ack(&s, ack);
			break;
		case 4:
			reorder_timer(&s);
			break;
		case 5:
			/* egre_session_ack_timer() */
			if (s.ack_timer && ack_out(&s))
				s.lone_acks++;
			s.ack_timer = false;
			break;
		case 6:
			set_reorder(&s, (u32)(off & 0xff) % 65);
			break;
		case 7:
			/* around max-ahead: jumps, and runs that resync */
			rx_data(&s, ref + s.q.max_ahead + (u32)off);
			break;
		}
		check(&s);
		CHECK(!s.rx_ack_valid ||
		      egre_ack_valid(s.next, s.sent_any, s.rx_ack));
	}
	/* egre_session_uninit(): what still waits is dropped */
	free(s.q.slot);
	free(s.tok);
	return 0;
}
