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
#include "rx_checks.h"

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

int
fp_ip4_src_ok(uint32_t src, const struct fp_iface *ifc)
{
	return rx_ip4_src_ok(src, ifc);
}

int
fp_ip4_validate(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	return rx_ip4_validate(ctx, pkt);
}
