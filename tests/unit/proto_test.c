// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace unit tests of egre_proto.h, the pure wire-format and sequence
 * code the module uses: known vectors (hand-written from RFC 2637 and the
 * tcpdump/xdp2 capture values), the build/parse round trip, every
 * rejection class, and the receive window across the 2^32 wrap.
 * Prints KTAP; "make -C tests/unit check" builds it with sanitizers.
 */
#include <stdio.h>

#include "../egre_user.h"

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

static void test_window(void)
{
	struct egre_rxwin w = { 0 };
	u32 lost;

	ok(egre_rxwin_check(&w, 1, &lost) == EGRE_RX_ACCEPT && !lost,
	   "first packet accepted at 1");
	ok(egre_rxwin_check(&w, 1, &lost) == EGRE_RX_DUPLICATE, "dup of last");
	ok(egre_rxwin_check(&w, 5, &lost) == EGRE_RX_ACCEPT && lost == 3,
	   "gap of 3 counted");
	ok(egre_rxwin_check(&w, 3, &lost) == EGRE_RX_OLD, "late unseen: old");
	ok(egre_rxwin_check(&w, 1, &lost) == EGRE_RX_DUPLICATE,
	   "older seen: duplicate");
	ok(egre_rxwin_check(&w, 5 - 64, &lost) == EGRE_RX_OLD,
	   "behind the bitmap: old");
	ok(egre_rxwin_check(&w, 0x80000005, &lost) == EGRE_RX_OLD,
	   "2^31 away is behind");

	memset(&w, 0, sizeof(w));
	egre_rxwin_check(&w, 0xfffffffe, &lost);
	ok(egre_rxwin_check(&w, 0xffffffff, &lost) == EGRE_RX_ACCEPT && !lost,
	   "up to 0xffffffff");
	ok(egre_rxwin_check(&w, 0, &lost) == EGRE_RX_ACCEPT && !lost,
	   "wraps to 0");
	ok(egre_rxwin_check(&w, 0xffffffff, &lost) == EGRE_RX_DUPLICATE,
	   "duplicate across the wrap");
	ok(egre_rxwin_check(&w, 3, &lost) == EGRE_RX_ACCEPT && lost == 2,
	   "loss right after the wrap");
	ok(egre_rxwin_check(&w, 0x7fffffff, &lost) == EGRE_RX_ACCEPT,
	   "long forward jump accepted");
	ok(egre_seq_after(0, 0xffffffff) && !egre_seq_after(0xffffffff, 0),
	   "serial arithmetic across the wrap");
}

int main(void)
{
	printf("TAP version 13\n");
	test_vectors();
	test_rejects();
	test_window();
	printf("1..%d\n# Totals: pass:%d fail:%d\n", n, n - failed, failed);
	return failed ? 1 : 0;
}
