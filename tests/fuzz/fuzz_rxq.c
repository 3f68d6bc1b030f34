// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the receive state machine in egre_proto.h:
 * egre_rxq_in(), egre_rxq_timeout(), egre_rxq_flush(), egre_rxq_purge(),
 * driven the way egre_session.c drives them, and checked after every event
 * against a reference model written separately from the documented rules
 * (positions unwrapped to 64 bits, a sorted list for the queue, the list of
 * the last 64 deliveries for duplicates):
 *
 * - verdicts, deliveries (which packets, in which order), the reordered
 *   and lost counts and the next number agree with the model;
 * - deliveries are strictly increasing in sequence, never a duplicate;
 * - every packet that arrived is in exactly one place: delivered, refused
 *   (duplicate, old, jump), still queued, or purged;
 * - count is the number of used slots, at most depth, every queued packet
 *   sits in slot seq & mask with seq in (next, next + depth];
 * - out.delivered is the number of deliver() calls; since the first packet,
 *   next has moved by exactly the numbers delivered plus those lost;
 * - with reorder-adaptive, no more than the learnt hold wait after an
 *   arrival, the hold is at least EGRE_REO_MIN_HOLD, and a new gap's wait
 *   lies within (0, reorder-timeout].
 *
 * Input: 7 bytes of configuration, then 3-byte events (type, 16-bit
 * big-endian argument A).
 *   byte 0     depth: < 0xf0: 0..64 (byte % 65), else 1, 2, 3, 127, 128,
 *              255, 1023 or 1024
 *   byte 1     max-ahead: & 3 = 0: depth + byte 2; 1: 32768; 2: 2^31 - 1;
 *              3: depth + bytes 2..3 << 8 (at least depth, at least 1,
 *              as egre_cfg_check() insists)
 *   byte 4     first number: & 3 selects 0, 1, 2^31 or 0xffffff00;
 *              & 4: reorder-adaptive (egre_reo, h_learn()) with a
 *              reorder-timeout of (1 + byte >> 3) * 10 ms,
 *   bytes 5..6 plus this signed 16-bit offset
 * Events, type % 16 (REF: next, or the first number before the first
 * packet); each advances the clock by (type >> 4) * 4096 us:
 *   0-3  arrival at REF + (s8)A
 *   4    arrival at REF + (s16)A
 *   5    arrival far ahead: REF + (A << 16) + (type >> 4)
 *   6    arrival near the last jump-dropped number: + (s8)A
 *   7    a recent arrival's number again (A picks which)
 *   8    burst of 1 + (A >> 12) consecutive numbers from REF + (s8)A,
 *        in reverse order if type & 0x10
 *   9    arrival at REF + max-ahead + (s8)A
 *   10   reorder timer: egre_rxq_timeout()
 *   11   egre_rxq_flush()
 *   12   egre_rxq_purge()
 *   13   new depth from A & 0xff (as byte 0), as egre_session_set_reorder()
 *        does it: flush, new slots; max-ahead raised to depth if below
 *   14   new max-ahead: A >> 14 = 0: depth + A & 0x3fff; 1: 32768;
 *        2: 2^31 - 1; 3: depth + (A & 0x3fff) << 16 (at least depth)
 *   15   type < 0x80: arrival at REF + (s8)A; else reset, as
 *        egre_session_reset(): purge, numbering starts afresh
 */
#include <stddef.h>

#include "../egre_user.h"

typedef int64_t s64;

/* -DRXQ_TRACE: print each event, to read a crash input */
#ifdef RXQ_TRACE
#include <stdio.h>
#define TRACE(...) fprintf(stderr, __VA_ARGS__)
#else
#define TRACE(...) do { } while (0)
#endif

#define DEPTH_MAX	1024
#define HIST		64	/* what the duplicate bitmap remembers */
#define BURST_MAX	16
#define POS_BASE	((u64)1 << 40)

enum { T_NEW, T_QUEUED, T_DELIVERED, T_REFUSED, T_PURGED, T_NSTATES };

struct token {
	u64 pos;		/* the model's unwrapped position */
	u32 seq;
	u8 state;
};

struct mitem {
	u64 pos;
	struct token *tok;
};

/* The reference model: the documented rules, written out plainly */
struct model {
	bool started;
	u64 next;			/* unwrapped */
	u32 depth, max_ahead, jump_seq, jump_run;
	struct mitem q[DEPTH_MAX];	/* q[head..head + nq), ascending pos */
	u32 head, nq;
	u64 hist[HIST];			/* the last HIST positions delivered */
	u32 nhist;
	/* what the current event should do */
	struct token **exp;
	u32 nexp, reordered;
	u64 lost;
};

struct harness {
	struct egre_rxq q;
	struct egre_rxq_out out;
	struct model m;
	struct token *tok;
	u32 ntok, maxtok;
	u32 nstate[T_NSTATES];
	struct token *cur;		/* the packet being offered */
	struct token **got;		/* deliveries of the current event */
	u32 ngot, maxgot;
	bool have_last;
	u32 last_seq;
	u64 last_pos;
	/* since the first packet (or a reset): the implementation's own sums */
	u32 first_seq;
	u64 sum_delivered, sum_lost;
	u32 start;			/* first number, before the first packet */
	/* reorder-adaptive, as egre_session_reo_learn() drives egre_reo */
	bool adaptive;
	struct egre_reo reo;
	u32 now_us, gap_us, max_us;
};

/* ---- the model ---- */

/* Unwrapped, in serial arithmetic from the last delivered number */
static u64 m_pos(const struct model *m, u32 seq)
{
	u64 last = m->next - 1;

	return last + (s64)(int32_t)(seq - (u32)last);
}

static void m_deliver(struct model *m, struct token *tok, u64 pos,
		      bool reordered)
{
	m->exp[m->nexp++] = tok;
	m->reordered += reordered;
	m->hist[m->nhist++ % HIST] = pos;
	m->next = pos + 1;
}

static struct mitem *m_first(struct model *m)
{
	return m->nq ? &m->q[m->head] : NULL;
}

static void m_pop(struct model *m)
{
	m->head++;
	if (!--m->nq)
		m->head = 0;
}

/* Deliver the queued run that starts at next */
static void m_run(struct model *m)
{
	struct mitem *f;

	while ((f = m_first(m)) && f->pos == m->next) {
		m_deliver(m, f->tok, f->pos, true);
		m_pop(m);
	}
}

/* Give up every number below @target: deliver what is queued there */
static void m_advance(struct model *m, u64 target)
{
	struct mitem *f;

	while ((f = m_first(m)) && f->pos < target) {
		CHECK(f->pos >= m->next);
		m->lost += f->pos - m->next;
		m_deliver(m, f->tok, f->pos, true);
		m_pop(m);
	}
	if (target > m->next) {
		m->lost += target - m->next;
		m->next = target;
	}
}

static bool m_queued(const struct model *m, u64 pos)
{
	u32 i;

	for (i = 0; i < m->nq; i++)
		if (m->q[m->head + i].pos == pos)
			return true;
	return false;
}

static void m_insert(struct model *m, u64 pos, struct token *tok)
{
	u32 i;

	if (m->head) {
		memmove(m->q, m->q + m->head, m->nq * sizeof(m->q[0]));
		m->head = 0;
	}
	CHECK(m->nq < DEPTH_MAX);
	for (i = m->nq; i && m->q[i - 1].pos > pos; i--)
		m->q[i] = m->q[i - 1];
	m->q[i].pos = pos;
	m->q[i].tok = tok;
	m->nq++;
}

static bool m_delivered(const struct model *m, u64 pos)
{
	u32 i, n = m->nhist < HIST ? m->nhist : HIST;

	for (i = 0; i < n; i++)
		if (m->hist[i] == pos)
			return true;
	return false;
}

static enum egre_rx_verdict m_in(struct model *m, u32 seq, struct token *tok)
{
	u64 pos;
	s64 d;

	if (!m->started) {
		m->started = true;
		m->next = POS_BASE + seq;
		m->jump_run = 0;
		m->nhist = 0;
		m_deliver(m, tok, m->next, false);
		m_run(m);
		return EGRE_RX_DELIVER;
	}
	pos = m_pos(m, seq);
	d = (s64)(pos - m->next);
	if (d < 0) {
		/* delivered, and the bitmap still covers it */
		if (m->next - 1 - pos < HIST && m_delivered(m, pos))
			return EGRE_RX_DUPLICATE;
		return EGRE_RX_OLD;
	}
	if (d > m->max_ahead) {
		u32 step = seq - m->jump_seq;

		if (m->jump_run && step >= 1 && step <= m->depth + 1)
			m->jump_run++;
		else
			m->jump_run = 1;
		m->jump_seq = seq;
		if (m->jump_run < EGRE_RXQ_RESYNC_RUN)
			return EGRE_RX_JUMP;
		m_advance(m, pos);
	}
	m->jump_run = 0;
	if (m->next == pos) {
		m_deliver(m, tok, pos, false);
		m_run(m);
		return EGRE_RX_DELIVER;
	}
	if (pos - m->next > m->depth) {
		m_advance(m, pos - m->depth);
		m_run(m);
		if (m->next == pos) {
			m_deliver(m, tok, pos, false);
			m_run(m);
			return EGRE_RX_DELIVER;
		}
	}
	if (m_queued(m, pos))
		return EGRE_RX_DUPLICATE;
	m_insert(m, pos, tok);
	return EGRE_RX_QUEUED;
}

static bool m_timeout(struct model *m)
{
	struct mitem *f = m_first(m);

	if (!f)
		return false;
	m_advance(m, f->pos);
	m_run(m);
	return m->nq;
}

static void m_flush(struct model *m)
{
	if (m->nq)
		m_advance(m, m->q[m->head + m->nq - 1].pos + 1);
}

/* ---- the implementation, driven as egre_session.c does ---- */

static void h_deliver(struct egre_rxq_out *out, void *item)
{
	struct harness *h = (struct harness *)((char *)out -
					       offsetof(struct harness, out));
	struct token *t = item;

	CHECK(t >= h->tok && t < h->tok + h->ntok);
	/* only the packet offered now, or one that waited, is delivered */
	CHECK(t->state == T_QUEUED || (t == h->cur && t->state == T_NEW));
	CHECK(h->ngot < h->maxgot);
	h->got[h->ngot++] = t;
	h->nstate[t->state]--;
	t->state = T_DELIVERED;
	h->nstate[T_DELIVERED]++;

	/*
	 * strictly increasing, in serial arithmetic too while it can tell
	 * (next can move on by 2^31 or more between two deliveries: skips,
	 * purge)
	 */
	if (h->have_last) {
		CHECK(t->pos > h->last_pos);
		if (t->pos - h->last_pos < 0x80000000u)
			CHECK(egre_seq_after(t->seq, h->last_seq));
	}
	h->have_last = true;
	h->last_seq = t->seq;
	h->last_pos = t->pos;
}

static void h_drop(void *ctx, void *item)
{
	struct harness *h = ctx;
	struct token *t = item;

	CHECK(t >= h->tok && t < h->tok + h->ntok);
	CHECK(t->state == T_QUEUED);
	h->nstate[T_QUEUED]--;
	t->state = T_PURGED;
	h->nstate[T_PURGED]++;
}

static void h_begin(struct harness *h)
{
	memset(&h->out, 0, sizeof(h->out));
	h->out.deliver = h_deliver;
	h->ngot = 0;
	h->m.nexp = 0;
	h->m.reordered = 0;
	h->m.lost = 0;
	h->cur = NULL;
}

static u32 slots_for(u32 depth)
{
	u32 n = 1;

	while (n < depth + 1)
		n <<= 1;
	return n;
}

/* egre_session_set_reorder() and egre_session_init(): fresh slots */
static void h_set_slots(struct harness *h, u32 depth)
{
	u32 i;

	if (h->q.slot)
		for (i = 0; i <= h->q.mask; i++)
			CHECK(!h->q.slot[i]);
	free(h->q.slot);
	h->q.mask = slots_for(depth) - 1;
	h->q.slot = depth ? calloc(h->q.mask + 1, sizeof(void *)) : NULL;
	h->q.depth = depth;
	h->m.depth = depth;
}

static void h_set_max_ahead(struct harness *h, u32 v)
{
	if (v < h->q.depth)
		v = h->q.depth;
	if (!v)
		v = 1;
	h->q.max_ahead = v;
	h->m.max_ahead = v;
}

/*
 * After every event: the implementation against the model and itself.
 * Not instrumented for coverage: its comparisons would only slow the
 * fuzzer down (by two thirds) and steer it nowhere.
 */
__attribute__((no_sanitize("coverage")))
static void h_check(struct harness *h)
{
	const struct egre_rxq *q = &h->q;
	struct model *m = &h->m;
	u32 i, used = 0;

	CHECK(h->ngot == m->nexp);
	for (i = 0; i < h->ngot; i++)
		CHECK(h->got[i] == m->exp[i]);
	CHECK(h->out.delivered == h->ngot);
	CHECK(h->out.reordered == m->reordered);
	CHECK(h->out.lost == m->lost);
	CHECK(h->out.reordered <= h->out.delivered);

	CHECK(q->started == m->started);
	CHECK(q->count == m->nq);
	CHECK(q->count <= q->depth);
	CHECK(h->nstate[T_QUEUED] == q->count);
	CHECK(h->nstate[T_NEW] == 0);
	CHECK(h->nstate[T_QUEUED] + h->nstate[T_DELIVERED] +
	      h->nstate[T_REFUSED] + h->nstate[T_PURGED] == h->ntok);
	if (q->started) {
		CHECK(q->next == (u32)m->next);
		h->sum_delivered += h->out.delivered;
		h->sum_lost += h->out.lost;
		/* next moved by exactly what was delivered or given up */
		CHECK(q->next - h->first_seq ==
		      (u32)(h->sum_delivered + h->sum_lost));
		CHECK(m->next - (POS_BASE + h->first_seq) ==
		      h->sum_delivered + h->sum_lost);
	}
	if (q->depth) {
		for (i = 0; i <= q->mask; i++) {
			const struct token *t = q->slot[i];

			if (!t)
				continue;
			used++;
			CHECK(t >= h->tok && t < h->tok + h->ntok);
			CHECK(t->state == T_QUEUED);
			CHECK((t->seq & q->mask) == i);
			CHECK(t->seq - q->next - 1 < q->depth);
		}
		/* slot of next free */
		CHECK(!q->slot[q->next & q->mask]);
	}
	CHECK(used == q->count);
	for (i = 0; i < m->nq; i++) {
		const struct mitem *it = &m->q[m->head + i];

		CHECK(q->slot[it->tok->seq & q->mask] == it->tok);
		CHECK(it->pos == it->tok->pos);
	}
}

/*
 * reorder-adaptive: what egre_session_rx() does after egre_rxq_in(): learn
 * from the verdict, give up gaps while more than the hold wait (each one a
 * timeout the model must agree with), note when a new gap opened
 */
static void h_learn(struct harness *h, enum egre_rx_verdict v, u32 count,
		    u32 next)
{
	struct egre_rxq *q = &h->q;
	u32 hold;

	if (v == EGRE_RX_OLD) {
		egre_reo_late(&h->reo, h->now_us, q->depth, h->max_us);
		return;
	}
	if (v == EGRE_RX_DELIVER && count && h->out.reordered && !h->out.lost)
		egre_reo_filled(&h->reo, h->now_us, h->out.reordered,
				h->now_us - h->gap_us);
	if (q->count > EGRE_REO_MIN_HOLD) {
		egre_reo_age(&h->reo, h->now_us);
		hold = egre_reo_hold(&h->reo);
		CHECK(hold >= EGRE_REO_MIN_HOLD);
		while (q->count > hold) {
			bool more;

			h_begin(h);
			more = egre_rxq_timeout(q, &h->out);
			CHECK(more == m_timeout(&h->m));
			h_check(h);
		}
		CHECK(q->count <= hold);
	}
	if (q->count && (!count || q->next != next)) {
		h->gap_us = h->now_us;
		egre_reo_age(&h->reo, h->gap_us);
		CHECK(egre_reo_wait_us(&h->reo, h->max_us) >= 1);
		CHECK(egre_reo_wait_us(&h->reo, h->max_us) <= h->max_us);
	}
}

static void h_arrive(struct harness *h, u32 seq)
{
	struct egre_rxq *q = &h->q;
	enum egre_rx_verdict v, mv;
	struct token *t;
	u32 next = q->next, count = q->count;

	if (h->ntok == h->maxtok)
		return;
	t = &h->tok[h->ntok++];
	t->seq = seq;
	t->pos = h->m.started ? m_pos(&h->m, seq) : POS_BASE + seq;
	t->state = T_NEW;
	h->nstate[T_NEW]++;
	h_begin(h);
	h->cur = t;
	if (!q->started) {
		h->first_seq = seq;
		h->sum_delivered = 0;
		h->sum_lost = 0;
		h->have_last = false;
	}
	mv = m_in(&h->m, seq, t);
	v = egre_rxq_in(q, seq, t, &h->out);
	TRACE("in %#x: verdict %d (model %d), next %#x, count %u, delivered %u, lost %u\n",
	      seq, v, mv, q->next, q->count, h->out.delivered, h->out.lost);
	CHECK(v == mv);
	switch (v) {
	case EGRE_RX_DELIVER:
		CHECK(t->state == T_DELIVERED);
		break;
	case EGRE_RX_QUEUED:
		CHECK(t->state == T_NEW);
		h->nstate[T_NEW]--;
		t->state = T_QUEUED;
		h->nstate[T_QUEUED]++;
		break;
	case EGRE_RX_DUPLICATE:
	case EGRE_RX_OLD:
	case EGRE_RX_JUMP:
		/* refused: nothing moves */
		CHECK(t->state == T_NEW);
		CHECK(!h->ngot && !h->out.lost);
		CHECK(q->next == next && q->count == count);
		h->nstate[T_NEW]--;
		t->state = T_REFUSED;
		h->nstate[T_REFUSED]++;
		break;
	default:
		CHECK(0);
	}
	h_check(h);
	if (h->adaptive && q->depth)
		h_learn(h, v, count, next);
}

static u32 depth_from(u8 b)
{
	static const u32 big[8] = { 1, 2, 3, 127, 128, 255, 1023, 1024 };

	return b < 0xf0 ? b % 65 : big[b & 7];
}

/* max-ahead selector: depth + small, 32768, 2^31 - 1 or depth + big */
static u32 ahead_from(u32 sel, u32 depth, u32 small, u32 big)
{
	switch (sel) {
	case 0:
		return depth + small;
	case 1:
		return 32768;
	case 2:
		return 0x7fffffff;
	default:
		return depth + big;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u32 starts[4] = { 0, 1, 0x80000000u, 0xffffff00u };
	struct harness *h;
	u32 n, depth;
	size_t p;

	if (size < 7)
		return 0;
	h = calloc(1, sizeof(*h));
	h->maxtok = (size / 3 + 1) * BURST_MAX;
	h->tok = calloc(h->maxtok, sizeof(*h->tok));
	h->maxgot = h->maxtok;
	h->got = calloc(h->maxgot, sizeof(*h->got));
	h->m.exp = calloc(h->maxgot, sizeof(*h->m.exp));

	depth = depth_from(data[0]);
	h_set_slots(h, depth);
	h_set_max_ahead(h, ahead_from(data[1] & 3, depth, data[2],
				      (u32)data[2] << 16 | (u32)data[3] << 8));
	h->start = starts[data[4] & 3] + (u32)(int16_t)egre_get_be16(data + 5);
	h->adaptive = data[4] & 4;
	h->max_us = (1 + (data[4] >> 3)) * 10000;

	for (p = 7; p + 3 <= size; p += 3) {
		u8 t = data[p];
		u16 a = egre_get_be16(data + p + 1);
		u32 ref = h->q.started ? h->q.next : h->start;
		u32 i, seq;

		h->now_us += (u32)(t >> 4) << 12;
		TRACE("event %u (%#x) A %#x: depth %u max-ahead %#x\n", t % 16,
		      t, a, h->q.depth, h->q.max_ahead);
		switch (t % 16) {
		case 0: case 1: case 2: case 3:
			h_arrive(h, ref + (u32)(int8_t)a);
			break;
		case 4:
			h_arrive(h, ref + (u32)(int16_t)a);
			break;
		case 5:
			h_arrive(h, ref + ((u32)a << 16) + (t >> 4));
			break;
		case 6:
			h_arrive(h, h->q.jump_seq + (u32)(int8_t)a);
			break;
		case 7:
			if (!h->ntok) {
				h_arrive(h, ref);
				break;
			}
			n = h->ntok < 512 ? h->ntok : 512;
			h_arrive(h, h->tok[h->ntok - 1 - a % n].seq);
			break;
		case 8:
			n = 1 + (a >> 12);
			seq = ref + (u32)(int8_t)a;
			for (i = 0; i < n; i++)
				h_arrive(h, t & 0x10 ? seq + n - 1 - i : seq + i);
			break;
		case 9:
			h_arrive(h, ref + h->q.max_ahead + (u32)(int8_t)a);
			break;
		case 10: {
			bool more;

			h_begin(h);
			more = egre_rxq_timeout(&h->q, &h->out);
			CHECK(more == m_timeout(&h->m));
			CHECK(more == !!h->q.count);
			h_check(h);
			break;
		}
		case 11:
			h_begin(h);
			egre_rxq_flush(&h->q, &h->out);
			m_flush(&h->m);
			CHECK(!h->q.count);
			h_check(h);
			break;
		case 12:
			h_begin(h);
			n = h->q.count;
			CHECK(egre_rxq_purge(&h->q, h_drop, h) == n);
			h->m.nq = 0;
			h->m.head = 0;
			h_check(h);
			break;
		case 13:
			h_begin(h);
			egre_rxq_flush(&h->q, &h->out);
			m_flush(&h->m);
			h_check(h);
			h_set_slots(h, depth_from(a & 0xff));
			h_set_max_ahead(h, h->q.max_ahead);
			h_begin(h);
			h_check(h);
			break;
		case 14:
			h_set_max_ahead(h, ahead_from(a >> 14, h->q.depth,
						      a & 0x3fff,
						      (u32)(a & 0x3fff) << 16));
			break;
		case 15:
			if (t < 0x80) {
				h_arrive(h, ref + (u32)(int8_t)a);
				break;
			}
			/* egre_session_reset() */
			h_begin(h);
			n = h->q.count;
			CHECK(egre_rxq_purge(&h->q, h_drop, h) == n);
			h->q.started = false;
			h->q.next = 0;
			h->q.seen = 0;
			h->q.jump_run = 0;
			memset(&h->m.q, 0, sizeof(h->m.q));
			h->m.nq = 0;
			h->m.head = 0;
			h->m.started = false;
			h->m.jump_run = 0;
			memset(&h->reo, 0, sizeof(h->reo));
			h_check(h);
			break;
		}
	}

	/* the end of the call: whatever waits is dropped, all accounted for */
	h_begin(h);
	n = h->q.count;
	CHECK(egre_rxq_purge(&h->q, h_drop, h) == n);
	CHECK(!h->q.count && !h->nstate[T_QUEUED] && !h->nstate[T_NEW]);
	CHECK(h->nstate[T_DELIVERED] + h->nstate[T_REFUSED] +
	      h->nstate[T_PURGED] == h->ntok);
	free(h->q.slot);
	free(h->m.exp);
	free(h->got);
	free(h->tok);
	free(h);
	return 0;
}
