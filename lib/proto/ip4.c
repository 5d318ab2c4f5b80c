/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4 header writing for replies and lib-built segments.
 */
#include "fp/csum.h"
#include "fp/ip4.h"
#include "fp/wire.h"

void
fp_ip4_write(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id)
{
	ip[FP_IP4_OFF_VIHL] = 0x45;
	ip[FP_IP4_OFF_TOS] = 0;
	fp_store_be16(ip + FP_IP4_OFF_TOTLEN, (uint16_t)(FP_IP4_HLEN + payload_len));
	fp_store_be16(ip + FP_IP4_OFF_ID, id);
	fp_store_be16(ip + FP_IP4_OFF_FRAG, 0x4000); /* DF: we never fragment */
	ip[FP_IP4_OFF_TTL] = FP_IP4_DEFAULT_TTL;
	ip[FP_IP4_OFF_PROTO] = proto;
	fp_store_be16(ip + FP_IP4_OFF_CSUM, 0);
	fp_store_be32(ip + FP_IP4_OFF_SRC, src);
	fp_store_be32(ip + FP_IP4_OFF_DST, dst);
	fp_store_be16(ip + FP_IP4_OFF_CSUM, fp_csum_fold(fp_csum_partial(ip, FP_IP4_HLEN, 0)));
}
