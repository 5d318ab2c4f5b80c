/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What graph.c (building) and graph_nodes.c (running) share: the per-node
 * state a node's 16-byte ctx points at, the internal node kinds, and the
 * edge layout every stage node has: its outputs first, then one edge per
 * drop counter, in the counters' X-macro order.
 */
#ifndef APP_GRAPH_PRIV_H
#define APP_GRAPH_PRIV_H

#include <stdint.h>

#include <rte_graph.h>

#include "fp/stats.h"

#include "graph.h"
#include "pipeline.h"

#define GN_DROP_FIRST FP_CTR_DROP_ETH_TRUNCATED /**< drop counters are the X-macro's tail */
#define GN_N_DROPS    (FP_CTR_COUNT - GN_DROP_FIRST)
#define GN_OUT_MAX    2 /**< outputs before the drop edges (rx: arp, ip) */

/** One node of one graph; its rte_node ctx holds a pointer to it. */
struct gnode {
	struct app_engine *eng;
	uint8_t kind;                  /**< enum app_stage_kind */
	uint8_t n_out;                 /**< outputs before the drop edges */
	uint8_t reply_tx;              /**< output 0 is a reply that leads to tx */
	/** rx: the stages it runs itself (inline) as fp_ctx.handlers bits, else 0
	 *  (an inline block has at least one of arp, icmp, tcp_echo: tx must be reachable) */
	uint32_t handlers;
	uint16_t out_drop[GN_OUT_MAX]; /**< counter bumped when output i leads to a sink, else 0 */
	uint64_t drops;                /**< frames sent to a drop sink (relaxed atomic) */
	rte_edge_t spec;     /**< the edge most packets took last time (the batching guess) */
	struct app_acl *acl; /**< acl: the block's classifier */
	uint64_t *acl_hits;  /**< acl: [rule] hits on this lcore (relaxed atomic) */
	struct app_rl *rl;   /**< ratelimit: this lcore's meters */
} __rte_cache_aligned;

/** Edge of the sink for a drop counter. */
static inline rte_edge_t
gnode_drop_edge(const struct gnode *gn, unsigned counter)
{
	return (rte_edge_t)(gn->n_out + counter - GN_DROP_FIRST);
}

static inline struct gnode *
gnode_of(const struct rte_node *node)
{
	struct gnode *gn;

	memcpy(&gn, node->ctx, sizeof(gn));
	return gn;
}

/** The registration of each node type, for graph.c (graph_nodes.c defines them). */
extern struct rte_node_register app_gn_rx, app_gn_arp, app_gn_acl, app_gn_ratelimit, app_gn_icmp,
		app_gn_tcp_echo, app_gn_reflect, app_gn_tx, app_gn_sink;

#endif /* APP_GRAPH_PRIV_H */
