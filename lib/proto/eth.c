/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II header writing and in-place reply addressing. Called by the
 * ARP and ICMP reply paths and by lib-built TCP segments; the receive-side
 * checks (length, destination, ethertype) are fp_input()'s first step in input.c.
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

void
fp_eth_reply(uint8_t *frame, const uint8_t our_mac[FP_ETH_ALEN])
{
	memmove(frame + FP_ETH_OFF_DST, frame + FP_ETH_OFF_SRC, FP_ETH_ALEN);
	memcpy(frame + FP_ETH_OFF_SRC, our_mac, FP_ETH_ALEN);
}

uint16_t
fp_eth_pad(uint8_t *frame, uint16_t len, uint16_t room)
{
	if (len >= FP_ETH_MIN_FRAME || room < FP_ETH_MIN_FRAME)
		return len;
	memset(frame + len, 0, (size_t)(FP_ETH_MIN_FRAME - len));
	return FP_ETH_MIN_FRAME;
}
