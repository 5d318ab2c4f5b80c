/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to lib/tcp/: the flow table's keyed hash of a 4-tuple, vector
 * multiply-shift (Dietzfelbinger 1996; Thorup, "High Speed Hashing for
 * Integers and Strings", 2015, 3.3):
 *
 *   h = ((a0 lip + a1 rip + a2 (lport << 16 | rport) + b) mod 2^64) >> 32
 *
 * with a0, a1, a2, b secret and random in [0, 2^64). Over 32-bit words into
 * 32 bits with 64-bit arithmetic this is strongly universal: for any two
 * tuples, chosen without the secret, the pair of hashes is uniform, so they
 * share a bucket with probability 1/buckets and no set of tuples a peer can
 * pick blind makes a long chain. Linux's established table makes the same
 * bet with jhash and a boot-time secret. It is not a PRF, as SipHash is: a
 * peer that could time its own segments finely enough to see which of its
 * tuples collide could learn about the secret. The engine keeps SipHash-2-4
 * for ISNs and SYN cookies, whose outputs peers do see.
 *
 * Three independent multiplies cost a few cycles where SipHash-1-3 of the
 * same 12 bytes, five dependent rounds, cost about 90 instructions: a tenth
 * of the per-segment cost at 64 flows (docs/BENCHMARKS.md).
 */
#ifndef FP_TCP_TUPLE_HASH_H
#define FP_TCP_TUPLE_HASH_H

#include <stdint.h>

#include "siphash.h"

/** The hash's secret: the multipliers and the addend. */
struct fp__tuple_key {
	uint64_t a[3];
	uint64_t b;
};

/** Expand a 128-bit key into the hash's secret: SipHash-2-4 of the bytes 0..3. */
static inline void
fp__tcp_tuple_key(struct fp__tuple_key *tk, const uint64_t key[2])
{
	uint8_t i;

	for (i = 0; i < 4; i++) {
		uint64_t w = fp__tcp_siphash(key, &i, 1);

		if (i < 3)
			tk->a[i] = w;
		else
			tk->b = w;
	}
}

static inline uint32_t
fp__tcp_tuple_hash(const struct fp__tuple_key *tk, uint32_t lip, uint32_t rip, uint16_t lport,
		uint16_t rport)
{
	uint64_t h = tk->a[0] * lip + tk->a[1] * rip + tk->a[2] * ((uint32_t)lport << 16 | rport) +
			tk->b;

	return (uint32_t)(h >> 32);
}

#endif /* FP_TCP_TUPLE_HASH_H */
