// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the receive sequence window, egre_rxwin_check()
 * in egre_proto.h.  The input is a stream of 32-bit sequence numbers
 * (big-endian); a reference model that remembers every number ever
 * accepted checks the window's verdicts:
 *
 * - a number is accepted only if it was never accepted before (no
 *   duplicate is ever delivered), and only if it is ahead of the last one
 *   (delivery stays in order, in serial arithmetic);
 * - "duplicate" is said only of numbers that were accepted;
 * - lost counts add up: accepted + lost = span from the first to the last
 *   accepted number, as long as the stream moves forward by less than 2^31.
 */
#include "../egre_user.h"

#define MAX_SEQS 4096

static int seen_has(const u32 *seen, size_t n, u32 v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (seen[i] == v)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u32 seen[MAX_SEQS];
	struct egre_rxwin w = { 0 };
	u64 accepted = 0, lost_total = 0;
	u32 first = 0, base, lost;
	size_t n = 0, i;

	if (size < 4)
		return 0;
	base = egre_get_be32(data);	/* where the stream starts */
	for (i = 4; i + 2 <= size && n < MAX_SEQS; i += 2) {
		/* small signed steps around the last number: realistic mixes of
		 * in-order, gaps, reordering and duplicates, plus wrap */
		s32 step = (int16_t)egre_get_be16(data + i);
		u32 seq = (w.started ? w.last : base) + (u32)step;
		bool was_seen = seen_has(seen, n, seq);
		u32 prev_last = w.last;
		bool started = w.started;

		switch (egre_rxwin_check(&w, seq, &lost)) {
		case EGRE_RX_ACCEPT:
			CHECK(!was_seen);
			CHECK(!started || egre_seq_after(seq, prev_last));
			CHECK(w.last == seq);
			if (!started)
				first = seq;
			seen[n++] = seq;
			accepted++;
			lost_total += lost;
			CHECK(accepted + lost_total == (u64)(u32)(seq - first) + 1);
			break;
		case EGRE_RX_DUPLICATE:
			CHECK(was_seen);
			CHECK(w.last == prev_last);
			break;
		case EGRE_RX_OLD:
			CHECK(started && !egre_seq_after(seq, prev_last));
			CHECK(w.last == prev_last);
			break;
		}
	}
	return 0;
}
