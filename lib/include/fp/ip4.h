/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IPv4: header validation on input (version, IHL, lengths, checksum, TTL;
 * options and fragments are counted and dropped) and header writing on output.
 * fp_input() calls fp_ip4_validate() for ethertype 0x0800, then hands valid
 * datagrams to fp_icmp_input() or fp_tcp_input().
 */
#ifndef FP_IP4_H
#define FP_IP4_H

#include <stdint.h>
#include <string.h>

#include "fp/csum.h"
#include "fp/pkt.h"
#include "fp/wire.h"

struct fp_ctx;
struct fp_iface;

/**
 * Write a 20-byte IPv4 header (no options, DF set, TTL 64) with its checksum.
 * @param payload_len  L4 bytes that follow the header
 * Addresses are in host byte order.
 */
void fp_ip4_write(uint8_t *ip, uint32_t src, uint32_t dst, uint8_t proto, uint16_t payload_len,
		uint16_t id);

/**
 * Validate the IPv4 header at pkt->data + pkt->l3 (fp_input() then hands the
 * datagram to its L4 handler). Checks, each with its own drop counter, in
 * this order: room for 20 bytes (drop_ip4_truncated), version
 * (drop_ip4_version), IHL < 5 (drop_ip4_bad_ihl), IHL > 5 (drop_ip4_options),
 * total length below 20, beyond the frame or beyond the interface MTU when
 * one is set (drop_ip4_bad_len), header checksum unless FP_PKT_IP4_CSUM_GOOD
 * (drop_ip4_csum), TTL 0 (drop_ip4_ttl), MF or offset (drop_ip4_fragment),
 * destination is not ctx->ifaces[pkt->port].ip4 (drop_ip4_not_us), martian
 * source (drop_ip4_bad_src).
 * On success pkt->len is trimmed to the IPv4 total length (Ethernet padding
 * removed) and pkt->l4 / pkt->l4_len are set.
 * @param pkt  pkt->l3 set, pkt->port < ctx->n_ifaces (fp_input() checks both)
 * @return 1 when valid and addressed to us, 0 when dropped (one counter bumped)
 * Ownership: borrows pkt. Context: the ctx's owning thread.
 */
int fp_ip4_validate(struct fp_ctx *ctx, struct fp_pkt *pkt);

/**
 * Turn a received, validated 20-byte header into the header of its reply, in
 * place: swap source and destination, TTL 64, checksum updated for the TTL
 * (RFC 1624). TOS, ID, flags and total length are kept. The header's checksum
 * must be valid (verified, or vouched for by the NIC): it is updated, not
 * recomputed. Inline: every ICMP echo reply calls it.
 */
static inline void
fp_ip4_reply(uint8_t *ip)
{
	uint16_t old = fp_load_be16(ip + FP_IP4_OFF_TTL);
	uint16_t new = (uint16_t)(FP_IP4_DEFAULT_TTL << 8 | (old & 0xff));
	uint32_t src, dst;

	/* Swapping the addresses leaves the sum alone (byte order does not
	 * matter for a swap); only the TTL word changes (RFC 1624 eqn. 3; a
	 * version-4 header is never all zero). The new word is built from the
	 * loaded one, not read back after a byte store. */
	memcpy(&src, ip + FP_IP4_OFF_SRC, 4);
	memcpy(&dst, ip + FP_IP4_OFF_DST, 4);
	memcpy(ip + FP_IP4_OFF_SRC, &dst, 4);
	memcpy(ip + FP_IP4_OFF_DST, &src, 4);
	fp_store_be16(ip + FP_IP4_OFF_TTL, new);
	fp_store_be16(ip + FP_IP4_OFF_CSUM,
			fp_csum_update16(fp_load_be16(ip + FP_IP4_OFF_CSUM), old, new));
}

/**
 * RFC 1122 3.2.1.3 / RFC 1812 5.3.7: may this address appear as a source?
 * Rejects 0/8, 127/8, 224/4 (multicast), 240/4 and 255.255.255.255, the
 * interface's own address and its subnet's directed broadcast.
 * @param src  host byte order
 * @return non-zero when src is acceptable
 */
int fp_ip4_src_ok(uint32_t src, const struct fp_iface *ifc);

#endif /* FP_IP4_H */
