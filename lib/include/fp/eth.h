/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II framing: receive checks (fp_input()'s first step, and the lwIP
 * firmware's netif in front of lwIP), a header on output (replies and
 * lib-built TCP segments).
 */
#ifndef FP_ETH_H
#define FP_ETH_H

#include <stdint.h>
#include <string.h>

#include "fp/pkt.h"
#include "fp/wire.h"

struct fp_ctx;

#define FP_ETHERTYPE_QINQ 0x88a8 /**< IEEE 802.1ad outer tag: dropped like 802.1Q */

/**
 * Receive-side Ethernet checks, each with its own drop counter, in this
 * order: shorter than a header (drop_eth_truncated); pkt->port out of range,
 * or a destination that is neither the port's MAC nor broadcast
 * (drop_eth_not_us); a group (broadcast or multicast) source address
 * (drop_eth_src_group); an 802.1Q or 802.1ad tag (drop_eth_vlan). The ethertype
 * itself is the caller's to judge (fp_input() dispatches on it).
 * On success pkt->l3 is set to the byte after the header.
 * @return 1 when the frame is ours, 0 when dropped (one counter bumped)
 * Ownership: borrows pkt. Context: the ctx's owning thread.
 */
int fp_eth_validate(struct fp_ctx *ctx, struct fp_pkt *pkt);

/** Write dst, src and ethertype at frame[0..13]. */
void fp_eth_write(uint8_t *frame, const uint8_t dst[FP_ETH_ALEN], const uint8_t src[FP_ETH_ALEN],
		uint16_t ethertype);

/**
 * Turn a received frame's Ethernet header into the header of its reply, in
 * place: the old source becomes the destination, our_mac the source.
 * The ethertype is kept. Inline: every in-place reply calls it.
 */
static inline void
fp_eth_reply(uint8_t *frame, const uint8_t our_mac[FP_ETH_ALEN])
{
	memcpy(frame + FP_ETH_OFF_DST, frame + FP_ETH_OFF_SRC, FP_ETH_ALEN);
	memcpy(frame + FP_ETH_OFF_SRC, our_mac, FP_ETH_ALEN);
}

/** @return non-zero when mac is ff:ff:ff:ff:ff:ff. */
static inline int
fp_eth_is_bcast(const uint8_t mac[FP_ETH_ALEN])
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

/** @return non-zero when mac is a group (multicast or broadcast) address. */
static inline int
fp_eth_is_group(const uint8_t mac[FP_ETH_ALEN])
{
	return mac[0] & 1;
}

/**
 * Pad a reply to the Ethernet minimum (FP_ETH_MIN_FRAME) with zero bytes, so
 * no stale buffer content leaves the host. Frames already long enough, or
 * buffers without the room, are left alone (the NIC pads those).
 * Inline: every in-place reply calls it, and most need nothing.
 * @return the new frame length
 */
static inline uint16_t
fp_eth_pad(uint8_t *frame, uint16_t len, uint16_t room)
{
	if (len >= FP_ETH_MIN_FRAME || room < FP_ETH_MIN_FRAME)
		return len;
	memset(frame + len, 0, (size_t)(FP_ETH_MIN_FRAME - len));
	return FP_ETH_MIN_FRAME;
}

#endif /* FP_ETH_H */
