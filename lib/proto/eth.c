/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II: the receive-side checks (fp_input()'s first step in input.c,
 * also run by the lwIP firmware's netif) and header writing for lib-built TCP
 * segments. The in-place reply addressing and padding of the ARP and ICMP
 * replies are inline in fp/eth.h.
 */
#include <string.h>

#include "fp/core.h"
#include "fp/eth.h"
#include "fp/stats.h"
#include "rx_checks.h"

int
fp_eth_validate(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	return rx_eth_validate(ctx, pkt);
}

void
fp_eth_write(uint8_t *frame, const uint8_t dst[FP_ETH_ALEN], const uint8_t src[FP_ETH_ALEN],
		uint16_t ethertype)
{
	memcpy(frame + FP_ETH_OFF_DST, dst, FP_ETH_ALEN);
	memcpy(frame + FP_ETH_OFF_SRC, src, FP_ETH_ALEN);
	fp_store_be16(frame + FP_ETH_OFF_TYPE, ethertype);
}
