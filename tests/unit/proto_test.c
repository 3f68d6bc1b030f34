// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests of egre_proto.h, the pure wire-format and sequence
 * code the module uses: known vectors (hand-written from RFC 2637 and the
 * tcpdump/xdp2 capture values), the build/parse round trip, every
 * rejection class, and the receive state machine (egre_rxq_*: window,
 * reorder queue, timeout, max-ahead and resync) across the 2^32 wrap.
 * Prints KTAP; "make -C tests/unit check" builds it with sanitizers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "../egre_user.h"

/* EGRE_MAX_AHEAD_DEFAULT in include/uapi/linux/egre.h */
#define MAX_AHEAD	32768

static int n, failed;

static void ok(bool cond, const char *what)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d %s\n", cond ? "" : "not ", n, what);
}

static enum egre_parse_result parse(const u8 *p, unsigned int len,
				    struct egre_hdr_info *h)
{
	return egre_parse_hdr(p, len, len, h);
}

static void test_vectors(void)
{
	/* data, S+A: call 6016, seq 430001, ack 539254, length 103 */
	static const u8 full[16 + 103] = {
		0x30, 0x81, 0x88, 0x0b, 0x00, 0x67, 0x17, 0x80,
		0x00, 0x06, 0x8f, 0xb1, 0x00, 0x08, 0x3a, 0x76,
	};
	/* lone ack: flags 0x2081, length 0, call 2, ack 9 */
	static const u8 ack[12] = {
		0x20, 0x81, 0x88, 0x0b, 0x00, 0x00, 0x00, 0x02,
		0x00, 0x00, 0x00, 0x09,
	};
	struct egre_hdr_info h;
	u8 buf[16];

	ok(parse(full, sizeof(full), &h) == EGRE_PARSE_OK &&
	   h.call_id == 6016 && h.seq == 430001 && h.ack == 539254 &&
	   h.payload_len == 103 && h.hdr_len == 16 && h.has_seq &&
	   h.has_ack, "capture vector: data with seq and ack");
	ok(parse(ack, sizeof(ack), &h) == EGRE_PARSE_OK && !h.has_seq &&
	   h.has_ack && h.ack == 9 && h.call_id == 2 && h.hdr_len == 12,
	   "lone ack vector");
	egre_build_hdr(buf, 103, 6016, true, 430001, true, 539254);
	ok(!memcmp(buf, full, 16), "build reproduces the capture header");
	egre_build_hdr(buf, 0, 2, false, 0, true, 9);
	ok(!memcmp(buf, ack, 12), "build reproduces a lone ack");
	egre_build_hdr(buf, 88, 1, true, 0, false, 0);
	ok(buf[0] == 0x30 && buf[1] == 0x01 && egre_hdr_len(true, false) == 12,
	   "data without ack: flags 0x3001, 12 bytes");
}

static void test_rejects(void)
{
	static const struct {
		u16 flags;
		u16 proto;
		enum egre_parse_result want;
		const char *what;
	} c[] = {
		{ 0x3001, 0x0800, EGRE_PARSE_BAD_HEADER, "protocol not PPP" },
		{ 0xb001, 0x880b, EGRE_PARSE_BAD_HEADER, "C bit" },
		{ 0x7001, 0x880b, EGRE_PARSE_BAD_HEADER, "R bit" },
		{ 0x1001, 0x880b, EGRE_PARSE_BAD_HEADER, "K clear" },
		{ 0x3801, 0x880b, EGRE_PARSE_BAD_HEADER, "s bit" },
		{ 0x3401, 0x880b, EGRE_PARSE_BAD_HEADER, "recursion" },
		{ 0x3009, 0x880b, EGRE_PARSE_BAD_HEADER, "reserved flag" },
		{ 0x3000, 0x880b, EGRE_PARSE_BAD_HEADER, "version 0" },
		{ 0x3002, 0x880b, EGRE_PARSE_BAD_HEADER, "version 2" },
		{ 0x2001, 0x880b, EGRE_PARSE_BAD_HEADER, "neither S nor A" },
	};
	struct egre_hdr_info h;
	u8 p[64] = { 0 };
	unsigned int i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		egre_put_be16(p, c[i].flags);
		egre_put_be16(p + 2, c[i].proto);
		egre_put_be16(p + 4, 4);
		ok(parse(p, 20, &h) == c[i].want, c[i].what);
	}
	egre_build_hdr(p, 4, 1, true, 1, true, 1);
	ok(parse(p, 7, &h) == EGRE_PARSE_BAD_LENGTH, "shorter than 8");
	ok(parse(p, 15, &h) == EGRE_PARSE_BAD_LENGTH, "S+A in 15 bytes");
	ok(parse(p, 19, &h) == EGRE_PARSE_BAD_LENGTH, "payload beyond packet");
	ok(parse(p, 20, &h) == EGRE_PARSE_OK, "payload exactly fits");
	ok(parse(p, 30, &h) == EGRE_PARSE_OK && h.payload_len == 4,
	   "trailing bytes allowed (trimmed by the caller)");
	ok(egre_parse_hdr(p, 12, 20, &h) == EGRE_PARSE_BAD_LENGTH,
	   "header not readable");
	egre_build_hdr(p, 0, 1, true, 1, false, 0);
	ok(parse(p, 12, &h) == EGRE_PARSE_BAD_LENGTH, "S with empty payload");
	egre_build_hdr(p, 4, 1, false, 0, true, 1);
	ok(parse(p, 16, &h) == EGRE_PARSE_BAD_LENGTH, "lone ack with payload");
}

/*
 * The receive state machine, egre_rxq_* (depth 0 is the old plain window).
 * Each operation starts a fresh egre_rxq_out; the deliveries it made are
 * recorded in t->got.
 */
#define RXT_ITEMS	1024

struct rxt {
	struct egre_rxq q;
	struct egre_rxq_out out;
	u32 got[64];
	unsigned int ngot;
	u32 item[RXT_ITEMS];	/* the packets: their sequence numbers */
	unsigned int nitem;
	unsigned int dropped;
	u32 drop_sum;
};

static void rxt_deliver(struct egre_rxq_out *out, void *item)
{
	struct rxt *t = (struct rxt *)((char *)out - offsetof(struct rxt, out));

	if (t->ngot < sizeof(t->got) / sizeof(t->got[0]))
		t->got[t->ngot] = *(u32 *)item;
	t->ngot++;
}

/* egre_session_set_reorder(): roundup_pow_of_two(depth + 1) slots */
static void rxt_slots(struct rxt *t, u32 depth)
{
	u32 n = 1;

	while (n < depth + 1)
		n <<= 1;
	free(t->q.slot);
	t->q.depth = depth;
	t->q.mask = n - 1;
	t->q.slot = depth ? calloc(n, sizeof(void *)) : NULL;
}

static void rxt_init(struct rxt *t, u32 depth, u32 max_ahead)
{
	free(t->q.slot);
	memset(t, 0, sizeof(*t));
	rxt_slots(t, depth);
	t->q.max_ahead = max_ahead;
}

static void rxt_begin(struct rxt *t)
{
	memset(&t->out, 0, sizeof(t->out));
	t->out.deliver = rxt_deliver;
	t->ngot = 0;
}

static enum egre_rx_verdict in(struct rxt *t, u32 seq)
{
	u32 *item = &t->item[t->nitem++ % RXT_ITEMS];

	rxt_begin(t);
	*item = seq;
	return egre_rxq_in(&t->q, seq, item, &t->out);
}

static bool timeout(struct rxt *t)
{
	rxt_begin(t);
	return egre_rxq_timeout(&t->q, &t->out);
}

/* Exactly these were delivered by the last operation, in this order */
static bool got(struct rxt *t, unsigned int n, ...)
{
	bool same = t->ngot == n && t->out.delivered == n;
	unsigned int i;
	va_list ap;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		if (va_arg(ap, u32) != t->got[i])
			same = false;
	va_end(ap);
	return same;
}

/* The queue's own invariants: count, slot placement, range */
static bool sane(const struct rxt *t)
{
	const struct egre_rxq *q = &t->q;
	u32 i, used = 0;

	if (!q->depth)
		return !q->count;
	for (i = 0; i <= q->mask; i++) {
		u32 seq;

		if (!q->slot[i])
			continue;
		used++;
		seq = *(u32 *)q->slot[i];
		if ((seq & q->mask) != i || seq - q->next - 1 >= q->depth)
			return false;
	}
	return used == q->count && q->count <= q->depth;
}

static void rxt_drop(void *ctx, void *item)
{
	struct rxt *t = ctx;

	t->dropped++;
	t->drop_sum += *(u32 *)item;
}

/* depth 0: a plain window, what egre_rxwin_check() was */
static void test_window(void)
{
	struct rxt t = { 0 };
	u32 s;

	rxt_init(&t, 0, MAX_AHEAD);
	ok(in(&t, 1) == EGRE_RX_DELIVER && got(&t, 1, 1) && !t.out.lost &&
	   t.q.next == 2, "first packet delivered at 1");
	ok(in(&t, 1) == EGRE_RX_DUPLICATE && got(&t, 0), "dup of last");
	ok(in(&t, 5) == EGRE_RX_DELIVER && got(&t, 1, 5) && t.out.lost == 3 &&
	   !t.out.reordered, "depth 0: ahead delivered at once, gap of 3 lost");
	ok(in(&t, 3) == EGRE_RX_OLD && got(&t, 0) && !t.out.lost,
	   "late unseen: old");
	ok(in(&t, 1) == EGRE_RX_DUPLICATE, "older delivered: duplicate");
	ok(in(&t, 6 - 65) == EGRE_RX_OLD, "behind the bitmap: old");
	ok(in(&t, 0x80000005) == EGRE_RX_OLD && t.q.next == 6,
	   "2^31 after the last delivered is behind");
	ok(in(&t, 0x80000004) == EGRE_RX_JUMP && t.q.next == 6,
	   "2^31 - 1 after it: ahead, beyond max-ahead");
	ok(sane(&t), "depth 0: nothing queued");

	rxt_init(&t, 0, MAX_AHEAD);
	in(&t, 0xfffffffe);
	ok(in(&t, 0xffffffff) == EGRE_RX_DELIVER && got(&t, 1, 0xffffffff) &&
	   !t.out.lost, "up to 0xffffffff");
	ok(in(&t, 0) == EGRE_RX_DELIVER && got(&t, 1, 0) && !t.out.lost,
	   "wraps to 0");
	ok(in(&t, 0xffffffff) == EGRE_RX_DUPLICATE, "duplicate across the wrap");
	ok(in(&t, 3) == EGRE_RX_DELIVER && t.out.lost == 2,
	   "loss right after the wrap");
	ok(in(&t, 4 + 64) == EGRE_RX_DELIVER && t.out.lost == 64 &&
	   t.q.next == 69 && in(&t, 67) == EGRE_RX_OLD &&
	   in(&t, 3) == EGRE_RX_OLD && in(&t, 68) == EGRE_RX_DUPLICATE,
	   "gap of exactly 64 (the bitmap's width)");
	ok(in(&t, 69 + MAX_AHEAD) == EGRE_RX_DELIVER &&
	   t.out.lost == MAX_AHEAD, "forward jump of max-ahead accepted");
	ok(egre_seq_after(0, 0xffffffff) && !egre_seq_after(0xffffffff, 0),
	   "serial arithmetic across the wrap");

	rxt_init(&t, 0, MAX_AHEAD);
	for (s = 1; s <= 70; s++)
		in(&t, s);
	ok(in(&t, 7) == EGRE_RX_DUPLICATE && in(&t, 6) == EGRE_RX_OLD,
	   "delivered 64 back: duplicate; 65 back: old (bitmap)");
	rxt_init(&t, 0, 0);
}

static void test_rxq_order(void)
{
	struct rxt t = { 0 };
	bool all = true;
	u32 s;

	rxt_init(&t, 4, MAX_AHEAD);
	for (s = 1; s <= 5; s++)
		all &= in(&t, s) == EGRE_RX_DELIVER && got(&t, 1, s) &&
		       !t.out.lost && !t.out.reordered;
	ok(all && t.q.next == 6 && !t.q.count, "in order: each delivered at once");

	ok(in(&t, 7) == EGRE_RX_QUEUED && got(&t, 0) && t.q.count == 1 &&
	   t.q.next == 6, "one ahead: queued, nothing delivered");
	ok(in(&t, 8) == EGRE_RX_QUEUED && t.q.count == 2 && sane(&t),
	   "two ahead: queued");
	ok(in(&t, 6) == EGRE_RX_DELIVER && got(&t, 3, 6, 7, 8) &&
	   t.out.reordered == 2 && !t.out.lost && t.q.next == 9 &&
	   !t.q.count, "gap filled: released in order, 2 reordered");
	ok(in(&t, 7) == EGRE_RX_DUPLICATE && in(&t, 8) == EGRE_RX_DUPLICATE &&
	   in(&t, 6) == EGRE_RX_DUPLICATE, "released ones: duplicates");

	ok(in(&t, 11) == EGRE_RX_QUEUED && in(&t, 11) == EGRE_RX_DUPLICATE &&
	   t.q.count == 1, "duplicate of a queued packet refused");
	ok(in(&t, 9 + 4) == EGRE_RX_QUEUED && t.q.count == 2 && sane(&t),
	   "next + depth: queued");
	ok(in(&t, 9) == EGRE_RX_DELIVER && got(&t, 1, 9) && t.q.next == 10 &&
	   t.q.count == 2, "gap of 1 filled: a further gap remains");
	ok(in(&t, 10) == EGRE_RX_DELIVER && got(&t, 2, 10, 11) &&
	   t.q.next == 12 && t.q.count == 1, "second gap filled, third open");
	rxt_init(&t, 0, 0);
}

static void test_rxq_timeout(void)
{
	struct rxt t = { 0 };

	rxt_init(&t, 8, MAX_AHEAD);
	ok(!timeout(&t) && got(&t, 0) && !t.out.lost,
	   "timeout before any packet: nothing");
	in(&t, 1);
	ok(in(&t, 3) == EGRE_RX_QUEUED && in(&t, 4) == EGRE_RX_QUEUED &&
	   in(&t, 7) == EGRE_RX_QUEUED && t.q.count == 3, "3, 4, 7 queued");
	ok(timeout(&t) && got(&t, 2, 3, 4) && t.out.lost == 1 &&
	   t.out.reordered == 2 && t.q.next == 5 && t.q.count == 1 && sane(&t),
	   "timeout: 2 skipped, 3 and 4 delivered, 7 still waits");
	ok(in(&t, 2) == EGRE_RX_OLD, "the skipped number is old");
	ok(in(&t, 3) == EGRE_RX_DUPLICATE, "a delivered one is a duplicate");
	ok(!timeout(&t) && got(&t, 1, 7) && t.out.lost == 2 && t.q.next == 8 &&
	   !t.q.count, "second timeout: 5 and 6 skipped, 7 delivered");
	ok(!timeout(&t) && got(&t, 0) && !t.out.lost, "empty: nothing to do");

	/* flush: every gap at once (egre_session_set_reorder) */
	ok(in(&t, 10) == EGRE_RX_QUEUED && in(&t, 12) == EGRE_RX_QUEUED, "10, 12 queued");
	rxt_begin(&t);
	egre_rxq_flush(&t.q, &t.out);
	ok(got(&t, 2, 10, 12) && t.out.lost == 3 && t.out.reordered == 2 &&
	   t.q.next == 13 && !t.q.count, "flush: all delivered, 3 skipped");
	/* then a new depth, as egre_session_set_reorder() does it */
	rxt_slots(&t, 2);
	ok(in(&t, 15) == EGRE_RX_QUEUED && in(&t, 13) == EGRE_RX_DELIVER &&
	   t.q.count == 1 && t.q.next == 14 && sane(&t),
	   "new depth 2 after the flush");
	rxt_init(&t, 0, 0);
}

static void test_rxq_beyond(void)
{
	struct rxt t = { 0 };

	rxt_init(&t, 4, MAX_AHEAD);
	in(&t, 1);
	in(&t, 3);
	in(&t, 4);
	/* next 2, depth 4: 10 needs next >= 6, so 2..5 are given up */
	ok(in(&t, 10) == EGRE_RX_QUEUED && got(&t, 2, 3, 4) &&
	   t.out.lost == 2 && t.out.reordered == 2 && t.q.next == 6 &&
	   t.q.count == 1 && sane(&t),
	   "beyond depth: oldest skipped, queued ones among them delivered");
	ok(in(&t, 5) == EGRE_RX_OLD && in(&t, 2) == EGRE_RX_OLD,
	   "given-up numbers are old");
	ok(in(&t, 6) == EGRE_RX_DELIVER && got(&t, 1, 6) && t.q.next == 7,
	   "in order after the skip");

	rxt_init(&t, 4, MAX_AHEAD);
	in(&t, 1);
	in(&t, 3);
	in(&t, 4);
	ok(in(&t, 9) == EGRE_RX_QUEUED && got(&t, 2, 3, 4) &&
	   t.out.lost == 1 && t.q.next == 5 && t.q.count == 1 && sane(&t),
	   "beyond depth: the last number given up was queued: delivered");

	rxt_init(&t, 2, MAX_AHEAD);
	in(&t, 1);
	in(&t, 3);
	in(&t, 4);
	ok(in(&t, 5) == EGRE_RX_DELIVER && got(&t, 3, 3, 4, 5) &&
	   t.out.lost == 1 && t.out.reordered == 2 && t.q.next == 6 &&
	   !t.q.count, "beyond depth: gap skipped, run and itself delivered");

	rxt_init(&t, 4, MAX_AHEAD);
	in(&t, 1);
	ok(in(&t, 1000) == EGRE_RX_QUEUED && got(&t, 0) &&
	   t.out.lost == 1000 - 4 - 2 && t.q.next == 996 && sane(&t),
	   "far ahead, nothing queued: jumps at once, waits at next + depth");
	rxt_init(&t, 0, 0);
}

static void test_rxq_jump(void)
{
	struct rxt t = { 0 };
	u32 j = 1U << 30;

	rxt_init(&t, 4, 1000);
	in(&t, 1);
	ok(in(&t, 2 + 1000 + 1) == EGRE_RX_JUMP && t.q.next == 2,
	   "max-ahead + 1: jump");
	ok(in(&t, 2 + 1000) == EGRE_RX_QUEUED && t.q.next == 2 + 1000 - 4,
	   "exactly max-ahead: accepted");

	rxt_init(&t, 0, 0x7fffffff);
	in(&t, 1);
	ok(in(&t, 0x80000001) == EGRE_RX_OLD &&
	   in(&t, 0x80000000) == EGRE_RX_DELIVER && t.out.lost == 0x7ffffffe,
	   "max-ahead 2^31 - 1: at most 2^31 - 1 past the last delivered");

	rxt_init(&t, 4, 1000);
	in(&t, 1);
	in(&t, 3);
	ok(in(&t, j) == EGRE_RX_JUMP && got(&t, 0) && !t.out.lost &&
	   t.q.next == 2 && t.q.count == 1, "one packet at +2^30: refused");
	ok(in(&t, 2) == EGRE_RX_DELIVER && got(&t, 2, 2, 3) && t.q.next == 4,
	   "normal traffic continues");
	ok(in(&t, j + 1) == EGRE_RX_JUMP && in(&t, j + 2) == EGRE_RX_JUMP &&
	   t.q.next == 4, "a new run of 2: still refused");
	ok(in(&t, 4) == EGRE_RX_DELIVER && in(&t, j + 3) == EGRE_RX_JUMP &&
	   in(&t, j + 4) == EGRE_RX_JUMP && t.q.next == 5,
	   "a packet in between restarts the run");
	ok(in(&t, j + 5) == EGRE_RX_DELIVER && got(&t, 1, j + 5) &&
	   t.out.lost == j + 5 - 5 && t.q.next == j + 6,
	   "third of a run: resync, delivered");
	ok(in(&t, j + 6) == EGRE_RX_DELIVER && got(&t, 1, j + 6) &&
	   t.q.next == j + 7, "next follows the peer");
	ok(in(&t, j + 4) == EGRE_RX_OLD && in(&t, 4) == EGRE_RX_OLD,
	   "the refused run and the old numbers are behind");

	/* a run tolerates loss and reordering up to depth + 1 apart */
	rxt_init(&t, 4, 1000);
	in(&t, 1);
	in(&t, 3);
	ok(in(&t, j) == EGRE_RX_JUMP && in(&t, j + 5) == EGRE_RX_JUMP &&
	   in(&t, j + 10) == EGRE_RX_DELIVER, "run with steps of depth + 1");
	ok(got(&t, 2, 3, j + 10) && t.out.reordered == 1 &&
	   t.out.lost == 1 + (j + 10 - 4) && t.q.next == j + 11 && !t.q.count,
	   "resync releases the queue first");
	rxt_init(&t, 4, 1000);
	in(&t, 1);
	ok(in(&t, j) == EGRE_RX_JUMP && in(&t, j + 6) == EGRE_RX_JUMP &&
	   in(&t, j + 12) == EGRE_RX_JUMP && in(&t, j + 11) == EGRE_RX_JUMP &&
	   t.q.next == 2, "steps beyond depth + 1, or backwards: no resync");
	ok(in(&t, j + 12) == EGRE_RX_JUMP && in(&t, j + 13) == EGRE_RX_DELIVER &&
	   t.q.next == j + 14, "until three follow on");

	rxt_init(&t, 0, 1000);
	in(&t, 1);
	ok(in(&t, j) == EGRE_RX_JUMP && in(&t, j + 1) == EGRE_RX_JUMP &&
	   in(&t, j + 2) == EGRE_RX_DELIVER && t.q.next == j + 3,
	   "depth 0: three consecutive resync");
	rxt_init(&t, 0, 0);
}

static void test_rxq_wrap(void)
{
	struct rxt t = { 0 };

	rxt_init(&t, 4, MAX_AHEAD);
	in(&t, 0xfffffffd);
	in(&t, 0xfffffffe);
	ok(in(&t, 0) == EGRE_RX_QUEUED && got(&t, 0) &&
	   t.q.next == 0xffffffff && sane(&t),
	   "0 with 0xffffffff missing: queued");
	ok(!timeout(&t) && got(&t, 1, 0) && t.out.lost == 1 && t.q.next == 1,
	   "timeout skips 0xffffffff, delivers 0");
	ok(in(&t, 0xffffffff) == EGRE_RX_OLD && in(&t, 0) == EGRE_RX_DUPLICATE &&
	   in(&t, 0xfffffffe) == EGRE_RX_DUPLICATE, "old and duplicate across the wrap");
	ok(in(&t, 1) == EGRE_RX_DELIVER && t.q.next == 2, "continues at 1");

	rxt_init(&t, 4, MAX_AHEAD);
	in(&t, 0xfffffffe);
	ok(in(&t, 1) == EGRE_RX_QUEUED && in(&t, 0) == EGRE_RX_QUEUED &&
	   t.q.count == 2 && sane(&t), "reordered across the wrap: queued");
	ok(in(&t, 0xffffffff) == EGRE_RX_DELIVER &&
	   got(&t, 3, 0xffffffff, 0, 1) && t.out.reordered == 2 &&
	   !t.out.lost && t.q.next == 2, "released in order across the wrap");

	rxt_init(&t, 4, MAX_AHEAD);
	in(&t, 0xfffffffe);
	in(&t, 2);
	ok(in(&t, 4) == EGRE_RX_QUEUED && t.out.lost == 1 && t.q.next == 0 &&
	   sane(&t), "beyond depth across the wrap: 0xffffffff given up");
	ok(timeout(&t) && got(&t, 1, 2) && t.out.lost == 2 && t.q.next == 3 &&
	   t.q.count == 1, "timeout after the wrap: 0, 1 skipped, 4 waits");
	ok(!timeout(&t) && got(&t, 1, 4) && t.out.lost == 1 && t.q.next == 5,
	   "second timeout: 3 skipped, 4 delivered");
	rxt_init(&t, 0, 0);
}

static void test_rxq_first(void)
{
	struct rxt t = { 0 };

	rxt_init(&t, 4, MAX_AHEAD);
	ok(in(&t, 0) == EGRE_RX_DELIVER && got(&t, 1, 0) && t.q.next == 1 &&
	   !t.out.lost, "first packet at 0 (Windows)");
	ok(in(&t, 0) == EGRE_RX_DUPLICATE && in(&t, 0xffffffff) == EGRE_RX_OLD,
	   "0 then: duplicate; below it: old");
	ok(in(&t, 2) == EGRE_RX_QUEUED && in(&t, 1) == EGRE_RX_DELIVER &&
	   got(&t, 2, 1, 2), "and continues");

	rxt_init(&t, 4, MAX_AHEAD);
	ok(in(&t, 1) == EGRE_RX_DELIVER && got(&t, 1, 1) && t.q.next == 2 &&
	   !t.out.lost, "first packet at 1 (Linux)");
	ok(in(&t, 0) == EGRE_RX_OLD && in(&t, 1) == EGRE_RX_DUPLICATE,
	   "0 then: old");

	rxt_init(&t, 4, MAX_AHEAD);
	ok(in(&t, 0x80000000) == EGRE_RX_DELIVER && t.q.next == 0x80000001,
	   "first packet anywhere, not a jump");
	rxt_init(&t, 0, 0);
}

static void test_rxq_purge(void)
{
	struct rxt t = { 0 };

	rxt_init(&t, 8, MAX_AHEAD);
	ok(egre_rxq_purge(&t.q, rxt_drop, &t) == 0 && !t.dropped,
	   "purge of an empty queue: 0");
	in(&t, 1);
	in(&t, 3);
	in(&t, 5);
	in(&t, 9);
	ok(egre_rxq_purge(&t.q, rxt_drop, &t) == 3 && t.dropped == 3 &&
	   t.drop_sum == 3 + 5 + 9 && !t.q.count && t.q.next == 2 && sane(&t),
	   "purge: returns 3, each queued one dropped once");
	ok(in(&t, 2) == EGRE_RX_DELIVER && got(&t, 1, 2) && t.q.next == 3,
	   "after purge: nothing released");
	ok(in(&t, 3) == EGRE_RX_DELIVER,
	   "a purged number was never delivered: taken again");
	/* 16 slots: 32 and 31 sit in the first and the last */
	rxt_init(&t, 8, MAX_AHEAD);
	in(&t, 24);
	in(&t, 31);
	in(&t, 32);
	in(&t, 26);
	ok(t.q.count == 3 && sane(&t) &&
	   egre_rxq_purge(&t.q, rxt_drop, &t) == 3 && t.dropped == 3 &&
	   t.drop_sum == 31 + 32 + 26 && !t.q.count,
	   "purge reaches the first and the last slot");

	rxt_init(&t, 0, MAX_AHEAD);
	t.dropped = 0;
	ok(egre_rxq_purge(&t.q, rxt_drop, &t) == 0 && !t.dropped,
	   "purge with depth 0 (no slots): 0");
	rxt_init(&t, 0, 0);
}

/* egre_reo: the adaptive hold's windowed maximum, doubling and bounds */
static void test_reo(void)
{
	struct egre_reo r = { 0 };
	u32 t0 = 0xfffff000u;	/* the clock wraps during the test */
	int i;

	ok(egre_reo_hold(&r) == EGRE_REO_MIN_HOLD &&
	   egre_reo_wait_us(&r, 300000) == EGRE_REO_MIN_US,
	   "reo: nothing learnt: minimum hold and wait");
	ok(egre_reo_wait_us(&r, 500) == 500,
	   "reo: the wait never exceeds reorder-timeout");
	egre_reo_age(&r, t0);
	egre_reo_filled(&r, t0 + 10, 20, 10000);
	ok(egre_reo_hold(&r) == 40 && egre_reo_wait_us(&r, 300000) == 20000,
	   "reo: a filled gap (20 overtook it, 10 ms): hold 40, wait 20 ms");
	egre_reo_filled(&r, t0 + 20, 5, 2000);
	ok(egre_reo_hold(&r) == 40 && egre_reo_wait_us(&r, 300000) == 20000,
	   "reo: a smaller sample does not lower the maximum");
	egre_reo_age(&r, t0 + 1500000);
	egre_reo_filled(&r, t0 + 1500000, 2, 1000);
	ok(egre_reo_hold(&r) == 40 && egre_reo_wait_us(&r, 300000) == 20000,
	   "reo: the previous period still counts (across the clock wrap)");
	egre_reo_age(&r, t0 + 2600000);
	ok(egre_reo_hold(&r) == 4 && egre_reo_wait_us(&r, 300000) == 2000,
	   "reo: two periods later only the recent sample is left");
	egre_reo_age(&r, t0 + 9000000);
	ok(egre_reo_hold(&r) == EGRE_REO_MIN_HOLD &&
	   egre_reo_wait_us(&r, 300000) == EGRE_REO_MIN_US,
	   "reo: a long quiet time forgets everything");
	egre_reo_late(&r, t0 + 9000001, 64, 300000);
	ok(egre_reo_hold(&r) == 4 * EGRE_REO_MIN_HOLD &&
	   egre_reo_wait_us(&r, 300000) == 4 * EGRE_REO_MIN_US,
	   "reo: a late packet doubles from the floor");
	for (i = 2; i < 12; i++)
		egre_reo_late(&r, t0 + 9000000 + i, 64, 300000);
	ok(egre_reo_hold(&r) >= 64 && egre_reo_wait_us(&r, 300000) == 300000,
	   "reo: doubling stops at reorder-depth and reorder-timeout");
	egre_reo_late(&r, t0 + 9000020, 64, 300000);
	ok(egre_reo_hold(&r) >= 64 && egre_reo_hold(&r) <= 128 && egre_reo_wait_us(&r, 300000) == 300000,
	   "reo: and stays there");
	r.disp = 0x90000000u;
	r.fill_us = 0x90000000u;
	ok(egre_reo_hold(&r) == 0xffffffffu &&
	   egre_reo_wait_us(&r, 300000) == 300000,
	   "reo: huge estimates saturate, no overflow");
}

int main(void)
{
	printf("TAP version 13\n");
	test_vectors();
	test_rejects();
	test_window();
	test_rxq_order();
	test_rxq_timeout();
	test_rxq_beyond();
	test_rxq_jump();
	test_rxq_wrap();
	test_rxq_first();
	test_rxq_purge();
	test_reo();
	printf("1..%d\n# Totals: pass:%d fail:%d\n", n, n - failed, failed);
	return failed ? 1 : 0;
}
