/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ICMP echo responder. Called by fp_ip4_input() for protocol 1 once the IPv4
 * header is valid and addressed to us; turns an echo request into its reply
 * in the same buffer (RFC 792, RFC 1122 3.2.2.6) and drops everything else.
 */
#include "fp/core.h"
#include "fp/csum.h"
#include "fp/eth.h"
#include "fp/icmp.h"
#include "fp/ip4.h"
#include "fp/wire.h"
#include "proto_priv.h"

/*
 * Is every byte but the checksum field zero? Rarely called: only when the
 * updated checksum is 0, about 1 reply in 65536.
 */
static int
icmp_all_zero(const uint8_t *p, uint16_t len)
{
	uint8_t acc = (uint8_t)(p[0] | p[1]);

	for (uint16_t i = FP_ICMP_OFF_CSUM + 2; i < len; i++)
		acc |= p[i];
	return acc == 0;
}

enum fp_verdict
fp_icmp_input(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	uint8_t *icmp = pkt->data + pkt->l4;
	uint16_t old_word, new_word, csum;

	if (pkt->l4_len < FP_ICMP_HLEN)
		return fp__drop(ctx, FP_CTR_DROP_ICMP_TRUNCATED);
	/* The checksum covers the whole message; a valid one sums to 0xffff (folds to 0). */
	if (!(pkt->flags & FP_PKT_L4_CSUM_GOOD) &&
			fp_csum_fold(fp_csum_partial(icmp, pkt->l4_len, 0)) != 0)
		return fp__drop(ctx, FP_CTR_DROP_ICMP_CSUM);
	old_word = fp_load_be16(icmp + FP_ICMP_OFF_TYPE);
	if (old_word >> 8 != FP_ICMP_ECHO_REQ)
		return fp__drop(ctx, FP_CTR_DROP_ICMP_TYPE);

	/*
	 * RFC 1122 3.2.2.6: same identifier, sequence and data; only the type
	 * changes. The new type/code word is built from the loaded one, not read
	 * back after a byte store (a wider load than the store cannot take the
	 * stored value from the store buffer and waits for it).
	 */
	new_word = (uint16_t)(FP_ICMP_ECHO_REPLY << 8 | (old_word & 0xff));
	fp_store_be16(icmp + FP_ICMP_OFF_TYPE, new_word);
	/* The code byte is the same in both words: updating for the type alone
	 * is the same sum, with constants the compiler folds. */
	csum = fp_csum_update16(fp_load_be16(icmp + FP_ICMP_OFF_CSUM), FP_ICMP_ECHO_REQ << 8,
			FP_ICMP_ECHO_REPLY << 8);
	/* RFC 1624 3: eqn. 3 gives 0 for an all-zero reply, which must carry 0xffff. */
	if (csum == 0 && icmp_all_zero(icmp, pkt->l4_len))
		csum = 0xffff;
	fp_store_be16(icmp + FP_ICMP_OFF_CSUM, csum);
	fp_ip4_reply(pkt->data + pkt->l3);
	fp_eth_reply(pkt->data, ctx->ifaces[pkt->port].mac);
	pkt->len = fp_eth_pad(pkt->data, pkt->len, pkt->room);
	fp_stats_inc(ctx->stats, FP_CTR_ICMP_ECHO_REPLIES);
	return FP_VERDICT_TX;
}
