/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 receive checks and header writing. fp_input() calls fp_ip4_validate()
 * after the Ethernet step, then dispatches valid datagrams to fp_icmp_input()
 * or fp_tcp_input(). The writers serve in-place replies and lib-built segments.
 * This file must not call the TCP engine: tests and targets that only build
 * headers link it without lib/tcp.
 */
#include <string.h>

#include "fp/core.h"
#include "fp/csum.h"
#include "fp/ip4.h"
#include "fp/stats.h"
#include "fp/wire.h"

void
fp_ip4_write(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id)
{
	uint16_t tot_len = (uint16_t)(FP_IP4_HLEN + payload_len);
	uint16_t ttl_proto = (uint16_t)(FP_IP4_DEFAULT_TTL << 8 | proto);
	/* Summed from the values, not read back from the bytes just stored. */
	uint32_t sum = fp_csum_add(fp_csum_add(src, dst),
			(uint32_t)0x4500 + tot_len + id + 0x4000 + ttl_proto);

	ip[FP_IP4_OFF_VIHL] = 0x45;
	ip[FP_IP4_OFF_TOS] = 0;
	fp_store_be16(ip + FP_IP4_OFF_TOTLEN, tot_len);
	fp_store_be16(ip + FP_IP4_OFF_ID, id);
	fp_store_be16(ip + FP_IP4_OFF_FRAG, 0x4000); /* DF: we never fragment */
	fp_store_be16(ip + FP_IP4_OFF_TTL, ttl_proto);
	fp_store_be16(ip + FP_IP4_OFF_CSUM, fp_csum_fold(sum));
	fp_store_be32(ip + FP_IP4_OFF_SRC, src);
	fp_store_be32(ip + FP_IP4_OFF_DST, dst);
}

void
fp_ip4_reply(uint8_t *ip)
{
	uint16_t old = fp_load_be16(ip + FP_IP4_OFF_TTL);
	uint16_t new = (uint16_t)(FP_IP4_DEFAULT_TTL << 8 | ip[FP_IP4_OFF_PROTO]);
	uint8_t addr[8];

	/* Swapping the addresses leaves the sum alone (byte order does not
	 * matter for a swap); only the TTL word changes (RFC 1624 eqn. 3; a
	 * version-4 header is never all zero). */
	memcpy(addr, ip + FP_IP4_OFF_DST, 4);
	memcpy(addr + 4, ip + FP_IP4_OFF_SRC, 4);
	memcpy(ip + FP_IP4_OFF_SRC, addr, 8);
	ip[FP_IP4_OFF_TTL] = FP_IP4_DEFAULT_TTL;
	fp_store_be16(ip + FP_IP4_OFF_CSUM,
			fp_csum_update16(fp_load_be16(ip + FP_IP4_OFF_CSUM), old, new));
}

/* Count the drop and report "not valid" to fp_input(). */
static int
ip4_drop(struct fp_ctx *ctx, enum fp_counter why)
{
	fp_ctx_drop(ctx, why);
	return 0;
}

static inline int
src_ok(uint32_t src, const struct fp_iface *ifc)
{
	uint8_t top = (uint8_t)(src >> 24);
	uint32_t host_mask = 0;

	/* 0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 reserved + broadcast. */
	if (top == 0 || top == 127 || top >= 224)
		return 0;
	/* A packet from our own address or our subnet's broadcast is spoofed or looped. */
	if (src == ifc->ip4)
		return 0;
	/* /31 and /32 (RFC 3021), and an unset prefix, have no directed broadcast. */
	if (ifc->prefix_len > 0 && ifc->prefix_len < 31)
		host_mask = 0xffffffffu >> ifc->prefix_len;
	if (host_mask && (src & host_mask) == host_mask &&
			(src & ~host_mask) == (ifc->ip4 & ~host_mask))
		return 0;
	return 1;
}

int
fp_ip4_src_ok(uint32_t src, const struct fp_iface *ifc)
{
	return src_ok(src, ifc);
}

int
fp_ip4_validate(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	const struct fp_iface *ifc = &ctx->ifaces[pkt->port];
	uint8_t *ip = pkt->data + pkt->l3;
	uint16_t avail, ihl, tot_len, frag;

	if (pkt->len < pkt->l3 + FP_IP4_HLEN)
		return ip4_drop(ctx, FP_CTR_DROP_IP4_TRUNCATED);
	avail = (uint16_t)(pkt->len - pkt->l3);
	/* Version 4 with a 20-byte header, nearly every datagram: one compare. */
	if (ip[FP_IP4_OFF_VIHL] != 0x45) {
		if ((ip[FP_IP4_OFF_VIHL] >> 4) != 4)
			return ip4_drop(ctx, FP_CTR_DROP_IP4_VERSION);
		ihl = (uint16_t)((ip[FP_IP4_OFF_VIHL] & 0x0f) * 4);
		if (ihl < FP_IP4_HLEN)
			return ip4_drop(ctx, FP_CTR_DROP_IP4_BAD_IHL);
		/* RFC 791 3.1 options: we implement none, so a header with any is dropped. */
		return ip4_drop(ctx, FP_CTR_DROP_IP4_OPTIONS);
	}
	tot_len = fp_load_be16(ip + FP_IP4_OFF_TOTLEN);
	/*
	 * Longer than the link MTU cannot come off the wire in one piece: it was
	 * merged below us (e.g. the af_packet PMD's fanout defrag), and we could
	 * not answer it without fragmenting.
	 */
	if (tot_len < FP_IP4_HLEN || tot_len > avail || (ifc->mtu && tot_len > ifc->mtu))
		return ip4_drop(ctx, FP_CTR_DROP_IP4_BAD_LEN);
	if (!(pkt->flags & FP_PKT_IP4_CSUM_GOOD) && fp_csum_fold(fp_csum_hdr20(ip)) != 0)
		return ip4_drop(ctx, FP_CTR_DROP_IP4_CSUM);
	if (ip[FP_IP4_OFF_TTL] == 0)
		return ip4_drop(ctx, FP_CTR_DROP_IP4_TTL);
	/* No reassembly: any piece of a fragmented datagram is dropped. */
	frag = fp_load_be16(ip + FP_IP4_OFF_FRAG);
	if (frag & (FP_IP4_FLAG_MF | FP_IP4_FRAG_MASK))
		return ip4_drop(ctx, FP_CTR_DROP_IP4_FRAGMENT);
	if (ifc->ip4 == 0 || fp_load_be32(ip + FP_IP4_OFF_DST) != ifc->ip4)
		return ip4_drop(ctx, FP_CTR_DROP_IP4_NOT_US);
	if (!src_ok(fp_load_be32(ip + FP_IP4_OFF_SRC), ifc))
		return ip4_drop(ctx, FP_CTR_DROP_IP4_BAD_SRC);

	/* Ethernet pads short frames to 60 bytes: the IPv4 total length is authoritative. */
	pkt->len = (uint16_t)(pkt->l3 + tot_len);
	pkt->l4 = (uint16_t)(pkt->l3 + FP_IP4_HLEN);
	pkt->l4_len = (uint16_t)(tot_len - FP_IP4_HLEN);
	return 1;
}
