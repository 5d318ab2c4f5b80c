/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) for IPv4 over Ethernet. Called by fp_input() for ethertype
 * 0x0806: validates the packet and rewrites requests for our address into
 * replies in place.
 */
#include <string.h>

#include "fp/arp.h"
#include "fp/core.h"
#include "fp/eth.h"
#include "fp/wire.h"
#include "proto_priv.h"

/* Fixed fields for IPv4 over Ethernet: htype 1, ptype 0x0800, hlen 6, plen 4. */
static int
arp_well_formed(const uint8_t *arp)
{
	uint16_t op = fp_load_be16(arp + FP_ARP_OFF_OP);

	return fp_load_be16(arp + FP_ARP_OFF_HTYPE) == FP_ARP_HTYPE_ETHER &&
			fp_load_be16(arp + FP_ARP_OFF_PTYPE) == FP_ETHERTYPE_IPV4 &&
			arp[FP_ARP_OFF_HLEN] == FP_ETH_ALEN && arp[FP_ARP_OFF_PLEN] == 4 &&
			(op == FP_ARP_OP_REQUEST || op == FP_ARP_OP_REPLY) &&
			!fp_eth_is_group(arp + FP_ARP_OFF_SHA);
}

/* RFC 826 reply: the sender becomes the target, we become the sender. */
static void
arp_make_reply(uint8_t *frame, uint8_t *arp, const struct fp_iface *ifc)
{
	memcpy(arp + FP_ARP_OFF_THA, arp + FP_ARP_OFF_SHA, FP_ETH_ALEN + 4);
	memcpy(arp + FP_ARP_OFF_SHA, ifc->mac, FP_ETH_ALEN);
	fp_store_be32(arp + FP_ARP_OFF_SPA, ifc->ip4);
	fp_store_be16(arp + FP_ARP_OFF_OP, FP_ARP_OP_REPLY);
	fp_eth_reply(frame, ifc->mac);
}

enum fp_verdict
fp_arp_input(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	const struct fp_iface *ifc = &ctx->ifaces[pkt->port];
	uint8_t *arp = pkt->data + pkt->l3;
	uint32_t spa, tpa;
	int request;

	if (pkt->len < pkt->l3 + FP_ARP_LEN || !arp_well_formed(arp))
		return fp__drop(ctx, FP_CTR_DROP_ARP_MALFORMED);
	spa = fp_load_be32(arp + FP_ARP_OFF_SPA);
	tpa = fp_load_be32(arp + FP_ARP_OFF_TPA);
	request = fp_load_be16(arp + FP_ARP_OFF_OP) == FP_ARP_OP_REQUEST;
	if (request)
		fp_stats_inc(ctx->stats, FP_CTR_ARP_REQUESTS);

	if (request && tpa == ifc->ip4 && ifc->ip4 != 0 && spa != tpa) {
		arp_make_reply(pkt->data, arp, ifc);
		pkt->len = fp_eth_pad(pkt->data, (uint16_t)(pkt->l3 + FP_ARP_LEN), pkt->room);
		fp_stats_inc(ctx->stats, FP_CTR_ARP_REPLIES_SENT);
		return FP_VERDICT_TX;
	}
	/* Replies and gratuitous ARP (sender == target) announce a binding: nothing to answer. */
	if (!request || spa == tpa)
		return FP_VERDICT_CONSUMED;
	return fp__drop(ctx, FP_CTR_DROP_ARP_NOT_US);
}
