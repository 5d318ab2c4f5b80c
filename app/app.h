/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fastpath application's shared state: the contract between the data
 * plane (main.c, port.c, lcore.c) and the management plane (mgmt.c, mqtt.c).
 * Workers own their struct app_lcore; other threads only read counters with
 * fp_stats_get() and talk to a worker through app_lcore_request().
 */
#ifndef APP_H
#define APP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "fp/cfg.h"
#include "fp/core.h"
#include "fp/stats.h"
#include "fp/tcp.h"

#include "pipeline.h"

#define APP_BURST       32  /**< rx_burst size, and TX buffer flush threshold */
#define APP_TICK_US     100 /**< fp_tick() period */
#define APP_REQ_RING_SZ 16  /**< requests that may wait for one worker */

/** What a request asks a worker to do. */
enum app_req_kind {
	APP_REQ_FLOWS, /**< copy flows: fp_tcp_flow_snapshot(skip, max) into flows[] */
	APP_REQ_DRAIN, /**< fp_tcp_drain(): refuse new flows, FIN the others */
};

/**
 * One request to one worker. The requester owns it; the worker reads and
 * writes it between dequeue and the release store to done.
 */
struct app_req {
	enum app_req_kind kind;
	/* APP_REQ_FLOWS, in */
	uint32_t skip;                  /**< flows to skip, for paging */
	uint32_t max;                   /**< capacity of flows[] */
	struct fp_tcp_flow_info *flows; /**< caller buffer, max entries */
	/* out */
	uint32_t n;     /**< FLOWS: entries written */
	uint32_t total; /**< FLOWS: flows in this worker's table */
	int result;     /**< 0, -ENOTSUP (no TCP stage), -ECANCELED (worker gone) */
	uint32_t done;  /**< 0 while pending; 1 after (release store) */
};

/** A small per-port TX buffer: flushed when full and at the end of each loop. */
struct app_txq {
	uint16_t n;
	struct rte_mbuf *pkts[APP_BURST];
};

/** One worker lcore: everything it touches per packet, on its own cache lines. */
struct app_lcore {
	unsigned lcore_id;
	uint16_t queue;            /**< RX and TX queue index, the same on every port */
	uint16_t n_ports;          /**< ports polled = app.n_ports */
	struct fp_ctx ctx;         /**< lib/ context; ctx.stats = &stats */
	struct fp_stats stats;     /**< single writer: this lcore; readers use fp_stats_get() */
	struct rte_ring *req_ring; /**< app_req pointers; producer: any thread, consumer: worker */
	struct rte_mempool *pool;  /**< mbufs for lib-built frames (same pool as RX) */
	struct fp_tcp *tcp;        /**< == ctx.tcp, NULL without the tcp_echo stage */
	void *tcp_mem;             /**< rte_zmalloc_socket memory behind tcp */
	size_t tcp_mem_len;        /**< bytes, fp_tcp_mem_size(&cfg.tcp) */
	void *arp_mem;             /**< struct fp_arp_table + its slots (ctx.arp) */
	struct rte_mbuf *tx_out;   /**< mbuf handed to lib/ by fp_tx_ops.alloc, or NULL */
	uint32_t running;          /**< 1 while the loop runs (atomic) */
	uint64_t loops;            /**< loop iterations (relaxed atomic), for load estimates */
	uint64_t busy_loops;       /**< iterations that received packets (relaxed atomic) */
	struct app_txq txq[FP_MAX_IFACES]; /**< indexed like app.port_ids */
} __rte_cache_aligned;

/** The process: one instance, app_g. */
struct app {
	struct fp_cfg cfg;              /**< effective configuration (read-only after start) */
	char cfg_path[FP_CFG_PATH_MAX]; /**< the -c argument */
	struct app_pipeline pipeline;   /**< parsed pipeline (read-only after start) */
	uint64_t start_tsc;             /**< rte_get_tsc_cycles() at start */
	uint64_t tsc_hz;                /**< rte_get_tsc_hz() */
	unsigned n_workers;             /**< polling worker lcores */
	struct app_lcore *workers[RTE_MAX_LCORE]; /**< [0, n_workers): polling workers */
	uint16_t n_ports;                         /**< = cfg.n_ports */
	uint16_t port_ids[FP_MAX_IFACES];         /**< ethdev port id of [port i] */
	uint16_t n_queues;                        /**< RX/TX queues per port */
	struct rte_mempool *pool;                 /**< the mbuf pool */
	uint32_t quit; /**< stop flag (atomic): workers leave their loop */
};

extern struct app app_g;

/** Ask every thread to stop. Context: any thread, and signal handlers. */
void app_request_quit(void);

/** @return true once app_request_quit() was called. Context: any. */
static inline bool
app_quit_requested(void)
{
	return __atomic_load_n(&app_g.quit, __ATOMIC_ACQUIRE) != 0;
}

/**
 * Post a request to a worker without waiting. Poll app_req_done() later (for
 * example from a uv timer). req must stay valid until app_req_done() is true.
 * @return 0, -EBUSY when the worker's ring is full, -ECANCELED when the worker has stopped.
 * Context: any non-worker thread.
 */
int app_lcore_post(struct app_lcore *lc, struct app_req *req);

/**
 * Has the worker finished req? An acquire load: once true, the outputs are
 * visible. A request to a worker that stopped meanwhile is completed here with
 * result -ECANCELED. Context: the requesting thread.
 */
bool app_req_done(struct app_lcore *lc, struct app_req *req);

/**
 * Post a request and wait for it (sleeping in steps of tens of microseconds;
 * a running worker answers within one loop iteration).
 * @return req->result, or -EBUSY / -ECANCELED as app_lcore_post().
 * Context: any non-worker thread; never from a worker lcore.
 */
int app_lcore_request(struct app_lcore *lc, struct app_req *req);

/** Seconds since start, from the TSC. Context: any. */
double app_uptime_s(void);

#endif /* APP_H */
