/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SipHash-2-4 over a byte string (siphash.h has the round function and the
 * flow table's SipHash-1-3 of a 4-tuple). Called from syncookie.c for ISNs
 * and SYN cookies.
 */
#include "siphash.h"

static inline uint64_t
load_le64(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	uint32_t i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

uint64_t
fp__tcp_siphash(const uint64_t k[2], const uint8_t *m, uint32_t len)
{
	struct fp__sip s;
	uint32_t i;

	fp__sip_init(&s, k);
	for (i = 0; i + 8 <= len; i += 8)
		fp__sip_word(&s, load_le64(m + i, 8), 2);
	fp__sip_word(&s, (uint64_t)len << 56 | load_le64(m + i, len - i), 2);
	return fp__sip_final(&s, 4);
}
