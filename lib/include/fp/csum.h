/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum (RFC 1071), incremental update (RFC 1624) and the
 * IPv4 pseudo-header. The one portable implementation in the project: the app
 * may skip it where a NIC offload already verified a checksum. The small
 * helpers are inline: the per-packet path calls them several times a frame.
 */
#ifndef FP_CSUM_H
#define FP_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/**
 * Add len bytes (big-endian 16-bit words, odd byte padded) to a running sum.
 * Sums of pieces that start at even offsets of a buffer add up (fp_csum_add())
 * to the sum of the whole.
 * @return the unfolded 32-bit sum, to pass to further calls or fp_csum_fold().
 */
uint32_t fp_csum_partial(const uint8_t *data, size_t len, uint32_t sum);

/* fp_csum_partial() without the CPU-specific loops it picks at run time, for
 * the tests that compare the two. */
uint32_t fp__csum_partial_portable(const uint8_t *data, size_t len, uint32_t sum);

/** Ones' complement sum of two running sums (end-around carry). */
static inline uint32_t
fp_csum_add(uint32_t a, uint32_t b)
{
	uint32_t s = a + b;

	return s + (s < a);
}

/**
 * Fold a running sum to 16 bits, not complemented (a partial sum, as NICs
 * want it). The sum plus its rotation by 16 holds, in its upper half, hi + lo
 * with the carry out of the lower half added back: one add, where two rounds
 * of mask-shift-add gave the same value.
 */
static inline uint16_t
fp_csum_fold16(uint32_t sum)
{
	sum += sum >> 16 | sum << 16;
	return (uint16_t)(sum >> 16);
}

/** Fold a running sum to 16 bits and complement it: the value to store. */
static inline uint16_t
fp_csum_fold(uint32_t sum)
{
	return (uint16_t)~fp_csum_fold16(sum);
}

/* A 64-bit ones' complement sum folded to 16 bits, in the byte order it was loaded in. */
static inline uint16_t
fp__csum_fold64_native(uint64_t s)
{
	s += s >> 32 | s << 32; /* fp_csum_fold16()'s add of the rotation, at 64 bits */
	return fp_csum_fold16((uint32_t)(s >> 32));
}

/**
 * Fold a 64-bit ones' complement sum of native-order loads to the 16-bit sum
 * in network order (RFC 1071 2(B): byte order only swaps the result's bytes).
 */
static inline uint16_t
fp_csum_fold64(uint64_t s)
{
	uint16_t h = fp__csum_fold64_native(s);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	h = (uint16_t)(h << 8 | h >> 8);
#endif
	return h;
}

/* The 20 bytes at p summed in native-order loads, unfolded. */
static inline uint64_t
fp__csum_sum20(const uint8_t *p)
{
	uint64_t a, b;
	uint32_t c;

	memcpy(&a, p, 8);
	memcpy(&b, p + 8, 8);
	memcpy(&c, p + 16, 4);
	a += b;
	a += a < b;
	a += c;
	a += a < c;
	return a;
}

/**
 * fp_csum_partial(p, 20, 0), inline, for a 20-byte header (IPv4's, TCP's
 * without options): three native loads, folded and swapped once (RFC 1071 2(B)).
 */
static inline uint32_t
fp_csum_hdr20(const uint8_t *p)
{
	return fp_csum_fold64(fp__csum_sum20(p));
}

/**
 * Does the 20-byte IPv4 header at p sum to 0xffff, as one with a valid
 * checksum does? All ones in either byte order: no swap.
 */
static inline int
fp_csum_hdr20_ok(const uint8_t *p)
{
	return fp__csum_fold64_native(fp__csum_sum20(p)) == 0xffff;
}

/** Running sum of the IPv4 pseudo-header (addresses in host byte order). */
static inline uint32_t
fp_csum_pseudo_ip4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len)
{
	return fp_csum_add(fp_csum_add(src, dst), (uint32_t)proto + l4_len);
}

/**
 * RFC 1624 eqn. 3: the checksum after one 16-bit word changed from old_word
 * to new_word, without touching the rest of the data.
 * It equals a full recompute in every case but one: when the data covered
 * becomes all zero, the right value is 0xffff and eqn. 3 yields 0x0000
 * (RFC 1624 section 3); a caller for which that can happen must check.
 */
static inline uint16_t
fp_csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word)
{
	/* HC' = ~(~HC + ~m + m') */
	return fp_csum_fold((uint32_t)(uint16_t)~csum + (uint16_t)~old_word + new_word);
}

#endif /* FP_CSUM_H */
