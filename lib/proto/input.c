/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive entry point: fp_input() counts the frame, checks its Ethernet
 * header with fp_eth_validate() (length, destination, source, tags), hands ARP
 * to fp_arp_input(), validates IPv4 with fp_ip4_validate(), refuses unicast
 * IPv4 that came as a link broadcast, and dispatches it to fp_icmp_input()
 * or fp_tcp_input(). The handler returns the one verdict the adapter acts on.
 * fp_input_burst() does the same for a burst, with the TCP flow lookups of
 * the whole burst started first; fp_burst_begin() and fp_burst_input() are
 * the same a frame at a time, for an adapter that acts on each verdict at
 * once. The app's graph runs the two halves as
 * nodes: fp_rx_classify(), then its stages, then the handlers
 * (fp_ip4_deliver() dispatches for fp_input()). fp_tick() drives the TCP
 * engine's timers.
 */

#include "fp/arp.h"
#include "fp/assert.h"
#include "fp/core.h"
#include "fp/eth.h"
#include "fp/icmp.h"
#include "fp/ip4.h"
#include "fp/tcp.h"
#include "fp/wire.h"
#include "proto_priv.h"
#include "rx_checks.h"

/*
 * The bodies of fp_ip4_deliver() and fp_rx_classify() are static inline,
 * as are the Ethernet and IPv4 checks (rx_checks.h), so that input_frame(),
 * which every frame of fp_input() and the burst runs, has them in line: the
 * exported names are the graph's nodes.
 */

/* L4 dispatch: each protocol runs only when its handler is enabled for this context. */
static inline enum fp_verdict
ip4_deliver(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	uint8_t proto = pkt->data[pkt->l3 + FP_IP4_OFF_PROTO];

	if (proto == FP_IPPROTO_TCP && (ctx->handlers & FP_HANDLE_TCP) && ctx->tcp)
		return fp_tcp_input(ctx, pkt);
	if (proto == FP_IPPROTO_ICMP && (ctx->handlers & FP_HANDLE_ICMP))
		return fp_icmp_input(ctx, pkt);
	return fp__drop(ctx, FP_CTR_DROP_IP4_PROTO);
}

enum fp_verdict
fp_ip4_deliver(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	return ip4_deliver(ctx, pkt);
}

static inline enum fp_rx_class
rx_classify(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	uint16_t type;

	/* The adapter's side of fp_pkt (fp/pkt.h): its bytes fit its buffer. */
	FP_ASSERT(pkt->len <= pkt->room);
	fp_stats_inc(ctx->stats, FP_CTR_RX_PACKETS);
	fp_stats_add(ctx->stats, FP_CTR_RX_BYTES, pkt->len);
	if (!rx_eth_validate(ctx, pkt))
		return FP_RX_DROPPED;
	type = fp_load_be16(pkt->data + FP_ETH_OFF_TYPE);
	if (type == FP_ETHERTYPE_IPV4) {
		if (!rx_ip4_validate(ctx, pkt))
			return FP_RX_DROPPED;
		/*
		 * RFC 1122 3.3.6: discard a datagram received on a link-layer
		 * broadcast unless it is addressed to an IP broadcast or multicast
		 * address; we serve neither, so what passed validation is unicast.
		 */
		if (fp_eth_is_group(pkt->data + FP_ETH_OFF_DST))
			return (fp__drop(ctx, FP_CTR_DROP_IP4_LINK_BCAST), FP_RX_DROPPED);
		return FP_RX_IP4;
	}
	if (type == FP_ETHERTYPE_ARP && (ctx->handlers & FP_HANDLE_ARP))
		return FP_RX_ARP;
	return (fp__drop(ctx, FP_CTR_DROP_ETH_TYPE), FP_RX_DROPPED);
}

enum fp_rx_class
fp_rx_classify(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	return rx_classify(ctx, pkt);
}

static inline enum fp_verdict
input_frame(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	switch (rx_classify(ctx, pkt)) {
	case FP_RX_IP4:
		return ip4_deliver(ctx, pkt);
	case FP_RX_ARP:
		return fp_arp_input(ctx, pkt);
	case FP_RX_DROPPED:
		break;
	}
	return FP_VERDICT_DROP;
}

enum fp_verdict
fp_input(struct fp_ctx *ctx, struct fp_pkt *pkt)
{
	/* Only the adapter's facts come in: no stale hint or reply flag. */
	pkt->flags &= FP_PKT_IN_FLAGS;
	return input_frame(ctx, pkt);
}

/* Bytes a prefetch brings in: a cache line on every CPU lib/ targets. */
#define PREFETCH_STRIDE 64

/*
 * The lines of a frame past its first (burst_begin() asked for that one): a
 * full-sized segment's payload is summed and copied next, and its lines come
 * from memory the NIC (or the last pass) wrote, not from the L1.
 */
static inline void
prefetch_rest(const struct fp_pkt *pkt)
{
	for (uint32_t off = PREFETCH_STRIDE; off < pkt->len; off += PREFETCH_STRIDE)
		fp_prefetch(pkt->data + off);
}

/* Start a burst whose first frame is frame base of the caller's (ctx->burst_done). */
static void
burst_begin(struct fp_ctx *ctx, struct fp_burst *b, struct fp_pkt *pkts, uint16_t n,
		uint16_t base)
{
	FP_ASSERT(n <= FP_BURST_MAX);
	b->pkts = pkts;
	b->n = n;
	b->next = 0;
	b->base = base;
	b->tcp = (ctx->handlers & FP_HANDLE_TCP) && ctx->tcp != NULL;
	for (uint16_t i = 0; i < n; i++) {
		pkts[i].flags &= FP_PKT_IN_FLAGS;
		fp_prefetch(pkts[i].data);
	}
	/* burst_step() asks for the rest of each next frame; the first is next now. */
	if (n > 0)
		prefetch_rest(&pkts[0]);
	/*
	 * Every frame's flow looked up and its record asked for before the
	 * first is processed: three passes (buckets, slots, records), each
	 * issuing the whole burst's misses at once. With flows out of cache, a
	 * lookup only a few frames ahead of the processing left misses
	 * uncovered: a few frames' work is shorter than a trip to memory
	 * (docs/BENCHMARKS.md, the 1 M-flow case).
	 */
	if (b->tcp) {
		fp_tcp_burst_prefetch(ctx->tcp, pkts, n);
		for (uint16_t i = 0; i < n; i++)
			fp_tcp_burst_lookahead(ctx->tcp, &pkts[i]);
	}
}

/* The burst's next frame, with the rest of the frame after it asked for. */
static inline struct fp_pkt *
burst_step(struct fp_ctx *ctx, struct fp_burst *b)
{
	uint16_t i = b->next++;

	FP_ASSERT(i < b->n);
	if (i + 1 < b->n)
		prefetch_rest(&b->pkts[i + 1]);
	ctx->burst_done = (uint16_t)(b->base + i);
	return &b->pkts[i];
}

void
fp_burst_begin(struct fp_ctx *ctx, struct fp_burst *b, struct fp_pkt *pkts, uint16_t n)
{
	burst_begin(ctx, b, pkts, n, 0);
}

enum fp_verdict
fp_burst_input(struct fp_ctx *ctx, struct fp_burst *b)
{
	return input_frame(ctx, burst_step(ctx, b));
}

enum fp_verdict
fp_burst_tcp_input(struct fp_ctx *ctx, struct fp_burst *b)
{
	FP_ASSERT(ctx->tcp != NULL);
	return fp_tcp_input(ctx, burst_step(ctx, b));
}

void
fp_input_burst(struct fp_ctx *ctx, struct fp_pkt *pkts, uint16_t n, enum fp_verdict *verdicts)
{
	struct fp_burst b;

	for (uint32_t base = 0; base < n; base += FP_BURST_MAX) {
		uint16_t k = (uint16_t)(n - base < FP_BURST_MAX ? n - base : FP_BURST_MAX);

		burst_begin(ctx, &b, pkts + base, k, (uint16_t)base);
		for (uint16_t i = 0; i < k; i++) {
			verdicts[base + i] = fp_burst_input(ctx, &b);
			if (verdicts[base + i] == FP_VERDICT_DROP)
				pkts[base + i].drop_reason = ctx->drop_reason;
		}
	}
	ctx->burst_done = n;
}

void
fp_tick(struct fp_ctx *ctx, uint64_t now_us)
{
	ctx->now_us = now_us;
	if (ctx->tcp)
		fp_tcp_tick(ctx, now_us);
}
