/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethernet II framing: parse on input (fp_input() calls it first), write a
 * header on output (replies and lib-built TCP segments).
 */
#ifndef FP_ETH_H
#define FP_ETH_H

#include <stdint.h>

#include "fp/wire.h"

#define FP_ETHERTYPE_QINQ 0x88a8 /**< IEEE 802.1ad outer tag: dropped like 802.1Q */

/** Write dst, src and ethertype at frame[0..13]. */
void fp_eth_write(uint8_t *frame, const uint8_t dst[FP_ETH_ALEN], const uint8_t src[FP_ETH_ALEN],
		uint16_t ethertype);

/**
 * Turn a received frame's Ethernet header into the header of its reply, in
 * place: the old source becomes the destination, our_mac the source.
 * The ethertype is kept.
 */
void fp_eth_reply(uint8_t *frame, const uint8_t our_mac[FP_ETH_ALEN]);

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
 * @return the new frame length
 */
uint16_t fp_eth_pad(uint8_t *frame, uint16_t len, uint16_t room);

#endif /* FP_ETH_H */
