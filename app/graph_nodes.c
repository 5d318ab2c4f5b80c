/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The node process functions of a worker's graph (graph.h): rx polls the
 * lcore's queue on every port and runs fp_rx_classify() (and, for a block of
 * only arp, icmp and tcp_echo, their handlers too), the stage nodes
 * wrap lib/ (fp_arp_input, fp_icmp_input, fp_tcp_input, fp_reflect) or the
 * app's classifiers (stage_acl.c, stage_ratelimit.c), tx transmits, and a
 * sink per drop counter frees what it gets. Every packet leaves a node by
 * one edge; lib/ counts the drops it decides, a node counts the ones it
 * decides (acl deny, rate limit, no stage for the protocol).
 * Inside the graph an mbuf's port field holds the port index, not the ethdev
 * port id (rx sets it), and after eth the frame holds just the IPv4 packet
 * (Ethernet padding trimmed), so each node rebuilds its fp_pkt from the mbuf.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_graph_worker.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "fp/arp.h"
#include "fp/core.h"
#include "fp/icmp.h"
#include "fp/reflect.h"
#include "fp/tcp.h"
#include "fp/wire.h"

#include "graph_priv.h"
#include "pkt_mbuf.h"
#include "stage_acl.h"
#include "stage_ratelimit.h"
#include "tx_queue.h"

#define RX_BURST 32 /* per port per walk, as the fixed loop's APP_BURST */

/*
 * Where a node's packets go, a burst at a time: most take the same edge as
 * last time, so they are written straight into that edge's stream (and the
 * whole stream is handed over when all of them did); the others are
 * enqueued one by one. l3fwd-graph's nodes work the same way.
 */
struct batch {
	struct rte_graph *graph;
	struct rte_node *node;
	struct gnode *gn;
	void **to;     /* the speculated edge's stream */
	uint16_t held; /* packets written there */
	uint16_t n;    /* packets in the burst */
	rte_edge_t last;
};

static inline void
batch_begin(struct batch *b, struct rte_graph *graph, struct rte_node *node, struct gnode *gn,
		uint16_t n)
{
	b->graph = graph;
	b->node = node;
	b->gn = gn;
	b->held = 0;
	b->n = n;
	b->last = gn->spec;
	b->to = rte_node_next_stream_get(graph, node, gn->spec, n);
}

static inline void
batch_edge(struct batch *b, rte_edge_t edge, struct rte_mbuf *m)
{
	if (likely(edge == b->gn->spec))
		b->to[b->held++] = m;
	else
		rte_node_enqueue_x1(b->graph, b->node, edge, m);
	b->last = edge;
}

static inline void
batch_end(struct batch *b)
{
	/* The node's own stream holds the burst: hand it over whole if it all went one way. */
	if (b->held == b->n && b->n > 0 && b->node->idx == b->n)
		rte_node_next_stream_move(b->graph, b->node, b->gn->spec);
	else
		rte_node_next_stream_put(b->graph, b->node, b->gn->spec, b->held);
	/* Most went elsewhere: guess that edge next time. */
	if (b->held < b->n / 2)
		b->gn->spec = b->last;
}

/* Send m down output `out`; an output that leads to a sink counts its reason here. */
static inline void
to_output(struct batch *b, unsigned out, struct rte_mbuf *m)
{
	struct gnode *gn = b->gn;

	if (unlikely(gn->out_drop[out] != 0)) {
		fp_stats_inc(gn->eng->ctx->stats, (enum fp_counter)gn->out_drop[out]);
		__atomic_store_n(&gn->drops, gn->drops + 1, __ATOMIC_RELAXED);
	}
	batch_edge(b, (rte_edge_t)out, m);
}

/* A drop lib/ (or this node) already counted: to the sink of its reason. */
static inline void
to_sink(struct batch *b, unsigned counter, struct rte_mbuf *m)
{
	struct gnode *gn = b->gn;

	__atomic_store_n(&gn->drops, gn->drops + 1, __ATOMIC_RELAXED);
	batch_edge(b, gnode_drop_edge(gn, counter), m);
}

/* The fp_pkt view of a frame past eth: l3 right after Ethernet, l4 after 20 bytes of IPv4. */
static inline void
view_of(struct fp_pkt *pkt, struct rte_mbuf *m)
{
	uint64_t ol = m->ol_flags;

	pkt->data = rte_pktmbuf_mtod(m, uint8_t *);
	pkt->len = rte_pktmbuf_data_len(m);
	pkt->room = (uint16_t)(pkt->len + rte_pktmbuf_tailroom(m));
	pkt->l3 = FP_ETH_HLEN;
	pkt->l4 = FP_ETH_HLEN + FP_IP4_HLEN;
	pkt->l4_len = pkt->len > pkt->l4 ? (uint16_t)(pkt->len - pkt->l4) : 0;
	pkt->port = m->port;
	pkt->flags = 0;
	if ((ol & RTE_MBUF_F_RX_IP_CKSUM_MASK) == RTE_MBUF_F_RX_IP_CKSUM_GOOD)
		pkt->flags |= FP_PKT_IP4_CSUM_GOOD;
	if ((ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD)
		pkt->flags |= FP_PKT_L4_CSUM_GOOD;
}

/*
 * rx records what it found in the mbuf's packet type (RTE_PTYPE_*), so the
 * stages choose without reading the frame again.
 */
static inline uint32_t
ptype_of(const uint8_t *frame, int ip4)
{
	if (!ip4)
		return RTE_PTYPE_L2_ETHER_ARP;
	switch (frame[FP_ETH_HLEN + FP_IP4_OFF_PROTO]) {
	case FP_IPPROTO_ICMP:
		return RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_ICMP;
	case FP_IPPROTO_TCP:
		return RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_TCP;
	case FP_IPPROTO_UDP:
		return RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_UDP;
	default:
		return RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 | RTE_PTYPE_L4_NONFRAG;
	}
}

static inline int
is_ip4(const struct rte_mbuf *m)
{
	return (m->packet_type & RTE_PTYPE_L3_MASK) == RTE_PTYPE_L3_IPV4;
}

static inline int
is_l4(const struct rte_mbuf *m, uint32_t l4)
{
	return (m->packet_type & (RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK)) ==
			(RTE_PTYPE_L3_IPV4 | l4);
}

/*
 * Act on a handler's verdict: a reply leaves by output 0, a drop goes to its
 * reason's sink, a consumed frame is freed here. Called right after the
 * handler, whose drop reason is still in the ctx.
 */
static inline void
verdict_route(struct batch *b, enum fp_verdict v, struct rte_mbuf *m, const struct fp_pkt *pkt)
{
	switch (v) {
	case FP_VERDICT_TX:
		app_pkt_to_mbuf(m, pkt);
		to_output(b, 0, m);
		break;
	case FP_VERDICT_DROP:
		to_sink(b, b->gn->eng->ctx->drop_reason, m);
		break;
	case FP_VERDICT_CONSUMED:
		/* Out of the stream: the burst can no longer be handed over whole. */
		rte_pktmbuf_free(m);
		break;
	}
}

/* ------------------------------------------------------------------ rx */

static inline uint64_t
tsc_to_us(uint64_t cycles, uint64_t hz)
{
	return cycles / hz * 1000000u + (cycles % hz) * 1000000u / hz;
}

/*
 * Poll every port, then classify each frame while its header is hot:
 * fp_rx_classify() counts it and checks Ethernet and IPv4; ARP goes to the
 * arp stage, IPv4 to the block's first stage, a drop to its reason's sink.
 */
enum {
	RX_OUT_ARP,
	RX_OUT_IP
};

/* A frame that never reaches fp_rx_classify(), which counts rx: count it here. */
static void
rx_count_multiseg(struct fp_ctx *ctx, const struct rte_mbuf *m)
{
	fp_stats_inc(ctx->stats, FP_CTR_RX_PACKETS);
	fp_stats_add(ctx->stats, FP_CTR_RX_BYTES, rte_pktmbuf_pkt_len(m));
	fp_stats_inc(ctx->stats, FP_CTR_DROP_RX_MULTISEG);
}

static inline void
rx_classify(struct batch *b, struct fp_ctx *ctx, struct rte_mbuf *m, uint16_t port)
{
	struct fp_pkt pkt;

	m->port = port;
	if (unlikely(app_pkt_from_mbuf(&pkt, m, port) < 0)) {
		rx_count_multiseg(ctx, m);
		to_sink(b, FP_CTR_DROP_RX_MULTISEG, m);
		return;
	}
	switch (fp_rx_classify(ctx, &pkt)) {
	case FP_RX_IP4:
		/* Ethernet padding is gone: the frame ends with the datagram. */
		m->data_len = pkt.len;
		m->pkt_len = pkt.len;
		m->packet_type = ptype_of(pkt.data, 1);
		to_output(b, RX_OUT_IP, m);
		break;
	case FP_RX_ARP:
		m->packet_type = ptype_of(pkt.data, 0);
		to_output(b, RX_OUT_ARP, m);
		break;
	case FP_RX_DROPPED:
		to_sink(b, ctx->drop_reason, m);
		break;
	}
}

/* A drop from the inline rx: to its reason's sink (rx has no other edge). */
static inline void
rx_drop(struct rte_graph *graph, struct rte_node *node, struct gnode *gn, unsigned counter,
		struct rte_mbuf *m)
{
	__atomic_store_n(&gn->drops, gn->drops + 1, __ATOMIC_RELAXED);
	rte_node_enqueue_x1(graph, node, gnode_drop_edge(gn, counter), m);
}

/*
 * rx.deliver = inline: the whole local path in this one node, as the worker
 * loop without a graph runs it: poll a port, answer its burst through
 * fp_burst_begin()/fp_burst_input() (the flow lookups of the whole burst
 * overlap), queue the replies on the worker's TX queue (tx_queue.h), in
 * order with the frames lib/ builds. Only drops leave by an edge (their
 * reason's sink), so a walk is one node call.
 */
static uint16_t
rx_inline(struct rte_graph *graph, struct rte_node *node, struct gnode *gn)
{
	struct app_engine *eng = gn->eng;
	struct fp_ctx *ctx = eng->ctx;
	struct rte_mbuf *pkts[RX_BURST], *in[RX_BURST];
	struct fp_pkt view[RX_BURST];
	struct fp_burst burst;
	uint32_t handlers = ctx->handlers;
	uint16_t got = 0;

	/* lib/ dispatches by ctx->handlers: for this node, the block's stages
	 * (the same frames reach the same handlers as the per-stage graph). */
	ctx->handlers = gn->handlers;
	for (uint16_t p = 0; p < eng->n_ports; p++) {
		uint16_t k = rte_eth_rx_burst(eng->port_ids[p], eng->queue, pkts, RX_BURST);
		uint16_t n_in = 0;

		for (uint16_t i = 0; i < k; i++) {
			struct rte_mbuf *m = pkts[i];

			m->port = p;
			if (unlikely(app_pkt_from_mbuf(&view[n_in], m, p) < 0)) {
				rx_count_multiseg(ctx, m);
				rx_drop(graph, node, gn, FP_CTR_DROP_RX_MULTISEG, m);
				continue;
			}
			in[n_in++] = m;
		}
		/* Each verdict acted on as it comes, while its mbuf is hot: a
		 * pass over the verdicts afterwards measured 1.2x on 64 B ICMP. */
		fp_burst_begin(ctx, &burst, view, n_in);
		for (uint16_t i = 0; i < n_in; i++) {
			switch (fp_burst_input(ctx, &burst)) {
			case FP_VERDICT_TX:
				/* Behind the frames lib/ built for earlier ones. */
				app_pkt_to_mbuf(in[i], &view[i]);
				app_tx_add(eng->tx, p, in[i]);
				break;
			case FP_VERDICT_DROP:
				rx_drop(graph, node, gn, ctx->drop_reason, in[i]);
				break;
			case FP_VERDICT_CONSUMED:
				rte_pktmbuf_free(in[i]);
				break;
			}
		}
		got += k;
	}
	ctx->handlers = handlers;
	return got;
}

static uint16_t
rx_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct gnode *gn = gnode_of(node);
	struct app_engine *eng = gn->eng;
	struct fp_ctx *ctx = eng->ctx;
	struct rte_mbuf *pkts[RX_BURST];
	struct batch b;
	uint16_t got = 0;

	RTE_SET_USED(objs);
	RTE_SET_USED(n);
	ctx->now_us = tsc_to_us(rte_rdtsc() - eng->start_tsc, eng->tsc_hz);
	if (gn->handlers != 0)
		return rx_inline(graph, node, gn);
	batch_begin(&b, graph, node, gn, (uint16_t)(eng->n_ports * RX_BURST));
	for (uint16_t p = 0; p < eng->n_ports; p++) {
		uint16_t k = rte_eth_rx_burst(eng->port_ids[p], eng->queue, pkts, RX_BURST);

		for (uint16_t i = 0; i < k; i++) {
			if (i + 1 < k)
				rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
			rx_classify(&b, ctx, pkts[i], p);
		}
		got += k;
	}
	b.n = got;
	batch_end(&b);
	return got;
}

struct rte_node_register app_gn_rx = {
		.name = "fp_rx",
		.flags = RTE_NODE_SOURCE_F,
		.process = rx_process,
};

/* ----------------------------------------------- lib/ protocol handlers */

static uint16_t
arp_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct gnode *gn = gnode_of(node);
	struct batch b;

	batch_begin(&b, graph, node, gn, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		struct fp_pkt pkt;

		view_of(&pkt, m);
		verdict_route(&b, fp_arp_input(gn->eng->ctx, &pkt), m, &pkt);
	}
	batch_end(&b);
	return n;
}

struct rte_node_register app_gn_arp = {
		.name = "fp_arp",
		.process = arp_process,
};

enum {
	SVC_OUT_REPLY,
	SVC_OUT_NEXT
};

static uint16_t
icmp_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct gnode *gn = gnode_of(node);
	struct batch b;

	batch_begin(&b, graph, node, gn, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		struct fp_pkt pkt;

		if (!is_l4(m, RTE_PTYPE_L4_ICMP)) {
			to_output(&b, SVC_OUT_NEXT, m);
			continue;
		}
		view_of(&pkt, m);
		verdict_route(&b, fp_icmp_input(gn->eng->ctx, &pkt), m, &pkt);
	}
	batch_end(&b);
	return n;
}

struct rte_node_register app_gn_icmp = {
		.name = "fp_icmp",
		.process = icmp_process,
};

static uint16_t
tcp_echo_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct gnode *gn = gnode_of(node);
	struct batch b;
	struct fp_ctx *ctx = gn->eng->ctx;
	struct fp_pkt pkts[RTE_GRAPH_BURST_SIZE];
	struct rte_mbuf *segs[RTE_GRAPH_BURST_SIZE];
	struct fp_burst burst;
	uint16_t k = 0;

	batch_begin(&b, graph, node, gn, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];

		if (!is_l4(m, RTE_PTYPE_L4_TCP)) {
			to_output(&b, SVC_OUT_NEXT, m);
			continue;
		}
		view_of(&pkts[k], m);
		segs[k++] = m;
	}
	/* A burst's flow lookups overlap (hashed, prefetched ahead). */
	for (uint16_t first = 0; first < k; first = (uint16_t)(first + FP_BURST_MAX)) {
		uint16_t m = (uint16_t)RTE_MIN(k - first, FP_BURST_MAX);

		fp_burst_begin(ctx, &burst, &pkts[first], m);
		for (uint16_t i = first; i < first + m; i++) {
			enum fp_verdict v = fp_burst_tcp_input(ctx, &burst);

			/* A reply bound for tx goes on the TX queue at once, not
			 * by the edge: a later segment of its flow may make
			 * frames in new mbufs (fp_tx_ops), which queue there as
			 * they are made, and must not overtake it. */
			if (v == FP_VERDICT_TX && gn->reply_tx) {
				app_pkt_to_mbuf(segs[i], &pkts[i]);
				app_tx_add(gn->eng->tx, pkts[i].port, segs[i]);
			} else {
				verdict_route(&b, v, segs[i], &pkts[i]);
			}
		}
	}
	batch_end(&b);
	return n;
}

struct rte_node_register app_gn_tcp_echo = {
		.name = "fp_tcp_echo",
		.process = tcp_echo_process,
};

static uint16_t
reflect_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct gnode *gn = gnode_of(node);
	struct batch b;

	batch_begin(&b, graph, node, gn, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		struct fp_pkt pkt;

		if (!is_ip4(m)) {
			/* Only a reply edge can bring ARP here: send it on unchanged. */
			to_output(&b, 0, m);
			continue;
		}
		view_of(&pkt, m);
		verdict_route(&b, fp_reflect(&pkt), m, &pkt);
	}
	batch_end(&b);
	return n;
}

struct rte_node_register app_gn_reflect = {
		.name = "fp_reflect",
		.process = reflect_process,
};

/* ------------------------------------------------------------ filters */

enum {
	ACL_OUT_PERMIT,
	ACL_OUT_DENY
};

static uint16_t
acl_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct gnode *gn = gnode_of(node);
	struct batch b;
	const uint8_t *ip[APP_ACL_BURST_MAX];
	uint16_t l4_len[APP_ACL_BURST_MAX];
	struct rte_mbuf *pkts[APP_ACL_BURST_MAX];
	uint8_t deny[APP_ACL_BURST_MAX];
	uint32_t count[APP_ACL_BURST_MAX];

	batch_begin(&b, graph, node, gn, n);
	for (uint16_t base = 0; base < n; base += APP_ACL_BURST_MAX) {
		uint16_t end = (uint16_t)RTE_MIN(n, base + APP_ACL_BURST_MAX), k = 0;

		for (uint16_t i = base; i < end; i++) {
			struct rte_mbuf *m = objs[i];

			if (!is_ip4(m)) {
				/* Rules match IPv4 fields; ARP on a reply edge passes. */
				to_output(&b, ACL_OUT_PERMIT, m);
				continue;
			}
			ip[k] = rte_pktmbuf_mtod_offset(m, const uint8_t *, FP_ETH_HLEN);
			l4_len[k] = (uint16_t)(rte_pktmbuf_data_len(m) - FP_ETH_HLEN - FP_IP4_HLEN);
			pkts[k++] = m;
		}
		app_acl_classify(gn->acl, ip, l4_len, k, deny, count);
		for (uint16_t i = 0; i < k; i++) {
			if (count[i] != 0) {
				uint64_t *h = &gn->acl_hits[count[i] - 1];

				__atomic_store_n(h, *h + 1, __ATOMIC_RELAXED);
			}
			to_output(&b, deny[i] ? ACL_OUT_DENY : ACL_OUT_PERMIT, pkts[i]);
		}
	}
	batch_end(&b);
	return n;
}

struct rte_node_register app_gn_acl = {
		.name = "fp_acl",
		.process = acl_process,
};

enum {
	RL_OUT_PASS,
	RL_OUT_DROP
};

static uint16_t
ratelimit_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct gnode *gn = gnode_of(node);
	struct batch b;
	uint64_t now = rte_rdtsc();

	batch_begin(&b, graph, node, gn, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, FP_ETH_HLEN);
		uint16_t ip_len = (uint16_t)(rte_pktmbuf_data_len(m) - FP_ETH_HLEN);

		if (!is_ip4(m) || !app_rl_matches(gn->rl, ip, (uint16_t)(ip_len - FP_IP4_HLEN))) {
			to_output(&b, RL_OUT_PASS, m);
			continue;
		}
		to_output(&b,
				app_rl_check(gn->rl, fp_load_be32(ip + FP_IP4_OFF_SRC), ip_len,
						now) == APP_RL_DROP ?
						RL_OUT_DROP :
						RL_OUT_PASS,
				m);
	}
	batch_end(&b);
	return n;
}

struct rte_node_register app_gn_ratelimit = {
		.name = "fp_ratelimit",
		.process = ratelimit_process,
};

/* ------------------------------------------------------------- tx, sinks */

/* Every frame joins its port's TX queue, behind what lib/ built before it. */
static uint16_t
tx_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	struct app_engine *eng = gnode_of(node)->eng;

	RTE_SET_USED(graph);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];

		app_tx_add(eng->tx, m->port < eng->n_ports ? m->port : 0, m);
	}
	return n;
}

struct rte_node_register app_gn_tx = {
		.name = "fp_tx",
		.process = tx_process,
};

/* The counter was bumped where the drop was decided; a sink only frees. */
static uint16_t
sink_process(struct rte_graph *graph, struct rte_node *node, void **objs, uint16_t n)
{
	RTE_SET_USED(graph);
	RTE_SET_USED(node);
	rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
	return n;
}

struct rte_node_register app_gn_sink = {
		.name = "fp_drop",
		.process = sink_process,
};
