/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Internet checksum over byte buffers. Used by every header builder in lib/
 * and by the validators in ip4.c, icmp.c and tcp_input.c.
 */
#include <string.h>

#include "fp/csum.h"

uint32_t
fp_csum_partial(const uint8_t *data, size_t len, uint32_t sum)
{
	uint64_t acc = sum;

	/*
	 * From 128 bytes on, sum native 32-bit words (memcpy loads, which the
	 * compiler vectorises), fold to 16 bits and swap to network order once:
	 * RFC 1071 2(B), the ones' complement sum does not depend on byte order.
	 * Shorter buffers are mostly headers written with byte stores just
	 * before; wide loads of those would stall on store forwarding.
	 */
	if (len >= 128) {
		uint64_t nat = 0;
		uint32_t w;

		for (; len >= 4; data += 4, len -= 4) {
			memcpy(&w, data, 4);
			nat += w;
		}
		nat = (nat & 0xffffffffu) + (nat >> 32);
		nat = (nat & 0xffffffffu) + (nat >> 32);
		while (nat >> 16)
			nat = (nat & 0xffff) + (nat >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		nat = ((nat & 0xff) << 8) | (nat >> 8);
#endif
		acc += nat;
	}
	/* 64-bit accumulator: 32-bit big-endian words never overflow it here. */
	while (len >= 4) {
		acc += (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 |
				data[3];
		data += 4;
		len -= 4;
	}
	if (len >= 2) {
		acc += (uint32_t)data[0] << 8 | data[1];
		data += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)data[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t
fp_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t
fp_csum_pseudo_ip4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len)
{
	uint64_t acc = (uint64_t)src + dst + proto + l4_len;

	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t
fp_csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word)
{
	/* HC' = ~(~HC + ~m + m') */
	uint32_t sum = (uint16_t)~csum + (uint32_t)(uint16_t)~old_word + new_word;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
