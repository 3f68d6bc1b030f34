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
 * Receive sequence window: the highest sequence number accepted and a bitmap
 * of the 64 numbers at and below it (bit i set: last - i was accepted).  It
 * tells a duplicate from a late packet that was never seen.
 */
#define EGRE_RXWIN_BITS		64

struct egre_rxwin {
	u64 seen;
	u32 last;
	bool started;
};

enum egre_rx_verdict {
	EGRE_RX_ACCEPT,		/* in order, or ahead (gap counted) */
	EGRE_RX_DUPLICATE,	/* this sequence number was accepted before */
	EGRE_RX_OLD,		/* behind the window, or late and unseen */
};

/**
 * egre_rxwin_check - account one received sequence number
 * @w: window state
 * @seq: the packet's sequence number
 * @lost: set to the number of sequence numbers skipped when accepted
 *
 * The first packet is accepted whatever its number (Linux peers start at 1,
 * Windows at 0).  Returns the verdict; @w changes only on EGRE_RX_ACCEPT.
 */
static inline enum egre_rx_verdict
egre_rxwin_check(struct egre_rxwin *w, u32 seq, u32 *lost)
{
	u32 back;
	s32 d;

	*lost = 0;
	if (!w->started) {
		w->started = true;
		w->last = seq;
		w->seen = 1;
		return EGRE_RX_ACCEPT;
	}

	d = egre_seq_diff(seq, w->last);
	if (d > 0) {
		*lost = (u32)d - 1;
		w->seen = d >= EGRE_RXWIN_BITS ? 1 : (w->seen << d) | 1;
		w->last = seq;
		return EGRE_RX_ACCEPT;
	}
	if (d == 0)
		return EGRE_RX_DUPLICATE;
	back = w->last - seq;
	if (back < EGRE_RXWIN_BITS && (w->seen >> back) & 1)
		return EGRE_RX_DUPLICATE;
	return EGRE_RX_OLD;
}

#endif /* _EGRE_PROTO_H */
