/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * In-process harness for the worker graph (app/graph.c), shared by the
 * graph unit tests and the in-process benchmark: EAL without hugepages or
 * PCI, ports that are rte_rings (net_ring), one lib/ context with a TCP
 * engine, and a pipeline text built into a graph. Frames go in on a port's
 * RX ring, one rte_graph_walk() runs, replies come out of its TX ring.
 * Also runs the fixed path (rx_burst -> fp_input() -> tx_burst) on the same
 * ports, as the baseline the graph is measured against.
 */
#ifndef GRAPH_HARNESS_H
#define GRAPH_HARNESS_H

#include <stdint.h>

#include "fp/cfg.h"
#include "fp/core.h"

#include "graph.h"
#include "graph_set.h"
#include "pipeline.h"
#include "tx_queue.h"

#define GH_PORTS     2
#define GH_OUR_IP    0xc6120001u /* 198.18.0.1 on port 0 */
#define GH_OUR_IP1   0xc6130001u /* 198.19.0.1 on port 1 */

extern const uint8_t gh_our_mac[GH_PORTS][6];

struct rte_mempool;
struct rte_ring;
struct rte_mbuf;

struct gh {
	struct fp_ctx ctx;
	struct fp_stats stats;
	struct fp_cfg cfg;
	struct app_engine eng;
	struct app_tx tx;         /**< eng.tx: what both modes send, flushed after each poll */
	struct app_graph_set *gs; /**< the running pipeline */
	struct app_graph *g;      /**< its graph for this context */
	unsigned gen;             /**< sets built so far */
	void *tcp_mem;
	struct rte_mbuf *tx_out; /**< frame lib/ is building (fp_tx_ops) */
	uint64_t lib_sent;       /**< frames lib/ built and sent */
};

/** EAL (once per process) and the two ring ports. @return 0 or -1 (printed). */
int gh_eal_init(void);

/** The mbuf pool every frame comes from. */
struct rte_mempool *gh_pool(void);

/**
 * Set up a context on lcore id `lcore` (a name only: graphs and clones are
 * named after it) and build the pipeline text's block for it.
 * @param max_flows  the TCP engine's flow table size; 0: no TCP engine
 * @return 0, or a negative errno with err filled (a parse or build error).
 */
int gh_open_tcp(struct gh *h, unsigned lcore, const char *pipeline, uint32_t max_flows,
		char *err, size_t err_len);

/** The flow table size of gh_open()'s TCP engine. */
#define GH_MAX_FLOWS 1024

/** gh_open_tcp() with a TCP engine of GH_MAX_FLOWS flows. */
int gh_open(struct gh *h, unsigned lcore, const char *pipeline, char *err, size_t err_len);

/** Build the next graph from another text in the other slot and swap it in (a reload). */
int gh_reload(struct gh *h, const char *pipeline, char *err, size_t err_len);

void gh_close(struct gh *h);

/** Copy a frame into an mbuf on port's RX ring. @return 0 or -1. */
int gh_inject(unsigned port, const uint8_t *frame, uint16_t len);

/** Graph walks until every RX ring is empty (rx takes 32 frames per port per walk). */
void gh_walk(struct gh *h);

/** One pass of the fixed path over every port's RX ring (no graph). */
void gh_fixed_poll(struct gh *h);

/** Take the next frame from port's TX ring into buf. @return its length, or 0 when empty. */
uint16_t gh_take(unsigned port, uint8_t *buf, uint16_t room);

/** Free everything waiting on the rings. */
void gh_drain(void);

/** A node's figures by pipeline stage name ("acl", "drop_acl_deny"); zeros when absent. */
struct fp_tlm_node gh_node(struct gh *h, const char *stage);

#endif /* GRAPH_HARNESS_H */
