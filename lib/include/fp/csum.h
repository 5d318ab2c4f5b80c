/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Internet checksum (RFC 1071), incremental update (RFC 1624) and the
 * IPv4 pseudo-header. The one portable implementation in the project: the app
 * may skip it where a NIC offload already verified a checksum.
 */
#ifndef FP_CSUM_H
#define FP_CSUM_H

#include <stddef.h>
#include <stdint.h>

/**
 * Add len bytes (big-endian 16-bit words, odd byte padded) to a running sum.
 * @return the unfolded 32-bit sum, to pass to further calls or fp_csum_fold().
 */
uint32_t fp_csum_partial(const uint8_t *data, size_t len, uint32_t sum);

/** Fold a running sum to 16 bits and complement it: the value to store. */
uint16_t fp_csum_fold(uint32_t sum);

/** Running sum of the IPv4 pseudo-header (addresses in host byte order). */
uint32_t fp_csum_pseudo_ip4(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4_len);

/**
 * RFC 1624 eqn. 3: the checksum after one 16-bit word changed from old_word
 * to new_word, without touching the rest of the data.
 * It equals a full recompute in every case but one: when the data covered
 * becomes all zero, the right value is 0xffff and eqn. 3 yields 0x0000
 * (RFC 1624 section 3); a caller for which that can happen must check.
 */
uint16_t fp_csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word);

#endif /* FP_CSUM_H */
