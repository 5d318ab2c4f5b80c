/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP (RFC 826) for IPv4 over Ethernet. Called by fp_input() for ethertype
 * 0x0806: validates the packet, learns the sender into the context's
 * neighbour table and rewrites requests for our address into replies in place.
 */
#include <errno.h>
#include <string.h>

#include "fp/arp.h"
#include "fp/core.h"
#include "fp/eth.h"
#include "fp/wire.h"
#include "proto_priv.h"

int
fp_arp_table_init(struct fp_arp_table *tbl, struct fp_arp_entry *slots, uint32_t n)
{
	uint32_t ways, sets = 1, shift = 32;

	if (slots == NULL || n == 0)
		return -EINVAL;
	memset(slots, 0, (size_t)n * sizeof(*slots));
	ways = n < FP_ARP_WAYS ? n : FP_ARP_WAYS;
	while (sets * 2 * ways <= n) {
		sets *= 2;
		shift--;
	}
	tbl->slots = slots;
	tbl->n_slots = n;
	tbl->ways = ways;
	tbl->set_shift = shift;
	tbl->clock = 0;
	return 0;
}

/*
 * The set an address lives in: set-associative, so learning and lookup cost
 * `ways` compares whatever the table size (a linear scan of 256 slots was
 * 90% of an ARP request's instructions). Fibonacci hashing (the top bits of
 * ip * 2^32/phi) spreads consecutive host addresses evenly over the sets.
 */
static inline struct fp_arp_entry *
arp_set(const struct fp_arp_table *tbl, uint32_t ip)
{
	uint32_t set = (uint32_t)((uint64_t)(uint32_t)(ip * 2654435761u) >> tbl->set_shift);

	return &tbl->slots[set * tbl->ways];
}

/* One pass over the set: the slot holding ip, else a free slot, else its oldest entry. */
static struct fp_arp_entry *
arp_slot_for(struct fp_arp_table *tbl, uint32_t ip)
{
	struct fp_arp_entry *set = arp_set(tbl, ip);
	struct fp_arp_entry *victim = &set[0];

	for (uint32_t i = 0; i < tbl->ways; i++) {
		struct fp_arp_entry *e = &set[i];

		if (e->ip == ip)
			return e;
		if (victim->ip != 0 && (e->ip == 0 || e->stamp < victim->stamp))
			victim = e;
	}
	return victim;
}

static const struct fp_arp_entry *
arp_find(const struct fp_arp_table *tbl, uint32_t ip)
{
	const struct fp_arp_entry *set = arp_set(tbl, ip);

	for (uint32_t i = 0; i < tbl->ways; i++)
		if (set[i].ip == ip)
			return &set[i];
	return NULL;
}

int
fp_arp_learn(struct fp_arp_table *tbl, uint32_t ip, const uint8_t mac[FP_ETH_ALEN], uint64_t now_us)
{
	struct fp_arp_entry *e;

	if (ip == 0)
		return -EINVAL;
	e = arp_slot_for(tbl, ip);
	e->ip = ip;
	memcpy(e->mac, mac, FP_ETH_ALEN);
	e->stamp = ++tbl->clock;
	e->updated_us = now_us;
	return 0;
}

int
fp_arp_lookup(const struct fp_arp_table *tbl, uint32_t ip, uint8_t mac_out[FP_ETH_ALEN])
{
	const struct fp_arp_entry *e;

	if (ip == 0)
		return -ENOENT;
	e = arp_find(tbl, ip);
	if (e == NULL)
		return -ENOENT;
	if (mac_out)
		memcpy(mac_out, e->mac, FP_ETH_ALEN);
	return 0;
}

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
	int learnable, request;

	if (pkt->len < pkt->l3 + FP_ARP_LEN || !arp_well_formed(arp))
		return fp__drop(ctx, FP_CTR_DROP_ARP_MALFORMED);
	spa = fp_load_be32(arp + FP_ARP_OFF_SPA);
	tpa = fp_load_be32(arp + FP_ARP_OFF_TPA);
	request = fp_load_be16(arp + FP_ARP_OFF_OP) == FP_ARP_OP_REQUEST;
	/* RFC 5227 probes (sender 0) and claims on our own address are never learned. */
	learnable = ctx->arp != NULL && spa != 0 && spa != ifc->ip4;
	if (request)
		fp_stats_inc(ctx->stats, FP_CTR_ARP_REQUESTS);

	if (request && tpa == ifc->ip4 && ifc->ip4 != 0 && spa != tpa) {
		if (learnable)
			fp_arp_learn(ctx->arp, spa, arp + FP_ARP_OFF_SHA, ctx->now_us);
		arp_make_reply(pkt->data, arp, ifc);
		pkt->len = fp_eth_pad(pkt->data, (uint16_t)(pkt->l3 + FP_ARP_LEN), pkt->room);
		fp_stats_inc(ctx->stats, FP_CTR_ARP_REPLIES_SENT);
		return FP_VERDICT_TX;
	}
	/* Replies and gratuitous ARP (sender == target) announce a binding: take it. */
	if (!request || spa == tpa) {
		if (learnable)
			fp_arp_learn(ctx->arp, spa, arp + FP_ARP_OFF_SHA, ctx->now_us);
		return FP_VERDICT_CONSUMED;
	}
	/* RFC 826 merge: a request for someone else only refreshes what we already know. */
	if (learnable && arp_find(ctx->arp, spa) != NULL)
		fp_arp_learn(ctx->arp, spa, arp + FP_ARP_OFF_SHA, ctx->now_us);
	return fp__drop(ctx, FP_CTR_DROP_ARP_NOT_US);
}
