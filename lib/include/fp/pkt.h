/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet view shared by every lib/ module. An adapter (app/pkt_mbuf.h for
 * DPDK, lwip-fw/ for lwIP) wraps one contiguous frame in a struct fp_pkt and
 * hands it to fp_input(); lib/ borrows the bytes for that call only.
 */
#ifndef FP_PKT_H
#define FP_PKT_H

#include <stdint.h>

/** What the caller must do with a frame after fp_input() returns. */
enum fp_verdict {
	FP_VERDICT_DROP,     /**< malformed or unwanted: a drop counter was bumped; free it */
	FP_VERDICT_CONSUMED, /**< handled, nothing to send back in this buffer; free it */
	FP_VERDICT_TX,       /**< rewritten in place into a reply of pkt->len bytes; transmit it */
};

/**
 * On input, facts the adapter already knows (hardware offloads), so lib/ can
 * skip work. On an FP_VERDICT_TX reply, what lib/ left to the NIC.
 */
enum fp_pkt_flags {
	FP_PKT_IP4_CSUM_GOOD = 1u << 0, /**< in: NIC verified the IPv4 header checksum */
	FP_PKT_L4_CSUM_GOOD = 1u << 1,  /**< in: NIC verified the TCP/ICMP checksum */
	/** out: the reply is IPv4 + TCP (20-byte IPv4 header) whose IPv4 and TCP
	 *  checksums the NIC must fill in: the IPv4 field is 0, the TCP field
	 *  holds the pseudo-header sum (what DPDK's RTE_MBUF_F_TX_IP_CKSUM and
	 *  RTE_MBUF_F_TX_TCP_CKSUM expect). Set only where fp_iface.tx_offload allows. */
	FP_PKT_TX_CSUM = 1u << 2,
	/* lib-internal, set by fp_input_burst() (adapters pass neither): */
	FP_PKT_HASH = 1u << 3, /**< hash holds the frame's TCP flow hash */
	FP_PKT_FLOW = 1u << 4, /**< flow holds the slot of its TCP flow, found ahead */
};

/** The flags an adapter may pass in; fp_input() clears the others on entry. */
#define FP_PKT_IN_FLAGS (FP_PKT_IP4_CSUM_GOOD | FP_PKT_L4_CSUM_GOOD)

/** A borrowed, contiguous Ethernet frame. */
struct fp_pkt {
	uint8_t *data;  /**< first byte of the Ethernet header */
	uint16_t len;   /**< valid bytes from data */
	uint16_t room;  /**< writable bytes from data (tailroom included), >= len */
	uint16_t l3;    /**< offset of the IPv4/ARP header, set by the parser */
	uint16_t l4;    /**< offset of the TCP/ICMP header, set by the parser */
	uint16_t l4_len; /**< L4 header + payload bytes (IPv4 total length minus IHL) */
	uint16_t port;  /**< input port index, chooses the fp_iface */
	uint32_t flags; /**< enum fp_pkt_flags */
	uint32_t hash;  /**< lib-internal: see FP_PKT_HASH */
	uint32_t flow;  /**< lib-internal: see FP_PKT_FLOW */
	/** out of fp_input_burst(): on FP_VERDICT_DROP, the enum fp_counter
	 *  bumped (fp_ctx.drop_reason per frame, for an adapter that sinks
	 *  drops by reason) */
	uint16_t drop_reason;
};

/** Portable prefetch hints: no-ops where the compiler has none. */
static inline void
fp_prefetch(const void *p)
{
#if defined(__GNUC__)
	__builtin_prefetch(p, 0, 3);
#else
	(void)p;
#endif
}

static inline void
fp_prefetch_w(const void *p)
{
#if defined(__GNUC__)
	__builtin_prefetch(p, 1, 3);
#else
	(void)p;
#endif
}

#endif /* FP_PKT_H */
