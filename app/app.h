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

#include <stdbool.h>
#include <stdint.h>

#include <rte_config.h>

#include "fp/cfg.h"
#include "fp/core.h"

#include "pipeline.h"
#include "port.h"

struct app_lcore;
struct rte_mempool;

/** The process. One instance, owned by main(). */
struct app {
	struct fp_cfg cfg;              /**< effective configuration (read-only after start) */
	char cfg_path[FP_CFG_PATH_MAX]; /**< the -c argument */
	struct app_pipeline pipeline;   /**< parsed pipeline (read-only after start) */
	uint64_t start_tsc;             /**< rte_get_tsc_cycles() at start */
	uint64_t tsc_hz;                /**< rte_get_tsc_hz() */
	unsigned n_workers;             /**< polling workers */
	struct app_lcore *workers[RTE_MAX_LCORE]; /**< [0, n_workers) */
	uint16_t n_ports;                         /**< = cfg.n_ports */
	struct app_port ports[FP_MAX_IFACES];     /**< [port i] */
	uint16_t n_queues;                        /**< RX/TX queues per port */
	struct rte_mempool *pool;                 /**< the mbuf pool */
	uint32_t quit; /**< stop flag (atomic): workers leave their loop, main() stops */
};

/**
 * Start the clock and install the SIGINT/SIGTERM handlers (they quit).
 * @return 0. Context: main thread, after rte_eal_init().
 */
int app_init(struct app *app);

/** Ask every thread to stop. Context: any thread, and signal handlers. */
void app_request_quit(struct app *app);

/** @return true once app_request_quit() was called. Context: any. */
static inline bool
app_quit_requested(const struct app *app)
{
	return __atomic_load_n(&app->quit, __ATOMIC_ACQUIRE) != 0;
}

/** Milliseconds since start, from the TSC. Context: any. */
uint64_t app_uptime_ms(const struct app *app);

#endif /* APP_H */
