/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II header writing. Parsing lives in input.c's first step.
 */
#include <string.h>

#include "fp/eth.h"

void
fp_eth_write(uint8_t *frame, const uint8_t dst[FP_ETH_ALEN], const uint8_t src[FP_ETH_ALEN],
		uint16_t ethertype)
{
	memcpy(frame + FP_ETH_OFF_DST, dst, FP_ETH_ALEN);
	memcpy(frame + FP_ETH_OFF_SRC, src, FP_ETH_ALEN);
	fp_store_be16(frame + FP_ETH_OFF_TYPE, ethertype);
}
