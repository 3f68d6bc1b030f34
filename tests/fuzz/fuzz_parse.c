// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for egre's receive-side header validator,
 * egre_parse_hdr() in egre_proto.h: the exact code the module runs on
 * every received GRE version 1 packet.
 *
 * Properties checked on every input:
 * - it never reads outside the buffer (ASan) nor overflows (UBSan);
 * - an accepted header fits in the packet, with its payload;
 * - S and payload agree (sequenced => payload, lone ack => none);
 * - rebuilding the header from the decoded fields gives back the input's
 *   bytes (the parser accepts exactly what the builder can produce).
 */
#include "../egre_user.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct egre_hdr_info h;
	unsigned int avail;
	u8 rebuilt[EGRE_HDR_MAX_LEN];

	if (size > 65535)
		return 0;
	/* the kernel guarantees min(len, 16) linear bytes; try both ends */
	for (avail = size < EGRE_HDR_MAX_LEN ? size : EGRE_HDR_MAX_LEN;;
	     avail = size) {
		u8 *copy = malloc(avail ? avail : 1);

		memcpy(copy, data, avail);
		if (egre_parse_hdr(copy, avail, size, &h) == EGRE_PARSE_OK) {
			CHECK(h.hdr_len == egre_hdr_len(h.has_seq, h.has_ack));
			CHECK(h.hdr_len <= size && h.hdr_len <= avail);
			CHECK(h.payload_len <= size - h.hdr_len);
			CHECK(h.has_seq || h.has_ack);
			CHECK(h.has_seq ? h.payload_len > 0 : h.payload_len == 0);
			egre_build_hdr(rebuilt, h.payload_len, h.call_id,
				       h.has_seq, h.seq, h.has_ack, h.ack);
			CHECK(!memcmp(rebuilt, data, h.hdr_len));
		}
		free(copy);
		if (avail == size)
			break;
	}
	return 0;
}
