/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II framing: parse on input (fp_input() calls it first), write a
 * header on output (replies and lib-built TCP segments).
 */
#ifndef FP_ETH_H
#define FP_ETH_H

#include <stdint.h>

#include "fp/wire.h"

/** Write dst, src and ethertype at frame[0..13]. */
void fp_eth_write(uint8_t *frame, const uint8_t dst[FP_ETH_ALEN], const uint8_t src[FP_ETH_ALEN],
		uint16_t ethertype);

#endif /* FP_ETH_H */
