/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A reflector for traffic generators: send a received IPv4 packet back to
 * where it came from, with its MAC addresses, IP addresses and TCP/UDP ports
 * swapped (testpmd's macswap, one layer further). The app's reflect stage
 * calls it after fp_rx_classify() validated the packet.
 */
#ifndef FP_REFLECT_H
#define FP_REFLECT_H

#include "fp/pkt.h"

/** UDP's protocol number; lib/ answers no UDP, so wire.h has no other use for it. */
#define FP_IPPROTO_UDP 17

/**
 * Swap the Ethernet source and destination, the IPv4 source and destination
 * and, for TCP and UDP, the ports, in place. A swap leaves every checksum
 * valid (a ones'-complement sum does not depend on the order of its words),
 * so nothing is recomputed; TTL, IDs and payload are kept.
 * @param pkt  an IPv4 packet as fp_rx_classify() leaves it (l3, l4, l4_len set)
 * @return FP_VERDICT_TX
 * Ownership: borrows pkt. Context: any.
 */
enum fp_verdict fp_reflect(struct fp_pkt *pkt);

#endif /* FP_REFLECT_H */
