/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcores: per-lcore state (lib/ context, TCP engine memory, request
 * inbox) and the poll loop rx_burst -> fp_input() -> tx.
 * main.c creates them before launch and frees them after
 * rte_eal_mp_wait_lcore(). The loop reads only its own struct app_lcore
 * (l3fwd's lcore_conf): ports, clock and stop flag are copied in at creation.
 */
#ifndef APP_LCORE_H
#define APP_LCORE_H

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "fp/core.h"
#include "fp/stats.h"

#include "graph.h"
#include "idle.h"
#include "req.h"
#include "tx_queue.h"

#define APP_BURST   32  /**< rx_burst size */
#define APP_TICK_US 100 /**< fp_tick() period */

struct app_port;
struct fp_cfg_tcp;
struct rte_mbuf;
struct rte_mempool;

/** What a worker is built from; nothing here is read after app_lcore_create(). */
struct app_lcore_conf {
	unsigned lcore_id;
	uint16_t queue;               /**< RX and TX queue index, the same on every port */
	uint32_t stages;              /**< pipeline stage bits (non-zero) */
	const struct app_port *ports; /**< port index i = fp_pkt.port i */
	uint16_t n_ports;
	const struct fp_cfg_tcp *tcp; /**< [tcp]: engine configuration (copied by lib/) */
	uint8_t idle;                 /**< [dpdk] idle: enum fp_cfg_idle */
	struct rte_mempool *pool;     /**< mbufs for lib-built frames (the RX pool) */
	uint64_t tsc_hz;              /**< rte_get_tsc_hz() */
	uint64_t start_tsc;           /**< TSC at process start: the engine's clock starts there */
	const uint32_t *quit; /**< the process's stop flag (atomic); the loop returns once set */
};

/** One worker lcore: everything its loop touches, on its own cache lines. */
struct app_lcore {
	unsigned lcore_id;
	uint16_t queue;                   /**< RX and TX queue index on every port */
	uint16_t n_ports;                 /**< ports polled */
	uint16_t port_ids[FP_MAX_IFACES]; /**< ethdev id of port index i */
	uint32_t stages;                  /**< pipeline stage bits */
	uint64_t tsc_hz;                  /**< TSC ticks per second */
	uint64_t start_tsc;               /**< ctx.now_us counts from here */
	uint64_t tick_cycles;             /**< TSC ticks between fp_tick() calls */
	const uint32_t *quit;             /**< stop flag (atomic load) */
	struct fp_ctx ctx;                /**< lib/ context; ctx.stats = &stats */
	struct fp_stats stats;      /**< single writer: this lcore; readers use fp_stats_get() */
	struct app_req_inbox inbox; /**< requests from the management thread */
	struct rte_mempool *pool;   /**< mbufs for lib-built frames (same pool as RX) */
	struct fp_tcp *tcp;         /**< == ctx.tcp, NULL without the tcp_echo stage */
	void *tcp_mem;              /**< rte_zmalloc_socket memory behind tcp */
	size_t tcp_mem_len;         /**< bytes, fp_tcp_mem_size() */
	struct rte_mbuf *tx_out;    /**< mbuf handed to lib/ by fp_tx_ops.alloc, or NULL */
	uint32_t running;           /**< 1 while the loop runs (atomic) */
	uint64_t loops;             /**< loop iterations (relaxed atomic), for load estimates */
	uint64_t busy_loops;        /**< iterations that received packets (relaxed atomic) */
	uint64_t busy_us;           /**< time spent in those iterations (relaxed atomic): the load */
	struct app_idle idle;       /**< when to sleep between polls ([dpdk] idle) */
	struct app_tx tx;        /**< everything the worker sends, in order (eng.tx) */
	struct app_engine eng;   /**< what the graph's nodes work on (ctx, ports, clock) */
	struct rte_graph *graph; /**< what the loop walks; swapped by APP_REQ_GRAPH */
} __rte_cache_aligned;

/**
 * Allocate and initialise a worker on its NUMA socket.
 * @return the worker (marked running, so requests posted before launch wait
 *         for it), or NULL (logged).
 */
struct app_lcore *app_lcore_create(const struct app_lcore_conf *conf);

/** Free a worker and its memory. The worker must not be running. */
void app_lcore_free(struct app_lcore *lc);

/** The poll loop; arg is the struct app_lcore. Returns when the stop flag is set. */
int app_lcore_main(void *arg);

/**
 * Print a worker's non-zero counters (exit summary).
 * @param stages  the stage bits it ran last (a reload may have changed them since start)
 */
void app_lcore_print_stats(const struct app_lcore *lc, uint32_t stages);

#endif /* APP_LCORE_H */
