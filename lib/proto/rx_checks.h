/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive checks of Ethernet (fp_eth_validate()) and IPv4
 * (fp_ip4_validate()), as static inline bodies: fp_rx_classify() in input.c
 * runs them in line on every frame, and eth.c and ip4.c export them as the
 * named functions the lwIP firmware's netif and the tests call. Their
 * contracts are in fp/eth.h and fp/ip4.h. Not installed.
 */
#ifndef FP_RX_CHECKS_H
#define FP_RX_CHECKS_H

#include <string.h>

#include "fp/core.h"
#include "fp/csum.h"
#include "fp/eth.h"
#include "fp/stats.h"
#include "fp/wire.h"

/* Count the drop and report "not valid" to the caller. */
static inline int
rx_drop(struct fp_ctx *ctx, enum fp_counter why)
{
	fp_ctx_drop(ctx, why);
	return 0;
}

/* fp_eth_validate() (fp/eth.h). */
static inline int
rx_eth_validate(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	const uint8_t *dst = pkt->data + FP_ETH_OFF_DST;
	uint16_t type;

	if (pkt->len < FP_ETH_HLEN)
		return rx_drop(ctx, FP_CTR_DROP_ETH_TRUNCATED);
	/* Unicast to us or broadcast (ARP requests); multicast and other hosts' frames are not ours. */
	if (pkt->port >= ctx->n_ifaces || pkt->port >= FP_MAX_IFACES ||
			(memcmp(dst, ctx->ifaces[pkt->port].mac, FP_ETH_ALEN) != 0 &&
					!fp_eth_is_bcast(dst)))
		return rx_drop(ctx, FP_CTR_DROP_ETH_NOT_US);
	/*
	 * A source address is never a group address (IEEE 802 I/G bit): such a
	 * frame is forged, and every reply to it would go to the whole link.
	 */
	if (fp_eth_is_group(pkt->data + FP_ETH_OFF_SRC))
		return rx_drop(ctx, FP_CTR_DROP_ETH_SRC_GROUP);
	/* No VLANs are configured: a tagged frame belongs to none of our
	 * interfaces. Untagged IPv4, nearly every frame, is let by first. */
	type = fp_load_be16(pkt->data + FP_ETH_OFF_TYPE);
	if (type != FP_ETHERTYPE_IPV4 && (type == FP_ETHERTYPE_VLAN || type == FP_ETHERTYPE_QINQ))
		return rx_drop(ctx, FP_CTR_DROP_ETH_VLAN);
	pkt->l3 = FP_ETH_HLEN;
	return 1;
}

/* fp_ip4_src_ok() (fp/ip4.h). */
static inline int
rx_ip4_src_ok(uint32_t src, const struct fp_iface *ifc)
{
	uint32_t top = src >> 24;

	/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 reserved +
	 * broadcast: only 1..223 but 127 remain (top - 1 wraps 0 out of range). */
	if (top - 1 >= 223 || top == 127)
		return 0;
	/* A packet from our own address or our subnet's broadcast is spoofed or looped. */
	if (src == ifc->ip4)
		return 0;
	/* /31 and /32 (RFC 3021), and an unset prefix, have no directed broadcast. */
	if (ifc->prefix_len > 0 && ifc->prefix_len < 31 &&
			src == (ifc->ip4 | 0xffffffffu >> ifc->prefix_len))
		return 0;
	return 1;
}

/* fp_ip4_validate() (fp/ip4.h). */
static inline int
rx_ip4_validate(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	const struct fp_iface *ifc = &ctx->ifaces[pkt->port];
	uint8_t *ip = pkt->data + pkt->l3;
	uint16_t avail, ihl, tot_len, frag;

	if (pkt->len < pkt->l3 + FP_IP4_HLEN)
		return rx_drop(ctx, FP_CTR_DROP_IP4_TRUNCATED);
	avail = (uint16_t)(pkt->len - pkt->l3);
	/* Version 4 with a 20-byte header, nearly every datagram: one compare. */
	if (ip[FP_IP4_OFF_VIHL] != 0x45) {
		if ((ip[FP_IP4_OFF_VIHL] >> 4) != 4)
			return rx_drop(ctx, FP_CTR_DROP_IP4_VERSION);
		ihl = (uint16_t)((ip[FP_IP4_OFF_VIHL] & 0x0f) * 4);
		if (ihl < FP_IP4_HLEN)
			return rx_drop(ctx, FP_CTR_DROP_IP4_BAD_IHL);
		/* RFC 791 3.1 options: we implement none, so a header with any is dropped. */
		return rx_drop(ctx, FP_CTR_DROP_IP4_OPTIONS);
	}
	tot_len = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	/*
	 * Longer than the link MTU cannot come off the wire in one piece: it was
	 * merged below us (e.g. the af_packet PMD's fanout defrag), and we could
	 * not answer it without fragmenting.
	 */
	if (tot_len < FP_IP4_HLEN || tot_len > avail || (ifc->mtu && tot_len > ifc->mtu))
		return rx_drop(ctx, FP_CTR_DROP_IP4_BAD_LEN);
	if (!(pkt->flags & FP_PKT_IP4_CSUM_GOOD) && !fp_csum_hdr20_ok(ip))
		return rx_drop(ctx, FP_CTR_DROP_IP4_CSUM);
	if (ip[FP_IP4_OFF_TTL] == 0)
		return rx_drop(ctx, FP_CTR_DROP_IP4_TTL);
	/* No reassembly: any piece of a fragmented datagram is dropped. */
	frag = fp_load_be16(ip + FP_IP4_OFF_FRAG);
	if (frag & (FP_IP4_FLAG_MF | FP_IP4_FRAG_MASK))
		return rx_drop(ctx, FP_CTR_DROP_IP4_FRAGMENT);
	if (ifc->ip4 == 0 || fp_load_be32(ip + FP_IP4_OFF_DST) != ifc->ip4)
		return rx_drop(ctx, FP_CTR_DROP_IP4_NOT_US);
	if (!rx_ip4_src_ok(fp_load_be32(ip + FP_IP4_OFF_SRC), ifc))
		return rx_drop(ctx, FP_CTR_DROP_IP4_BAD_SRC);

	/* Ethernet pads short frames to 60 bytes: the IPv4 total length is authoritative. */
	pkt->len = (uint16_t)(pkt->l3 + tot_len);
	pkt->l4 = (uint16_t)(pkt->l3 + FP_IP4_HLEN);
	pkt->l4_len = (uint16_t)(tot_len - FP_IP4_HLEN);
	return 1;
}

#endif /* FP_RX_CHECKS_H */
