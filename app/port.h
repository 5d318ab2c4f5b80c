/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethdev setup and teardown for main.c: maps [port N] to the Nth DPDK port,
 * creates the mbuf pool, one RX and one TX queue per polling worker, RSS over
 * IPv4/TCP when there is more than one queue. Runs before any worker starts;
 * the workers copy what they need (ethdev id, MAC) when they are created.
 */
#ifndef APP_PORT_H
#define APP_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "fp/cfg.h"

struct rte_mempool;

/** One configured port: [port index] of the config is ethdev port id. */
struct app_port {
	uint16_t index;                /**< N of [port N]: the fp_pkt.port lib/ sees */
	uint16_t id;                   /**< ethdev port id */
	struct rte_ether_addr mac;     /**< read at probe, before any worker is built */
	bool started;                  /**< rte_eth_dev_start() succeeded; stop and close it */
	bool tx_csum; /**< the NIC fills in IPv4 and TCP checksums on TX (both offered, used) */
	const struct fp_cfg_port *cfg; /**< its [port N] section */
};

/**
 * Bind the config's [port i] sections to ethdev ports (EAL order) and choose
 * the queue count: n_workers, capped by what every port supports.
 * @param ports     out: cfg->n_ports entries
 * @param n_queues  out: RX/TX queue pairs per port (>= 1)
 * @return 0, or -ENODEV (fewer ports than [port N] sections), -EINVAL, or
 *         an ethdev error (all logged).
 */
int app_port_probe(struct app_port *ports, const struct fp_cfg *cfg, unsigned n_workers,
		uint16_t *n_queues);

/**
 * Create the mbuf pool, sized from cfg->dpdk and the largest MTU.
 * @return the pool, or NULL (logged).
 */
struct rte_mempool *app_port_pool_create(const struct fp_cfg *cfg, uint16_t n_queues);

/**
 * Configure, set up n_queues queue pairs and start every port; print MAC and
 * link. On failure, ports already started are stopped and closed again.
 * @return 0 or a negative errno (logged).
 */
int app_port_start_all(struct app_port *ports, uint16_t n_ports, const struct fp_cfg_dpdk *dpdk,
		uint16_t n_queues, struct rte_mempool *pool);

/** Stop and close every started port. Call after the workers stopped. */
void app_port_stop_all(struct app_port *ports, uint16_t n_ports);

/** Print a started port's ethdev counters (summary at exit). */
void app_port_print_stats(const struct app_port *port);

#endif /* APP_PORT_H */
