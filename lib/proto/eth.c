/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II: the receive-side checks (fp_input()'s first step in input.c,
 * also run by the lwIP firmware's netif), header writing and in-place reply
 * addressing for the ARP and ICMP reply paths and lib-built TCP segments.
 */
#include <string.h>

#include "fp/core.h"
#include "fp/eth.h"
#include "fp/stats.h"

static int
eth_drop(struct fp_ctx *ctx, enum fp_counter why)
{
	fp_ctx_drop(ctx, why);
	return 0;
}

int
fp_eth_validate(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	const uint8_t *dst = pkt->data + FP_ETH_OFF_DST;
	uint16_t type;

	if (pkt->len < FP_ETH_HLEN)
		return eth_drop(ctx, FP_CTR_DROP_ETH_TRUNCATED);
	/* Unicast to us or broadcast (ARP requests); multicast and other hosts' frames are not ours. */
	if (pkt->port >= ctx->n_ifaces || pkt->port >= FP_MAX_IFACES ||
			(memcmp(dst, ctx->ifaces[pkt->port].mac, FP_ETH_ALEN) != 0 &&
					!fp_eth_is_bcast(dst)))
		return eth_drop(ctx, FP_CTR_DROP_ETH_NOT_US);
	/*
	 * A source address is never a group address (IEEE 802 I/G bit): such a
	 * frame is forged, and every reply to it would go to the whole link.
	 */
	if (fp_eth_is_group(pkt->data + FP_ETH_OFF_SRC))
		return eth_drop(ctx, FP_CTR_DROP_ETH_SRC_GROUP);
	/* No VLANs are configured: a tagged frame belongs to none of our interfaces. */
	type = fp_load_be16(pkt->data + FP_ETH_OFF_TYPE);
	if (type == FP_ETHERTYPE_VLAN || type == FP_ETHERTYPE_QINQ)
		return eth_drop(ctx, FP_CTR_DROP_ETH_VLAN);
	pkt->l3 = FP_ETH_HLEN;
	return 1;
}

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
