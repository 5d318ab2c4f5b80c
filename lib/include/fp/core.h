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

/** Checksum work an interface's NIC does on transmit (fp_iface.tx_offload). */
enum fp_tx_offload {
	/** IPv4 header and TCP checksums together (DPDK: the port has both
	 *  RTE_ETH_TX_OFFLOAD_IPV4_CKSUM and RTE_ETH_TX_OFFLOAD_TCP_CKSUM, enabled) */
	FP_TX_OFFLOAD_CSUM = 1u << 0,
};

/** One local interface: what we answer ARP, ICMP and TCP for. */
struct fp_iface {
	uint8_t mac[FP_ETH_ALEN]; /**< our MAC address */
	uint32_t ip4;             /**< our IPv4 address, host byte order */
	uint8_t prefix_len;       /**< subnet prefix length, 0..32 */
	uint16_t mtu;             /**< IP MTU in bytes (1500 on Ethernet) */
	uint32_t tx_offload;      /**< enum fp_tx_offload bits; 0 = lib/ sums everything */
};

/**
 * How lib/ sends frames it builds itself (not in-place replies).
 * At most one frame is outstanding between alloc and send/discard.
 * Every frame given to send() is IPv4 (20-byte header) + TCP, leaving by the
 * interface whose MAC is its source address; when that interface has
 * FP_TX_OFFLOAD_CSUM, its checksums are left to the NIC exactly as for an
 * in-place reply flagged FP_PKT_TX_CSUM.
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
	/** Inside fp_input_burst(): frames of the burst whose verdicts are final
	 *  (written by lib/, read by a tx op that must send their in-place replies
	 *  before a later frame's own frames, to keep the wire order). */
	uint16_t burst_done;
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

/** Most frames fp_input_burst() takes at once (the usual RX burst). */
#define FP_BURST_MAX 64

/**
 * A burst being processed frame by frame: fp_burst_begin(), then one
 * fp_burst_input() per frame, in order. Fields are lib-internal.
 */
struct fp_burst {
	struct fp_pkt *pkts;
	uint16_t n;    /**< frames in the burst */
	uint16_t next; /**< the frame the next call processes */
	uint16_t base; /**< ctx->burst_done of the first frame */
	uint8_t tcp;   /**< flow lookups started ahead (TCP handled) */
};

/**
 * Start a burst: every frame's headers prefetched, its TCP flow hashed and
 * its bucket prefetched, then its flow entry (the first steps of
 * fp_input_burst()). For an adapter that acts on each verdict as it comes,
 * while the frame is still hot.
 * @param n  at most FP_BURST_MAX
 * Ownership: borrows pkts[0..n-1] until the burst's last fp_burst_input().
 * Context: the ctx's owning thread; set ctx->now_us first.
 */
void fp_burst_begin(struct fp_ctx *ctx, struct fp_burst *b, struct fp_pkt *pkts, uint16_t n);

/**
 * fp_input() on the burst's next frame (call it n times), with the flow
 * lookup of a frame a few places further started first.
 * @return the frame's verdict; for a drop, ctx->drop_reason is its reason.
 */
enum fp_verdict fp_burst_input(struct fp_ctx *ctx, struct fp_burst *b);

/**
 * Process a burst of received frames: the same as fp_input() on each of
 * them, in order, with the same verdicts, but with the flow-table work of the
 * whole burst started first (every frame's headers prefetched, its TCP flow
 * hashed and its hash bucket prefetched, then its flow entry, then every
 * frame's flow looked up and its record's hot lines prefetched), so the
 * cache misses of a burst overlap instead of following one another.
 * @param pkts      n frames, as for fp_input() (flags from the adapter only)
 * @param n         at most FP_BURST_MAX; more are processed FP_BURST_MAX at a time
 * @param verdicts  out: verdicts[i] is the verdict for pkts[i]; for a drop,
 *                  pkts[i].drop_reason is the counter fp_input() would have
 *                  left in ctx->drop_reason
 * While frame i is processed, verdicts[0..i-1] are final and ctx->burst_done
 * is i: a tx op that sends a frame for frame i can first send the in-place
 * replies of the frames before it, so frames leave in the order fp_input()
 * frame by frame would send them.
 * Ownership: borrows every pkts[i].data for this call only, as fp_input().
 * Context: the ctx's owning thread. Set ctx->now_us first.
 */
void fp_input_burst(struct fp_ctx *ctx, struct fp_pkt *pkts, uint16_t n, enum fp_verdict *verdicts);

/**
 * Run timers (retransmission, persist, idle and TIME_WAIT expiry).
 * Cheap when nothing is due; call it from the poll loop every few hundred us.
 * Context: the ctx's owning thread.
 */
void fp_tick(struct fp_ctx *ctx, uint64_t now_us);

#endif /* FP_CORE_H */
