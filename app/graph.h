/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One worker lcore's pipeline as an rte_graph: a pipeline block (pipeline.h)
 * becomes rx (poll and classify) -> the block's stages -> tx, or one rx that
 * runs them inline when the block is fp_input()'s path (app_pl_block_inline()),
 * with a drop sink per drop counter, built off the fast path and walked by
 * the worker with rte_graph_walk(). graph_nodes.c holds the node process functions.
 *
 * In rte_graph, edges belong to a node, not to a graph, and DPDK 22.11 cannot
 * free a node id. Each lcore therefore has two sets of clones of the stage
 * nodes ("slots"): the running graph uses one, a reload builds the next graph
 * on the other, rewiring those clones with rte_node_edge_update(). Node ids
 * stay bounded (2 slots x 7 clones per lcore, made once); a reload costs one
 * rte_graph_create() (a memzone of some 100 KiB) and the rules' rte_acl build.
 */
#ifndef APP_GRAPH_H
#define APP_GRAPH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fp/core.h"
#include "fp/tlm.h"

#include "pipeline.h"

struct app_tx;

#define APP_GRAPH_SLOTS     2  /**< graphs an lcore may hold at once (running + next) */
#define APP_GRAPH_NODES_MAX 64 /**< nodes in one graph, sinks included */

struct app_acl;
struct rte_graph;

/**
 * What the nodes of one lcore's graphs work on. It belongs to the worker and
 * outlives every graph: TCP flows live in ctx->tcp, so swapping the graph
 * keeps every connection.
 */
struct app_engine {
	struct fp_ctx *ctx; /**< the lcore's lib/ context (ifaces, TCP, ARP, stats) */
	struct app_tx *tx;  /**< where every frame leaves, in order; the loop flushes it */
	unsigned lcore_id;
	int socket;     /**< NUMA socket of the lcore */
	uint16_t queue; /**< RX and TX queue on every port */
	uint16_t n_ports;
	uint16_t port_ids[FP_MAX_IFACES]; /**< ethdev port of port index i */
	uint64_t start_tsc;               /**< TSC at start: ctx->now_us counts from here */
	uint64_t tsc_hz;                  /**< rte_get_tsc_hz() */
};

struct app_graph;

/**
 * Register the node types (once per process, after EAL init).
 * @return 0 or a negative errno (logged). Context: main thread.
 */
int app_graph_init(void);

/**
 * Build the graph of a block for one lcore, in its slot.
 * @param acl   the block's built classifier (stage_acl.h), NULL without an acl stage;
 *              the caller keeps it alive as long as the graph
 * @param slot  0..APP_GRAPH_SLOTS-1, not used by another live graph of this lcore
 * @return the graph, or NULL with err filled.
 * Context: any non-worker thread. The graph is not walked until the worker swaps it in.
 */
struct app_graph *app_graph_create(const struct app_pl_block *b, struct app_engine *eng,
		struct app_acl *acl, unsigned slot, char *err, size_t err_len);

/** Free a graph the worker no longer walks. Context: any non-worker thread. */
void app_graph_destroy(struct app_graph *g);

/** What the worker walks. */
struct rte_graph *app_graph_rte(const struct app_graph *g);

/** The graph's name ("fp-l1s0"). */
const char *app_graph_name(const struct app_graph *g);

/**
 * Per-node figures (packets, calls, cycles from rte_graph_cluster_stats, and
 * the node's own drop count), nodes that saw no packet included, in graph
 * order: the one source of the stats document's "nodes", the management
 * socket's pipeline view and the metrics endpoint. The names point into the
 * graph, valid until app_graph_destroy().
 * @return nodes written (<= max), or a negative errno.
 * Context: any non-worker thread (serialised inside); the worker keeps running.
 */
int app_graph_stats(struct app_graph *g, struct fp_tlm_node *out, unsigned max);

/** Write the graph in Graphviz dot (rte_graph_export). @return 0 or a negative errno. */
int app_graph_export(const struct app_graph *g, FILE *f);

/** Hits of each acl rule on this lcore (NULL without an acl stage); count = app_graph_acl_rules(). */
const uint64_t *app_graph_acl_hits(const struct app_graph *g);

/** Rules in the graph's acl classifier, 0 without an acl stage. */
uint32_t app_graph_acl_rules(const struct app_graph *g);

#endif /* APP_GRAPH_H */
