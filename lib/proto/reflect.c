/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fp_reflect(): the reflect stage's byte work (fp/reflect.h). Called by the
 * app's reflect node on packets fp_rx_classify() validated; touches only the
 * addresses and ports it swaps.
 */
#include <string.h>

#include "fp/reflect.h"
#include "fp/wire.h"

static void
swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t tmp[FP_ETH_ALEN];

	memcpy(tmp, a, n);
	memcpy(a, b, n);
	memcpy(b, tmp, n);
}

enum fp_verdict
fp_reflect(struct fp_pkt *pkt)
{
	uint8_t *ip = pkt->data + pkt->l3;
	uint8_t proto = ip[FP_IP4_OFF_PROTO];

	swap_bytes(pkt->data + FP_ETH_OFF_DST, pkt->data + FP_ETH_OFF_SRC, FP_ETH_ALEN);
	swap_bytes(ip + FP_IP4_OFF_SRC, ip + FP_IP4_OFF_DST, 4);
	/* Both ports sit in the first 4 bytes of TCP and UDP alike. */
	if ((proto == FP_IPPROTO_TCP || proto == FP_IPPROTO_UDP) && pkt->l4_len >= 4)
		swap_bytes(pkt->data + pkt->l4, pkt->data + pkt->l4 + 2, 2);
	return FP_VERDICT_TX;
}
