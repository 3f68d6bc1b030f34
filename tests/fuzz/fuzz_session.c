// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for a whole session's sequence/ack bookkeeping, driven
 * by random event streams: we send data, data arrives (with or without a
 * piggybacked ack), a lone ack arrives.  It replays egre_session.c's use of
 * the pure helpers in egre_proto.h (egre_rxwin_check, egre_ack_valid,
 * serial arithmetic) and checks:
 *
 * - the peer's ack we keep only ever names a number we sent, and never
 *   moves backwards;
 * - every data arrival is exactly one of accepted/duplicate/old, and the
 *   counters add up;
 * - the ack we would piggyback is always a number we accepted, and each
 *   accepted number is acked at most once (no ack is sent twice in a row);
 * - the transmit sequence wraps through 2^32 without breaking any of it.
 *
 * Each event is 3 bytes: a type and a 16-bit signed offset.
 */
#include "../egre_user.h"

struct session {
	/* transmit */
	u32 next;
	bool sent_any;
	u32 ack_sent;
	/* receive */
	struct egre_rxwin win;
	u32 rx_ack;
	bool rx_ack_valid;
	/* counters */
	u64 arrivals, accepted, dup, old, acks, bad_acks, piggybacked;
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

static void rx_data(struct session *s, u32 seq)
{
	bool first = !s->win.started;
	u32 lost;

	s->arrivals++;
	switch (egre_rxwin_check(&s->win, seq, &lost)) {
	case EGRE_RX_ACCEPT:
		if (first)
			s->ack_sent = seq - 1;	/* nothing acked yet */
		s->accepted++;
		break;
	case EGRE_RX_DUPLICATE:
		s->dup++;
		break;
	case EGRE_RX_OLD:
		s->old++;
		break;
	}
	CHECK(s->accepted + s->dup + s->old == s->arrivals);
}

/* egre_session_tx_stamp(): next number, and an ack if something is new */
static void tx(struct session *s)
{
	s->next++;
	s->sent_any = true;
	if (!s->win.started || s->win.last == s->ack_sent)
		return;
	/* the ack is the highest accepted number, never acked before */
	CHECK(s->win.seen & 1);
	CHECK(egre_seq_after(s->win.last, s->ack_sent));
	s->ack_sent = s->win.last;
	s->piggybacked++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session s;
	u32 peer_base;
	size_t i;

	if (size < 8)
		return 0;
	memset(&s, 0, sizeof(s));
	s.next = egre_get_be32(data);	/* start anywhere, wrap included */
	peer_base = egre_get_be32(data + 4);
	for (i = 8; i + 3 <= size; i += 3) {
		s32 off = (int16_t)egre_get_be16(data + i + 1);
		u32 ack = s.next - 1 + (u32)off;
		u32 seq = (s.win.started ? s.win.last : peer_base) + (u32)off;

		switch (data[i] % 4) {
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
		}
		CHECK(!s.rx_ack_valid ||
		      egre_ack_valid(s.next, s.sent_any, s.rx_ack));
	}
	return 0;
}
