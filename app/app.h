/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fastpath process: configuration, ports, workers and the stop flag in
 * one struct app, which main.c fills and hands to the management plane
 * (mgmt.h). Workers never read it: each has its own struct app_lcore
 * (lcore.h). app.c holds what belongs to the process as a whole: the stop
 * flag, the signal handlers, the clock and the log type.
 */
#ifndef APP_H
#define APP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>

#include "fp/cfg.h"
#include "fp/core.h"

#include "pipeline.h"
#include "port.h"

struct app_graph_set;
struct app_lcore;
struct rte_mempool;

/** The process. One instance, owned by main(). */
struct app {
	struct fp_cfg cfg; /**< running configuration; after start written by the management
	                        thread only (config set), which applies it (mgmt_config.c) */
	char cfg_path[FP_CFG_PATH_MAX];           /**< the -c argument */
	struct app_pipeline pipeline;             /**< parsed pipeline (read-only after start) */
	uint64_t start_tsc;                       /**< rte_get_tsc_cycles() at start */
	uint64_t tsc_hz;                          /**< rte_get_tsc_hz() */
	unsigned n_workers;                       /**< polling workers */
	struct app_lcore *workers[RTE_MAX_LCORE]; /**< [0, n_workers) */
	uint16_t n_ports;                         /**< = cfg.n_ports */
	struct app_port ports[FP_MAX_IFACES];     /**< [port i] */
	uint16_t n_queues;                        /**< RX/TX queues per port */
	struct rte_mempool *pool;                 /**< the mbuf pool */
	uint32_t quit;            /**< stop flag (atomic): workers leave their loop, main() stops */
	uint32_t signals;         /**< SIGINT/SIGTERM received so far (atomic) */
	uint32_t drain_on_signal; /**< 1: a first signal drains through drain_fd (atomic) */
	int drain_fd;             /**< eventfd the management loop watches; open until exit */
	struct app_graph_set *graphs; /**< the running pipeline: every worker's graph */
	unsigned graphs_gen;          /**< sets built so far (the next one's generation) */
	pthread_mutex_t graphs_lock; /**< held to replace graphs, and by readers off the management thread */
	uint32_t log_level_start; /**< the app log type's level EAL left it at (--log-level) */
};

/**
 * Start the clock, create the drain eventfd, apply [log] level and install
 * the SIGINT/SIGTERM handlers. A first signal makes app->drain_fd readable when
 * app_drain_on_signal(app, true) was called (the management loop then
 * drains the workers and quits), and quits at once otherwise; a second
 * signal always quits at once. The eventfd stays open until the process
 * exits, because a handler may still write to it.
 * @return 0 or a negative errno (logged). Context: main thread, after rte_eal_init().
 */
int app_init(struct app *app);

/**
 * Whether a first signal drains (the management loop watches app->drain_fd)
 * or quits. Context: any thread.
 */
void app_drain_on_signal(struct app *app, bool drain);

/** Ask every thread to stop. Context: any thread, and signal handlers. */
void app_request_quit(struct app *app);

/** @return true once app_request_quit() was called. Context: any. */
static inline bool
app_quit_requested(const struct app *app)
{
	return __atomic_load_n(&app->quit, __ATOMIC_ACQUIRE) != 0;
}

/**
 * Set the app log type's level from cfg.log.level (default: as EAL left
 * it). @return 0 or -EINVAL (logged). Context: main thread at start, then
 * the management thread.
 */
int app_log_apply(struct app *app);

/** Milliseconds since start, from the TSC. Context: any. */
uint64_t app_uptime_ms(const struct app *app);

#endif /* APP_H */
