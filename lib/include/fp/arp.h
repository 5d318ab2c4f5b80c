/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP for IPv4 over Ethernet (RFC 826): answers requests for our address in
 * place. fp_input() calls fp_arp_input() for ethertype 0x0806. Nothing is
 * learned: every frame lib/ sends goes to a MAC it was just given (the
 * request's or segment's sender, or the one a TCP flow kept from its SYN),
 * and the engine never starts a conversation, so no neighbour table would
 * ever be read (RFC 826's table serves a host's own outgoing packets).
 */
#ifndef FP_ARP_H
#define FP_ARP_H

#include <stdint.h>

#include "fp/pkt.h"
#include "fp/wire.h"

struct fp_ctx;

/**
 * Handle one ARP packet (pkt->l3 is the ARP header).
 * Malformed (short, htype != 1, ptype != 0x0800, hlen != 6, plen != 4, op
 * not 1/2, group sender MAC): drop_arp_malformed. A request for
 * ctx->ifaces[pkt->port].ip4 is rewritten into a reply in place
 * (FP_VERDICT_TX, padded to the Ethernet minimum when room allows). A
 * gratuitous ARP or a reply is FP_VERDICT_CONSUMED. A request for another
 * address counts drop_arp_not_us.
 * @return FP_VERDICT_TX, FP_VERDICT_CONSUMED or FP_VERDICT_DROP
 * Ownership: borrows pkt. Context: the ctx's owning thread.
 */
enum fp_verdict fp_arp_input(struct fp_ctx *ctx, struct fp_pkt *pkt);

#endif /* FP_ARP_H */
