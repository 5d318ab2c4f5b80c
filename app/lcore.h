/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcores: per-lcore state set-up (lib/ context, TCP engine memory,
 * ARP table, request ring) and the poll loop rx_burst -> fp_input() -> tx.
 * main.c creates them before launch and frees them after rte_eal_mp_wait_lcore().
 */
#ifndef APP_LCORE_H
#define APP_LCORE_H

#include <stdint.h>

struct app;
struct app_lcore;

/**
 * Allocate and initialise a worker on its NUMA socket.
 * @param stages  pipeline stage bits for this lcore (non-zero)
 * @return the worker, or NULL (logged).
 */
struct app_lcore *app_lcore_create(
		struct app *app, unsigned lcore_id, uint16_t queue, uint32_t stages);

/** Free a worker and its memory. The worker must not be running. */
void app_lcore_free(struct app_lcore *lc);

/** The poll loop; arg is the struct app_lcore. Returns when the stop flag is set. */
int app_lcore_main(void *arg);

/** Print a worker's non-zero counters (exit summary). */
void app_lcore_print_stats(const struct app_lcore *lc);

#endif /* APP_LCORE_H */
