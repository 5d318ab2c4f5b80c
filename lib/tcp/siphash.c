/* SPDX-License-Identifier: BSD-3-Clause */
/* SipHash-2-4 over a byte string (siphash.h). */
#include "siphash.h"

static inline uint64_t
sip_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/** SipHash state, v0..v3. */
struct sip {
	uint64_t v0, v1, v2, v3;
};

static inline void
sip_init(struct sip *s, const uint64_t k[2])
{
	s->v0 = k[0] ^ 0x736f6d6570736575ull;
	s->v1 = k[1] ^ 0x646f72616e646f6dull;
	s->v2 = k[0] ^ 0x6c7967656e657261ull;
	s->v3 = k[1] ^ 0x7465646279746573ull;
}

static inline void
sip_round(struct sip *s)
{
	s->v0 += s->v1;
	s->v1 = sip_rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = sip_rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = sip_rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = sip_rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = sip_rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = sip_rotl(s->v2, 32);
}

/** Absorb one 64-bit message word with c rounds. */
static inline void
sip_word(struct sip *s, uint64_t m, int c)
{
	int i;

	s->v3 ^= m;
	for (i = 0; i < c; i++)
		sip_round(s);
	s->v0 ^= m;
}

/** Finalise with d rounds. */
static inline uint64_t
sip_final(struct sip *s, int d)
{
	int i;

	s->v2 ^= 0xff;
	for (i = 0; i < d; i++)
		sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

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
	struct sip s;
	uint32_t i;

	sip_init(&s, k);
	for (i = 0; i + 8 <= len; i += 8)
		sip_word(&s, load_le64(m + i, 8), 2);
	sip_word(&s, (uint64_t)len << 56 | load_le64(m + i, len - i), 2);
	return sip_final(&s, 4);
}
