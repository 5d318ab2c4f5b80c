/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP for IPv4 over Ethernet (RFC 826): answers requests for our address in
 * place and learns senders into a small neighbour table over caller storage.
 * fp_input() calls fp_arp_input() for ethertype 0x0806; other modules (and the
 * management plane) read the table with fp_arp_lookup().
 */
#ifndef FP_ARP_H
#define FP_ARP_H

#include <stdint.h>

#include "fp/pkt.h"
#include "fp/wire.h"

struct fp_ctx;

/** One neighbour. */
struct fp_arp_entry {
	uint32_t ip;              /**< host byte order; 0 = free slot */
	uint8_t mac[FP_ETH_ALEN]; /**< link-layer address */
	uint64_t stamp;           /**< table clock at the last update; lowest = oldest */
	uint64_t updated_us;      /**< ctx->now_us at the last update, microseconds */
};

/** Ways per set of the neighbour table. */
#define FP_ARP_WAYS 8

/**
 * A fixed-size, set-associative neighbour table; one owner (the context),
 * no locks. Slots are grouped in sets of up to FP_ARP_WAYS; an address
 * always lives in the set its hash picks.
 */
struct fp_arp_table {
	struct fp_arp_entry *slots; /**< caller storage */
	uint32_t n_slots;
	uint32_t ways;     /**< slots per set: min(n_slots, FP_ARP_WAYS) */
	uint32_t set_shift; /**< 32 - log2(sets); sets is a power of two, sets * ways <= n_slots */
	uint64_t clock;    /**< bumped on every learn, orders entries by age */
};

/**
 * Set up a table over caller storage (slots are cleared).
 * @return 0, or -EINVAL when slots is NULL or n is 0
 * Context: before use, or the owning thread.
 */
int fp_arp_table_init(struct fp_arp_table *tbl, struct fp_arp_entry *slots, uint32_t n);

/**
 * Insert or refresh ip -> mac. When the address's set is full, the set's
 * oldest entry (least recently learned or refreshed) is replaced; a table of
 * FP_ARP_WAYS slots or fewer is one set, so its oldest entry overall.
 * @param ip  host byte order, must not be 0
 * @return 0, or -EINVAL for ip 0
 * Context: the owning thread.
 */
int fp_arp_learn(struct fp_arp_table *tbl, uint32_t ip, const uint8_t mac[FP_ETH_ALEN],
		uint64_t now_us);

/**
 * Find the MAC for ip.
 * @param mac_out  filled on success, untouched otherwise (may be NULL)
 * @return 0, or -ENOENT
 * Context: the owning thread.
 */
int fp_arp_lookup(const struct fp_arp_table *tbl, uint32_t ip, uint8_t mac_out[FP_ETH_ALEN]);

/**
 * Handle one ARP packet (pkt->l3 is the ARP header).
 * Malformed (short, htype != 1, ptype != 0x0800, hlen != 6, plen != 4, op
 * not 1/2, group sender MAC): drop_arp_malformed. A request for
 * ctx->ifaces[pkt->port].ip4 is learned and rewritten into a reply in place
 * (FP_VERDICT_TX, padded to the Ethernet minimum when room allows). A
 * gratuitous ARP or a reply is learned (FP_VERDICT_CONSUMED). A request for
 * another address only refreshes an existing entry (RFC 826 merge) and counts
 * drop_arp_not_us. Learning is skipped when ctx->arp is NULL, for sender
 * 0.0.0.0 (RFC 5227 probes) and for a sender claiming our own address.
 * @return FP_VERDICT_TX, FP_VERDICT_CONSUMED or FP_VERDICT_DROP
 * Ownership: borrows pkt. Context: the ctx's owning thread.
 */
enum fp_verdict fp_arp_input(struct fp_ctx *ctx, struct fp_pkt *pkt);

#endif /* FP_ARP_H */
