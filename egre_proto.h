/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Enhanced GRE (RFC 2637 section 4.1) wire format and sequence arithmetic.
 *
 * Everything here is a pure function of its arguments: no kernel objects, no
 * locking, no allocation.  The same header compiles in userspace (see the
 * fuzz and unit harnesses), so the receive-side validator that guards the
 * kernel is exactly the code that is fuzzed.  Multi-byte fields are read and
 * written byte by byte in network order: no alignment or endianness
 * assumptions.
 */
#ifndef _EGRE_PROTO_H
#define _EGRE_PROTO_H

/* Userspace includers provide u8..u64, s32 and bool first */
#ifdef __KERNEL__
#include <linux/types.h>
#endif

#define EGRE_GRE_PROTO_PPP	0x880b	/* GRE protocol type: PPP */
#define EGRE_GRE_VERSION	1

/* Flag word (first 16 bits of the header, host order after decoding) */
#define EGRE_F_CSUM		0x8000	/* C: must be 0 */
#define EGRE_F_ROUTING		0x4000	/* R: must be 0 */
#define EGRE_F_KEY		0x2000	/* K: must be 1 */
#define EGRE_F_SEQ		0x1000	/* S: sequence number present */
#define EGRE_F_SSR		0x0800	/* s: must be 0 */
#define EGRE_F_RECUR		0x0700	/* recursion control: must be 0 */
#define EGRE_F_ACK		0x0080	/* A: acknowledgment number present */
#define EGRE_F_RESERVED		0x0078	/* flags: must be 0 */
#define EGRE_F_VERSION		0x0007	/* version: must be 1 */

#define EGRE_F_MUST_BE_ZERO	(EGRE_F_CSUM | EGRE_F_ROUTING | EGRE_F_SSR | \
				 EGRE_F_RECUR | EGRE_F_RESERVED)

#define EGRE_HDR_BASE_LEN	8	/* flags, protocol, key */
#define EGRE_HDR_MAX_LEN	16	/* plus sequence and ack numbers */
#define EGRE_HDR_ACK_ONLY_LEN	12	/* lone ack: S=0, A=1 */

/* PPP framing carried inside */
#define EGRE_PPP_ADDRESS	0xff
#define EGRE_PPP_CONTROL	0x03
#define EGRE_PPP_IP		0x0021
#define EGRE_PPP_IPV6		0x0057
#define EGRE_PPP_MAX_HDR_LEN	4	/* FF 03 + 2-byte protocol */

/* Worst-case encapsulation overhead over the inner packet: IPv4 + GRE + PPP */
#define EGRE_OVERHEAD		(20 + EGRE_HDR_MAX_LEN + EGRE_PPP_MAX_HDR_LEN)

enum egre_parse_result {
	EGRE_PARSE_OK,
	EGRE_PARSE_BAD_HEADER,	/* not enhanced GRE as RFC 2637 defines it */
	EGRE_PARSE_BAD_LENGTH,	/* truncated, or payload length inconsistent */
};

struct egre_hdr_info {
	u32 seq;
	u32 ack;
	u16 call_id;		/* low half of the Key: the receiver's Call ID */
	u16 payload_len;	/* high half of the Key: PPP frame length */
	u8 hdr_len;
	bool has_seq;
	bool has_ack;
};

static inline u16 egre_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 egre_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void egre_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void egre_put_be32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

/**
 * egre_parse_hdr - validate and decode an enhanced GRE header
 * @p: first byte of the GRE header
 * @avail: bytes readable at @p (at least min(@total, EGRE_HDR_MAX_LEN))
 * @total: bytes from @p to the end of the packet
 * @h: decoded fields, valid only when EGRE_PARSE_OK is returned
 *
 * Strict: C, R, s, recursion and the reserved flags must be clear, K set,
 * version 1, protocol 0x880B.  A packet must carry a sequence number, an
 * acknowledgment, or both; a sequenced packet carries a non-empty payload
 * that fits in the packet, and an unsequenced one (a lone ack) none.
 */
static inline enum egre_parse_result
egre_parse_hdr(const u8 *p, unsigned int avail, unsigned int total,
	       struct egre_hdr_info *h)
{
	unsigned int off = EGRE_HDR_BASE_LEN;
	u16 flags;

	if (avail > total)
		avail = total;
	if (avail < EGRE_HDR_BASE_LEN)
		return EGRE_PARSE_BAD_LENGTH;

	flags = egre_get_be16(p);
	if ((flags & EGRE_F_MUST_BE_ZERO) || !(flags & EGRE_F_KEY) ||
	    (flags & EGRE_F_VERSION) != EGRE_GRE_VERSION ||
	    egre_get_be16(p + 2) != EGRE_GRE_PROTO_PPP)
		return EGRE_PARSE_BAD_HEADER;

	h->has_seq = !!(flags & EGRE_F_SEQ);
	h->has_ack = !!(flags & EGRE_F_ACK);
	if (!h->has_seq && !h->has_ack)
		return EGRE_PARSE_BAD_HEADER;

	h->payload_len = egre_get_be16(p + 4);
	h->call_id = egre_get_be16(p + 6);
	h->hdr_len = EGRE_HDR_BASE_LEN + 4 * h->has_seq + 4 * h->has_ack;
	if (avail < h->hdr_len)
		return EGRE_PARSE_BAD_LENGTH;

	h->seq = 0;
	h->ack = 0;
	if (h->has_seq) {
		h->seq = egre_get_be32(p + off);
		off += 4;
	}
	if (h->has_ack)
		h->ack = egre_get_be32(p + off);

	if (h->has_seq ? h->payload_len == 0 : h->payload_len != 0)
		return EGRE_PARSE_BAD_LENGTH;
	if (h->payload_len > total - h->hdr_len)
		return EGRE_PARSE_BAD_LENGTH;
	return EGRE_PARSE_OK;
}

/**
 * egre_hdr_len - length of the header egre_build_hdr() writes
 * @has_seq: a sequence number (and so a payload) is present
 * @has_ack: an acknowledgment number is present
 */
static inline unsigned int egre_hdr_len(bool has_seq, bool has_ack)
{
	return EGRE_HDR_BASE_LEN + 4 * has_seq + 4 * has_ack;
}

/**
 * egre_build_hdr - write an enhanced GRE header
 * @p: destination, egre_hdr_len(@has_seq, @has_ack) bytes
 * @payload_len: PPP frame length (0 for a lone ack)
 * @peer_call_id: the Call ID the peer expects in the Key
 * @has_seq: include @seq (a data packet)
 * @seq: sequence number
 * @has_ack: include @ack
 * @ack: acknowledgment number
 */
static inline void egre_build_hdr(u8 *p, u16 payload_len, u16 peer_call_id,
				  bool has_seq, u32 seq, bool has_ack, u32 ack)
{
	unsigned int off = EGRE_HDR_BASE_LEN;
	u16 flags = EGRE_F_KEY | EGRE_GRE_VERSION;

	if (has_seq)
		flags |= EGRE_F_SEQ;
	if (has_ack)
		flags |= EGRE_F_ACK;
	egre_put_be16(p, flags);
	egre_put_be16(p + 2, EGRE_GRE_PROTO_PPP);
	egre_put_be16(p + 4, payload_len);
	egre_put_be16(p + 6, peer_call_id);
	if (has_seq) {
		egre_put_be32(p + off, seq);
		off += 4;
	}
	if (has_ack)
		egre_put_be32(p + off, ack);
}

/* Serial-number arithmetic (RFC 1982 style) on 32-bit sequence numbers */
static inline s32 egre_seq_diff(u32 a, u32 b)
{
	return (s32)(a - b);
}

static inline bool egre_seq_after(u32 a, u32 b)
{
	return egre_seq_diff(a, b) > 0;
}

/**
 * egre_ack_valid - does an acknowledgment name a number we sent?
 * @next: the next sequence number we would send
 * @sent_any: at least one sequenced packet was sent
 * @ack: the peer's acknowledgment number
 *
 * Valid acks lie within the 2^31 numbers below @next (serial arithmetic).
 */
static inline bool egre_ack_valid(u32 next, bool sent_any, u32 ack)
{
	return sent_any && egre_seq_diff(next - 1, ack) >= 0;
}

/*
 * Receive sequence state: the next number to deliver, a bitmap of the 64
 * numbers below it (bit i set: next - 1 - i was delivered), and the reorder
 * queue, a ring of @mask + 1 slots for the numbers next + 1 .. next + depth
 * (slot seq & mask; more slots than depth, so that next's own slot is always
 * free).  The caller provides the slots and a way to hand items
 * on; items are opaque here.  Every item given to egre_rxq_in() is either
 * delivered (at once or from the queue), refused (the return value says
 * why), or still queued: egre_rxq_flush() and egre_rxq_purge() empty the
 * queue.
 */
#define EGRE_RXQ_SEEN_BITS	64
#define EGRE_RXQ_RESYNC_RUN	3	/* jump-dropped packets that resync */

struct egre_rxq {
	u64 seen;
	u32 next;		/* next sequence number to deliver */
	u32 depth;		/* 0: no queue, deliver ahead at once */
	u32 mask;		/* slots - 1; slots > depth, a power of 2 */
	u32 count;		/* items queued */
	u32 max_ahead;		/* largest accepted next..seq distance */
	u32 jump_seq;		/* last jump-dropped number */
	u32 jump_run;		/* consecutive jump drops that follow on */
	bool started;
	void **slot;
};

/* What the caller learns from one call: deliveries, and gaps skipped */
struct egre_rxq_out {
	void (*deliver)(struct egre_rxq_out *out, void *item);
	u32 delivered;		/* items handed to deliver() */
	u32 reordered;		/* of which had waited in the queue */
	u32 lost;		/* sequence numbers skipped */
};

enum egre_rx_verdict {
	EGRE_RX_DELIVER,	/* in order: delivered (with any it released) */
	EGRE_RX_QUEUED,		/* ahead: held until the gap fills or times out */
	EGRE_RX_DUPLICATE,	/* delivered or queued before: refused */
	EGRE_RX_OLD,		/* behind, never delivered (skipped): refused */
	EGRE_RX_JUMP,		/* more than max_ahead ahead: refused */
};

/* Advance past next: deliver what waits there, or count it lost */
static inline void egre_rxq_step(struct egre_rxq *q, struct egre_rxq_out *o)
{
	void **slot = &q->slot[q->next & q->mask];

	q->seen <<= 1;
	if (q->depth && *slot) {
		void *item = *slot;

		*slot = NULL;
		q->count--;
		q->seen |= 1;
		o->delivered++;
		o->reordered++;
		o->deliver(o, item);
	} else {
		o->lost++;
	}
	q->next++;
}

/* Skip @n numbers from next on, delivering what is queued among them */
static inline void egre_rxq_skip(struct egre_rxq *q, u32 n,
				 struct egre_rxq_out *o)
{
	while (n && q->count) {
		egre_rxq_step(q, o);
		n--;
	}
	if (!n)
		return;
	/* nothing queued: jump at once */
	q->seen = n >= EGRE_RXQ_SEEN_BITS ? 0 : q->seen << n;
	q->next += n;
	o->lost += n;
}

/* Deliver the run of queued items that starts at next */
static inline void egre_rxq_drain(struct egre_rxq *q, struct egre_rxq_out *o)
{
	while (q->count && q->slot[q->next & q->mask])
		egre_rxq_step(q, o);
}

static inline void egre_rxq_deliver_next(struct egre_rxq *q, void *item,
					 struct egre_rxq_out *o)
{
	q->seen = q->seen << 1 | 1;
	q->next++;
	o->delivered++;
	o->deliver(o, item);
	egre_rxq_drain(q, o);
}

/**
 * egre_rxq_in - account one received sequenced packet
 * @q: receive state
 * @seq: its sequence number
 * @item: the packet, delivered through @o or queued (only when the verdict
 *	is EGRE_RX_DELIVER or EGRE_RX_QUEUED; otherwise the caller keeps it)
 * @o: deliveries and losses, accumulated
 *
 * The first packet sets the numbering (Linux peers start at 1, Windows at
 * 0).  A packet more than @q->max_ahead ahead is refused, so a single
 * spoofed or corrupted number cannot move the session; a run of
 * EGRE_RXQ_RESYNC_RUN refused packets numbered close to each other (each at
 * most depth + 1 after the previous) is a peer that really jumped, and the
 * session follows it.
 */
static inline enum egre_rx_verdict
egre_rxq_in(struct egre_rxq *q, u32 seq, void *item, struct egre_rxq_out *o)
{
	u32 d, back;

	if (!q->started) {
		q->started = true;
		q->next = seq;
		q->seen = 0;
		q->jump_run = 0;
		egre_rxq_deliver_next(q, item, o);
		return EGRE_RX_DELIVER;
	}

	/* at or behind the last delivered number (serial arithmetic) */
	if (egre_seq_diff(seq, q->next - 1) <= 0) {
		back = q->next - 1 - seq;
		if (back < EGRE_RXQ_SEEN_BITS && (q->seen >> back) & 1)
			return EGRE_RX_DUPLICATE;
		return EGRE_RX_OLD;
	}
	d = seq - q->next;
	if (d > q->max_ahead) {
		if (q->jump_run && seq - q->jump_seq - 1 <= q->depth)
			q->jump_run++;
		else
			q->jump_run = 1;
		q->jump_seq = seq;
		if (q->jump_run < EGRE_RXQ_RESYNC_RUN)
			return EGRE_RX_JUMP;
		/* the peer moved on: release what waits, restart at seq */
		egre_rxq_skip(q, d, o);
		d = 0;
	}
	q->jump_run = 0;

	if (d == 0) {
		egre_rxq_deliver_next(q, item, o);
		return EGRE_RX_DELIVER;
	}
	if (d > q->depth) {
		/* beyond the queue: give up the oldest numbers */
		egre_rxq_skip(q, d - q->depth, o);
		egre_rxq_drain(q, o);
		if (q->next == seq) {
			egre_rxq_deliver_next(q, item, o);
			return EGRE_RX_DELIVER;
		}
	}
	if (q->slot[seq & q->mask])
		return EGRE_RX_DUPLICATE;
	q->slot[seq & q->mask] = item;
	q->count++;
	return EGRE_RX_QUEUED;
}

/**
 * egre_rxq_timeout - the gap at next did not fill in time: skip it
 * @q: receive state
 * @o: deliveries and losses
 *
 * Skips the missing numbers up to the first queued packet and delivers the
 * run that starts there.  Returns true when something is still queued (a
 * further gap, which gets its own timeout).
 */
static inline bool egre_rxq_timeout(struct egre_rxq *q, struct egre_rxq_out *o)
{
	if (!q->count)
		return false;
	while (!q->slot[q->next & q->mask])
		egre_rxq_step(q, o);
	egre_rxq_drain(q, o);
	return q->count;
}

/* Deliver everything queued in order, skipping every gap */
static inline void egre_rxq_flush(struct egre_rxq *q, struct egre_rxq_out *o)
{
	while (q->count)
		egre_rxq_step(q, o);
}

/**
 * egre_rxq_purge - take everything out of the queue without delivering it
 * @q: receive state
 * @drop: called for each queued item
 * @ctx: passed to @drop
 *
 * Returns the number of items dropped.
 */
static inline u32 egre_rxq_purge(struct egre_rxq *q,
				 void (*drop)(void *ctx, void *item), void *ctx)
{
	u32 i, n = 0;

	for (i = 0; q->count && i <= q->mask; i++) {
		if (q->slot[i]) {
			drop(ctx, q->slot[i]);
			q->slot[i] = NULL;
			q->count--;
			n++;
		}
	}
	return n;
}

/*
 * Adaptive hold (reorder-adaptive on): how many packets may pile up behind
 * a gap, and for how long, before the gap is given up, learnt from the
 * reordering this session has actually seen, in the spirit of TCP's RACK.
 * A gap that fills gives two samples: the packets that had overtaken the
 * late one (its displacement) and how long the gap stayed open.  Each
 * estimate is the largest sample of the current and the previous period
 * of EGRE_REO_PERIOD_US (a windowed maximum: it follows the worst recent
 * reordering and forgets it within two periods once it stops).  A packet
 * that arrives after its gap was given up (EGRE_RX_OLD) shows the hold was
 * too short: both double, within reorder-depth and reorder-timeout.  A path
 * that only loses packets never fills a gap, so a loss costs the next
 * EGRE_REO_MIN_HOLD packets' worth of waiting, not a timeout; a path that
 * reorders learns to wait as long as it needs.  The estimates age whenever
 * they are used (a gap opens, or more than EGRE_REO_MIN_HOLD packets wait),
 * so reordering that stopped is forgotten even when no gap fills again.
 * Times are u32 microseconds (differences only): after more than 71 idle
 * minutes an old estimate may survive one more period.
 */
#define EGRE_REO_MIN_HOLD	3	/* packets behind a gap, at least */
#define EGRE_REO_MIN_US		1000	/* wait for a gap, at least */
#define EGRE_REO_PERIOD_US	1000000	/* windowed-maximum period */

struct egre_reo {
	u32 disp, disp_prev;	/* packets that overtake a late one */
	u32 fill_us, fill_prev;	/* how long a gap stays open */
	u32 period_us;		/* start of the current period */
	bool started;
};

/* Move to a new period when the current one is over */
static inline void egre_reo_age(struct egre_reo *r, u32 now_us)
{
	u32 age = now_us - r->period_us;

	if (!r->started) {
		r->started = true;
		r->period_us = now_us;
		return;
	}
	if (age < EGRE_REO_PERIOD_US)
		return;
	if (age < 2 * EGRE_REO_PERIOD_US) {
		r->disp_prev = r->disp;
		r->fill_prev = r->fill_us;
	} else {
		r->disp_prev = 0;
		r->fill_prev = 0;
	}
	r->disp = 0;
	r->fill_us = 0;
	r->period_us = now_us;
}

/* A gap was closed by its packet: @pkts had overtaken it, it took @us */
static inline void egre_reo_filled(struct egre_reo *r, u32 now_us, u32 pkts,
				   u32 us)
{
	egre_reo_age(r, now_us);
	if (pkts > r->disp)
		r->disp = pkts;
	if (us > r->fill_us)
		r->fill_us = us;
}

static inline u32 egre_reo_disp(const struct egre_reo *r)
{
	return r->disp > r->disp_prev ? r->disp : r->disp_prev;
}

static inline u32 egre_reo_fill_us(const struct egre_reo *r)
{
	return r->fill_us > r->fill_prev ? r->fill_us : r->fill_prev;
}

/* A packet came after its gap was given up: wait longer, within bounds */
static inline void egre_reo_late(struct egre_reo *r, u32 now_us, u32 depth,
				 u32 max_us)
{
	u32 disp = egre_reo_disp(r), fill = egre_reo_fill_us(r);

	egre_reo_age(r, now_us);
	disp = disp > depth / 2 ? depth : 2 * disp;
	if (disp < 2 * EGRE_REO_MIN_HOLD)
		disp = 2 * EGRE_REO_MIN_HOLD;
	fill = fill > max_us / 2 ? max_us : 2 * fill;
	if (fill < 2 * EGRE_REO_MIN_US)
		fill = 2 * EGRE_REO_MIN_US;
	if (disp > r->disp)
		r->disp = disp;
	if (fill > r->fill_us)
		r->fill_us = fill;
}

/* Packets that may wait behind a gap before it is given up */
static inline u32 egre_reo_hold(const struct egre_reo *r)
{
	u32 disp = egre_reo_disp(r);

	return disp > 0x7fffffffU ? 0xffffffffU :
	       disp * 2 > EGRE_REO_MIN_HOLD ? disp * 2 : EGRE_REO_MIN_HOLD;
}

/* How long a new gap may stay open, in microseconds, at most @max_us */
static inline u32 egre_reo_wait_us(const struct egre_reo *r, u32 max_us)
{
	u32 fill = egre_reo_fill_us(r);
	u32 us = fill > 0x7fffffffU ? 0xffffffffU : fill * 2;

	if (us < EGRE_REO_MIN_US)
		us = EGRE_REO_MIN_US;
	return us < max_us ? us : max_us;
}

#endif /* _EGRE_PROTO_H */
