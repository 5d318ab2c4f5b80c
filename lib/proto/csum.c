/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum over byte buffers. Used by the validators in ip4.c,
 * icmp.c and tcp_input.c; the header writers add up field values instead
 * (fp/csum.h helpers), so nothing here reads bytes that were just stored.
 */
#include <string.h>

#include "fp/csum.h"

/* a + b with the carry out of bit 63 added back in (ones' complement, 64 bits). */
static inline uint64_t
add64(uint64_t a, uint64_t b)
{
	a += b;
	return a + (a < b);
}

uint32_t
fp_csum_partial(const uint8_t *data, size_t len, uint32_t sum)
{
	uint64_t s0 = 0, s1 = 0, w0, w1, w2, w3;
	uint32_t w;
	uint16_t h;

	/*
	 * Sum native 64-bit words (memcpy loads: one instruction where the CPU
	 * allows unaligned access, safe where it does not) in a ones'
	 * complement accumulator, fold to 16 bits and swap to network order
	 * once: RFC 1071 2(B), the sum does not depend on byte order, and
	 * 2(C), it can be taken in wider words and folded. Two accumulators
	 * keep the carry chains apart.
	 */
	for (; len >= 32; data += 32, len -= 32) {
		memcpy(&w0, data, 8);
		memcpy(&w1, data + 8, 8);
		memcpy(&w2, data + 16, 8);
		memcpy(&w3, data + 24, 8);
		s0 = add64(add64(s0, w0), w2);
		s1 = add64(add64(s1, w1), w3);
	}
	for (; len >= 8; data += 8, len -= 8) {
		memcpy(&w0, data, 8);
		s0 = add64(s0, w0);
	}
	s0 = add64(s0, s1);
	if (len >= 4) {
		memcpy(&w, data, 4);
		s0 = add64(s0, w);
		data += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&h, data, 2);
		s0 = add64(s0, h);
		data += 2;
		len -= 2;
	}
	/* The odd last byte is the high half of a big-endian word. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (len)
		s0 = add64(s0, data[0]);
#else
	if (len)
		s0 = add64(s0, (uint32_t)data[0] << 8);
#endif
	return fp_csum_add(sum, fp_csum_fold64(s0));
}
