/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ethdev setup and teardown for main.c: maps [port N] to the Nth DPDK port,
 * creates the mbuf pool, one RX and one TX queue per polling worker, RSS over
 * IPv4/TCP when there is more than one queue. Runs before any worker starts.
 */
#ifndef APP_PORT_H
#define APP_PORT_H

#include <stdint.h>

struct app;

/**
 * Bind [port i] to ethdev ports and choose the queue count: the number of
 * polling workers, capped by what every port supports. Fills app->port_ids,
 * app->n_ports and app->n_queues.
 * @return 0, or -ENODEV (fewer ports than [port N] sections), -EINVAL.
 */
int app_port_probe(struct app *app, unsigned n_workers);

/** Create app->pool, sized from cfg.dpdk and the largest MTU. @return 0 or -ENOMEM. */
int app_port_pool_create(struct app *app);

/**
 * Configure, set up queues and start every port; print MAC and link.
 * On failure, ports already started are stopped and closed again.
 * @return 0 or a negative errno.
 */
int app_port_start_all(struct app *app);

/** Copy port i's MAC into mac (6 bytes). */
void app_port_mac(const struct app *app, uint16_t i, uint8_t mac[6]);

/** Stop and close every started port. Call after the workers stopped. */
void app_port_stop_all(struct app *app);

/** Print per-port ethdev counters (summary at exit). */
void app_port_print_stats(const struct app *app);

#endif /* APP_PORT_H */
