/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The protocol core's entry points: one struct fp_ctx per packet-processing
 * context (a DPDK worker lcore, or the firmware main loop). The adapter calls
 * fp_input() for every received frame and fp_tick() from its poll loop; lib/
 * sends any extra frames (retransmissions, echo data, timers' output) through
 * the caller's struct fp_tx_ops.
 */
#ifndef FP_CORE_H
#define FP_CORE_H

#include <stdint.h>

#include "fp/pkt.h"
#include "fp/stats.h"
#include "fp/wire.h"

#ifndef FP_MAX_IFACES
#define FP_MAX_IFACES 4
#endif

struct fp_tcp; /* fp/tcp.h: the TCP echo engine's per-context state */

/** One local interface: what we answer ARP, ICMP and TCP for. */
struct fp_iface {
	uint8_t mac[FP_ETH_ALEN]; /**< our MAC address */
	uint32_t ip4;             /**< our IPv4 address, host byte order */
	uint8_t prefix_len;       /**< subnet prefix length, 0..32 */
	uint16_t mtu;             /**< IP MTU in bytes (1500 on Ethernet) */
};

/**
 * How lib/ sends frames it builds itself (not in-place replies).
 * At most one frame is outstanding between alloc and send/discard.
 */
struct fp_tx_ops {
	/**
	 * Get a writable buffer for one frame.
	 * @param room  out: writable bytes at the returned pointer
	 * @return frame start, or NULL when out of buffers (lib/ counts DROP_TX_NO_MBUF)
	 */
	uint8_t *(*alloc)(void *arg, uint16_t *room);
	/**
	 * Queue the frame from alloc() for transmission.
	 * @param port  the interface it leaves by: an index of ctx->ifaces, as fp_pkt.port
	 * Ownership: takes it.
	 */
	void (*send)(void *arg, uint8_t *frame, uint16_t len, uint16_t port);
	/** Give back a frame from alloc() that will not be sent. */
	void (*discard)(void *arg, uint8_t *frame);
};

/** Which protocol handlers a context runs (from the pipeline definition). */
enum fp_handler {
	FP_HANDLE_ARP = 1u << 0,
	FP_HANDLE_ICMP = 1u << 1,
	FP_HANDLE_TCP = 1u << 2,
};

/** Everything one context needs; owned and written by that context only. */
struct fp_ctx {
	struct fp_iface ifaces[FP_MAX_IFACES]; /**< indexed by fp_pkt.port */
	uint16_t n_ifaces;
	uint32_t handlers;                     /**< enum fp_handler bits */
	uint64_t now_us;                       /**< caller's clock, microseconds, monotonic */
	struct fp_stats *stats;                /**< counters, may be read by other threads */
	struct fp_tcp *tcp; /**< TCP echo engine; NULL = TCP dropped, drop_ip4_proto, no RST */
	const struct fp_tx_ops *tx;            /**< frame sender for lib-built frames */
	void *tx_arg;                          /**< first argument of every tx op */
	uint16_t drop_reason;                  /**< enum fp_counter of the last FP_VERDICT_DROP */
};

/**
 * Count a drop and remember its reason, for an adapter that sends each
 * dropped frame to a sink per reason (the app's graph); every lib/ drop
 * exit goes through here. @return FP_VERDICT_DROP
 */
static inline enum fp_verdict
fp_ctx_drop(struct fp_ctx *ctx, enum fp_counter why)
{
	fp_stats_inc(ctx->stats, why);
	ctx->drop_reason = (uint16_t)why;
	return FP_VERDICT_DROP;
}

/** What fp_rx_classify() found a frame to be. */
enum fp_rx_class {
	FP_RX_DROPPED, /**< not ours or malformed: a drop counter was bumped (ctx->drop_reason) */
	FP_RX_ARP,     /**< ARP for the ARP handler; pkt->l3 set */
	FP_RX_IP4,     /**< valid IPv4 addressed to us; pkt->l3, l4, l4_len set, len trimmed */
};

/**
 * fp_input()'s first half, for adapters that dispatch themselves: count the
 * frame (rx_packets, rx_bytes), check its Ethernet header and validate IPv4.
 * ARP without FP_HANDLE_ARP counts drop_eth_type, as in fp_input().
 * Ownership: borrows pkt. Context: the ctx's owning thread.
 */
enum fp_rx_class fp_rx_classify(struct fp_ctx *ctx, struct fp_pkt *pkt);

/**
 * fp_input()'s second half for IPv4: hand a datagram fp_rx_classify() found
 * valid to the ICMP or TCP handler, or count drop_ip4_proto.
 */
enum fp_verdict fp_ip4_deliver(struct fp_ctx *ctx, struct fp_pkt *pkt);

/**
 * Process one received frame.
 * @return what to do with the buffer (see enum fp_verdict).
 * Ownership: borrows pkt->data for this call only; may rewrite it in place.
 * Context: the ctx's owning thread. Set ctx->now_us first (once per burst is fine).
 */
enum fp_verdict fp_input(struct fp_ctx *ctx, struct fp_pkt *pkt);

/**
 * Run timers (retransmission, persist, idle and TIME_WAIT expiry).
 * Cheap when nothing is due; call it from the poll loop every few hundred us.
 * Context: the ctx's owning thread.
 */
void fp_tick(struct fp_ctx *ctx, uint64_t now_us);

#endif /* FP_CORE_H */
