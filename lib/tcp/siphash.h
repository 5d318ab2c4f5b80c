/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/tcp/: SipHash (Aumasson and Bernstein, 2012), the keyed
 * hash behind the engine's secrets. SipHash-2-4 over bytes (siphash.c) makes
 * ISNs and SYN cookies (syncookie.c); SipHash-1-3 over the 4-tuple, inline
 * here, is the flow table's hash (flow.c), cheap enough for every packet.
 */
#ifndef FP_TCP_SIPHASH_H
#define FP_TCP_SIPHASH_H

#include <stdint.h>

static inline uint64_t
fp__sip_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/** SipHash state, v0..v3. */
struct fp__sip {
	uint64_t v0, v1, v2, v3;
};

static inline void
fp__sip_init(struct fp__sip *s, const uint64_t k[2])
{
	s->v0 = k[0] ^ 0x736f6d6570736575ull;
	s->v1 = k[1] ^ 0x646f72616e646f6dull;
	s->v2 = k[0] ^ 0x6c7967656e657261ull;
	s->v3 = k[1] ^ 0x7465646279746573ull;
}

static inline void
fp__sip_round(struct fp__sip *s)
{
	s->v0 += s->v1;
	s->v1 = fp__sip_rotl(s->v1, 13);
	s->v1 ^= s->v0;
	s->v0 = fp__sip_rotl(s->v0, 32);
	s->v2 += s->v3;
	s->v3 = fp__sip_rotl(s->v3, 16);
	s->v3 ^= s->v2;
	s->v0 += s->v3;
	s->v3 = fp__sip_rotl(s->v3, 21);
	s->v3 ^= s->v0;
	s->v2 += s->v1;
	s->v1 = fp__sip_rotl(s->v1, 17);
	s->v1 ^= s->v2;
	s->v2 = fp__sip_rotl(s->v2, 32);
}

/** Absorb one 64-bit message word with c rounds. */
static inline void
fp__sip_word(struct fp__sip *s, uint64_t m, int c)
{
	int i;

	s->v3 ^= m;
	for (i = 0; i < c; i++)
		fp__sip_round(s);
	s->v0 ^= m;
}

/** Finalise with d rounds. */
static inline uint64_t
fp__sip_final(struct fp__sip *s, int d)
{
	int i;

	s->v2 ^= 0xff;
	for (i = 0; i < d; i++)
		fp__sip_round(s);
	return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

/** SipHash-2-4 of len bytes. */
uint64_t fp__tcp_siphash(const uint64_t k[2], const uint8_t *m, uint32_t len);

/**
 * SipHash-1-3 of the 12-byte message LE64(lip << 32 | rip) LE32(lport << 16 |
 * rport): the flow table's keyed hash, so a peer cannot aim many 4-tuples at
 * one chain without knowing the key. Twelve bytes are one block and the
 * final one (its last four bytes with the length): two compressions.
 */
static inline uint64_t
fp__tcp_tuple_hash(const uint64_t k[2], uint32_t lip, uint32_t rip, uint16_t lport, uint16_t rport)
{
	struct fp__sip s;

	fp__sip_init(&s, k);
	fp__sip_word(&s, (uint64_t)lip << 32 | rip, 1);
	fp__sip_word(&s, (uint64_t)12 << 56 | (uint32_t)lport << 16 | rport, 1);
	return fp__sip_final(&s, 3);
}

#endif /* FP_TCP_SIPHASH_H */
